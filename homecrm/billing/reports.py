"""Figures for the dashboard: what was due, what came in, who is late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from homecrm.billing.documents import DocumentRow, list_documents
from homecrm.billing.periods import Month
from homecrm.security.principal import Principal, require
from homecrm.store.models import Lease, Payment, RentDocument, Unit


@dataclass(frozen=True)
class MonthFigures:
    month: Month
    due: Decimal
    collected: Decimal
    documents: int
    paid_documents: int

    @property
    def rate(self) -> Decimal:
        return (self.collected / self.due * 100).quantize(Decimal("0.1")) if self.due else Decimal("0")


def currencies_in_use(session: Session) -> list[str]:
    """The leases' currencies, euro first: figures are only ever added up within one currency."""
    found = set(session.scalars(select(Lease.currency).distinct())) or {"EUR"}
    return sorted(found, key=lambda code: (code != "EUR", code))


def month_figures(session: Session, month: Month, *, actor: Principal, currency: str = "EUR") -> MonthFigures:
    """Due = what the month's issued documents in ``currency`` ask (credit notes deducted); collected =
    what was paid on them so far and kept (refunds and sums moved to the tenant's credit deducted)."""
    require(session, actor, "reports", "view")
    total, credited, paid_in, returned, count, paid = session.execute(
        select(
            func.coalesce(func.sum(RentDocument.total), 0),
            func.coalesce(func.sum(RentDocument.amount_credited), 0),
            func.coalesce(func.sum(RentDocument.amount_paid), 0),
            func.coalesce(func.sum(RentDocument.amount_returned), 0),
            func.count(RentDocument.id),
            func.coalesce(func.sum(case((RentDocument.payment_status == "paid", 1), else_=0)), 0),
        ).where(
            RentDocument.state == "issued",
            RentDocument.currency == currency,
            RentDocument.period_start >= month.first,
            RentDocument.period_start <= month.last,
        )
    ).one()
    # SUM keeps the column's type: the store converts the integer minor units back to Decimal.
    return MonthFigures(
        month=month,
        due=Decimal(total) - Decimal(credited),
        collected=Decimal(paid_in) - Decimal(returned),
        documents=count,
        paid_documents=int(paid),
    )


def last_months(session: Session, *, actor: Principal, until: Month, count: int = 12,
                currency: str = "EUR") -> list[MonthFigures]:
    return [month_figures(session, until.shift(-offset), actor=actor, currency=currency)
            for offset in range(count - 1, -1, -1)]


def overdue_documents(session: Session, *, actor: Principal, today: date) -> list[DocumentRow]:
    require(session, actor, "reports", "view")
    rows = list_documents(session, actor=actor, status="overdue", today=today)
    return sorted(rows, key=lambda r: r.due_date)


def collected_between(session: Session, first: date, last: date, *, actor: Principal) -> Decimal:
    require(session, actor, "reports", "view")
    total = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.paid_on >= first, Payment.paid_on <= last)
    )
    return Decimal(total)


@dataclass(frozen=True)
class Occupancy:
    units: int
    let: int


def occupancy(session: Session, *, actor: Principal, on: date) -> Occupancy:
    require(session, actor, "reports", "view")
    units = session.scalar(select(func.count(Unit.id))) or 0
    let = session.scalar(
        select(func.count(func.distinct(Lease.unit_id))).where(
            Lease.start_date <= on, (Lease.end_date.is_(None)) | (Lease.end_date >= on)
        )
    ) or 0
    return Occupancy(units=units, let=let)

