"""Tenant statement (relevé de compte): every due, payment, credit note and refund with a
running balance; payments are shown against the debts they settled, oldest first.

Every line is dated by when it happened: a document on its issue date (its due date is shown
with it), a payment on the day it was received, a credit note on its issue date, a refund on the
day it was paid out — so a statement up to a given day counts everything known on that day, and
nothing twice. Debits are what the tenant owes (documents, refunds paid out); credits are what
they gave or were credited (money received, credit notes). Using earlier credit to pay a document
moves no money and is not a line of its own; the balance already reflects it, and money in the
tenant's favour shows as a negative balance ("in your favour"), never as a separate figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from homecrm.billing.money import ZERO
from homecrm.billing.payments import credit_uses
from homecrm.crm.customers import get_customer
from homecrm.errors import ValidationError
from homecrm.i18n import _
from homecrm.security.principal import Principal, require
from homecrm.store.models import CreditNote, CustomerCredit, Lease, Payment, RentDocument


@dataclass(frozen=True)
class StatementEntry:
    on: date
    kind: str  # document, payment, credit_note, refund
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO
    period: date | None = None  # documents: their month
    due_date: date | None = None  # documents
    mode: str = ""  # payments and refunds
    allocations: tuple[tuple[str, Decimal], ...] = ()  # payments: (document number, amount) settled
    kept_as_credit: Decimal = ZERO
    credited_document: str = ""  # credit notes


@dataclass
class Statement:
    customer_id: int
    tenant: str
    first: date
    last: date
    currency: str
    opening: Decimal
    entries: list[StatementEntry] = field(default_factory=list)
    # Credit not yet used by a document: already part of the (negative) closing balance.
    available_credit: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening

    @property
    def total_debit(self) -> Decimal:
        return sum((e.debit for e in self.entries), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((e.credit for e in self.entries), ZERO)


def statement_currencies(session: Session, customer_id: int) -> list[str]:
    """The currencies of a tenant's leases, euro first: a statement never adds up two currencies."""
    found = set(session.scalars(select(Lease.currency).where(Lease.customer_id == customer_id).distinct()))
    found |= set(session.scalars(select(RentDocument.currency).where(RentDocument.customer_id == customer_id).distinct()))
    return sorted(found or {"EUR"}, key=lambda code: (code != "EUR", code))


def _movements(session: Session, customer_id: int, currency: str) -> list[StatementEntry]:
    """Every money movement of a tenant in ``currency``, in date order (balance not yet computed)."""
    moves: list[tuple[int, StatementEntry]] = []
    docs = session.scalars(
        select(RentDocument).where(RentDocument.customer_id == customer_id, RentDocument.state != "draft",
                                   RentDocument.currency == currency)
        .options(selectinload(RentDocument.payments))
    ).all()
    for doc in docs:
        moves.append((0, StatementEntry(doc.issued_on or doc.period_start, "document", doc.number or "", doc.total,
                                        ZERO, period=doc.period_start, due_date=doc.due_date)))
    # Money received: one sum may be spread over several documents and leave a credit.
    receipts: dict[str, list[Payment]] = defaultdict(list)
    for doc in docs:
        for payment in doc.payments:
            if payment.mode != "credit":
                receipts[payment.receipt_key or f"p{payment.id}"].append(payment)
    numbers = {d.id: d.number or "" for d in docs}
    for payments in receipts.values():
        payments.sort(key=lambda p: (p.document.due_date, p.id))
        first = payments[0]
        # The excess became credit; what it paid since is settled by this sum too, the rest is still credit.
        used, left, over = credit_uses(session, [p.id for p in payments])
        moves.append((1, StatementEntry(
            first.paid_on, "payment", first.reference, ZERO, sum((p.amount for p in payments), ZERO) + over,
            mode=first.mode, allocations=tuple((numbers[p.document_id], p.amount) for p in payments)
            + tuple((a.number, a.amount) for a in used), kept_as_credit=left,
        )))
    # A sum received when nothing was owed is all credit: still money received.
    for credit in session.scalars(select(CustomerCredit).where(
            CustomerCredit.customer_id == customer_id, CustomerCredit.origin_payment_id.is_(None),
            CustomerCredit.origin_credit_note_id.is_(None), CustomerCredit.currency == currency)):
        moves.append((1, StatementEntry(credit.received_on, "payment", credit.reference, ZERO, credit.amount,
                                        mode=credit.mode, kept_as_credit=credit.amount)))
    notes = session.scalars(select(CreditNote).where(CreditNote.customer_id == customer_id, CreditNote.state == "issued",
                                                     CreditNote.currency == currency)).all()
    for note in notes:
        moves.append((2, StatementEntry(note.issued_on, "credit_note", note.number or "", ZERO, note.amount,
                                        credited_document=note.document.number or "")))
        if note.refunded:
            moves.append((3, StatementEntry(note.refund_date or note.issued_on, "refund", note.number or "",
                                            note.refunded, ZERO, mode=note.refund_mode)))
    return [entry for _order, entry in sorted(moves, key=lambda m: (m[1].on, m[0], m[1].reference))]


def tenant_statement(session: Session, *, actor: Principal, customer_id: int, first: date, last: date,
                     currency: str | None = None) -> Statement:
    """The tenant's account in ``currency`` (default: the tenant's only or first currency, euro first)."""
    require(session, actor, "documents", "view")
    require(session, actor, "payments", "view")
    if last < first:
        raise ValidationError(_("The end of the period is before its start."), field="last")
    customer = get_customer(session, customer_id, actor=actor)
    known = statement_currencies(session, customer_id)
    if currency is not None and currency.upper() not in known:
        raise ValidationError(_("This tenant has no lease in {code}.").format(code=currency), field="currency")
    currency = currency.upper() if currency else known[0]
    moves = _movements(session, customer_id, currency)
    opening = sum((m.debit - m.credit for m in moves if m.on < first), ZERO)
    statement = Statement(customer_id=customer_id, tenant=customer.display_name, first=first, last=last,
                          currency=currency, opening=opening)
    balance = opening
    for move in moves:
        if first <= move.on <= last:
            balance += move.debit - move.credit
            statement.entries.append(replace(move, balance=balance))
    statement.available_credit = sum(session.scalars(
        select(CustomerCredit.remaining).where(CustomerCredit.customer_id == customer_id,
                                               CustomerCredit.currency == currency)), ZERO)
    return statement
