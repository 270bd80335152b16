"""Properties (buildings, houses) and their rentable units."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from homecrm import validation
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.security.principal import Principal, require
from homecrm.store.models import Lease, Property, Unit

UNIT_KINDS: dict[str, str] = {
    "apartment": N_("Apartment"),
    "house": N_("House"),
    "commercial": N_("Commercial premises"),
    "office": N_("Office"),
    "parking": N_("Parking space"),
    "other": N_("Other"),
}


class PropertyInput(InputModel):
    name: str = Field(..., min_length=1, max_length=200)
    address: str = Field("", max_length=300)
    zip_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    country: str = "FR"
    notes: str = ""

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return validation.country_code(v or "FR")


class UnitInput(InputModel):
    name: str = Field(..., min_length=1, max_length=100)
    kind: Literal["apartment", "house", "commercial", "office", "parking", "other"] = "apartment"
    surface: MoneyInput | None = Field(None, ge=0, le=100000)
    floor: str = Field("", max_length=20)
    notes: str = ""


def create_property(session: Session, *, actor: Principal, data: dict[str, Any]) -> Property:
    require(session, actor, "leases", "create")
    parsed = parse_input(PropertyInput, data)
    if session.scalar(select(exists().where(Property.name == parsed.name))):
        raise ValidationError(_("A property named {name} already exists.").format(name=parsed.name), field="name")
    prop = Property(**parsed.model_dump())
    session.add(prop)
    session.flush()
    return prop


def update_property(session: Session, *, actor: Principal, property_id: int, data: dict[str, Any]) -> Property:
    require(session, actor, "leases", "edit")
    prop = get_property(session, property_id)
    parsed = parse_input(PropertyInput, data)
    clash = session.scalar(select(exists().where(Property.name == parsed.name, Property.id != property_id)))
    if clash:
        raise ValidationError(_("A property named {name} already exists.").format(name=parsed.name), field="name")
    for key, value in parsed.model_dump().items():
        setattr(prop, key, value)
    session.flush()
    return prop


def get_property(session: Session, property_id: int) -> Property:
    prop = session.get(Property, property_id)
    if prop is None:
        raise NotFoundError(_("Property #{id} does not exist.").format(id=property_id))
    return prop


def delete_property(session: Session, *, actor: Principal, property_id: int) -> None:
    require(session, actor, "leases", "delete")
    prop = get_property(session, property_id)
    if session.scalar(select(exists().where(Lease.unit_id.in_([u.id for u in prop.units])))):
        raise ConflictError(_("{name} has leases: it cannot be deleted.").format(name=prop.name))
    session.delete(prop)
    session.flush()


def add_unit(session: Session, *, actor: Principal, property_id: int, data: dict[str, Any]) -> Unit:
    require(session, actor, "leases", "create")
    prop = get_property(session, property_id)
    parsed = parse_input(UnitInput, data)
    if any(u.name == parsed.name for u in prop.units):
        raise ValidationError(
            _("{property} already has a unit named {name}.").format(property=prop.name, name=parsed.name),
            field="name",
        )
    unit = Unit(property=prop, **parsed.model_dump())
    session.add(unit)
    session.flush()
    return unit


def update_unit(session: Session, *, actor: Principal, unit_id: int, data: dict[str, Any]) -> Unit:
    require(session, actor, "leases", "edit")
    unit = get_unit(session, unit_id)
    parsed = parse_input(UnitInput, data)
    if any(u.name == parsed.name and u.id != unit_id for u in unit.property.units):
        raise ValidationError(
            _("{property} already has a unit named {name}.").format(property=unit.property.name, name=parsed.name),
            field="name",
        )
    for key, value in parsed.model_dump().items():
        setattr(unit, key, value)
    session.flush()
    return unit


def get_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(_("Unit #{id} does not exist.").format(id=unit_id))
    return unit


def delete_unit(session: Session, *, actor: Principal, unit_id: int) -> None:
    require(session, actor, "leases", "delete")
    unit = get_unit(session, unit_id)
    if unit.leases:
        raise ConflictError(_("{unit} has leases: it cannot be deleted.").format(unit=unit.label))
    session.delete(unit)
    session.flush()


def list_properties(session: Session, *, actor: Principal) -> list[Property]:
    require(session, actor, "leases", "view_own")
    return list(session.scalars(select(Property).order_by(Property.name)))
