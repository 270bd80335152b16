"""Payments received against rent documents, and the tenant's credit.

Recording or deleting a payment re-derives the document's status, hence its title
(avis d'échéance → reçu → quittance), in the same transaction. Money beyond what a document
still owes is never lost: it becomes a credit on the tenant's account. A credit, like a sum
received "on account", settles the tenant's oldest debts first (Code civil art. 1342-10, the
oldest debt when the debtor did not say): at once when it is created, and each time a document is
issued.

A form's submission token (``submission``) is claimed once: a double click records one payment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, object_session

from homecrm.billing.documents import document_owners, get_document, refresh_payment_status
from homecrm.billing.money import ZERO, money
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.render.formatting import Formats
from homecrm.security.principal import Principal, may_see, require, require_visible
from homecrm.store.models import (
    CreditNote,
    Customer,
    CustomerCredit,
    IdempotencyKey,
    Lease,
    Payment,
    RentDocument,
)
from homecrm.store.once import claim_once
from homecrm.settings.local_time import local_date_text, local_today

PAYMENT_MODE_LABELS: dict[str, str] = {
    "transfer": N_("Bank transfer"),
    "cheque": N_("Cheque"),
    "cash": N_("Cash"),
    "card": N_("Card"),
    "direct_debit": N_("Direct debit"),
    "credit": N_("Tenant's credit"),
}
RECEIVED_MODES = ("transfer", "cheque", "cash", "card", "direct_debit")
_MODE_ALIASES = {
    "virement": "transfer",
    "cheque": "cheque",
    "chèque": "cheque",
    "especes": "cash",
    "espèces": "cash",
    "carte": "card",
    "cb": "card",
    "prelevement": "direct_debit",
    "prélèvement": "direct_debit",
    **{code: code for code in RECEIVED_MODES},
}


def payment_mode(text: str) -> str:
    """Canonical mode code from a code or its French name (virement, chèque, espèces…)."""
    code = _MODE_ALIASES.get((text or "").strip().lower())
    if code is None:
        raise ValueError(
            _("Unknown payment mode \"{mode}\": use virement, chèque, espèces, carte or prélèvement.").format(mode=text)
        )
    return code


class PaymentInput(InputModel):
    amount: MoneyInput = Field(..., gt=0)
    paid_on: date
    mode: str = "transfer"
    reference: str = Field("", max_length=100)
    notes: str = ""

    @field_validator("mode")
    @classmethod
    def _mode(cls, v: str) -> str:
        return payment_mode(v)


def _money(amount: Decimal, currency: str) -> str:
    return Formats().money(amount, currency)


class DuplicateSubmission(ConflictError):
    """The same form was submitted twice (a double click): the first submission counts."""


def claim_submission(session: Session, submission: str | None, message: str | None = None) -> None:
    """Refuse a second submission of the same form render (the token is claimed in this transaction)."""
    if submission and not claim_once(session, f"form:{submission}"):
        raise DuplicateSubmission(
            message or _("This form was already submitted (double click?): it was recorded only once. If you really "
                         "meant to record it a second time, submit the form again.")
        )


def release_submission(session: Session, submission: str | None) -> None:
    """Give the token back (the action failed after it was committed): the same form may be sent again."""
    if submission:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.key == f"form:{submission}"))


def submission_used(session: Session, submission: str) -> bool:
    return session.scalar(select(IdempotencyKey.id).where(IdempotencyKey.key == f"form:{submission}")) is not None


def exact_amount(amount: Decimal, currency: str, field: str = "amount") -> Decimal:
    """Refuse an amount finer than the currency allows (50.5 JPY)."""
    try:
        return money(amount, currency)
    except ValidationError as exc:
        raise ValidationError(str(exc), field=field) from None


def _check_payable(doc: RentDocument, paid_on: date, today: date) -> None:
    if doc.state == "draft":
        raise ConflictError(_("Issue the document before recording a payment."))
    if doc.state == "cancelled":
        raise ConflictError(_("Document {number} is cancelled.").format(number=doc.number))
    if paid_on > today:
        raise ValidationError(_("The payment date is in the future."), field="paid_on")
    if doc.issued_on and paid_on < doc.issued_on:
        raise ValidationError(
            _("The payment date is before the document's issue date ({date}).").format(
                date=local_date_text(object_session(doc), doc.issued_on)),
            field="paid_on",
        )


def _new_credit(session: Session, *, customer_id: int, currency: str, amount: Decimal, received_on: date,
                origin_payment: Payment | None = None, note: str = "", credit_note_id: int | None = None,
                mode: str = "", reference: str = "") -> CustomerCredit:
    credit = CustomerCredit(customer_id=customer_id, currency=currency, amount=amount, remaining=amount,
                            received_on=received_on, note=note[:300], origin_credit_note_id=credit_note_id,
                            mode=mode, reference=reference[:100])
    if origin_payment is not None:
        session.flush()
        credit.origin_payment_id = origin_payment.id
    session.add(credit)
    session.flush()
    return credit


def _settle(session: Session, doc: RentDocument) -> None:
    from homecrm.billing.documents import amounts_changed

    session.flush()
    session.refresh(doc, ["payments"])
    refresh_payment_status(doc)
    session.flush()
    amounts_changed(session, doc)


def record_payment(
    session: Session, *, actor: Principal, document_id: int, data: dict[str, Any] | PaymentInput,
    provider: str = "", external_id: str | None = None, submission: str | None = None,
) -> Payment:
    """Record money received for a document; any excess becomes the tenant's credit.

    ``submission`` is the token of the form that sent it: the same token is recorded once.
    """
    require(session, actor, "payments", "create")
    doc = get_document(session, document_id, actor=actor)
    parsed = parse_input(PaymentInput, data)
    exact_amount(parsed.amount, doc.currency)
    _check_payable(doc, parsed.paid_on, local_today(session))
    if doc.balance <= ZERO:
        raise ConflictError(
            _("{number} is already paid: record the sum on the tenant's account instead.").format(number=doc.number)
        )
    claim_submission(session, submission)
    applied = min(parsed.amount, doc.balance)
    excess = parsed.amount - applied
    payment = Payment(
        document=doc, amount=applied, paid_on=parsed.paid_on, mode=parsed.mode, reference=parsed.reference,
        notes=parsed.notes, created_by_id=actor.user_id, provider=provider, external_id=external_id,
        receipt_key=uuid.uuid4().hex,
    )
    session.add(payment)
    _settle(session, doc)
    if excess > ZERO:
        _new_credit(session, customer_id=doc.customer_id, currency=doc.currency, amount=excess,
                    received_on=parsed.paid_on, origin_payment=payment, mode=parsed.mode, reference=parsed.reference,
                    note=_("Over-payment on {number}").format(number=doc.number))
        allocate_credit(session, actor=actor, customer_id=doc.customer_id, on=parsed.paid_on)
    return payment


@dataclass(frozen=True)
class Allocation:
    document_id: int
    number: str
    amount: Decimal


@dataclass(frozen=True)
class MoneyReceived:
    """What one sum received became: the documents it settled and the part kept as credit."""

    received: Decimal
    currency: str
    allocations: tuple[Allocation, ...]
    credit: Decimal

    def summary(self, fmt: Formats) -> str:
        cur = self.currency
        parts = [_("{amount} on {number}").format(amount=fmt.money(a.amount, cur), number=a.number)
                 for a in self.allocations]
        if self.credit > ZERO:
            parts.append(_("{amount} kept as the tenant's credit").format(amount=fmt.money(self.credit, cur)))
        return _("{received} received: {parts}.").format(received=fmt.money(self.received, cur), parts=", ".join(parts))


def credit_uses(session: Session, origin_payment_ids: list[int]) -> tuple[list[Allocation], Decimal, Decimal]:
    """What became of the credit the excess of these payments created: the documents it has paid
    since (oldest first), what is still unused, and the whole excess."""
    credits = session.scalars(select(CustomerCredit).where(CustomerCredit.origin_payment_id.in_(origin_payment_ids))).all()
    if not credits:
        return [], ZERO, ZERO
    uses = session.scalars(select(Payment).where(Payment.credit_id.in_([c.id for c in credits]), Payment.mode == "credit")
                           .order_by(Payment.paid_on, Payment.id)).all()
    allocations = [Allocation(u.document_id, u.document.number or "", u.amount) for u in uses]
    return allocations, sum((c.remaining for c in credits), ZERO), sum((c.amount for c in credits), ZERO)


def money_received(session: Session, payment: Payment) -> MoneyReceived:
    """The sum a recorded payment came from: the document it paid, the documents its excess paid at
    once (the tenant's oldest debts) and what is left as credit."""
    doc = payment.document
    used, left, excess = credit_uses(session, [payment.id])
    return MoneyReceived(received=payment.amount + excess, currency=doc.currency,
                         allocations=(Allocation(doc.id, doc.number or "", payment.amount), *used), credit=Decimal(left))


@dataclass(frozen=True)
class OnAccountResult:
    allocations: list[Allocation]
    credit: Decimal
    received: Decimal = ZERO
    currency: str = "EUR"

    def as_received(self) -> MoneyReceived:
        return MoneyReceived(self.received, self.currency, tuple(self.allocations), self.credit)


def record_payment_on_account(
    session: Session, *, actor: Principal, customer_id: int, data: dict[str, Any] | PaymentInput,
    submission: str | None = None, currency: str | None = None,
) -> OnAccountResult:
    """A sum received from a tenant, spread over their unpaid documents in ``currency``, oldest due date first.

    ``currency`` may be left out for a tenant whose leases all use one currency; with several it
    must be given, since a sum in yen never settles a debt in euros.
    """
    require(session, actor, "payments", "create")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError(_("Tenant #{id} does not exist.").format(id=customer_id))
    require_visible(actor, "tenants", customer.created_by_id)
    parsed = parse_input(PaymentInput, data)
    if parsed.paid_on > local_today(session):
        raise ValidationError(_("The payment date is in the future."), field="paid_on")
    first_lease = session.scalar(select(func.min(Lease.start_date)).where(Lease.customer_id == customer_id))
    if first_lease is not None and parsed.paid_on < first_lease:
        raise ValidationError(
            _("The payment date is before the tenant's first lease (which starts on {date}).").format(
                date=Formats().date(first_lease)),
            field="paid_on",
        )
    currency = _on_account_currency(session, customer_id, currency)
    exact_amount(parsed.amount, currency)
    claim_submission(session, submission)
    open_docs = [
        d for d in session.scalars(
            select(RentDocument)
            .where(RentDocument.customer_id == customer_id, RentDocument.state == "issued",
                   RentDocument.currency == currency)
            .order_by(RentDocument.due_date, RentDocument.id)
        )
        if d.balance > ZERO and (d.issued_on is None or d.issued_on <= parsed.paid_on)
    ]
    key = uuid.uuid4().hex
    remaining = parsed.amount
    allocations: list[Allocation] = []
    first_payment: Payment | None = None
    for doc in open_docs:
        if remaining <= ZERO:
            break
        part = min(remaining, doc.balance)
        payment = Payment(document=doc, amount=part, paid_on=parsed.paid_on, mode=parsed.mode,
                          reference=parsed.reference, notes=parsed.notes, created_by_id=actor.user_id, receipt_key=key)
        session.add(payment)
        first_payment = first_payment or payment
        _settle(session, doc)
        allocations.append(Allocation(doc.id, doc.number or "", part))
        remaining -= part
    if remaining > ZERO:
        _new_credit(session, customer_id=customer_id, currency=currency, amount=remaining, received_on=parsed.paid_on,
                    origin_payment=first_payment, note=_("Payment on account {reference}").format(reference=parsed.reference).strip(),
                    mode=parsed.mode, reference=parsed.reference)
        # Documents issued after the date of the sum: the credit pays them, oldest first.
        allocate_credit(session, actor=actor, customer_id=customer_id, on=parsed.paid_on)
    return OnAccountResult(allocations=allocations, credit=remaining, received=parsed.amount, currency=currency)


def _on_account_currency(session: Session, customer_id: int, currency: str | None) -> str:
    from homecrm.billing.statements import statement_currencies

    known = statement_currencies(session, customer_id)
    if currency is None:
        if len(known) > 1:
            raise ValidationError(_("This tenant has leases in several currencies ({codes}): say which one the sum "
                                    "is in.").format(codes=", ".join(known)), field="currency")
        return known[0]
    if currency.upper() not in known:
        raise ValidationError(_("This tenant has no lease in {code}.").format(code=currency), field="currency")
    return currency.upper()


def receive_as_credit(
    session: Session, *, actor: Principal, customer_id: int, currency: str, amount: Decimal, received_on: date,
    mode: str, reference: str = "", note: str = "",
) -> CustomerCredit:
    """Money received that no document can take (e.g. a card payment of a document cancelled or
    paid meanwhile): kept in full as the tenant's credit, then used for their oldest debts."""
    require(session, actor, "payments", "create")
    credit = _new_credit(session, customer_id=customer_id, currency=currency, amount=amount, received_on=received_on,
                         note=note, mode=mode, reference=reference)
    allocate_credit(session, actor=actor, customer_id=customer_id, on=received_on)
    return credit


def apply_credit(session: Session, *, actor: Principal, document_id: int, on: date | None = None) -> Decimal:
    """Use the tenant's available credit (oldest first) to pay a document; returns what was used."""
    require(session, actor, "payments", "create")
    doc = get_document(session, document_id, actor=actor)
    return _apply_credit(session, actor, doc, on or doc.issued_on or local_today(session))


def allocate_credit(session: Session, *, actor: Principal, customer_id: int, on: date) -> Decimal:
    """Spend the tenant's available credit on their unpaid documents, oldest due date first.

    Called whenever credit appears (excess payment, credit note kept as credit, sum on account)
    and whenever a document is issued: an older debt is never left unpaid while credit waits.
    """
    open_docs = session.scalars(
        select(RentDocument)
        .where(RentDocument.customer_id == customer_id, RentDocument.state == "issued",
               RentDocument.payment_status != "paid")
        .order_by(RentDocument.due_date, RentDocument.id)
    ).all()
    used = ZERO
    for doc in open_docs:
        if doc.balance > ZERO:
            used += _apply_credit(session, actor, doc, max(on, doc.issued_on or on))
    return used


def _apply_credit(session: Session, actor: Principal, doc: RentDocument, on: date) -> Decimal:
    if doc.state != "issued" or doc.balance <= ZERO:
        return ZERO
    # Paid money a credit note of this very document moved to the credit does not pay it back.
    own_notes = select(CreditNote.id).where(CreditNote.document_id == doc.id)
    credits = session.scalars(
        select(CustomerCredit)
        .where(CustomerCredit.customer_id == doc.customer_id, CustomerCredit.remaining > 0,
               CustomerCredit.currency == doc.currency,
               or_(CustomerCredit.origin_credit_note_id.is_(None), CustomerCredit.origin_credit_note_id.not_in(own_notes)))
        .order_by(CustomerCredit.received_on, CustomerCredit.id)
    ).all()
    used = ZERO
    for credit in credits:
        if doc.balance - used <= ZERO:
            break
        part = min(credit.remaining, doc.balance - used)
        credit.remaining -= part
        session.add(Payment(document=doc, amount=part, paid_on=max(on, credit.received_on), mode="credit",
                            reference=_("Credit of {date}").format(date=local_date_text(session, credit.received_on)),
                            credit_id=credit.id, created_by_id=actor.user_id, receipt_key=uuid.uuid4().hex))
        used += part
    if used:
        _settle(session, doc)
    return used


@dataclass(frozen=True)
class CreditRow:
    customer_id: int
    tenant: str
    received_on: date
    amount: Decimal
    remaining: Decimal
    currency: str
    mode: str
    reference: str
    note: str


def list_available_credits(session: Session, *, actor: Principal) -> list[CreditRow]:
    """Credit still in tenants' favour (not yet used by a document), oldest first (with the "view
    own" right: that of the actor's tenants)."""
    from sqlalchemy.orm import joinedload

    from homecrm.billing.payment_reports import customers_seen

    require(session, actor, "payments", "view_own")
    credits = session.scalars(select(CustomerCredit).options(joinedload(CustomerCredit.customer))
                              .where(CustomerCredit.remaining > 0,
                                     CustomerCredit.customer_id.in_(select(Customer.id).where(customers_seen(actor))))
                              .order_by(CustomerCredit.received_on, CustomerCredit.id))
    return [CreditRow(c.customer_id, c.customer.display_name, c.received_on, c.amount, c.remaining, c.currency,
                      c.mode, c.reference, c.note) for c in credits]


def payments_shown(actor: Principal, doc: RentDocument) -> list[Payment]:
    """The payments of ``doc`` this user may read: all of them with "view", with "view own" those of
    the documents they are agent or author of, and those they recorded; none without a payments right."""
    if may_see(actor, "payments", *document_owners(doc)):
        return list(doc.payments)
    if actor.visibility("payments") == "own":
        return [p for p in doc.payments if actor.owns(p.created_by_id)]
    return []


@dataclass(frozen=True)
class ReturnedMoney:
    """Money a credit note gave back on a document: paid out (refund) or kept as the tenant's credit."""
    on: date | None
    mode: str
    refunded: Decimal
    kept: Decimal
    note: str


def money_returned(actor: Principal, doc: RentDocument) -> list[ReturnedMoney]:
    """What the document's issued credit notes gave back, for a user who may read its payments."""
    if not payments_shown(actor, doc) and actor.visibility("payments") != "all":
        return []
    return [ReturnedMoney(n.refund_date or n.issued_on, n.refund_mode, n.refunded, n.to_credit, n.number or "")
            for n in doc.credit_notes if n.state == "issued" and (n.refunded > 0 or n.to_credit > 0)]


def available_credit(session: Session, *, actor: Principal, customer_id: int, currency: str | None = None) -> Decimal:
    """The tenant's credit not used yet (in ``currency`` when given)."""
    require(session, actor, "payments", "view_own")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError(_("Tenant #{id} does not exist.").format(id=customer_id))
    require_visible(actor, "tenants", customer.created_by_id)
    return _credit_left(session, customer_id, currency)


def _credit_left(session: Session, customer_id: int, currency: str | None) -> Decimal:
    stmt = select(CustomerCredit.remaining).where(CustomerCredit.customer_id == customer_id)
    if currency is not None:
        stmt = stmt.where(CustomerCredit.currency == currency)
    return Decimal(sum(session.scalars(stmt), ZERO))


def credit_for_document(session: Session, *, actor: Principal, doc: RentDocument) -> Decimal:
    """The tenant's credit that could pay ``doc`` (same currency), as far as this user may see payments."""
    if actor.visibility("payments") is None or (actor.visibility("payments") == "own"
                                                 and not actor.owns(*document_owners(doc))):
        return ZERO
    return _credit_left(session, doc.customer_id, doc.currency)


def sum_parts(session: Session, payment: Payment) -> list[Payment]:
    """The payments one sum received was spread into (a sum on account over several documents)."""
    if payment.mode == "credit" or not payment.receipt_key:
        return [payment]
    return list(session.scalars(select(Payment).where(Payment.receipt_key == payment.receipt_key,
                                                      Payment.mode != "credit").order_by(Payment.id)))


def _check_not_returned(session: Session, parts: list[Payment], docs: list[RentDocument]) -> None:
    """Money paid back by a credit note (refunded, or kept as the tenant's credit) came from the
    document's payments: they cannot go below it."""
    for doc in dict.fromkeys(docs):
        removed = sum((p.amount for p in parts if p.document_id == doc.id), ZERO)
        if doc.amount_paid - removed < doc.amount_returned:
            notes = [n.number or _("draft") for n in doc.credit_notes
                     if n.state == "issued" and (n.refunded > 0 or n.to_credit > 0)]
            raise ConflictError(_("{amount} paid on {number} was already given back by credit note {notes} (refunded "
                                  "or kept as credit): this payment cannot be deleted.").format(
                amount=_money(doc.amount_returned, doc.currency), number=doc.number or _("draft"),
                notes=", ".join(notes)))


def delete_payment(session: Session, *, actor: Principal, payment_id: int) -> list[str]:
    """Delete a payment — with the rest of its sum when one sum was spread over several documents
    (the sum was received or not, as a whole). A credit it created must not be used yet; a credit it
    used comes back, and credit waiting elsewhere then pays what became unpaid. Returns the numbers
    of the documents whose payments were deleted."""
    require(session, actor, "payments", "delete")
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFoundError(_("This payment no longer exists: it was deleted meanwhile (another tab or person?)."))
    parts = sum_parts(session, payment)
    docs = [get_document(session, part.document_id, actor=actor) for part in parts]
    _check_not_returned(session, parts, docs)
    created = session.scalars(select(CustomerCredit).where(
        CustomerCredit.origin_payment_id.in_([part.id for part in parts]))).all()
    for credit in created:
        if credit.remaining < credit.amount:
            users = session.scalars(select(RentDocument.number).join(Payment, Payment.document_id == RentDocument.id)
                                    .where(Payment.credit_id == credit.id).order_by(RentDocument.due_date)).all()
            raise ConflictError(
                _("The extra {amount} of this payment was already used to pay {documents}: delete that payment "
                  "first.").format(amount=_money(credit.amount, credit.currency),
                                   documents=", ".join(n or _("draft") for n in dict.fromkeys(users))
                                   or _("another document")))
        session.delete(credit)
    for part in parts:
        if part.mode == "credit" and part.credit is not None:
            part.credit.remaining += part.amount
        session.delete(part)
    session.flush()
    for doc in dict.fromkeys(docs):
        _settle(session, doc)
    if payment.mode != "credit":  # taking back a use of credit is the user's choice: not re-applied at once
        allocate_credit(session, actor=actor, customer_id=docs[0].customer_id, on=local_today(session))
    return [doc.number or "" for doc in dict.fromkeys(docs)]
