"""Small builders for test data, through the real services."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from homecrm.crm.customers import create_customer
from homecrm.security.principal import Principal
from homecrm.leasing.leases import create_lease
from homecrm.leasing.properties import add_unit, create_property


# Tests act as the system principal unless they test permissions on purpose.
ACTOR = Principal.system()


def ensure_landlord(session: Session) -> None:
    """Documents need a landlord (name and address): tests that issue documents get one."""
    from homecrm.settings import load_section, save_section
    from homecrm.settings.sections import CompanySettings

    company = load_section(session, CompanySettings)
    if not (company.name and company.address and company.city):
        save_section(session, CompanySettings, {"name": company.name or "SCI Test", "address": company.address or "1 rue de la Paix",
                                                 "zip_code": company.zip_code or "69002", "city": company.city or "Lyon"}, actor=ACTOR)


def make_lease(
    session: Session,
    *,
    name: str = "Dupont",
    unit: str = "Apt 1",
    rent: str = "650.00",
    charges: str = "80.00",
    start: date = date(2025, 1, 1),
    end: date | None = None,
    property_name: str = "Résidence Test",
    **lease_fields,
):
    ensure_landlord(session)
    customer_data = lease_fields.pop("customer", None) or {"civility": "Mme", "first_name": "Marie", "last_name": name}
    customer = create_customer(session, data=customer_data, actor=ACTOR)
    from homecrm.store.models import Property
    from sqlalchemy import select

    prop = session.scalar(select(Property).where(Property.name == property_name)) or create_property(
        session, data={"name": property_name, "address": "12 rue des Lilas", "zip_code": "69003", "city": "Lyon"}, actor=ACTOR
    )
    unit_obj = add_unit(session, property_id=prop.id, data={"name": unit}, actor=ACTOR)
    return create_lease(
        session,
        data={"customer_id": customer.id, "unit_id": unit_obj.id, "start_date": start, "end_date": end,
              "rent": rent, "charges": charges, "deposit": "0", "due_day": 5, **lease_fields}, actor=ACTOR
    )


def make_staff(session: Session, *, email: str, permissions, name: str = "Sam"):
    """A staff account whose role gives exactly ``permissions``; returns its Principal.

    Services re-read the account's rights at each check, so a test principal must match a real role.
    """
    from homecrm.security.accounts import create_user, principal_for, save_role

    role = save_role(session, actor=ACTOR, name=f"Rôle de {email}", permissions=set(permissions))
    user = create_user(session, actor=ACTOR, data={"name": name, "email": email, "role_id": role.id},
                       password="a-long-password-1")
    return principal_for(user)
