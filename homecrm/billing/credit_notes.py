"""Credit notes (notes de crédit, avoirs): correcting an issued rent document.

A credit note cites its document and never exceeds what remains of it. Its amount is split into
what it ``applied`` (reduces what is still owed), ``refunded`` (money already paid, given back)
and ``to_credit`` (money already paid, kept in the tenant's favour for later documents).
Cancelling a document is a credit note for all that remains of it; the document stays in the
ledger. Issued credit notes are not deleted, except the very last one of its series when
"decrement on delete" is on and nothing was issued after it — its number is then given back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from homecrm import clock
from homecrm.billing import numbering
from homecrm.billing.documents import amounts_changed, get_document, refresh_payment_status
from homecrm.billing.money import ZERO
from homecrm.billing.payments import PAYMENT_MODE_LABELS, _new_credit, allocate_credit, claim_submission, payment_mode
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.render.formatting import Formats
from homecrm.security.principal import Principal, require, require_visible
from homecrm.settings import load_section
from homecrm.settings.sections import CreditNoteSettings, FinanceSettings
from homecrm.settings.sections.credit_notes import CREDIT_NOTE_SERIES
from homecrm.store.models import CreditNote, CustomerCredit, RentDocument
from homecrm.settings.local_time import local_today


class CreditNoteInput(InputModel):
    amount: MoneyInput = Field(..., gt=0)
    kind: Literal["applied", "refund", "credit"] = "applied"
    reason: str = Field("", max_length=300)
    refund_mode: str = ""
    refund_date: date | None = None
    client_note: str | None = None
    terms: str | None = None


def _money(amount: Decimal, currency: str) -> str:
    return Formats().money(amount, currency)


def _check_document(doc: RentDocument) -> None:
    if doc.state == "draft":
        raise ConflictError(_("A draft is not credited: delete it or change it instead."))
    if doc.state == "cancelled":
        raise ConflictError(_("Document {number} is already cancelled.").format(number=doc.number))


def create_credit_note(
    session: Session, *, actor: Principal, document_id: int, data: dict, issue: bool = True,
    submission: str | None = None,
) -> CreditNote:
    """A credit note against ``document_id``; issued at once unless ``issue`` is False (draft).

    ``submission`` is the token of the form that sent it: the same token makes one credit note.
    """
    require(session, actor, "credit_notes", "create")
    doc = get_document(session, document_id, actor=actor)
    _check_document(doc)
    parsed = parse_input(CreditNoteInput, data)
    claim_submission(session, submission)
    settings = load_section(session, CreditNoteSettings)
    note = CreditNote(
        document=doc, customer_id=doc.customer_id, currency=doc.currency, amount=parsed.amount,
        reason=parsed.reason, state="draft", created_by_id=actor.user_id,
        client_note=settings.default_client_note if parsed.client_note is None else parsed.client_note,
        terms=settings.default_terms if parsed.terms is None else parsed.terms,
    )
    _split(note, doc, parsed, local_today(session))
    session.add(note)
    session.flush()
    if issue:
        issue_credit_note(session, actor=actor, credit_note_id=note.id)
    return note


def _split(note: CreditNote, doc: RentDocument, parsed: CreditNoteInput, today: date) -> None:
    amount = parsed.amount
    remaining = doc.amount_due
    if amount > remaining:
        raise ValidationError(
            _("{amount} is more than what remains of {number} ({remaining}).").format(
                amount=_money(amount, doc.currency), number=doc.number, remaining=_money(remaining, doc.currency)
            ),
            field="amount",
        )
    if parsed.kind == "applied":
        if amount > doc.balance:
            raise ValidationError(
                _("Only {balance} is still owed on {number}: credit the rest as a refund or to the tenant's account.").format(
                    balance=_money(doc.balance, doc.currency), number=doc.number
                ),
                field="amount",
            )
        note.applied, note.refunded, note.to_credit = amount, ZERO, ZERO
        return
    if amount > doc.net_paid:
        if doc.net_paid <= ZERO:
            message = _("Nothing was paid on {number}: there is nothing to refund or to keep as credit. "
                        "Deduct the amount from what is owed instead.")
        elif parsed.kind == "credit":
            message = _("Only {paid} was paid on {number}: no more can be kept as the tenant's credit.")
        else:
            message = _("Only {paid} was paid on {number}: a refund cannot be larger.")
        raise ValidationError(message.format(paid=_money(doc.net_paid, doc.currency), number=doc.number),
                              field="amount")
    if parsed.kind == "credit":
        note.applied, note.refunded, note.to_credit = ZERO, ZERO, amount
        return
    try:
        note.refund_mode = payment_mode(parsed.refund_mode or "virement")
    except ValueError as exc:
        raise ValidationError(str(exc), field="refund_mode") from None
    refund_date = parsed.refund_date or today
    if refund_date > today or (doc.issued_on and refund_date < doc.issued_on):
        raise ValidationError(_("The refund date must be between the document's date and today."), field="refund_date")
    note.refund_date = refund_date
    note.applied, note.refunded, note.to_credit = ZERO, amount, ZERO


def issue_credit_note(session: Session, *, actor: Principal, credit_note_id: int, on: date | None = None) -> CreditNote:
    require(session, actor, "credit_notes", "create")
    note = get_credit_note(session, credit_note_id, actor=actor)
    if note.state != "draft":
        raise ConflictError(_("Credit note {number} is already issued.").format(number=note.number))
    doc = note.document
    _check_document(doc)
    # Re-check against the document as it is now (a payment may have arrived since the draft).
    if note.amount > doc.amount_due or note.applied > doc.balance or note.refunded + note.to_credit > doc.net_paid:
        raise ValidationError(_("The document changed since this draft: the amount no longer fits."), field="amount")
    settings = load_section(session, CreditNoteSettings)
    padding = load_section(session, FinanceSettings).number_padding
    on = on or local_today(session)
    period = numbering.counter_period(settings.number_format, on)
    value = numbering.take_next(session, CREDIT_NOTE_SERIES, period)
    number = numbering.format_number(settings.prefix, value, padding, settings.number_format, on)
    if session.scalar(select(func.count()).where(CreditNote.number == number)):
        raise ConflictError(_("Number {number} is already used: change the credit note prefix or format.").format(number=number))
    note.number, note.series, note.counter_period, note.counter_value = number, CREDIT_NOTE_SERIES, period, value
    note.state, note.issued_on, note.issued_at = "issued", on, clock.now()
    note.issue_seq = numbering.take_next(session, numbering.ISSUE_SEQUENCE, "")
    doc.amount_credited += note.amount
    doc.amount_returned += note.refunded + note.to_credit
    if note.to_credit > ZERO:
        _new_credit(session, customer_id=doc.customer_id, currency=doc.currency, amount=note.to_credit,
                    received_on=on, note=_("Credit note {number}").format(number=number), credit_note_id=note.id)
    if doc.amount_due == ZERO:
        doc.state = "cancelled"
        note.cancels_document = True
    refresh_payment_status(doc)
    session.flush()
    amounts_changed(session, doc)  # a payment link for the old amount is turned off
    if note.to_credit > ZERO:
        allocate_credit(session, actor=actor, customer_id=doc.customer_id, on=on)
    return note


def cancel_document(
    session: Session, *, actor: Principal, document_id: int, reason: str = "",
    paid_part: Literal["credit", "refund"] = "credit", refund_mode: str = "virement",
) -> CreditNote:
    """Cancel an issued document with a credit note for all that remains of it."""
    require(session, actor, "credit_notes", "create")
    doc = get_document(session, document_id, actor=actor)
    _check_document(doc)
    settings = load_section(session, CreditNoteSettings)
    note = CreditNote(
        document=doc, customer_id=doc.customer_id, currency=doc.currency, amount=doc.amount_due,
        reason=reason or _("Cancellation of {number}").format(number=doc.number), state="draft",
        created_by_id=actor.user_id, client_note=settings.default_client_note, terms=settings.default_terms,
        applied=max(doc.balance, ZERO), refunded=ZERO, to_credit=ZERO,
    )
    paid = doc.amount_due - note.applied
    if paid > ZERO:
        if paid_part == "refund":
            try:
                note.refund_mode = payment_mode(refund_mode)
            except ValueError as exc:
                raise ValidationError(str(exc), field="refund_mode") from None
            note.refunded, note.refund_date = paid, local_today(session)
        else:
            note.to_credit = paid
    session.add(note)
    session.flush()
    return issue_credit_note(session, actor=actor, credit_note_id=note.id)


def delete_credit_note(session: Session, *, actor: Principal, credit_note_id: int) -> None:
    require(session, actor, "credit_notes", "delete")
    note = get_credit_note(session, credit_note_id, actor=actor)
    if note.state == "draft":
        session.delete(note)
        session.flush()
        return
    settings = load_section(session, CreditNoteSettings)
    if not settings.decrement_on_delete:
        raise ConflictError(
            _("Credit note {number} is issued: it cannot be deleted (Settings > Credit notes, \"decrement on delete\", "
              "allows it for the last one only).").format(number=note.number)
        )
    last = numbering.peek_next(session, CREDIT_NOTE_SERIES, note.counter_period or "") - 1
    later = session.scalar(
        select(func.count()).select_from(RentDocument).where(RentDocument.issue_seq > note.issue_seq)
    ) + session.scalar(select(func.count()).select_from(CreditNote).where(CreditNote.issue_seq > note.issue_seq))
    if note.counter_value != last or later:
        raise ConflictError(
            _("Only the very last credit note can be deleted, when nothing was issued after it; "
              "{number} is not. Issue a new document to correct it instead.").format(number=note.number)
        )
    credit = session.scalar(select(CustomerCredit).where(CustomerCredit.origin_credit_note_id == note.id))
    if credit is not None:
        if credit.remaining < credit.amount:
            raise ConflictError(_("The credit it gave the tenant was already used: it cannot be deleted."))
        session.delete(credit)
    doc = note.document
    doc.amount_credited -= note.amount
    doc.amount_returned -= note.refunded + note.to_credit
    if doc.state == "cancelled":
        doc.state = "issued"
    refresh_payment_status(doc)
    period, value = note.counter_period or "", note.counter_value or 1
    session.delete(note)
    session.flush()
    amounts_changed(session, doc)
    # Give the number back: the counter points at it again.
    from homecrm.store.models import NumberCounter

    counter = session.scalar(select(NumberCounter).where(NumberCounter.series == CREDIT_NOTE_SERIES,
                                                         NumberCounter.period == period))
    counter.next_value = value
    session.flush()


def get_credit_note(session: Session, credit_note_id: int, *, actor: Principal) -> CreditNote:
    require(session, actor, "credit_notes", "view_own")
    note = session.get(CreditNote, credit_note_id)
    if note is None:
        raise NotFoundError(_("Credit note #{id} does not exist.").format(id=credit_note_id))
    require_visible(actor, "credit_notes", note.created_by_id)
    return note


def find_credit_note(session: Session, number: str, *, actor: Principal) -> CreditNote:
    require(session, actor, "credit_notes", "view_own")
    note = session.scalar(select(CreditNote).where(CreditNote.number == number.strip()))
    if note is None:
        raise NotFoundError(_("No credit note numbered {number}.").format(number=number))
    require_visible(actor, "credit_notes", note.created_by_id)
    return note


@dataclass(frozen=True)
class CreditNoteRow:
    id: int
    number: str | None
    state: str
    document_number: str
    tenant: str
    issued_on: date | None
    amount: Decimal
    applied: Decimal
    refunded: Decimal
    to_credit: Decimal
    currency: str
    reason: str
    cancels_document: bool


def list_credit_notes(session: Session, *, actor: Principal, customer_id: int | None = None) -> list[CreditNoteRow]:
    require(session, actor, "credit_notes", "view_own")
    stmt = (
        select(CreditNote)
        .options(joinedload(CreditNote.document), joinedload(CreditNote.customer))
        .order_by(CreditNote.issued_on.desc().nulls_first(), CreditNote.id.desc())
    )
    if customer_id is not None:
        stmt = stmt.where(CreditNote.customer_id == customer_id)
    if actor.visibility("credit_notes") == "own":
        stmt = stmt.where(CreditNote.created_by_id == actor.user_id)
    return [
        CreditNoteRow(n.id, n.number, n.state, n.document.number or "", n.customer.display_name, n.issued_on, n.amount,
                      n.applied, n.refunded, n.to_credit, n.currency, n.reason, n.cancels_document)
        for n in session.scalars(stmt).unique()
    ]


REFUND_MODE_LABELS = {k: v for k, v in PAYMENT_MODE_LABELS.items() if k != "credit"}
