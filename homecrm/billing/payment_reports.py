"""What analysts ask of payments: who paid what, when, how, on time or late, and what is owed
by age. The pages draw these figures; every number comes from here.

"Collected" is the money actually received: the payments applied to documents plus the part of a
sum kept as the tenant's credit (an excess, a sum on account, a card payment no document could
take). Using that credit later moves no money and is not counted again; credit given by a credit
note was never received and is not counted either.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session, joinedload

from homecrm.billing.money import ZERO
from homecrm.i18n import N_, _, get_language
from homecrm.security.principal import Principal, require
from homecrm.store.models import CreditNote, Customer, CustomerCredit, Lease, Payment, Property, RentDocument, Unit
from homecrm.store.text import sort_key

AGEING_BUCKETS = ("0-30", "31-60", "61-90", "90+")


def _documents_seen(actor: Principal):
    """SQL condition on RentDocument: the documents whose payments ``actor`` sees — all of them with
    the payments "view" right; with "view own", those of their own documents (see own_documents)."""
    from homecrm.billing.documents import own_documents

    return true() if actor.visibility("payments") == "all" else own_documents(actor)


def _payments_seen(actor: Principal):
    """SQL condition on Payment (joined to its document): as payments_shown decides for one document —
    with "view own", the payments of the actor's documents and those they recorded."""
    if actor.visibility("payments") == "all":
        return true()
    return or_(_documents_seen(actor), Payment.created_by_id == actor.user_id)


def customers_seen(actor: Principal):
    """SQL condition on a customer id: the tenants whose kept credit ``actor`` sees."""
    if actor.visibility("payments") == "all":
        return true()
    return or_(Customer.id.in_(select(Customer.id).where(Customer.created_by_id == actor.user_id)),
               Customer.id.in_(select(RentDocument.customer_id).where(_documents_seen(actor))))


def filter_choices(session: Session, *, actor: Principal) -> tuple[dict[int, str], dict[int, str]]:
    """The properties and tenants an analyst can filter payments by: those the figures are about.

    The payments right is enough (the rows name them anyway): an analyst needs no right on leases or tenants.
    """
    require(session, actor, "payments", "view_own")
    seen = _documents_seen(actor)
    places = select(Property.id, Property.name).order_by(Property.name)
    if actor.visibility("payments") != "all":
        places = places.where(Property.id.in_(
            select(Unit.property_id).join(Lease, Lease.unit_id == Unit.id)
            .join(RentDocument, RentDocument.lease_id == Lease.id).where(seen)))
    properties = dict(session.execute(places).all())
    tenants = {c.id: c.display_name for c in session.scalars(
        select(Customer).where(Customer.id.in_(select(RentDocument.customer_id).where(seen))))}
    return properties, dict(sorted(tenants.items(), key=lambda item: sort_key(item[1])))


@dataclass(frozen=True)
class PaymentRow:
    id: int
    paid_on: date
    amount: Decimal
    currency: str
    mode: str
    reference: str
    tenant: str
    customer_id: int
    property: str
    property_id: int
    document: str
    due_date: date
    kind: str = "payment"  # payment; "credit": received and kept as the tenant's credit; "refund": paid back (< 0)

    @property
    def days_late(self) -> int:
        return max((self.paid_on - self.due_date).days, 0) if self.kind == "payment" else 0

    @property
    def on_time(self) -> bool:
        return self.paid_on <= self.due_date


