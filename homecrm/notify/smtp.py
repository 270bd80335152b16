"""E-mail over SMTP with Python's smtplib; the spec's PHP engines do not apply.

``send_email`` reports precisely what failed (connection refused, timeout, TLS mismatch,
authentication, recipient refused) in a sentence for the landlord; the password is never logged
nor put in a message.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

from sqlalchemy.orm import Session

from homecrm.errors import HomecrmError
from homecrm.i18n import _
from homecrm.security.principal import Principal, require
from homecrm.settings import load_section
from homecrm.settings.base import secret_value
from homecrm.settings.sections.smtp import SmtpSettings

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 20


class SmtpError(HomecrmError):
    """Sending failed; the message says why in the landlord's words."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = "application/pdf"


@dataclass(frozen=True)
class SentMessage:
    message_id: str
    recipients: list[str]
    response: str = ""
    rejected: dict = field(default_factory=dict)


def build_message(
    settings: SmtpSettings, *, to: list[str], subject: str, body: str, attachments: list[Attachment] = (),
    cc: list[str] = (),
) -> EmailMessage:
    message = EmailMessage()
    sender = Address(display_name=settings.sender_name, addr_spec=settings.sender_email) if settings.sender_name \
        else settings.sender_email
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    domain = settings.sender_email.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    text = body.rstrip()
    if settings.signature.strip():
        text += "\n\n-- \n" + settings.signature.strip()
    message.set_content(text + "\n", charset=settings.charset)
    for item in attachments:
        maintype, _slash, subtype = item.mime.partition("/")
        message.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    return message


CAFILE_ENV = "HOMECRM_SMTP_CAFILE"  # an extra CA to trust (a company relay, the tests' own server)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=os.environ.get(CAFILE_ENV) or None)
    if settings.encryption == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        if settings.encryption == "tls":
            client.ehlo()
            client.starttls(context=context)
    client.ehlo()
    return client


def send_email(settings: SmtpSettings, message: EmailMessage) -> SentMessage:
    """Send ``message``; BCC to the settings' "BCC all e-mails" address when set."""
    if not settings.host or not settings.sender_email:
        raise SmtpError(_("E-mail is not configured: fill in the server and the sender in Settings > SMTP."))
    headers = [str(h) for h in message.get_all("To", []) + message.get_all("Cc", [])]
    recipients = [address for _name, address in getaddresses(headers) if address]
    if settings.bcc_all:
        recipients.append(settings.bcc_all)
    where = f"{settings.host}:{settings.port}"
    try:
        with _connect(settings) as client:
            password = secret_value(settings.password)
            if settings.username:
                client.login(settings.username, password)
            rejected = client.send_message(message, to_addrs=recipients)
            code, response = client.noop()
    except smtplib.SMTPAuthenticationError:
        raise SmtpError(_("{server} refused the user name or password.").format(server=where)) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SmtpError(
            _("{server} refused the recipient(s): {who}.").format(server=where, who=", ".join(exc.recipients))
        ) from None
    except smtplib.SMTPSenderRefused:
        raise SmtpError(
            _("{server} refused the sender address {sender}.").format(server=where, sender=settings.sender_email)
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SmtpError(
            _("{server} does not offer STARTTLS: choose SSL or no encryption as your provider says.").format(server=where)
        ) from None
    except ssl.SSLError:
        raise SmtpError(
            _("TLS handshake with {server} failed: check the encryption (SSL is usually port 465, TLS port 587).").format(
                server=where
            )
        ) from None
    except ConnectionRefusedError:
        raise SmtpError(_("Connection refused by {server}: check the server name and port.").format(server=where)) from None
    except (TimeoutError, socket.timeout):
        raise SmtpError(_("{server} did not answer in time (firewall, wrong port?).").format(server=where)) from None
    except socket.gaierror:
        raise SmtpError(_("The server name {host} cannot be found.").format(host=settings.host)) from None
    except smtplib.SMTPServerDisconnected:
        raise SmtpError(
            _("{server} closed the connection: the encryption setting probably does not match the port.").format(
                server=where
            )
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpError(_("Sending through {server} failed: {error}.").format(server=where, error=type(exc).__name__)) from None
    log.info("e-mail %s sent to %d recipient(s) via %s", message["Message-ID"], len(recipients), where)
    return SentMessage(message_id=str(message["Message-ID"]), recipients=recipients, response=f"{code} {response!r}",
                       rejected=dict(rejected))


def send_test_email(session: Session, *, actor: Principal, to: str) -> SentMessage:
    """The settings page's "Send a test e-mail" button."""
    from homecrm import validation

    require(session, actor, "settings", "edit")
    try:
        address = validation.email(to, required=True)
    except ValueError as exc:
        from homecrm.errors import ValidationError

        raise ValidationError(str(exc), field="to") from None
    settings = load_section(session, SmtpSettings)
    message = build_message(
        settings,
        to=[address],
        subject=_("homecrm test e-mail — accents: é à ç € ✓"),
        body=_("This message confirms that homecrm can send e-mail with these settings."),
    )
    return send_email(settings, message)
