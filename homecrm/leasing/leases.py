"""Leases: who rents which unit, from when, for how much, under which rules.

French rules enforced here: residential rent carries no VAT; the security deposit of a
residential lease is at most one month of rent excluding charges (two when furnished;
loi 89-462 art. 22 and 25-6); one unit is never let twice at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator
from sqlalchemy import false, or_, select, true
from sqlalchemy.orm import Session, joinedload

from homecrm.billing.money import check_currency
from homecrm.errors import ConflictError, NotFoundError, ValidationError, check_version
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.security.principal import Principal, require, require_visible
from homecrm.store.models import Customer, Lease, RentDocument, Tax, Unit

REGIMES: dict[str, str] = {
    "residential": N_("Residential (no VAT)"),
    "commercial": N_("Commercial / professional"),
}


class LeaseInput(InputModel):
    customer_id: int
    unit_id: int
    start_date: date
    end_date: date | None = None
    rent: MoneyInput = Field(..., gt=0)
    charges: MoneyInput = Field(Decimal("0"), ge=0)
    deposit: MoneyInput = Field(Decimal("0"), ge=0)
    due_day: int = Field(1, ge=1, le=31)
    currency: str = "EUR"
    regime: Literal["residential", "commercial"] = "residential"
    furnished: bool = False
    vat_option: bool = False
    tax_id: int | None = None
    notes: str = ""

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        try:
            return check_currency(v)
        except ValidationError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("end_date")
    @classmethod
    def _end(cls, v: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if v is not None and start is not None and v < start:
            raise ValueError(_("The end date is before the start date."))
        return v

    @field_validator("vat_option")
    @classmethod
    def _vat(cls, v: bool, info: ValidationInfo) -> bool:
        if v and info.data.get("regime") == "residential":
            raise ValueError(_("Residential rent is exempt from VAT: the VAT option is for commercial leases."))
        return v


def _check(session: Session, parsed: LeaseInput, lease_id: int | None = None) -> None:
    from homecrm.billing.money import money
    from homecrm.render.formatting import Formats

    fmt = Formats()
    for name in ("rent", "charges", "deposit"):
        try:
            money(getattr(parsed, name), parsed.currency)
        except ValidationError as exc:
            raise ValidationError(str(exc), field=name) from None
    if session.get(Customer, parsed.customer_id) is None:
        raise ValidationError(_("Choose an existing tenant."), field="customer_id")
    unit = session.get(Unit, parsed.unit_id)
    if unit is None:
        raise ValidationError(_("Choose an existing unit."), field="unit_id")
    if parsed.tax_id is not None and session.get(Tax, parsed.tax_id) is None:
        raise ValidationError(_("This tax does not exist."), field="tax_id")
    if parsed.regime == "residential":
        limit = parsed.rent * (2 if parsed.furnished else 1)
        if parsed.deposit > limit:
            raise ValidationError(
                _(
                    "The deposit of a residential lease is at most {months} month(s) of rent "
                    "excluding charges ({limit})."
                ).format(months=2 if parsed.furnished else 1, limit=fmt.money(limit, parsed.currency)),
                field="deposit",
            )
    overlapping = select(Lease).where(
        Lease.unit_id == parsed.unit_id,
        Lease.start_date <= (parsed.end_date or date.max),
        (Lease.end_date.is_(None)) | (Lease.end_date >= parsed.start_date),
    )
    if lease_id is not None:
        overlapping = overlapping.where(Lease.id != lease_id)
    other = session.scalars(overlapping.limit(1)).first()
    if other is not None:
        raise ValidationError(
            _("{unit} is already let to {tenant} from {start} over these dates.").format(
                unit=unit.label, tenant=other.customer.display_name, start=fmt.date(other.start_date)
            ),
            field="start_date",
        )


def create_lease(session: Session, *, actor: Principal, data: dict[str, Any] | LeaseInput) -> Lease:
    require(session, actor, "leases", "create")
    parsed = parse_input(LeaseInput, data)
    _check(session, parsed)
    lease = Lease(**parsed.model_dump(), created_by_id=actor.user_id)
    session.add(lease)
    session.flush()
    return lease


def update_lease(
    session: Session, *, actor: Principal, lease_id: int, data: dict[str, Any] | LeaseInput,
    expected_version: str | None = None,
) -> Lease:
    require(session, actor, "leases", "edit")
    lease = get_lease(session, lease_id, actor=actor)
    check_version(lease, expected_version)
    parsed = parse_input(LeaseInput, data)
    _check(session, parsed, lease_id=lease_id)
    _check_documents_fit(session, lease, parsed)
    for key, value in parsed.model_dump().items():
        setattr(lease, key, value)
    session.flush()
    return lease


def _check_documents_fit(session: Session, lease: Lease, parsed: LeaseInput) -> None:
    """Dates, tenant or unit cannot change under documents already issued for other terms."""
    from homecrm.render.formatting import Formats

    issued = session.scalars(
        select(RentDocument).where(RentDocument.lease_id == lease.id, RentDocument.state != "cancelled")
        .order_by(RentDocument.period_start)
    ).all()
    if not issued:
        return
    if parsed.customer_id != lease.customer_id or parsed.unit_id != lease.unit_id:
        raise ValidationError(
            _("This lease has documents: its tenant and unit cannot change (create a new lease instead)."),
            field="customer_id",
        )
    outside = [d for d in issued if (parsed.end_date and d.period_end > parsed.end_date) or d.period_start < parsed.start_date]
    if outside:
        fmt = Formats()
        raise ValidationError(
            _("Documents already issued fall outside these dates ({numbers}): cancel them with a credit note first, "
              "then issue corrected ones (the last month is then charged pro rata up to {end}).").format(
                numbers=", ".join(d.number or _("draft") for d in outside[:5]),
                end=fmt.date(parsed.end_date) if parsed.end_date else "—",
            ),
            field="end_date",
        )


def get_lease(session: Session, lease_id: int, *, actor: Principal) -> Lease:
    require(session, actor, "leases", "view_own")
    lease = session.get(Lease, lease_id)
    if lease is None:
        raise NotFoundError(_("Lease #{id} does not exist.").format(id=lease_id))
    require_visible(actor, "leases", lease.created_by_id, lease.customer.created_by_id)
    return lease


def delete_lease(session: Session, *, actor: Principal, lease_id: int) -> None:
    require(session, actor, "leases", "delete")
    lease = get_lease(session, lease_id, actor=actor)
    has_documents = session.scalar(select(RentDocument.id).where(RentDocument.lease_id == lease_id).limit(1))
    if has_documents:
        raise ConflictError(_("This lease has rent documents: end it instead of deleting it."))
    session.delete(lease)
    session.flush()


def own_leases(actor: Principal):
    """SQL condition: the leases a "view own" user sees (they made the lease or its tenant)."""
    return or_(Lease.created_by_id == actor.user_id,
               Lease.customer_id.in_(select(Customer.id).where(Customer.created_by_id == actor.user_id)))


def visible_leases(actor: Principal):
    """SQL condition: the leases ``actor`` may see (none without a leases right)."""
    visibility = actor.visibility("leases")
    if visibility == "all":
        return true()
    return own_leases(actor) if visibility == "own" else false()


def active_leases(session: Session, first: date, last: date, *, actor: Principal | None = None) -> list[Lease]:
    """Leases running on at least one day of [first, last], in a stable order (those ``actor`` sees)."""
    stmt = (
        select(Lease)
        .where(Lease.start_date <= last, (Lease.end_date.is_(None)) | (Lease.end_date >= first),
               visible_leases(actor) if actor is not None else true())
        .options(joinedload(Lease.customer), joinedload(Lease.unit).joinedload(Unit.property))
        .order_by(Lease.id)
    )
    return list(session.scalars(stmt).unique())


@dataclass(frozen=True)
class LeaseRow:
    id: int
    tenant: str
    unit: str
    start_date: date
    end_date: date | None
    rent: Decimal
    charges: Decimal
    currency: str
    regime: str
    active: bool


def list_leases(session: Session, *, actor: Principal, on: date) -> list[LeaseRow]:
    require(session, actor, "leases", "view_own")
    stmt = (
        select(Lease)
        .where(visible_leases(actor))
        .options(joinedload(Lease.customer), joinedload(Lease.unit).joinedload(Unit.property))
        .order_by(Lease.start_date.desc(), Lease.id)
    )
    return [
        LeaseRow(
            id=lease.id,
            tenant=lease.customer.display_name,
            unit=lease.unit.label,
            start_date=lease.start_date,
            end_date=lease.end_date,
            rent=lease.rent,
            charges=lease.charges,
            currency=lease.currency,
            regime=lease.regime,
            active=lease.is_active_between(on, on),
        )
        for lease in session.scalars(stmt).unique()
    ]