def payment_rows(
    session: Session, *, actor: Principal, first: date, last: date, property_id: int | None = None,
    customer_id: int | None = None, mode: str | None = None, timing: str | None = None, currency: str | None = None,
) -> list[PaymentRow]:
    """Money received between ``first`` and ``last`` (credit used from earlier over-payments excluded);
    with the "view own" right, only what concerns the actor's own documents and tenants."""
    require(session, actor, "payments", "view_own")
    stmt = (
        select(Payment)
        .join(Payment.document)
        .join(RentDocument.lease)
        .join(Lease.unit)
        .options(joinedload(Payment.document).joinedload(RentDocument.customer),
                 joinedload(Payment.document).joinedload(RentDocument.lease).joinedload(Lease.unit).joinedload(Unit.property))
        .where(Payment.paid_on >= first, Payment.paid_on <= last, Payment.mode != "credit",
               _payments_seen(actor))
        .order_by(Payment.paid_on, Payment.id)
    )
    if property_id is not None:
        stmt = stmt.where(Unit.property_id == property_id)
    if customer_id is not None:
        stmt = stmt.where(RentDocument.customer_id == customer_id)
    if mode:
        stmt = stmt.where(Payment.mode == mode)
    rows = [
        PaymentRow(p.id, p.paid_on, p.amount, p.document.currency, p.mode, p.reference, p.document.customer.display_name,
                   p.document.customer_id, p.document.lease.unit.property.name, p.document.lease.unit.property_id,
                   p.document.number or "", p.document.due_date)
        for p in session.scalars(stmt).unique()
    ]
    rows += _credit_rows(session, actor=actor, first=first, last=last, property_id=property_id,
                         customer_id=customer_id, mode=mode)
    if timing is None:  # money paid back is neither on time nor late
        rows += _refund_rows(session, actor=actor, first=first, last=last, property_id=property_id,
                             customer_id=customer_id, mode=mode)
    rows.sort(key=lambda r: (r.paid_on, r.kind, r.id))
    if currency:
        rows = [r for r in rows if r.currency == currency]
    if timing == "on_time":
        rows = [r for r in rows if r.on_time]
    elif timing == "late":
        rows = [r for r in rows if not r.on_time]
    return rows


def _refund_rows(session: Session, *, actor: Principal, first: date, last: date, property_id: int | None, customer_id: int | None,
                 mode: str | None) -> list[PaymentRow]:
    """Money paid back to tenants by a credit note (a negative amount, dated the day it was paid)."""
    stmt = (
        select(CreditNote).join(CreditNote.document).join(RentDocument.lease).join(Lease.unit)
        .options(joinedload(CreditNote.document).joinedload(RentDocument.customer),
                 joinedload(CreditNote.document).joinedload(RentDocument.lease).joinedload(Lease.unit)
                 .joinedload(Unit.property))
        .where(CreditNote.state == "issued", CreditNote.refunded > 0, CreditNote.refund_date >= first,
               CreditNote.refund_date <= last, _documents_seen(actor))
    )
    if property_id is not None:
        stmt = stmt.where(Unit.property_id == property_id)
    if customer_id is not None:
        stmt = stmt.where(CreditNote.customer_id == customer_id)
    if mode:
        stmt = stmt.where(CreditNote.refund_mode == mode)
    rows = []
    for note in session.scalars(stmt).unique():
        doc = note.document
        rows.append(PaymentRow(note.id, note.refund_date, -note.refunded, note.currency, note.refund_mode,
                               note.number or "", doc.customer.display_name, doc.customer_id,
                               doc.lease.unit.property.name, doc.lease.unit.property_id, doc.number or "",
                               doc.due_date, kind="refund"))
    return rows


def _credit_rows(session: Session, *, actor: Principal, first: date, last: date, property_id: int | None, customer_id: int | None,
                 mode: str | None) -> list[PaymentRow]:
    """Money received and kept as credit (not from a credit note), dated the day it was received."""
    stmt = (
        select(CustomerCredit)
        .options(joinedload(CustomerCredit.customer))
        .where(CustomerCredit.received_on >= first, CustomerCredit.received_on <= last,
               CustomerCredit.origin_credit_note_id.is_(None), CustomerCredit.customer_id.in_(
                   select(Customer.id).where(customers_seen(actor))))
        .order_by(CustomerCredit.received_on, CustomerCredit.id)
    )
    if customer_id is not None:
        stmt = stmt.where(CustomerCredit.customer_id == customer_id)
    rows = []
    for credit in session.scalars(stmt):
        origin = session.get(Payment, credit.origin_payment_id) if credit.origin_payment_id else None
        credit_mode = credit.mode or (origin.mode if origin else "")
        if mode and credit_mode != mode:
            continue
        place = _tenant_property(session, credit.customer_id, origin)
        if property_id is not None and (place is None or place.id != property_id):
            continue
        rows.append(PaymentRow(credit.id, credit.received_on, credit.amount, credit.currency, credit_mode,
                               credit.reference or (origin.reference if origin else ""), credit.customer.display_name,
                               credit.customer_id, place.name if place else "", place.id if place else 0, "",
                               credit.received_on, kind="credit"))
    return rows


def _tenant_property(session: Session, customer_id: int, origin: Payment | None) -> Property | None:
    if origin is not None:
        return origin.document.lease.unit.property
    lease = session.scalar(select(Lease).where(Lease.customer_id == customer_id)
                           .order_by(Lease.start_date.desc(), Lease.id.desc()).limit(1))
    return lease.unit.property if lease else None


