"""Regression tests for what a new landlord broke while trying the product (QA round on receipts)."""

from datetime import date
from decimal import Decimal

import pytest

from homecrm.billing.documents import generate_month
from homecrm.billing.money import parse_amount
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.crm.customers import create_customer, update_customer
from homecrm.errors import ConflictError, ValidationError, version_of
from homecrm.leasing.leases import update_lease
from homecrm.settings import save_section
from homecrm.settings.sections import CompanySettings, GeneralSettings
from homecrm.store.models import RentDocument
from tests.factories import ACTOR, make_lease


def test_rent_must_be_positive(db):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        make_lease(session, rent="0", charges="0")
    assert excinfo.value.field == "rent"


def test_no_document_without_a_landlord(db, frozen_today):
    from homecrm.billing.documents import create_draft, issue_document
    from homecrm.crm.customers import create_customer as cc
    from homecrm.leasing.leases import create_lease
    from homecrm.leasing.properties import add_unit, create_property

    with db.write() as session:
        customer = cc(session, actor=ACTOR, data={"last_name": "Dupont"})
        unit = add_unit(session, actor=ACTOR, property_id=create_property(session, actor=ACTOR, data={"name": "P"}).id,
                        data={"name": "U"})
        lease = create_lease(session, actor=ACTOR, data={"customer_id": customer.id, "unit_id": unit.id,
                                                         "start_date": date(2026, 1, 1), "rent": "500"})
        draft = create_draft(session, actor=ACTOR, lease_id=lease.id, month=Month(2026, 3))
        with pytest.raises(ValidationError) as excinfo:
            issue_document(session, actor=ACTOR, document_id=draft.id)
        assert excinfo.value.field == "landlord"


@pytest.mark.parametrize("text", ["9999-12", "2026-1", "1990-05", "26-03"])
def test_implausible_months_are_refused(text):
    with pytest.raises(ValidationError):
        Month.parse(text)


def test_documents_at_most_three_months_ahead(db, frozen_today):
    with db.write() as session:
        make_lease(session)
        generate_month(session, actor=ACTOR, month=Month(2026, 6))
        with pytest.raises(ValidationError, match="2026-07"):
            generate_month(session, actor=ACTOR, month=Month(2026, 7))


def test_ending_a_lease_before_issued_documents_is_refused(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, start=date(2026, 1, 1))
        generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))
        data = {"customer_id": lease.customer_id, "unit_id": lease.unit_id, "start_date": date(2026, 1, 1),
                "end_date": date(2026, 3, 15), "rent": "650", "charges": "80"}
        with pytest.raises(ValidationError, match="QUI-000001") as excinfo:
            update_lease(session, actor=ACTOR, lease_id=lease.id, data=data)
        assert excinfo.value.field == "end_date"
        update_lease(session, actor=ACTOR, lease_id=lease.id, data={**data, "end_date": date(2026, 3, 31)})


def test_a_stale_form_cannot_overwrite_a_newer_change(db):
    with db.write() as session:
        customer = create_customer(session, actor=ACTOR, data={"last_name": "Dupont", "first_name": "Marie"})
        opened = version_of(customer)
    with db.write() as session:
        update_customer(session, actor=ACTOR, customer_id=customer.id, expected_version=opened,
                        data={"last_name": "Dupont", "first_name": "Maria"})
    with pytest.raises(ConflictError), db.write() as session:
        update_customer(session, actor=ACTOR, customer_id=customer.id, expected_version=opened,
                        data={"last_name": "Dupont", "email": "m@exemple.fr"})


def test_huge_and_fractional_amounts(db, frozen_today):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        make_lease(session, rent="99999999999999999999")
    assert excinfo.value.field == "rent"
    with db.write() as session:
        make_lease(session, name="Tanaka", unit="J", currency="JPY", rent="90000", charges="0")
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "50.5", "paid_on": date(2026, 3, 5)})
    assert excinfo.value.field == "amount"
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "90000", "paid_on": date(2026, 3, 5)})
        assert session.get(RentDocument, doc_id).payment_status == "paid"
    from homecrm.billing.documents import list_documents

    with db.read() as session:
        assert list_documents(session, actor=ACTOR)[0].as_json()["total"] == "90000"


@pytest.mark.parametrize("text", ["7 80,00", "7 8 0", "1 23,45", " 12"])
def test_spaces_only_group_thousands(text):
    if text.strip() == "12":
        assert parse_amount(text) == Decimal("12")
        return
    with pytest.raises(ValidationError):
        parse_amount(text)


def test_logo_must_be_an_uploaded_image(db):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        save_section(session, GeneralSettings, {"logo": 999}, actor=ACTOR)
    assert "logo" in excinfo.value.errors


def test_cli_refuses_bad_urls_without_creating_files(tmp_path, capsys):
    from homecrm.cli import main

    assert main(["--db", "foo://bar", "receipts", "list"]) == 2
    missing = tmp_path / "nothing.db"
    assert main(["--db", f"sqlite:///{missing}", "receipts", "list"]) == 2
    assert not missing.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("homecrm: ") for line in err)


def test_cli_negative_number_reaches_validation(db, capsys):
    from homecrm.cli import main
    from homecrm.security.accounts import create_admin

    with db.write() as session:
        create_admin(session, email="admin@test.fr", name="A", password="correct horse battery")
    assert main(["--as", "admin@test.fr", "settings", "set", "pdf.font_size", "-3"]) == 2
    err = capsys.readouterr().err
    assert "font_size" in err and "7" in err


def test_company_city_and_postcode_from_two_forms_both_survive(db):
    """Saving only what a form changed: two tabs editing different fields do not undo each other."""
    with db.write() as session:
        save_section(session, CompanySettings, {"city": "Lyon", "zip_code": "69002"}, actor=ACTOR)
    with db.write() as session:  # tab A changed the city only
        save_section(session, CompanySettings, {"city": "Villeurbanne"}, actor=ACTOR)
    with db.write() as session:  # tab B changed the postcode only
        save_section(session, CompanySettings, {"zip_code": "69100"}, actor=ACTOR)
    from homecrm.settings import load_section

    with db.read() as session:
        company = load_section(session, CompanySettings)
    assert (company.city, company.zip_code) == ("Villeurbanne", "69100")
