"""Nobody does what their role does not allow, whatever the entry point: every service checks."""

from datetime import date

import pytest

from homecrm.billing import credit_notes, documents, exports, payment_reports, payments, reports, statements, taxes
from homecrm.billing.periods import Month
from homecrm.crm import customers
from homecrm.leasing import leases, properties
from homecrm.security.principal import MODULES, RIGHTS, PermissionDenied, Principal
from homecrm.settings import save_section
from homecrm.settings.sections import FinanceSettings, PdfSettings, SecuritySettings
from homecrm.store.models import RentDocument
from tests.factories import ACTOR, make_lease

NOBODY = Principal(user_id=None, email="nobody@test.fr")


def everything_but(module: str, right: str) -> Principal:
    rights = {(m, r) for m in MODULES for r in RIGHTS} - {(module, right)}
    if right in ("view", "view_own"):
        rights -= {(module, "view"), (module, "view_own")}
    return Principal(user_id=None, email="almost@test.fr", permissions=frozenset(rights))


@pytest.fixture
def world(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session)
        generate = documents.generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))
        doc_id = generate.created[0]
        payment = payments.record_payment(session, actor=ACTOR, document_id=doc_id,
                                          data={"amount": "100", "paid_on": date(2026, 3, 5)})
        draft = documents.create_draft(session, actor=ACTOR, lease_id=lease.id, month=Month(2026, 4))
        tax = taxes.create_tax(session, actor=ACTOR, data={"name": "TVA", "rate": "20"})
        note = credit_notes.create_credit_note(session, actor=ACTOR, document_id=doc_id, issue=False,
                                               data={"amount": "10", "reason": "Geste"})
        return {"note": note.id, "lease": lease.id, "customer": lease.customer_id, "unit": lease.unit_id, "property": lease.unit.property_id,
                "doc": doc_id, "payment": payment.id, "draft": draft.id, "tax": tax.id}


