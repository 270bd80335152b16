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


def test_credit_notes_drafts_lines_leases_tenants_and_counters_are_recorded(db, admin, frozen_today):
    from homecrm.billing import credit_notes
    from homecrm.billing.documents import add_line, create_draft, delete_draft, remove_line
    from homecrm.crm.customers import delete_customer
    from homecrm.leasing.leases import create_lease, delete_lease
    from homecrm.leasing.properties import add_unit

    with db.write() as session:
        lease = make_lease(session, name="Martin")
        doc_id = generate_month(session, actor=admin, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        note = credit_notes.create_credit_note(session, actor=admin, document_id=doc_id,
                                               data={"amount": "20", "reason": "Geste"}, issue=False)
        credit_notes.delete_credit_note(session, actor=admin, credit_note_id=note.id)
        credit_notes.cancel_document(session, actor=admin, document_id=doc_id, reason="Erreur de loyer")
        draft = create_draft(session, actor=admin, lease_id=lease.id, month=Month(2026, 4))
        line = add_line(session, actor=admin, document_id=draft.id, data={"description": "Régularisation", "unit_price": "12"})
        remove_line(session, actor=admin, line_id=line.id)
        delete_draft(session, actor=admin, document_id=draft.id)
        save_section(session, ReceiptSettings, {"next_number": 500}, actor=admin)
        other = create_customer(session, actor=admin, data={"last_name": "Bernard"})
        unit = add_unit(session, actor=admin, property_id=lease.unit.property_id, data={"name": "Apt 2"})
        second = create_lease(session, actor=admin, data={
            "customer_id": other.id, "unit_id": unit.id, "start_date": date(2030, 1, 1), "rent": "500"})
        delete_lease(session, actor=admin, lease_id=second.id)
        delete_customer(session, actor=admin, customer_id=other.id)

    rows = entries(db, admin)
    kinds = {(r.entity, r.action) for r in rows if r.actor == "admin@test.fr"}
    assert {("credit_note", "create"), ("credit_note", "delete"), ("credit_note", "update"),
            ("document", "delete"), ("document_line", "create"), ("document_line", "delete"),
            ("lease", "create"), ("lease", "delete"), ("tenant", "delete"), ("counter", "update")} <= kinds
    line_row = next(r for r in rows if r.entity == "document_line" and r.action == "create" and r.summary == "Régularisation")
    assert line_row.actor == "admin@test.fr"
    counter = next(r for r in rows if r.entity == "counter")
    assert counter.changes["next_value"][1] == 500
    assert "Bernard" in {r.summary for r in rows if r.entity == "tenant" and r.action == "delete"}


def test_audit_search_takes_wildcards_literally(db, admin):
    with db.write() as session:
        create_customer(session, actor=admin, data={"last_name": "Dupont"})
        create_customer(session, actor=admin, data={"first_name": "Élodie", "last_name": "Fournier"})
    assert entries(db, admin, search="%") == []
    assert entries(db, admin, search="_") == []
    found = entries(db, admin, search="ÉLODIE")
    assert len(found) == 1 and "Fournier" in found[0].summary


def test_rights_departments_teams_and_tags_are_recorded_readably(db, admin, frozen_today):
    from homecrm.crm.tags import set_tags
    from homecrm.render.formatting import Formats
    from homecrm.security.accounts import create_user, save_department, save_role, update_user
    from homecrm.security.audit import reference_names
    from homecrm.security.audit_labels import describe_changes
    from homecrm.tasks.tasks import set_property_team

    with db.write() as session:
        role = save_role(session, actor=admin, name="Agent", permissions={("tenants", "view")})
        save_role(session, actor=admin, role_id=role.id, name="Agent",
                  permissions={("tenants", "view"), ("settings", "edit")})
        sales = save_department(session, actor=admin, name="Ventes")
        user = create_user(session, actor=admin, data={"name": "Julie", "email": "julie@test.fr", "role_id": role.id},
                           password="a-long-password-1")
        update_user(session, actor=admin, user_id=user.id, data={"name": "Julie", "email": "julie@test.fr",
                                                                 "role_id": role.id, "department_ids": [sales.id]})
        lease = make_lease(session, name="Martin")
        set_property_team(session, actor=admin, property_id=lease.unit.property_id, user_ids=[user.id])
        set_tags(session, actor=admin, entity="tenant", entity_id=lease.customer_id, names=["VIP"])
        names = reference_names(session)
    fmt = Formats()

    def change_of(entity, field):
        rows = [r for r in entries(db, admin, entity=entity) if field in r.changes]
        assert rows, f"no {entity} entry with {field}"
        return describe_changes(entity, {field: rows[0].changes[field]}, fmt, names)

    assert change_of("role", "permissions") == (
        "Droits : Locataires : voir (tout) → Paramètres : modifier, Locataires : voir (tout)")
    assert change_of("user", "departments") == "Départements : — → Ventes"
    assert change_of("property", "team") == "Équipe : — → Julie"
    assert change_of("tenant", "tags") == "Tags : — → VIP"
    created = next(r for r in entries(db, admin, entity="user") if r.action == "create" and "Julie" in r.summary)
    assert f"Rôle : Agent (n° {role.id})" in describe_changes("user", created.changes, fmt, names)
    assert {r.entity for r in entries(db, admin, search="julie@test.fr")} == {"user"}  # the account, by its e-mail


def test_untouched_secrets_write_nothing_and_hidden_values_read_in_french(db, admin):
    from homecrm.render.formatting import Formats
    from homecrm.security.audit_labels import describe_changes
    from homecrm.settings.sections import StripeSettings

    with db.write() as session:
        save_section(session, StripeSettings, {"secret_key": "sk_test_abcdefghijklmnop"}, actor=admin)
    rows = entries(db, admin, entity="setting")
    assert [r.summary for r in rows] == ["stripe.secret_key"]
    assert describe_changes("setting", rows[0].changes, Formats()) == "Valeur : (masqué)"


def test_deleting_a_department_says_what_it_changed(db):
    from homecrm.security.accounts import delete_department, department_usage, save_department
    from homecrm.store.models import AuditEntry, StaffUser

    with db.write() as session:
        boss = principal_for(create_admin(session, email="boss@test.fr", name="Boss", password="correct horse battery"))
        dep = save_department(session, actor=boss, name="Technique", email="")
        user = session.get(StaffUser, boss.user_id)
        user.departments.append(dep)
        session.flush()
        assert department_usage(session, dep.id) == (["Boss"], 0)
        delete_department(session, actor=boss, department_id=dep.id)
    with db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "department", AuditEntry.action == "update")).one()
        assert "Boss" in str(entry.changes)


