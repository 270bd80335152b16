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
from email.utils import format_datetime, getaddresses, make_msgid

from sqlalchemy.orm import Session

from homecrm import clock
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
    recipients: list[str]  # the visible recipients (To, Cc) the server accepted
    response: str = ""
    refused: dict[str, str] = field(default_factory=dict)  # address → the server's answer (e.g. "550 …")
    bcc: str = ""  # the "BCC all e-mails" copy, never listed among the recipients

    def summary(self) -> str:
        """The log's "result": the server's answer and, when some were refused, who and why."""
        text = self.response
        if self.refused:
            text += " · " + _("refused: {who}").format(who=", ".join(f"{a} ({r})" for a, r in self.refused.items()))
        return text


def _body_charset(settings: SmtpSettings, text: str) -> str:
    """The configured charset, or UTF-8 for a message it cannot write (€, — in ISO-8859-1)."""
    try:
        text.encode(settings.charset)
    except (UnicodeEncodeError, LookupError):
        return "utf-8"
    return settings.charset


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
    message["Date"] = format_datetime(clock.now().astimezone())  # smtplib adds none; local time zone
    domain = settings.sender_email.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    text = body.rstrip()
    if settings.signature.strip():
        text += "\n\n-- \n" + settings.signature.strip()
    message.set_content(text + "\n", charset=_body_charset(settings, text))
    for item in attachments:
        maintype, _slash, subtype = item.mime.partition("/")
        message.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    return message


CAFILE_ENV = "HOMECRM_SMTP_CAFILE"  # an extra CA to trust (a company relay, the tests' own server)


def _answer(code: int, text: bytes | str) -> str:
    """``550 b'User unknown'`` → ``550 User unknown``."""
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()


def _connect(settings: SmtpSettings, where: str) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=os.environ.get(CAFILE_ENV) or None)
    if settings.encryption == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        if settings.encryption == "tls":
            client.ehlo()
            if not client.has_extn("starttls"):
                client.close()
                raise SmtpError(_("{server} does not offer STARTTLS: choose SSL or no encryption as your provider "
                                  "says.").format(server=where))
            client.starttls(context=context)
    client.ehlo()
    return client


def _login(client: smtplib.SMTP, settings: SmtpSettings, where: str) -> None:
    if not settings.username:
        return
    if not client.has_extn("auth"):
        raise SmtpError(_("{server} does not offer authentication (AUTH): leave the user name empty, or choose the "
                          "encryption your provider gives (many servers ask for a sign-in only over TLS).").format(
                              server=where))
    client.login(settings.username, secret_value(settings.password))


def _refusal(where: str, code: int, text: str) -> str | None:
    """A 530 answer: the server wants encryption (STARTTLS) or a sign-in first."""
    if code != 530:
        return None
    if "starttls" in text.lower() or "tls" in text.lower():
        return _("{server} requires an encrypted connection: choose TLS (STARTTLS, usually port 587) or SSL "
                 "(port 465).").format(server=where)
    return _("{server} requires a sign-in: fill in the user name and the password.").format(server=where)


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, (TimeoutError, socket.timeout)) or isinstance(exc.__context__, (TimeoutError, socket.timeout))


def _explain(exc: BaseException, settings: SmtpSettings, where: str) -> str:
    """The landlord's sentence for a failed SMTP conversation."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("{server} refused the user name or password.").format(server=where)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = {a: _answer(*r) for a, r in exc.recipients.items()}
        codes = {r[0] for r in exc.recipients.values()}
        if len(codes) == 1 and (why := _refusal(where, codes.pop(), " ".join(answers.values()))):
            return why
        return _("{server} refused the recipient(s): {who}.").format(
            server=where, who=", ".join(f"{a} ({r})" for a, r in answers.items()))
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _refusal(where, exc.smtp_code, _answer(exc.smtp_code, exc.smtp_error)) or _(
            "{server} refused the sender address {sender}: {answer}.").format(
                server=where, sender=settings.sender_email, answer=_answer(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 530:
        return _refusal(where, exc.smtp_code, _answer(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("The certificate of {server} cannot be verified ({reason}): it is self-signed, expired or issued "
                 "for another name. Use the exact server name your provider gives.").format(
                     server=where, reason=exc.verify_message or exc.reason)
    if isinstance(exc, ssl.SSLError):
        return _("TLS handshake with {server} failed: check the encryption (SSL is usually port 465, TLS port "
                 "587).").format(server=where)
    if isinstance(exc, ConnectionRefusedError):
        return _("Connection refused by {server}: check the server name and port.").format(server=where)
    if _timed_out(exc):
        if settings.encryption == "tls":
            return _("{server} did not answer in time: with TLS (STARTTLS) on an SSL port (usually 465) the server "
                     "waits silently; choose SSL, or check the port and the firewall.").format(server=where)
        return _("{server} did not answer in time (firewall, wrong port?).").format(server=where)
    if isinstance(exc, socket.gaierror):
        return _("The server name {host} cannot be found.").format(host=settings.host)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _("{server} cannot send to an address with accented letters (no SMTPUTF8 support): use the "
                 "recipient's address without accents, or another server.").format(server=where)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("{server} closed the connection: the encryption setting probably does not match the port.").format(
            server=where)
    return _("Sending through {server} failed: {error}.").format(server=where, error=type(exc).__name__)


def send_email(settings: SmtpSettings, message: EmailMessage) -> SentMessage:
    """Send ``message``; BCC to the settings' "BCC all e-mails" address when set.

    Recipients the server refuses while accepting others are reported in ``refused``; when it
    refuses them all, nothing was sent and ``SmtpError`` says why.
    """
    if not settings.host or not settings.sender_email:
        raise SmtpError(_("E-mail is not configured: fill in the server and the sender in Settings > SMTP."))
    headers = [str(h) for h in message.get_all("To", []) + message.get_all("Cc", [])]
    recipients = [address for _name, address in getaddresses(headers) if address]
    envelope = recipients + ([settings.bcc_all] if settings.bcc_all else [])
    where = f"{settings.host}:{settings.port}"
    try:
        with _connect(settings, where) as client:
            _login(client, settings, where)
            rejected = client.send_message(message, to_addrs=envelope)
            code, response = client.noop()
    except SmtpError:
        raise
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpError(_explain(exc, settings, where)) from None
    refused = {address: _answer(*answer) for address, answer in rejected.items()}
    accepted = [a for a in recipients if a not in refused]
    if recipients and not accepted:  # only the hidden copy went out: the tenant got nothing
        raise SmtpError(_("{server} refused the recipient(s): {who}.").format(
            server=where, who=", ".join(f"{a} ({r})" for a, r in refused.items())))
    log.info("e-mail %s sent to %d recipient(s) via %s, %d refused", message["Message-ID"], len(accepted), where,
             len(refused))
    return SentMessage(message_id=str(message["Message-ID"]), recipients=accepted, response=_answer(code, response),
                       refused=refused, bcc=settings.bcc_all if settings.bcc_all not in refused else "")


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
