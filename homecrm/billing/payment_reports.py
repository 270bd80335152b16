"""What analysts ask of payments: who paid what, when, how, on time or late, and what is owed
by age. The pages draw these figures; every number comes from here."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from homecrm.billing.money import ZERO
from homecrm.security.principal import Principal, require
from homecrm.store.models import Lease, Payment, RentDocument, Unit

AGEING_BUCKETS = ("0-30", "31-60", "61-90", "90+")


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

    @property
    def days_late(self) -> int:
        return max((self.paid_on - self.due_date).days, 0)

    @property
    def on_time(self) -> bool:
        return self.paid_on <= self.due_date


def payment_rows(
    session: Session, *, actor: Principal, first: date, last: date, property_id: int | None = None,
    customer_id: int | None = None, mode: str | None = None, timing: str | None = None,
) -> list[PaymentRow]:
    """Money received between ``first`` and ``last`` (credit used from earlier over-payments excluded)."""
    require(session, actor, "payments", "view")
    stmt = (
        select(Payment)
        .join(Payment.document)
        .join(RentDocument.lease)
        .join(Lease.unit)
        .options(joinedload(Payment.document).joinedload(RentDocument.customer),
                 joinedload(Payment.document).joinedload(RentDocument.lease).joinedload(Lease.unit).joinedload(Unit.property))
        .where(Payment.paid_on >= first, Payment.paid_on <= last, Payment.mode != "credit")
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
    if timing == "on_time":
        rows = [r for r in rows if r.on_time]
    elif timing == "late":
        rows = [r for r in rows if not r.on_time]
    return rows


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
    return Punctuality(sum((r.amount for r in rows if r.on_time), ZERO), sum((r.amount for r in rows if not r.on_time), ZERO))


def ageing(
    session: Session, *, actor: Principal, today: date, property_id: int | None = None, customer_id: int | None = None
) -> dict[str, Decimal]:
    """What is still owed, by days past the due date: 0–30, 31–60, 61–90, 90+ (not yet due excluded)."""
    require(session, actor, "payments", "view")
    stmt = (
        select(RentDocument).join(RentDocument.lease).join(Lease.unit)
        .where(RentDocument.state == "issued", RentDocument.due_date < today)
    )
    if property_id is not None:
        stmt = stmt.where(Unit.property_id == property_id)
    if customer_id is not None:
        stmt = stmt.where(RentDocument.customer_id == customer_id)
    buckets = dict.fromkeys(AGEING_BUCKETS, ZERO)
    for doc in session.scalars(stmt):
        if doc.balance <= ZERO:
            continue
        days = (today - doc.due_date).days
        key = "0-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else "90+"
        buckets[key] += doc.balance
    return buckets


COLUMNS = ("paid_on", "amount", "currency", "mode", "reference", "tenant", "property", "document", "due_date", "days_late")


def _values(row: PaymentRow) -> list:
    return [row.paid_on.isoformat(), str(row.amount), row.currency, row.mode, row.reference, row.tenant, row.property,
            row.document, row.due_date.isoformat(), row.days_late]


def to_csv(rows: list[PaymentRow]) -> bytes:
    from homecrm.csv_export import csv_bytes

    return csv_bytes([COLUMNS, *(_values(r) for r in rows)])


def to_excel(rows: list[PaymentRow]) -> bytes:
    """An .xlsx with real numbers and dates (amounts as numbers rounded to the cent by Excel's format)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Paiements"
    sheet.append(list(COLUMNS))
    for r in rows:
        # openpyxl stores numbers as floats; the exact Decimal string is kept in the CSV export.
        sheet.append([r.paid_on, r.amount, r.currency, r.mode, r.reference, r.tenant, r.property, r.document,
                      r.due_date, r.days_late])
    for cell in sheet["B"][1:]:
        cell.number_format = "#,##0.00"
    for column in ("A", "I"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
