"""Tenants, properties and leases: validation names the field, French rules hold."""

from datetime import date

import pytest

from homecrm.crm.customers import add_contact, create_customer, delete_customer, list_customers
from homecrm.errors import ConflictError, ValidationError
from homecrm.leasing.leases import create_lease
from homecrm.leasing.properties import add_unit, create_property
from homecrm.settings import save_section
from homecrm.settings.sections import ClientSettings
from tests.factories import make_lease
from tests.factories import ACTOR


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "person", "first_name": "Marie"}, "last_name"),
        ({"kind": "company"}, "company_name"),
        ({"last_name": "Dupont", "email": "marie@"}, "email"),
        ({"last_name": "Dupont", "phone": "0612"}, "phone"),
        ({"kind": "company", "company_name": "X", "siren": "123456789"}, "siren"),
        ({"kind": "company", "company_name": "X", "vat_number": "FR12345"}, "vat_number"),
        ({"last_name": "Dupont", "country": "ZZ"}, "country"),
    ],
)
def test_bad_tenants_are_refused_with_their_field(db, data, field):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        create_customer(session, data=data, actor=ACTOR)
    assert field in excinfo.value.errors


def test_phone_uses_the_default_country_setting(db):
    with db.write() as session:
        assert create_customer(session, data={"last_name": "A", "phone": "06 12 34 56 78"}, actor=ACTOR).phone == "+33612345678"
        save_section(session, ClientSettings, {"default_country": "BE"}, actor=ACTOR)
        assert create_customer(session, data={"last_name": "B", "phone": "0471 23 45 67"}, actor=ACTOR).phone == "+32471234567"


def test_vat_required_for_companies_setting(db):
    company = {"kind": "company", "company_name": "Boulangerie SARL"}
    with db.write() as session:
        create_customer(session, data=company, actor=ACTOR)
        save_section(session, ClientSettings, {"vat_required_for_companies": True}, actor=ACTOR)
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        create_customer(session, data=company, actor=ACTOR)
    assert excinfo.value.field == "vat_number"
    with db.write() as session:
        create_customer(session, data={**company, "vat_number": "FR80522194414", "siren": "522194414"}, actor=ACTOR)


def test_script_and_sql_looking_text_is_stored_literally(db):
    nasty = "Robert'); DROP TABLE customer;-- <script>alert(1)</script>"
    with db.write() as session:
        create_customer(session, data={"last_name": nasty}, actor=ACTOR)
    with db.read() as session:
        assert list_customers(session, search="DROP TABLE", actor=ACTOR)[0].name == nasty


def test_contacts_have_one_primary(db):
    with db.write() as session:
        customer = create_customer(session, data={"kind": "company", "company_name": "X"}, actor=ACTOR)
        first = add_contact(session, customer_id=customer.id, data={"last_name": "Un"}, actor=ACTOR)
        second = add_contact(session, customer_id=customer.id, data={"last_name": "Deux", "is_primary": True}, actor=ACTOR)
        assert (first.is_primary, second.is_primary) == (False, True)


def test_a_unit_is_never_let_twice_at_once(db):
    with db.write() as session:
        lease = make_lease(session, start=date(2025, 1, 1), end=date(2026, 6, 30))
        other = create_customer(session, data={"last_name": "Martin"}, actor=ACTOR)
        with pytest.raises(ValidationError, match="Dupont") as excinfo:
            create_lease(session, data={"customer_id": other.id, "unit_id": lease.unit_id,
                                        "start_date": date(2026, 6, 1), "rent": "500"}, actor=ACTOR)
        assert excinfo.value.field == "start_date"
        create_lease(session, data={"customer_id": other.id, "unit_id": lease.unit_id,
                                    "start_date": date(2026, 7, 1), "rent": "500"}, actor=ACTOR)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"deposit": "1300", "rent": "650"}, "deposit"),  # unfurnished: one month at most
        ({"vat_option": True}, "vat_option"),  # residential: no VAT
        ({"end_date": date(2024, 1, 1)}, "end_date"),
        ({"rent": "-1"}, "rent"),
        ({"rent": "12,345"}, "rent"),
        ({"due_day": 0}, "due_day"),
        ({"currency": "EURO"}, "currency"),
    ],
)
def test_bad_leases_are_refused(db, changes, field):
    with db.write() as session:
        customer = create_customer(session, data={"last_name": "Dupont"}, actor=ACTOR)
        prop = create_property(session, data={"name": "P"}, actor=ACTOR)
        unit = add_unit(session, property_id=prop.id, data={"name": "U"}, actor=ACTOR)
    data = {"customer_id": customer.id, "unit_id": unit.id, "start_date": date(2025, 1, 1), "rent": "650", **changes}
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        create_lease(session, data=data, actor=ACTOR)
    assert field in excinfo.value.errors


def test_furnished_deposit_may_be_two_months(db):
    with db.write() as session:
        make_lease(session, rent="500", deposit="1000", furnished=True)


def test_tenant_with_a_lease_cannot_be_deleted(db):
    with db.write() as session:
        lease = make_lease(session)
        with pytest.raises(ConflictError):
            delete_customer(session, customer_id=lease.customer_id, actor=ACTOR)


def test_tenant_search_is_literal_and_folds_accented_capitals(db):
    with db.write() as session:
        create_customer(session, actor=ACTOR, data={"first_name": "Élodie", "last_name": "Fournier"})
        create_customer(session, actor=ACTOR, data={"first_name": "Paul", "last_name": "Martin_Dubois"})
        create_customer(session, actor=ACTOR, data={"first_name": "Anne", "last_name": "Petit"})
    with db.read() as session:
        def names(text):
            return sorted(row.name.split()[-1] for row in list_customers(session, actor=ACTOR, search=text))

        assert names("élodie") == ["Fournier"]
        assert names("ÉLODIE FOURNIER") == ["Fournier"]
        assert names("_") == ["Martin_Dubois"]
        assert names("%") == []
        assert names("petit") == ["Petit"]
