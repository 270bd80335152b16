"""Paramètres > Email – SMTP: how homecrm sends e-mail."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, field_validator

from homecrm import validation
from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, setting

ENCRYPTIONS = {"ssl": N_("SSL (port 465)"), "tls": N_("TLS / STARTTLS (port 587)"), "none": N_("None (port 25)")}
CHARSETS = {"utf-8": "UTF-8", "iso-8859-1": "ISO-8859-1"}
PROTOCOLS = {"smtp": N_("SMTP")}  # Microsoft and Gmail OAuth 2.0: not available yet (shown on the page)


class SmtpSettings(SettingsSection):
    section = "smtp"
    title = N_("E-mail (SMTP)")
    intro = N_(
        "The mailbox homecrm sends from. Microsoft and Gmail OAuth 2.0 sign-in are not available yet: "
        "use the SMTP settings your provider gives (e.g. IONOS: smtp.ionos.fr, port 465, SSL)."
    )
    order = 35
    secret_bound_to = {"password": ("host", "port", "encryption", "username")}

    protocol: Literal["smtp"] = setting("smtp", label=N_("E-mail protocol"), widget="select", choices=PROTOCOLS)
    encryption: Literal["ssl", "tls", "none"] = setting(
        "ssl", label=N_("E-mail encryption"), widget="select", choices=ENCRYPTIONS
    )
    host: str = setting("", label=N_("SMTP server"), help=N_("e.g. smtp.ionos.fr"), max_length=255)
    port: int = setting(465, label=N_("SMTP port"), ge=1, le=65535)
    sender_email: str = setting("", label=N_("E-mail address"), help=N_("The sender of every message."))
    sender_name: str = setting("", label=N_("Sender name"), max_length=100)
    username: str = setting("", label=N_("SMTP user name"), help=N_("Often the e-mail address itself."), max_length=255)
    password: SecretStr = setting(
        SecretStr(""),
        label=N_("SMTP password"),
        help=N_("Stored encrypted."),
        widget="secret",
    )
    charset: Literal["utf-8", "iso-8859-1"] = setting(
        "utf-8", label=N_("Charset"), help=N_("UTF-8 is strongly advised for accents."), widget="select", choices=CHARSETS
    )
    bcc_all: str = setting("", label=N_("BCC all e-mails"), help=N_("A hidden copy of every message goes to this address."))
    signature: str = setting(
        "", label=N_("E-mail signature"), help=N_("Added at the end of every message."), widget="textarea", max_length=2000
    )

    @field_validator("host")
    @classmethod
    def _host(cls, v: str) -> str:
        v = v.strip()
        if v and (" " in v or "/" in v or ":" in v):
            raise ValueError(_("Give the server name only, e.g. smtp.ionos.fr (the port has its own field)."))
        return v

    @field_validator("sender_email", "bcc_all")
    @classmethod
    def _email(cls, v: str) -> str:
        return validation.email(v)