def test_credit_note_states_lines_and_series_are_said_in_words():
    from homecrm.i18n import language
    from homecrm.render.formatting import Formats
    from homecrm.security.audit_labels import describe_changes

    with language("fr"):
        fmt = Formats()
        assert describe_changes("credit_note", {"state": ["draft", "issued"]}, fmt) == "État : Brouillon → Émis"
        assert describe_changes("credit_note", {"series": [None, "credit_notes"]}, fmt).endswith("Notes de crédit")
        line = describe_changes("document_line", {"position": [None, 1], "quantity": [None, "1"],
                                                  "unit_price": [None, "500.00"]}, fmt)
        assert line == "Ordre sur le document : 1 · Quantité : 1 · Prix unitaire : 500,00", line


def test_an_import_and_candidate_statuses_read_in_words_on_the_page_and_in_the_csv(db, admin):
    """A candidate import wrote bare numbers: the trail page and its CSV crashed on them."""
    from homecrm.crm.candidate_import import import_candidates, load
    from homecrm.crm.candidates import move_candidate
    from homecrm.render.formatting import Formats
    from homecrm.security.audit import reference_names
    from homecrm.security.audit_labels import describe_changes
    from homecrm.statuses import list_statuses
    from homecrm.store.models import Candidate, CandidateStatus

    data = "Nom;E-mail\nMartin;martin@example.fr\nDurand;durand@example.fr\n".encode()
    with db.write() as session:
        assert import_candidates(session, actor=admin, csv_file=load(data)).imported == 2
        candidate_id = session.scalar(select(Candidate.id).where(Candidate.last_name == "Martin"))
        statuses = list_statuses(session, CandidateStatus)
        move_candidate(session, actor=admin, candidate_id=candidate_id, status_id=statuses[1].id)
    rows = entries(db, admin)
    with db.read() as session:
        names = reference_names(session)
    described = {r.action: describe_changes(r.entity, r.changes, Formats(), names) for r in rows}
    assert "Lignes lues : 2" in described["import"] and "Lignes refusées : 0" in described["import"]
    assert f"{statuses[0].name} (n° {statuses[0].id}) → {statuses[1].name} (n° {statuses[1].id})" in described["update"]
    assert "Lignes lues : 2" in to_csv(rows, names=names).decode("utf-8-sig")