# (module, right, call(session, actor, ids)) for every service that reads or changes data.
CALLS = [
    ("tenants", "view", lambda s, a, w: customers.list_customers(s, actor=a)),
    ("tenants", "view", lambda s, a, w: customers.get_customer(s, w["customer"], actor=a)),
    ("tenants", "create", lambda s, a, w: customers.create_customer(s, actor=a, data={"last_name": "X"})),
    ("tenants", "edit", lambda s, a, w: customers.update_customer(s, actor=a, customer_id=w["customer"], data={"last_name": "Y"})),
    ("tenants", "edit", lambda s, a, w: customers.add_contact(s, actor=a, customer_id=w["customer"], data={"last_name": "C"})),
    ("tenants", "delete", lambda s, a, w: customers.delete_customer(s, actor=a, customer_id=w["customer"])),
    ("leases", "view", lambda s, a, w: leases.list_leases(s, actor=a, on=date(2026, 3, 1))),
    ("leases", "view", lambda s, a, w: leases.get_lease(s, w["lease"], actor=a)),
    ("leases", "view", lambda s, a, w: properties.list_properties(s, actor=a)),
    ("leases", "create", lambda s, a, w: properties.create_property(s, actor=a, data={"name": "New"})),
    ("leases", "create", lambda s, a, w: properties.add_unit(s, actor=a, property_id=w["property"], data={"name": "U9"})),
    ("leases", "edit", lambda s, a, w: properties.update_unit(s, actor=a, unit_id=w["unit"], data={"name": "U1"})),
    ("leases", "delete", lambda s, a, w: leases.delete_lease(s, actor=a, lease_id=w["lease"])),
    ("leases", "delete", lambda s, a, w: properties.delete_unit(s, actor=a, unit_id=w["unit"])),
    ("documents", "view", lambda s, a, w: documents.list_documents(s, actor=a)),
    ("documents", "view", lambda s, a, w: documents.get_document(s, w["doc"], actor=a)),
    ("documents", "view", lambda s, a, w: exports.document_pdf(s, actor=a, document_id=w["doc"])),
    ("documents", "view", lambda s, a, w: exports.month_document_ids(s, Month(2026, 3), actor=a)),
    ("documents", "create", lambda s, a, w: documents.generate_month(s, actor=a, month=Month(2026, 5))),
    ("documents", "create", lambda s, a, w: documents.issue_document(s, actor=a, document_id=w["draft"])),
    ("documents", "edit", lambda s, a, w: documents.add_line(s, actor=a, document_id=w["draft"],
                                                             data={"description": "Régularisation", "unit_price": "1"})),
    ("documents", "edit", lambda s, a, w: documents.assign_sale_agent(s, actor=a, document_id=w["doc"], agent_id=None)),
    ("documents", "delete", lambda s, a, w: documents.delete_draft(s, actor=a, document_id=w["draft"])),
    ("payments", "create", lambda s, a, w: payments.record_payment(s, actor=a, document_id=w["doc"],
                                                                  data={"amount": "10", "paid_on": date(2026, 3, 6)})),
    ("payments", "delete", lambda s, a, w: payments.delete_payment(s, actor=a, payment_id=w["payment"])),
    ("payments", "create", lambda s, a, w: payments.record_payment_on_account(
        s, actor=a, customer_id=w["customer"], data={"amount": "10", "paid_on": date(2026, 3, 6)})),
    ("payments", "create", lambda s, a, w: payments.apply_credit(s, actor=a, document_id=w["doc"])),
    ("payments", "view", lambda s, a, w: payments.list_available_credits(s, actor=a)),
    ("payments", "view", lambda s, a, w: payment_reports.payment_rows(s, actor=a, first=date(2026, 3, 1),
                                                                      last=date(2026, 3, 31))),
    ("payments", "view", lambda s, a, w: payment_reports.ageing(s, actor=a, today=date(2026, 3, 12))),
    ("payments", "view", lambda s, a, w: statements.tenant_statement(s, actor=a, customer_id=w["customer"],
                                                                    first=date(2026, 1, 1), last=date(2026, 3, 31))),
    ("documents", "view", lambda s, a, w: statements.tenant_statement(s, actor=a, customer_id=w["customer"],
                                                                     first=date(2026, 1, 1), last=date(2026, 3, 31))),
    ("documents", "view", lambda s, a, w: exports.month_zip(s, actor=a, month=Month(2026, 3), workers=1)),
    ("credit_notes", "view", lambda s, a, w: credit_notes.list_credit_notes(s, actor=a)),
    ("credit_notes", "view", lambda s, a, w: credit_notes.get_credit_note(s, w["note"], actor=a)),
    ("credit_notes", "create", lambda s, a, w: credit_notes.create_credit_note(
        s, actor=a, document_id=w["doc"], data={"amount": "5", "reason": "Erreur"})),
    ("credit_notes", "create", lambda s, a, w: credit_notes.issue_credit_note(s, actor=a, credit_note_id=w["note"])),
    ("credit_notes", "create", lambda s, a, w: credit_notes.cancel_document(s, actor=a, document_id=w["doc"])),
    ("credit_notes", "delete", lambda s, a, w: credit_notes.delete_credit_note(s, actor=a, credit_note_id=w["note"])),
    ("leases", "delete", lambda s, a, w: properties.delete_property(s, actor=a, property_id=w["property"])),
    ("reports", "view", lambda s, a, w: reports.last_months(s, actor=a, until=Month(2026, 3), count=2)),
    ("reports", "view", lambda s, a, w: reports.month_figures(s, Month(2026, 3), actor=a)),
    ("reports", "view", lambda s, a, w: reports.overdue_documents(s, actor=a, today=date(2026, 3, 12))),
    ("reports", "view", lambda s, a, w: reports.occupancy(s, actor=a, on=date(2026, 3, 12))),
    ("settings", "edit", lambda s, a, w: save_section(s, PdfSettings, {"font_size": 11}, actor=a)),
    ("settings", "edit", lambda s, a, w: taxes.create_tax(s, actor=a, data={"name": "TVA", "rate": "10"})),
    ("settings", "edit", lambda s, a, w: taxes.delete_tax(s, actor=a, tax_id=w["tax"])),
]


