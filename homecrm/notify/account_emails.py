"""E-mailing a credit note or a tenant's statement: a draft to preview and edit, then the send.

Same path as rent documents (``homecrm.notify.messages``): templates from *Modèles d'e-mails*,
the PDF attached, every message logged, a double submission refused.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from homecrm.billing.exports import statement_filename
from homecrm.i18n import _
from homecrm.notify.messages import (
    DraftEmail,
    SentEmail,
    _no_address,
    check_recipients,
    final_text,
    recipients_of,
    send_with_pdf,
)
from homecrm.render.context import DocumentContext
from homecrm.render.formatting import Formats
from homecrm.render.placeholders import render_template
from homecrm.security.principal import Principal
from homecrm.settings import load_section
from homecrm.settings.sections import EmailTemplateSettings
from homecrm.settings.sections.messaging import CREDIT_NOTE_FIELDS, STATEMENT_FIELDS


def _credit_note(session: Session, actor: Principal, credit_note_id: int):
    from homecrm.billing.credit_notes import get_credit_note

    note = get_credit_note(session, credit_note_id, actor=actor)
    ctx = DocumentContext.load(session)
    fmt = Formats.from_settings(ctx.finance, ctx.localization, ctx.language_for(note.customer.language))
    values = {"client_name": note.customer.display_name, "company_name": ctx.landlord_name,
              "credit_note_number": note.number or "", "invoice_number": note.document.number or "",
              "amount": fmt.money(note.amount, note.currency)}
    return note, values


def draft_credit_note_email(session: Session, *, actor: Principal, credit_note_id: int) -> DraftEmail:
    from homecrm.render.credit_note import credit_note_filename

    note, values = _credit_note(session, actor, credit_note_id)
    templates = load_section(session, EmailTemplateSettings)
    to = recipients_of(note.customer)
    blocked = None
    if note.state != "issued":
        blocked = _("Only an issued credit note can be e-mailed.")
    elif not to:
        blocked = _no_address(note.customer)
    return DraftEmail(to, render_template(templates.credit_note_subject, values),
                      render_template(templates.credit_note_body, values), credit_note_filename(note), blocked)


def send_credit_note_email(session: Session, *, actor: Principal, credit_note_id: int, to: list[str] | None = None,
                           subject: str | None = None, body: str | None = None,
                           submission: str | None = None) -> SentEmail:
    from homecrm.billing.exports import credit_note_pdf
    from homecrm.errors import ValidationError

    draft = draft_credit_note_email(session, actor=actor, credit_note_id=credit_note_id)
    note, values = _credit_note(session, actor, credit_note_id)
    if note.state != "issued":
        raise ValidationError(draft.blocked, field="to")
    recipients = check_recipients(to or draft.to, note.customer)
    final_subject = final_text(subject, draft.subject, CREDIT_NOTE_FIELDS, values, field="subject")
    final_body = final_text(body, draft.body, CREDIT_NOTE_FIELDS, values, field="body")
    filename, pdf = credit_note_pdf(session, actor=actor, credit_note_id=credit_note_id)
    return send_with_pdf(session, actor=actor, kind="credit_note", customer_id=note.customer_id, to=recipients,
                         subject=final_subject, body=final_body, filename=filename, pdf=pdf,
                         document_id=note.document_id, submission=submission)


def _statement(session: Session, actor: Principal, customer_id: int, first: date, last: date,
               currency: str | None = None):
    from homecrm.billing.statements import tenant_statement
    from homecrm.crm.customers import get_customer

    customer = get_customer(session, customer_id, actor=actor)
    statement = tenant_statement(session, actor=actor, customer_id=customer_id, first=first, last=last,
                                 currency=currency)
    ctx = DocumentContext.load(session)
    fmt = Formats.from_settings(ctx.finance, ctx.localization, ctx.language_for(customer.language))
    values = {"client_name": customer.display_name, "company_name": ctx.landlord_name,
              "period": _("from {start} to {end}").format(start=fmt.date(first), end=fmt.date(last)),
              "balance": fmt.money(statement.closing, statement.currency)}
    return customer, values


def draft_statement_email(session: Session, *, actor: Principal, customer_id: int, first: date,
                          last: date, currency: str | None = None) -> DraftEmail:
    customer, values = _statement(session, actor, customer_id, first, last, currency)
    templates = load_section(session, EmailTemplateSettings)
    to = recipients_of(customer)
    return DraftEmail(to, render_template(templates.statement_subject, values),
                      render_template(templates.statement_body, values), statement_filename(customer_id, first, last),
                      None if to else _no_address(customer))


def send_statement_email(session: Session, *, actor: Principal, customer_id: int, first: date, last: date,
                         to: list[str] | None = None, subject: str | None = None, body: str | None = None,
                         submission: str | None = None, currency: str | None = None) -> SentEmail:
    from homecrm.billing.exports import statement_pdf

    draft = draft_statement_email(session, actor=actor, customer_id=customer_id, first=first, last=last,
                                  currency=currency)
    customer, values = _statement(session, actor, customer_id, first, last, currency)
    recipients = check_recipients(to or draft.to, customer)
    final_subject = final_text(subject, draft.subject, STATEMENT_FIELDS, values, field="subject")
    final_body = final_text(body, draft.body, STATEMENT_FIELDS, values, field="body")
    filename, pdf = statement_pdf(session, actor=actor, customer_id=customer_id, first=first, last=last,
                                  currency=currency)
    return send_with_pdf(session, actor=actor, kind="statement", customer_id=customer_id, to=recipients,
                         subject=final_subject, body=final_body, filename=filename, pdf=pdf, submission=submission)
