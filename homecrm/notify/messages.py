"""Sending a document by e-mail (with its PDF) and the log of every message.

A quittance may be e-mailed only to a tenant who agreed to electronic delivery (loi 89-462,
art. 21: consent recorded with its date and channel); otherwise the page says why and offers the
download. Each message is logged — when, to whom, what, the SMTP or Twilio answer — and shown on
the tenant's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.billing.documents import document_title, documents_for_render, get_document
from homecrm.billing.exports import _link_url
from homecrm.errors import ValidationError
from homecrm.i18n import N_, _, language
from homecrm.notify.smtp import Attachment, SmtpError, build_message, send_email
from homecrm.render.context import DocumentContext
from homecrm.render.formatting import Formats
from homecrm.render.placeholders import fill_fields, render_template
from homecrm.render.rent_document import pdf_filename, render_rent_document_pdf
from homecrm.security.principal import Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import EmailTemplateSettings, SmtpSettings
from homecrm.settings.sections.messaging import DOCUMENT_FIELDS
from homecrm.store.models import Customer, MessageLog, RentDocument
from homecrm.settings.local_time import local_today


def recipients_of(customer: Customer) -> list[str]:
    """The tenant's e-mail and its contacts', primary first, without duplicates."""
    emails = [customer.email] + [c.email for c in sorted(customer.contacts, key=lambda c: not c.is_primary)]
    return list(dict.fromkeys(e for e in emails if e))


def quittance_consent_missing(doc: RentDocument) -> str | None:
    """Why this document may not be e-mailed (a quittance without consent), or None."""
    if doc.payment_status == "paid" and doc.state == "issued" and doc.customer.email_consent_on is None:
        return _("{tenant} has not agreed to receive quittances electronically (loi 89-462, art. 21): record the "
                 "consent on the tenant's page, or download the PDF and hand it over.").format(
                     tenant=doc.customer.display_name)
    return None


def document_values(doc: RentDocument, ctx: DocumentContext, *, link_url: str | None = None, for_sms: bool = False) -> dict:
    lang = ctx.language_for(doc.customer.language)
    fmt = Formats.from_settings(ctx.finance, ctx.localization, lang)
    with language(lang):
        values = {
            "client_name": doc.customer.display_name,
            "company_name": ctx.landlord_name,
            "invoice_number": doc.number or "",
            "document_title": _(document_title(doc)),
            "amount": fmt.money(doc.amount_due, doc.currency),
            "balance": fmt.money(doc.balance, doc.currency),
            "due_date": fmt.date(doc.due_date),
            "period": fmt.month(doc.period_start),
            "payment_link": link_url or "",
        }
    if for_sms:
        from homecrm.notify.sms import sms_amount

        values = {k: sms_amount(v) for k, v in values.items()}
    return values


# Sending a message to a tenant is an action, not a reading: a read-only role may not do it.
SEND_RIGHT = {"document": ("documents", "create"), "statement": ("documents", "create"),
              "credit_note": ("credit_notes", "create")}


def may_send(actor: Principal, kind: str) -> bool:
    """Whether the page should offer the "Send" button for ``kind`` (the service checks again)."""
    return actor.can(*SEND_RIGHT[kind])


@dataclass(frozen=True)
class DraftEmail:
    to: list[str]
    subject: str
    body: str
    attachment_name: str
    blocked: str | None  # why it cannot be sent


@dataclass(frozen=True)
class SentEmail:
    entry: MessageLog
    refused: dict[str, str]  # address → the server's answer
    bcc: str = ""

    def report(self) -> str:
        """The landlord's sentence: who got it, who was refused (the hidden copy apart)."""
        text = _("E-mail sent to {to}.").format(to=self.entry.recipient)
        if self.refused:
            text += " " + _("The server refused: {who}.").format(
                who=", ".join(f"{a} ({r})" for a, r in self.refused.items()))
        if self.bcc:
            text += " " + _("Hidden copy to {bcc}.").format(bcc=self.bcc)
        return text


def _no_address(customer: Customer) -> str:
    return _("{tenant} has no e-mail address: add one on the tenant's page, or type a recipient.").format(
        tenant=customer.display_name)


def draft_document_email(session: Session, *, actor: Principal, document_id: int) -> DraftEmail:
    """What would be sent for this document (the preview of the page)."""
    require(session, actor, "documents", "view_own")
    doc = documents_for_render(session, [get_document(session, document_id, actor=actor).id])[0]
    ctx = DocumentContext.load(session)
    templates = load_section(session, EmailTemplateSettings)
    values = document_values(doc, ctx, link_url=_link_url(session, doc, ctx))
    to = recipients_of(doc.customer)
    blocked = quittance_consent_missing(doc) or (None if to else _no_address(doc.customer))
    return DraftEmail(to, render_template(templates.document_subject, values), render_template(templates.document_body, values),
                      pdf_filename(doc), blocked)


def _log(session: Session, **fields) -> MessageLog:
    entry = MessageLog(**fields)
    session.add(entry)
    session.flush()
    return entry


def check_recipients(addresses: list[str], customer: Customer) -> list[str]:
    from homecrm import validation

    if not addresses:
        raise ValidationError(_no_address(customer), field="to")
    try:
        return [validation.email(address, required=True) for address in addresses]
    except ValueError as exc:
        raise ValidationError(str(exc), field="to") from None