def collected_by_month_and_mode(rows: list[PaymentRow]) -> dict[str, dict[str, Decimal]]:
    """{"2026-03": {"transfer": 1200.00, "card": 80.00}, …}."""
    table: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in rows:
        table[f"{row.paid_on:%Y-%m}"][row.mode] += row.amount
    return {month: dict(modes) for month, modes in sorted(table.items())}


@dataclass(frozen=True)
class Punctuality:
    on_time: Decimal
    late: Decimal

    @property
    def late_share(self) -> Decimal:
        total = self.on_time + self.late
        return (self.late / total * 100).quantize(Decimal("0.1")) if total else ZERO


def punctuality(rows: list[PaymentRow]) -> Punctuality:
    received = [r for r in rows if r.kind != "refund"]
    return Punctuality(sum((r.amount for r in received if r.on_time), ZERO),
                       sum((r.amount for r in received if not r.on_time), ZERO))


def ageing(
    session: Session, *, actor: Principal, today: date, property_id: int | None = None, customer_id: int | None = None,
    currency: str | None = None,
) -> dict[str, Decimal]:
    """What is still owed, by days past the due date: 0–30, 31–60, 61–90, 90+ (not yet due excluded)."""
    require(session, actor, "payments", "view_own")
    stmt = (
        select(RentDocument).join(RentDocument.lease).join(Lease.unit)
        .where(RentDocument.state == "issued", RentDocument.due_date < today, _documents_seen(actor))
    )
    if property_id is not None:
        stmt = stmt.where(Unit.property_id == property_id)
    if customer_id is not None:
        stmt = stmt.where(RentDocument.customer_id == customer_id)
    if currency:
        stmt = stmt.where(RentDocument.currency == currency)
    buckets = dict.fromkeys(AGEING_BUCKETS, ZERO)
    for doc in session.scalars(stmt):
        if doc.balance <= ZERO:
            continue
        days = (today - doc.due_date).days
        key = "0-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else "90+"
        buckets[key] += doc.balance
    return buckets


COLUMNS = (N_("Payment date"), N_("Amount"), N_("Currency"), N_("Mode"), N_("Reference"), N_("Tenant"),
           N_("Property"), N_("Document"), N_("Due date"), N_("Days late"))


def headers() -> list[str]:
    return [_(c) for c in COLUMNS]


def mode_label(code: str) -> str:
    from homecrm.billing.payments import PAYMENT_MODE_LABELS

    return _(PAYMENT_MODE_LABELS[code]) if code in PAYMENT_MODE_LABELS else code


def document_label(row: PaymentRow) -> str:
    if row.kind == "refund":
        return _("Refund of {number} ({note})").format(number=row.document, note=row.reference)
    return row.document if row.kind == "payment" else _("Kept as the tenant's credit")


def _values(row: PaymentRow, decimal_separator: str) -> list:
    from homecrm.render.formatting import format_date

    # Dates as a French spreadsheet reads them; amounts with the language's decimal separator and
    # no grouping, so the spreadsheet takes them as numbers.
    return [format_date(row.paid_on, "d/m/Y"), str(row.amount).replace(".", decimal_separator), row.currency,
            mode_label(row.mode), row.reference, row.tenant, row.property, document_label(row),
            format_date(row.due_date, "d/m/Y") if row.kind == "payment" else "", row.days_late]


def to_csv(rows: list[PaymentRow]) -> bytes:
    from homecrm.csv_export import csv_bytes

    decimal_separator = "," if get_language() == "fr" else "."
    return csv_bytes([headers(), *(_values(r, decimal_separator) for r in rows)])


def to_excel(rows: list[PaymentRow]) -> bytes:
    """An .xlsx with real numbers and dates (amounts as numbers rounded to the cent by Excel's format)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Payments")[:31]
    sheet.append(headers())
    for r in rows:
        # openpyxl stores numbers as floats; the exact Decimal string is kept in the CSV export.
        sheet.append([r.paid_on, r.amount, r.currency, mode_label(r.mode), r.reference, r.tenant, r.property,
                      document_label(r), r.due_date if r.kind == "payment" else None, r.days_late])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # typed text ("=HYPERLINK(…)" as a reference) stays text, never a formula
    for cell in sheet["B"][1:]:
        cell.number_format = "#,##0.00"
    for column in ("A", "I"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
