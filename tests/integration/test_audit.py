"""The audit trail: who changed what, before and after, for each kind of record; secrets redacted."""

from datetime import date

import pytest
from sqlalchemy import select

from homecrm.billing.documents import generate_month
from homecrm.billing.payments import delete_payment, record_payment
from homecrm.billing.periods import Month
from homecrm.crm.customers import create_customer, update_customer
from homecrm.leasing.leases import update_lease
from homecrm.security.accounts import create_admin, principal_for
from homecrm.security.audit import list_entries, to_csv
from homecrm.settings import save_section
from homecrm.settings.sections import ReceiptSettings, SmtpSettings
from homecrm.store.models import AuditEntry
from tests.factories import make_lease


@pytest.fixture
def admin(db):
    with db.write() as session:
        return principal_for(create_admin(session, email="admin@test.fr", name="Admin", password="correct horse battery"))


def entries(db, admin, **filters):
    with db.read() as session:
        return list_entries(session, actor=admin, **filters)


def test_each_kind_of_change_is_recorded_with_who_and_what(db, admin, frozen_today):
    with db.write() as session:
        customer = create_customer(session, actor=admin, data={"last_name": "Dupont"})
        update_customer(session, actor=admin, customer_id=customer.id, data={"last_name": "Durand", "email": "d@test.fr"})
        save_section(session, ReceiptSettings, {"prefix": "Q-"}, actor=admin)
        lease = make_lease(session, name="Martin")
        update_lease(session, actor=admin, lease_id=lease.id, data={
            "customer_id": lease.customer_id, "unit_id": lease.unit_id, "start_date": lease.start_date, "rent": "700"})
        generate_month(session, actor=admin, month=Month(2026, 3), on=date(2026, 3, 1))
    with db.write() as session:
        doc_id = session.scalar(select(AuditEntry.entity_id).where(AuditEntry.entity == "document"))
        payment = record_payment(session, actor=admin, document_id=int(doc_id), data={"amount": "50", "paid_on": date(2026, 3, 5)})
        delete_payment(session, actor=admin, payment_id=payment.id)

    rows = entries(db, admin)
    kinds = {(r.entity, r.action) for r in rows}
    assert {("tenant", "create"), ("tenant", "update"), ("setting", "create"), ("lease", "update"),
            ("document", "create"), ("payment", "create"), ("payment", "delete"), ("document", "update")} <= kinds
    renamed = next(r for r in rows if r.entity == "tenant" and r.action == "update")
    assert renamed.actor == "admin@test.fr"
    assert renamed.changes["last_name"] == ["Dupont", "Durand"] and renamed.changes["email"] == ["", "d@test.fr"]
    rent = next(r for r in rows if r.entity == "lease" and r.action == "update")
    assert rent.changes["rent"] == ["650.00", "700.00"]
    assert "receipts.prefix" in {r.summary for r in rows if r.entity == "setting"}
    assert {r.actor for r in rows if r.entity == "unit"} == {"system"}  # factories act as the system


def test_secrets_and_password_hashes_are_redacted(db, admin):
    with db.write() as session:
        save_section(session, SmtpSettings, {"password": "very-secret-pass"}, actor=admin)
    with db.read() as session:
        raw = " ".join(session.scalars(select(AuditEntry.changes)))
    assert "very-secret-pass" not in raw and "$argon2" not in raw and "[redacted]" in raw


def test_filters_and_csv(db, admin):
    with db.write() as session:
        create_customer(session, actor=admin, data={"last_name": "Dupont"})
        create_customer(session, actor=admin, data={"last_name": "Durand"})
    assert [r.summary for r in entries(db, admin, entity="tenant", search="Dur")] == ["Durand"]
    assert entries(db, admin, action="delete") == []
    data = to_csv(entries(db, admin, entity="tenant")).decode("utf-8-sig")
    header = "Date;Utilisateur;Action;Fiche;N°;Libellé;Modifications (avant → après)"
    assert data.splitlines()[0] == header and "Dupont" in data and ";Locataire;" in data


def test_only_administrators_read_the_trail(db, admin):
    from homecrm.security.principal import PermissionDenied, Principal

    with pytest.raises(PermissionDenied), db.read() as session:
        list_entries(session, actor=Principal(user_id=None, email="x", permissions=frozenset({("reports", "view")})))


def test_a_failed_action_leaves_no_trace(db, admin):
    from homecrm.errors import ValidationError

    with pytest.raises(ValidationError), db.write() as session:
        create_customer(session, actor=admin, data={"last_name": "Ok"})
        create_customer(session, actor=admin, data={"last_name": ""})
    assert entries(db, admin, entity="tenant") == []