@pytest.mark.parametrize("module, right, call", CALLS, ids=[f"{m}.{r}#{i}" for i, (m, r, _c) in enumerate(CALLS)])
def test_every_service_refuses_a_user_without_the_right(db, world, module, right, call):
    for actor in (NOBODY, everything_but(module, right)):
        with pytest.raises(PermissionDenied), db.write() as session:
            call(session, actor, world)


@pytest.mark.parametrize("module, right, call", CALLS, ids=[f"{m}.{r}#{i}" for i, (m, r, _c) in enumerate(CALLS)])
def test_the_right_alone_is_enough(db, world, module, right, call):
    """With the right (and view rights to find the record), the call is not refused."""
    needed = {(module, right), *((m, "view") for m in MODULES)}
    actor = Principal(user_id=None, email="right@test.fr", permissions=frozenset(needed))
    try:
        with db.write() as session:
            call(session, actor, world)
    except PermissionDenied:
        pytest.fail(f"{module}.{right} should be enough")
    except Exception:  # noqa: BLE001 - business refusals (e.g. deleting a used tenant) are fine here
        pass


def test_view_own_sees_only_own_records(db, world):
    julie = Principal(user_id=None, email="julie@test.fr",
                      permissions=frozenset({("tenants", "view_own"), ("tenants", "create"), ("documents", "view_own"),
                                             ("documents", "create"), ("leases", "view_own"), ("leases", "create")}))
    from homecrm.security.accounts import create_admin, save_role

    with db.write() as session:
        user = create_admin(session, email="julie@test.fr", name="Julie", password="correct horse battery")
        user.is_admin = False
        # The account's role must give what the principal claims: rights are re-read at each check.
        user.role = save_role(session, actor=ACTOR, name="Julie", permissions=set(julie.permissions))
        julie = Principal(user_id=user.id, email=julie.email, permissions=julie.permissions)
        mine = customers.create_customer(session, actor=julie, data={"last_name": "Mine"})
    with db.read() as session:
        assert [r.name for r in customers.list_customers(session, actor=julie)] == ["Mine"]
        assert documents.list_documents(session, actor=julie) == []
        with pytest.raises(PermissionDenied):
            customers.get_customer(session, world["customer"], actor=julie)
        assert customers.get_customer(session, mine.id, actor=julie).last_name == "Mine"
        assert len(customers.list_customers(session, actor=ACTOR)) == 2


def test_auto_assign_sale_agent_setting(db, frozen_today):
    agent = Principal(user_id=None, email="x", is_admin=True)
    from homecrm.security.accounts import create_admin

    with db.write() as session:
        user = create_admin(session, email="agent@test.fr", name="Agent", password="correct horse battery")
        agent = Principal(user_id=user.id, email="agent@test.fr", is_admin=True)
        lease = make_lease(session)
        on = documents.create_draft(session, actor=agent, lease_id=lease.id, month=Month(2026, 3))
        save_section(session, FinanceSettings, {"auto_assign_sale_agent": False}, actor=agent)
        off = documents.create_draft(session, actor=agent, lease_id=lease.id, month=Month(2026, 4))
    with db.read() as session:
        assert session.get(RentDocument, on.id).sale_agent_id == user.id
        assert session.get(RentDocument, off.id).sale_agent_id is None
        assert session.get(RentDocument, off.id).created_by_id == user.id


def test_admin_only_settings_refuse_a_non_admin_with_every_right(db, world):
    """Sign-in protection and the demo flag are for administrators, whatever the role says."""
    from homecrm.settings import load_section
    from homecrm.settings.sections.security import SystemSettings

    everything = Principal(user_id=None, email="power@test.fr",
                           permissions=frozenset((m, r) for m in MODULES for r in RIGHTS))
    for cls, change in ((SecuritySettings, {"max_failed_logins": 20}), (SystemSettings, {"demo_mode": True})):
        with pytest.raises(PermissionDenied), db.write() as session:
            save_section(session, cls, change, actor=everything)
    with db.read() as session:
        assert load_section(session, SecuritySettings).max_failed_logins == 5
        assert load_section(session, SystemSettings).demo_mode is False
    with db.write() as session:
        save_section(session, SecuritySettings, {"max_failed_logins": 20}, actor=ACTOR)
    with db.read() as session:
        assert load_section(session, SecuritySettings).max_failed_logins == 20