def send_with_pdf(session: Session, *, actor: Principal, kind: str, customer_id: int, to: list[str], subject: str,
                  body: str, filename: str, pdf: bytes, document_id: int | None = None,
                  submission: str | None = None) -> SentEmail:
    """Send one e-mail with a PDF attached and log it; a failure is logged too, and nothing is marked sent.

    ``submission`` is the form's one-time token: a second submission of the same form (double
    click) is refused before anything is sent.

    Sending cannot be undone, so it is not part of the caller's transaction: the log row ("sending")
    and the token are committed before the SMTP conversation — which then holds no database lock,
    however slow the server — and the outcome is written right after (a failure committed at once,
    so it stays logged when the error goes up to the caller).
    """
    from homecrm.billing.payments import claim_submission, release_submission

    require(session, actor, *SEND_RIGHT[kind])
    claim_submission(session, submission, _(
        "This e-mail was already sent by this form (double click?): it went out only once. To send it again, "
        "click the button again."))
    settings = load_section(session, SmtpSettings)
    message = build_message(settings, to=to, subject=subject, body=body, attachments=[Attachment(filename, pdf)])
    common = {"channel": "email", "kind": kind, "customer_id": customer_id, "document_id": document_id,
              "subject": subject, "body": body, "attachment": filename, "attempts": 1, "created_by_id": actor.user_id}
    entry = _log(session, recipient=", ".join(to), status="sending", **common)
    session.commit()
    try:
        sent = send_email(settings, message)
    except SmtpError as exc:
        entry.status, entry.result = "failed", str(exc)[:500]
        release_submission(session, submission)  # nothing went out: the same form may try again
        session.commit()
        raise
    entry.recipient, entry.status, entry.provider_id = ", ".join(sent.recipients), "sent", sent.message_id
    entry.result, entry.sent_at = sent.summary()[:500], clock.now()
    session.flush()
    return SentEmail(entry, sent.refused, sent.bcc)


def final_text(edited: str | None, drafted: str, fields: tuple[str, ...], values: dict, *, field: str) -> str:
    """The text to send: the draft, or the landlord's edit of it with merge fields still filled in."""
    if edited is not None and not edited.strip():
        raise ValidationError(_(EMPTY_TEXT[field]), field=field)
    if edited is None or edited == drafted:
        return drafted  # already rendered: never read again as a template (literal braces stay)
    return fill_fields(edited, values, fields, literal_in=drafted, field=field)


EMPTY_TEXT = {"subject": N_("The subject is empty: an e-mail to a tenant needs one."),
              "body": N_("The message is empty: write a few words to go with the attachment.")}


def send_document_email(
    session: Session, *, actor: Principal, document_id: int, to: list[str] | None = None,
    subject: str | None = None, body: str | None = None, submission: str | None = None,
) -> SentEmail:
    """E-mail a rent document with its PDF; refused for a quittance without the tenant's consent."""
    require(session, actor, *SEND_RIGHT["document"])
    draft = draft_document_email(session, actor=actor, document_id=document_id)
    doc = documents_for_render(session, [document_id])[0]
    refused = quittance_consent_missing(doc)
    if refused:
        raise ValidationError(refused, field="to")
    recipients = check_recipients(to or draft.to, doc.customer)
    ctx = DocumentContext.load(session)
    link = _link_url(session, doc, ctx, create=True)
    values = document_values(doc, ctx, link_url=link)
    final_subject = final_text(subject, draft.subject, DOCUMENT_FIELDS, values, field="subject")
    final_body = final_text(body, draft.body, DOCUMENT_FIELDS, values, field="body")
    pdf = render_rent_document_pdf(doc, ctx, link_url=link)
    return send_with_pdf(session, actor=actor, kind="document", customer_id=doc.customer_id, to=recipients,
                         subject=final_subject, body=final_body, filename=draft.attachment_name, pdf=pdf,
                         document_id=doc.id, submission=submission)


MESSAGE_STATUS_LABELS = {"sending": N_("sending"), "sent": N_("sent"), "failed": N_("failed"), "skipped": N_("skipped")}


@dataclass(frozen=True)
class LogRow:
    id: int
    at: object
    channel: str
    kind: str
    recipient: str
    subject: str
    status: str
    result: str
    provider_id: str


def message_history(session: Session, *, actor: Principal, customer_id: int | None = None,
                    status: str | None = None, limit: int = 500) -> list[LogRow]:
    require(session, actor, "tenants", "view_own")
    stmt = select(MessageLog).order_by(MessageLog.created_at.desc(), MessageLog.id.desc()).limit(limit)
    if actor.visibility("tenants") == "own":  # only the messages of the tenants this user created
        stmt = stmt.where(MessageLog.customer_id.in_(select(Customer.id).where(Customer.created_by_id == actor.user_id)))
    if customer_id is not None:
        stmt = stmt.where(MessageLog.customer_id == customer_id)
    if status:
        stmt = stmt.where(MessageLog.status == status)
    return [LogRow(m.id, m.created_at, m.channel, m.kind, m.recipient, m.subject or m.body[:80], m.status, m.result,
                   m.provider_id) for m in session.scalars(stmt)]


def record_consent(session: Session, *, actor: Principal, customer_id: int, on: date | None, channel: str) -> Customer:
    """Record (or withdraw, with ``on=None``) the tenant's consent to electronic quittances."""
    from homecrm.crm.customers import get_customer

    require(session, actor, "tenants", "edit")
    customer = get_customer(session, customer_id, actor=actor)
    if on is not None:
        if on > local_today(session):
            raise ValidationError(_("The consent date is in the future."), field="email_consent_on")
        if not channel.strip():
            raise ValidationError(_("Say how the tenant agreed (signed lease clause, e-mail, letter…)."),
                                  field="email_consent_channel")
    customer.email_consent_on = on
    customer.email_consent_channel = channel.strip()[:50] if on else ""
    session.flush()
    return customer


