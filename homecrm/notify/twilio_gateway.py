"""SMS through Twilio's official client; its errors translated for the landlord."""

from __future__ import annotations

import os
from dataclasses import dataclass

from homecrm.errors import HomecrmError
from homecrm.i18n import N_, _
from homecrm.notify.sms import MAX_SEGMENTS, segment_info
from homecrm.settings.base import secret_value
from homecrm.settings.sections import SmsGatewaySettings

API_BASE_ENV = "HOMECRM_TWILIO_API_BASE"  # tests point the client at a local server

_ERRORS = {
    21211: N_("The phone number {to} is not valid for Twilio."),
    21608: N_("Twilio refused {to}: with a trial account, only verified numbers can receive SMS."),
    21610: N_("{to} has unsubscribed from your SMS (STOP)."),
    21614: N_("{to} is not a mobile number: it cannot receive SMS."),
    20003: N_("Twilio refused the account SID or auth token: check them in Settings > SMS."),
    21606: N_("The sender number is not an SMS-capable Twilio number of this account."),
}


class SmsError(HomecrmError):
    """Sending failed; the message says why."""


@dataclass(frozen=True)
class SentSms:
    sid: str
    status: str


def _client(settings: SmsGatewaySettings):
    from twilio.rest import Client

    client = Client(settings.twilio_account_sid, secret_value(settings.twilio_auth_token))
    base = os.environ.get(API_BASE_ENV)
    if base:
        client.api.base_url = base
    return client


def send_sms(settings: SmsGatewaySettings, *, to: str, body: str) -> SentSms:
    """Send ``body`` to ``to`` (E.164) through the active gateway."""
    from twilio.base.exceptions import TwilioException, TwilioRestException

    if settings.active_gateway != "twilio":
        raise SmsError(_("No SMS gateway is active (Settings > SMS)."))
    if segment_info(body).segments > MAX_SEGMENTS:
        raise SmsError(_("This SMS is longer than {n} segments.").format(n=MAX_SEGMENTS))
    params = {"to": to, "body": body}
    if settings.twilio_messaging_service_sid:
        params["messaging_service_sid"] = settings.twilio_messaging_service_sid
    else:
        params["from_"] = settings.twilio_from
    try:
        message = _client(settings).messages.create(**params)
    except TwilioRestException as exc:
        template = _ERRORS.get(exc.code)
        if template:
            raise SmsError(_(template).format(to=to)) from None
        raise SmsError(_("Twilio refused the SMS (error {code}).").format(code=exc.code or exc.status)) from None
    except (TwilioException, OSError) as exc:
        raise SmsError(_("Twilio cannot be reached: {error}.").format(error=type(exc).__name__)) from None
    return SentSms(sid=message.sid, status=message.status or "")
