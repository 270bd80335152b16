"""Paramètres > SMS (Twilio gateway and triggers), e-mail templates and reminder timing."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import SecretStr, ValidationInfo, field_validator, model_validator

from homecrm import validation
from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, is_stored, secret_value, setting, template_field

# Merge fields every message may use; each trigger lists its own below.
DOCUMENT_FIELDS = ("client_name", "company_name", "invoice_number", "document_title", "amount", "balance",
                   "due_date", "period", "payment_link")
LEASE_FIELDS = ("client_name", "company_name", "unit", "end_date")
CREDIT_NOTE_FIELDS = ("client_name", "company_name", "credit_note_number", "invoice_number", "amount")
STATEMENT_FIELDS = ("client_name", "company_name", "period", "balance")
STAFF_FIELDS = ("staff_name", "description", "date")
# A payment confirmation also says what was received, and when ({balance}: what was left after it).
PAYMENT_FIELDS = (*DOCUMENT_FIELDS, "payment_amount", "payment_date")

SMS_GATEWAYS = {"none": N_("No SMS"), "twilio": "Twilio"}
NOT_AVAILABLE_GATEWAYS = ("Clickatell", "MSG91")


class SmsGatewaySettings(SettingsSection):
    section = "sms"
    title = N_("SMS: gateway")
    intro = N_("Only one SMS gateway is active at a time. Clickatell and MSG91 are not available yet.")
    order = 90

    active_gateway: Literal["none", "twilio"] = setting(
        "none", label=N_("Active gateway"), help=N_("Activating one gateway deactivates the others."),
        widget="select", choices=SMS_GATEWAYS,
    )
    twilio_account_sid: str = setting("", label=N_("Twilio account SID"), help=N_("AC… (Twilio console)."), max_length=64)
    twilio_auth_token: SecretStr = setting(SecretStr(""), label=N_("Twilio auth token"), help=N_("Stored encrypted."),
                                           widget="secret")
    twilio_from: str = setting("", label=N_("Sender number"), help=N_("Your Twilio number in international format, e.g. +33757000000."))
    twilio_messaging_service_sid: str = setting(
        "", label=N_("Messaging service SID"), help=N_("MG…; used instead of the sender number when given."), max_length=64)

    @field_validator("twilio_account_sid")
    @classmethod
    def _sid(cls, v: str) -> str:
        v = v.strip()
        if v and not re.fullmatch(r"AC[0-9a-fA-F]{32}", v):
            raise ValueError(_("A Twilio account SID is AC followed by 32 hexadecimal characters."))
        return v

    @field_validator("twilio_messaging_service_sid")
    @classmethod
    def _service(cls, v: str) -> str:
        v = v.strip()
        if v and not re.fullmatch(r"MG[0-9a-fA-F]{32}", v):
            raise ValueError(_("A messaging service SID is MG followed by 32 hexadecimal characters."))
        return v

    @field_validator("twilio_from")
    @classmethod
    def _from(cls, v: str, info: ValidationInfo) -> str:
        """A national number is read in the default country of Paramètres > Clients, never guessed."""
        if not v.strip():
            return ""
        session = (info.context or {}).get("session")
        country = "FR"
        if session is not None:
            from homecrm.settings.base import load_section
            from homecrm.settings.sections.clients import ClientSettings

            country = load_section(session, ClientSettings).default_country
        return validation.phone(v, country)

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> SmsGatewaySettings:
        if self.active_gateway == "twilio" and not is_stored(info):
            missing = [label for value, label in (
                (self.twilio_account_sid, _("account SID")), (secret_value(self.twilio_auth_token), _("auth token")),
                (self.twilio_from or self.twilio_messaging_service_sid, _("sender number or messaging service")),
            ) if not value]
            if missing:
                raise ValueError(_("To activate Twilio, give the {missing}.").format(missing=", ".join(missing)))
        return self


def sms_template(default: str, label: str, help: str, fields: tuple[str, ...], waiting_for: str | None = None):  # noqa: A002
    return setting(default, label=label, help=help, widget="sms_template", placeholders=fields, waiting_for=waiting_for,
                   max_length=1600)


SAMPLE_VALUES = {
    "client_name": "Marie Dupont", "company_name": "SCI Les Tilleuls", "invoice_number": "QUI-000123",
    "document_title": "Avis d'échéance", "amount": "650,00 €", "balance": "650,00 €", "due_date": "05/03/2026",
    "period": "mars 2026", "payment_link": "https://buy.stripe.com/test_abcdefgh", "unit": "Résidence - Apt 1",
    "end_date": "31/08/2026", "staff_name": "Julie", "description": "Visite", "date": "05/03/2026",
    "payment_amount": "650,00 €", "payment_date": "04/03/2026",
}


def sample_sms(value: str) -> str:
    """The template with typical values: what the tenant would receive (and what is billed)."""
    from homecrm.notify.sms import sms_amount
    from homecrm.render.placeholders import render_template

    return sms_amount(render_template(value, SAMPLE_VALUES))


def _check_sms(value: str, fields: tuple[str, ...]) -> str:
    from homecrm.notify.sms import MAX_SEGMENTS, segment_info

    template_field(value, fields)
    info = segment_info(sample_sms(value))
    if info.segments > MAX_SEGMENTS:
        raise ValueError(_("This text takes {n} SMS segments; the limit is {limit}.").format(n=info.segments, limit=MAX_SEGMENTS))
    return value


SMS_TRIGGERS: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    # trigger: (label, merge fields, module it waits for)
    "invoice_overdue": (N_("Invoice overdue notice"), DOCUMENT_FIELDS, None),
    "invoice_due": (N_("Invoice due notice"), DOCUMENT_FIELDS, None),
    "payment_recorded": (N_("Invoice payment recorded"), PAYMENT_FIELDS, None),
    "estimate_expiry": (N_("Estimate expiration reminder"), ("client_name",), "estimates"),
    "proposal_expiry": (N_("Proposal expiration reminder"), ("client_name",), "proposals"),
    "new_comment": (N_("New comment on proposal / contract"), ("client_name",), "proposals"),
    "contract_expiry": (N_("Contract (lease) expiration reminder"), LEASE_FIELDS, None),
    "contract_sign": (N_("Contract sign reminder"), ("client_name",), "e-sign"),
    "staff_reminder": (N_("Staff reminder"), STAFF_FIELDS, "staff-phones"),
}


class SmsTriggerSettings(SettingsSection):
    section = "sms_triggers"
    title = N_("SMS: triggers")
    intro = N_("Each trigger has its own text. Amounts are written without non-breaking spaces.")
    order = 91

    invoice_overdue_enabled: bool = setting(False, label=N_("Invoice overdue notice: send"))
    invoice_overdue: str = sms_template(
        "Rappel : le loyer {invoice_number} de {amount} etait du le {due_date}. Reste a payer {balance}. {company_name}",
        N_("Invoice overdue notice"), N_("Sent with each overdue reminder."), DOCUMENT_FIELDS)
    invoice_due_enabled: bool = setting(False, label=N_("Invoice due notice: send"))
    invoice_due: str = sms_template(
        "Bonjour {client_name}, votre loyer {period} de {amount} est a regler avant le {due_date}. Reste a payer "
        "{balance}. {company_name}",
        N_("Invoice due notice"), N_("Sent some days before the due date."), DOCUMENT_FIELDS)
    payment_recorded_enabled: bool = setting(False, label=N_("Invoice payment recorded: send"))
    payment_recorded: str = sms_template(
        "Merci {client_name}, nous avons bien recu votre paiement de {payment_amount} pour {invoice_number}. "
        "Reste a payer : {balance}.",
        N_("Invoice payment recorded"), N_("Sent once per payment."), PAYMENT_FIELDS)
    contract_expiry_enabled: bool = setting(False, label=N_("Contract expiration reminder: send"))
    contract_expiry: str = sms_template(
        "Bonjour {client_name}, votre bail ({unit}) se termine le {end_date}. {company_name}",
        N_("Contract (lease) expiration reminder"), N_("Sent some days before a lease ends."), LEASE_FIELDS)
    estimate_expiry_enabled: bool = setting(False, label=N_("Estimate expiration reminder: send"))
    estimate_expiry: str = sms_template("", N_("Estimate expiration reminder"), N_("Waiting for the estimates module."),
                                        ("client_name",), "estimates")
    proposal_expiry_enabled: bool = setting(False, label=N_("Proposal expiration reminder: send"))
    proposal_expiry: str = sms_template("", N_("Proposal expiration reminder"), N_("Waiting for the proposals module."),
                                        ("client_name",), "proposals")
    new_comment_enabled: bool = setting(False, label=N_("New comment on proposal / contract: send"))
    new_comment: str = sms_template("", N_("New comment on proposal / contract"), N_("Waiting for the proposals module."),
                                    ("client_name",), "proposals")
    contract_sign_enabled: bool = setting(False, label=N_("Contract sign reminder: send"))
    contract_sign: str = sms_template("", N_("Contract sign reminder"), N_("Waiting for electronic signature."),
                                      ("client_name",), "e-sign")
    staff_reminder_enabled: bool = setting(False, label=N_("Staff reminder: send"))
    staff_reminder: str = sms_template("", N_("Staff reminder"), N_("Calendar reminders are e-mailed to staff."),
                                       STAFF_FIELDS, "staff-phones")

    @field_validator(*SMS_TRIGGERS)
    @classmethod
    def _template(cls, v: str, info) -> str:
        v = _check_sms(v, SMS_TRIGGERS[info.field_name][1])
        return _no_fee(v) if info.field_name in ("invoice_due", "invoice_overdue") else v


def _no_fee(text: str) -> str:
    """Reminders go to residential tenants too: no fee or penalty may be asked of them (loi 89-462, art. 4 p)."""
    from homecrm.billing.documents import fee_word

    word = fee_word(text)
    if word:
        raise ValueError(_("Reminders also reach residential tenants, who may not be charged reminder fees or "
                           "penalties (loi du 6 juillet 1989, art. 4): remove \"{word}\".").format(word=word))
    return text


class EmailTemplateSettings(SettingsSection):
    section = "email_templates"
    title = N_("E-mail templates")
    intro = N_("Subjects and texts of the e-mails homecrm sends. The signature of the SMTP settings is added.")
    order = 36

    document_subject: str = setting("{document_title} {invoice_number}", label=N_("Document e-mail: subject"),
                                    widget="template", placeholders=DOCUMENT_FIELDS, max_length=300)
    document_body: str = setting(
        "Bonjour {client_name},\n\nVeuillez trouver ci-joint votre document {invoice_number} ({period}).\n"
        "Montant : {amount} — reste à payer : {balance}.\n{payment_link}",
        label=N_("Document e-mail: text"), widget="template", placeholders=DOCUMENT_FIELDS, max_length=5000)
    due_subject: str = setting("Échéance de loyer {period}", label=N_("Due notice: subject"), widget="template",
                               placeholders=DOCUMENT_FIELDS, max_length=300)
    due_body: str = setting(
        "Bonjour {client_name},\n\nVotre loyer de {period} ({amount}) est à régler avant le {due_date}. "
        "Reste à payer : {balance}.\nDocument joint : {document_title} {invoice_number}.\n{payment_link}",
        label=N_("Due notice: text"), widget="template", placeholders=DOCUMENT_FIELDS, max_length=5000)
    overdue_subject: str = setting("Rappel : loyer {period} impayé", label=N_("Overdue notice: subject"),
                                   widget="template", placeholders=DOCUMENT_FIELDS, max_length=300)
    overdue_body: str = setting(
        "Bonjour {client_name},\n\nSauf erreur de notre part, le loyer {invoice_number} dû le {due_date} n'est pas "
        "entièrement réglé. Reste à payer : {balance}.\nMerci de régulariser votre situation.\n{payment_link}",
        label=N_("Overdue notice: text"), widget="template", placeholders=DOCUMENT_FIELDS, max_length=5000)
    payment_subject: str = setting("Paiement reçu — {invoice_number}", label=N_("Payment confirmation: subject"),
                                   widget="template", placeholders=PAYMENT_FIELDS, max_length=300)
    payment_body: str = setting(
        "Bonjour {client_name},\n\nNous avons bien reçu votre paiement de {payment_amount} du {payment_date} pour "
        "{invoice_number}. Reste à payer : {balance}.",
        label=N_("Payment confirmation: text"), widget="template", placeholders=PAYMENT_FIELDS, max_length=5000)
    credit_note_subject: str = setting("Note de crédit {credit_note_number}", label=N_("Credit note e-mail: subject"),
                                       widget="template", placeholders=CREDIT_NOTE_FIELDS, max_length=300)
    credit_note_body: str = setting(
        "Bonjour {client_name},\n\nVeuillez trouver ci-joint la note de crédit {credit_note_number} ({amount}) "
        "relative au document {invoice_number}.",
        label=N_("Credit note e-mail: text"), widget="template", placeholders=CREDIT_NOTE_FIELDS, max_length=5000)
    statement_subject: str = setting("Relevé de compte — {period}", label=N_("Statement e-mail: subject"),
                                     widget="template", placeholders=STATEMENT_FIELDS, max_length=300)
    statement_body: str = setting(
        "Bonjour {client_name},\n\nVeuillez trouver ci-joint votre relevé de compte ({period}). Solde : {balance}.",
        label=N_("Statement e-mail: text"), widget="template", placeholders=STATEMENT_FIELDS, max_length=5000)
    lease_end_subject: str = setting("Fin de bail le {end_date}", label=N_("Lease end: subject"), widget="template",
                                     placeholders=LEASE_FIELDS, max_length=300)
    lease_end_body: str = setting(
        "Bonjour {client_name},\n\nVotre bail ({unit}) arrive à échéance le {end_date}.",
        label=N_("Lease end: text"), widget="template", placeholders=LEASE_FIELDS, max_length=5000)

    @field_validator("document_subject", "document_body", "due_subject", "due_body", "overdue_subject", "overdue_body",
                     "payment_subject", "payment_body")
    @classmethod
    def _document(cls, v: str, info) -> str:
        v = template_field(v, PAYMENT_FIELDS if info.field_name.startswith("payment_") else DOCUMENT_FIELDS)
        return _no_fee(v) if info.field_name.startswith(("due_", "overdue_")) else v

    @field_validator("lease_end_subject", "lease_end_body")
    @classmethod
    def _lease(cls, v: str) -> str:
        return template_field(v, LEASE_FIELDS)

    @field_validator("credit_note_subject", "credit_note_body")
    @classmethod
    def _credit_note(cls, v: str) -> str:
        return template_field(v, CREDIT_NOTE_FIELDS)

    @field_validator("statement_subject", "statement_body")
    @classmethod
    def _statement(cls, v: str) -> str:
        return template_field(v, STATEMENT_FIELDS)


class ReminderSettings(SettingsSection):
    section = "reminders"
    title = N_("Reminders")
    intro = N_("When homecrm chases rent on its own (homecrm reminders run, from cron). Nothing is sent at night: "
               "it waits for the morning in the tenant's time zone.")
    order = 92

    due_notice_email: bool = setting(False, label=N_("E-mail the due notice"))
    due_notice_days: int = setting(5, label=N_("Days before the due date"), ge=0, le=31)
    overdue_email: bool = setting(False, label=N_("E-mail overdue reminders"))
    overdue_every_days: int = setting(7, label=N_("Overdue reminder every (days)"), ge=1, le=60)
    overdue_max: int = setting(3, label=N_("At most (overdue reminders per document)"), ge=1, le=10)
    payment_email: bool = setting(False, label=N_("E-mail a confirmation when a payment is recorded"))
    lease_end_email: bool = setting(False, label=N_("E-mail before a lease ends"))
    lease_end_days: int = setting(60, label=N_("Days before the lease ends"), ge=1, le=365)
    quiet_start: str = setting("20:00", label=N_("Quiet hours start"), help=N_("HH:MM, tenant's local time."))
    quiet_end: str = setting("08:00", label=N_("Quiet hours end"), help=N_("HH:MM, tenant's local time."))

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v.strip()):
            raise ValueError(_("Use the HH:MM form, e.g. 08:00."))
        return v.strip()
