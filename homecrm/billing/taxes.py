"""Tax rates (TVA 20 %, 10 %, 5,5 %…) offered on commercial leases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.security.principal import Principal, require
from homecrm.settings import load_section, save_section
from homecrm.settings.sections import FinanceSettings
from homecrm.store.models import Lease, Tax


class TaxInput(InputModel):
    name: str = Field(..., min_length=1, max_length=50)
    rate: MoneyInput = Field(..., ge=0, le=100)


def create_tax(session: Session, *, actor: Principal, data: dict[str, Any]) -> Tax:
    require(session, actor, "settings", "edit")
    parsed = parse_input(TaxInput, data)
    if session.scalar(select(exists().where(Tax.name == parsed.name, Tax.rate == parsed.rate))):
        raise ValidationError(_("This tax already exists."), field="name")
    tax = Tax(name=parsed.name, rate=parsed.rate)
    session.add(tax)
    session.flush()
    return tax


def list_taxes(session: Session) -> list[Tax]:
    return list(session.scalars(select(Tax).order_by(Tax.rate, Tax.name)))


def delete_tax(session: Session, *, actor: Principal, tax_id: int) -> None:
    require(session, actor, "settings", "edit")
    tax = session.get(Tax, tax_id)
    if tax is None:
        raise NotFoundError(_("Tax #{id} does not exist.").format(id=tax_id))
    if session.scalar(select(exists().where(Lease.tax_id == tax_id))):
        raise ConflictError(_("{name} is used by leases: it cannot be deleted.").format(name=tax.name))
    finance = load_section(session, FinanceSettings)
    if finance.default_tax == tax_id:
        save_section(session, FinanceSettings, {"default_tax": None}, actor=actor)
    session.delete(tax)
    session.flush()


def default_tax_rate(session: Session) -> Decimal | None:
    finance = load_section(session, FinanceSettings)
    tax = session.get(Tax, finance.default_tax) if finance.default_tax else None
    return tax.rate if tax else None
