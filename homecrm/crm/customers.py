"""Tenants: a person or a company, with contacts. Validation names the field at fault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from homecrm import validation
from homecrm.store.text import contains_text
from homecrm.errors import ConflictError, NotFoundError, ValidationError, check_version
from homecrm.i18n import _
from homecrm.inputs import InputModel, parse_input
from homecrm.security.principal import Principal, require, require_visible
from homecrm.settings import load_section
from homecrm.settings.sections import ClientSettings
from homecrm.store.models import Contact, Customer, Lease, RentDocument


class CustomerInput(InputModel):
    model_config = InputModel.model_config | {"validate_default": True}

    kind: Literal["person", "company"] = "person"
    civility: Literal["", "M.", "Mme"] = ""
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    company_name: str = Field("", max_length=200)
    siren: str = ""
    vat_number: str = ""
    email: str = ""
    phone: str = ""
    address: str = Field("", max_length=300)
    zip_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    country: str = "FR"
    language: Literal["", "fr", "en"] = ""
    notes: str = ""
    active: bool = True
    reminders_opt_out: bool = False
    timezone: str = ""

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        return validation.timezone(v) if v.strip() else ""

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return validation.country_code(v or "FR")

    @field_validator("siren")
    @classmethod
    def _siren(cls, v: str) -> str:
        return validation.siren(v)

    @field_validator("vat_number")
    @classmethod
    def _vat(cls, v: str) -> str:
        return validation.vat_number(v)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return validation.email(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str, info: ValidationInfo) -> str:
        country = (info.context or {}).get("default_country") or info.data.get("country") or "FR"
        return validation.phone(v, country)

    @field_validator("last_name")
    @classmethod
    def _last_name(cls, v: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == "person" and not v:
            raise ValueError(_("A tenant who is a person needs a last name."))
        return v

    @field_validator("company_name")
    @classmethod
    def _company_name(cls, v: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == "company" and not v:
            raise ValueError(_("A tenant that is a company needs a company name."))
        return v


def _validate(session: Session, data: dict[str, Any] | CustomerInput) -> CustomerInput:
    settings = load_section(session, ClientSettings)
    raw = data.model_dump() if isinstance(data, CustomerInput) else dict(data)
    raw.setdefault("country", settings.default_country)
    parsed = parse_input(CustomerInput, raw, context={"default_country": settings.default_country})
    if parsed.kind == "company" and settings.vat_required_for_companies and not parsed.vat_number:
        raise ValidationError(
            _("A company tenant must have a VAT number (Settings > Clients)."), field="vat_number"
        )
    if parsed.siren and parsed.vat_number.startswith("FR") and parsed.vat_number[4:] != parsed.siren:
        raise ValidationError(
            _("The VAT number {vat} does not belong to SIREN {siren}.").format(
                vat=parsed.vat_number, siren=parsed.siren
            ),
            field="vat_number",
        )
    return parsed


def create_customer(session: Session, *, actor: Principal, data: dict[str, Any] | CustomerInput) -> Customer:
    require(session, actor, "tenants", "create")
    parsed = _validate(session, data)
    customer = Customer(**parsed.model_dump(), created_by_id=actor.user_id)
    session.add(customer)
    session.flush()
    return customer


def update_customer(
    session: Session, *, actor: Principal, customer_id: int, data: dict[str, Any] | CustomerInput,
    expected_version: str | None = None,
) -> Customer:
    require(session, actor, "tenants", "edit")
    customer = get_customer(session, customer_id, actor=actor)
    check_version(customer, expected_version)
    parsed = _validate(session, data)
    for key, value in parsed.model_dump().items():
        setattr(customer, key, value)
    session.flush()
    return customer


def get_customer(session: Session, customer_id: int, *, actor: Principal) -> Customer:
    require(session, actor, "tenants", "view_own")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError(_("Tenant #{id} does not exist.").format(id=customer_id))
    require_visible(actor, "tenants", customer.created_by_id)
    return customer


def delete_customer(session: Session, *, actor: Principal, customer_id: int) -> None:
    require(session, actor, "tenants", "delete")
    customer = get_customer(session, customer_id, actor=actor)
    used = session.scalar(
        select(
            exists().where(Lease.customer_id == customer_id)
            | exists().where(RentDocument.customer_id == customer_id)
        )
    )
    if used:
        raise ConflictError(
            _("{name} has leases or documents: deactivate the tenant instead of deleting it.").format(
                name=customer.display_name
            )
        )
    from homecrm.crm.candidates import tenant_deleted
    from homecrm.crm.tags import drop_tags

    tenant_deleted(session, actor=actor, customer_id=customer.id)
    drop_tags(session, "tenant", customer.id)
    session.delete(customer)
    session.flush()


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    kind: str
    email: str
    phone: str
    city: str
    active: bool
    leases: int
    tags: tuple[str, ...] = ()


def list_customers(
    session: Session, *, actor: Principal, search: str = "", active: bool | None = None, tag: str | None = None
) -> list[CustomerRow]:
    from homecrm.crm.tags import ids_with_tag, tags_of

    require(session, actor, "tenants", "view_own")
    lease_count = (
        select(func.count(Lease.id)).where(Lease.customer_id == Customer.id).correlate(Customer).scalar_subquery()
    )
    stmt = select(Customer, lease_count).order_by(Customer.last_name, Customer.company_name, Customer.id)
    if active is not None:
        stmt = stmt.where(Customer.active.is_(active))
    if tag:
        stmt = stmt.where(Customer.id.in_(ids_with_tag("tenant", tag)))
    if actor.visibility("tenants") == "own":
        stmt = stmt.where(Customer.created_by_id == actor.user_id)
    if search.strip():
        text = search.strip()
        full_name = Customer.first_name + " " + Customer.last_name
        stmt = stmt.where(or_(*(contains_text(column, text) for column in (
            full_name, Customer.last_name, Customer.company_name, Customer.email, Customer.city))))
    found = session.execute(stmt).all()
    tags = tags_of(session, "tenant", [c.id for c, _count in found])
    return [
        CustomerRow(
            id=c.id,
            name=c.display_name,
            kind=c.kind,
            email=c.email,
            phone=c.phone,
            city=c.city,
            active=c.active,
            leases=count,
            tags=tuple(tags[c.id]),
        )
        for c, count in found
    ]


# contacts ----------------------------------------------------------------------------------


class ContactInput(InputModel):
    first_name: str = Field("", max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    email: str = ""
    phone: str = ""
    position: str = Field("", max_length=100)
    is_primary: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return validation.email(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str, info: ValidationInfo) -> str:
        return validation.phone(v, (info.context or {}).get("default_country") or "FR")


def _contact_input(session: Session, data: dict[str, Any]) -> ContactInput:
    settings = load_section(session, ClientSettings)
    return parse_input(ContactInput, data, context={"default_country": settings.default_country})


def add_contact(session: Session, *, actor: Principal, customer_id: int, data: dict[str, Any]) -> Contact:
    require(session, actor, "tenants", "edit")
    customer = get_customer(session, customer_id, actor=actor)
    parsed = _contact_input(session, data)
    contact = Contact(**parsed.model_dump())
    with session.no_autoflush:
        customer.contacts.append(contact)
        if parsed.is_primary or len(customer.contacts) == 1:
            _make_primary(customer, contact)
    session.flush()
    return contact


def update_contact(session: Session, *, actor: Principal, contact_id: int, data: dict[str, Any]) -> Contact:
    require(session, actor, "tenants", "edit")
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(_("Contact #{id} does not exist.").format(id=contact_id))
    require_visible(actor, "tenants", contact.customer.created_by_id)
    parsed = _contact_input(session, data)
    for key, value in parsed.model_dump().items():
        setattr(contact, key, value)
    if parsed.is_primary:
        _make_primary(contact.customer, contact)
    session.flush()
    return contact


def delete_contact(session: Session, *, actor: Principal, contact_id: int) -> None:
    require(session, actor, "tenants", "edit")
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(_("Contact #{id} does not exist.").format(id=contact_id))
    require_visible(actor, "tenants", contact.customer.created_by_id)
    customer = contact.customer
    was_primary = contact.is_primary
    customer.contacts.remove(contact)
    session.flush()
    if was_primary and customer.contacts:
        customer.contacts[0].is_primary = True
        session.flush()


def _make_primary(customer: Customer, contact: Contact) -> None:
    for other in customer.contacts:
        other.is_primary = other is contact
    contact.is_primary = True
