"""Who may do what, beyond the permission matrix: rules that depend on whose record it is."""

from datetime import date

import pytest
from sqlalchemy import select

from homecrm.billing.documents import generate_month
from homecrm.billing.payments import credit_for_document, payments_shown, record_payment
from homecrm.billing.periods import Month
from homecrm.crm.customers import create_customer
from homecrm.leasing.leases import create_lease
from homecrm.leasing.properties import add_unit, create_property
from homecrm.notify.messages import message_history
from homecrm.notify.reminders import run_reminders
from homecrm.security.accounts import principal_for
from homecrm.security.principal import PermissionDenied
from homecrm.store.models import MessageLog, RentDocument, StaffUser
from tests.factories import ACTOR, make_lease, make_staff

OWN_BOOK = {(m, r) for m in ("tenants", "leases", "documents") for r in ("view_own", "create", "edit")}


def _own_lease(session, actor, name: str):
    customer = create_customer(session, actor=actor, data={"last_name": name})
    prop = create_property(session, actor=ACTOR, data={"name": f"Immeuble {name}", "address": "1 rue A",
                                                        "zip_code": "69001", "city": "Lyon"})
    unit = add_unit(session, actor=ACTOR, property_id=prop.id, data={"name": "A"})
    return create_lease(session, actor=actor, data={"customer_id": customer.id, "unit_id": unit.id,
                                                     "start_date": date(2025, 1, 1), "rent": "500", "charges": "50",
                                                     "deposit": "0", "due_day": 5})


def test_a_view_own_account_issues_the_documents_of_its_own_leases_only(db, frozen_today):
    with db.write() as session:
        make_lease(session, name="Autre")  # somebody else's tenant
        own = make_staff(session, email="own@test.fr", permissions=OWN_BOOK)
        mine = _own_lease(session, own, "Mien")
    with db.write() as session:
        result = generate_month(session, actor=own, month=Month(2026, 3), on=date(2026, 3, 1))
        issued = [session.get(RentDocument, i) for i in result.created]
        assert [d.lease_id for d in issued] == [mine.id]
        assert issued[0].sale_agent_id == own.user_id
    with db.write() as session:
        result = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))
        assert (len(result.created), result.existing) == (1, 1)  # the other lease, left for someone who sees it


def test_the_scheduled_jobs_account_is_never_the_sale_agent(db, frozen_today):
    with db.write() as session:
        make_lease(session)
        cron = principal_for(session.scalar(select(StaffUser).where(StaffUser.email == "cron@localhost")))
        doc_id = generate_month(session, actor=cron, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        assert session.get(RentDocument, doc_id).sale_agent_id is None


def test_payments_and_credit_shown_follow_the_payments_right(db, frozen_today):
    with db.write() as session:
        make_lease(session)
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "800", "paid_on": date(2026, 3, 2)})
        blind = make_staff(session, email="blind@test.fr", permissions={("documents", "view")})
        own = make_staff(session, email="ownpay@test.fr",
                         permissions={("documents", "view"), ("payments", "view_own"), ("payments", "create")})
        full = make_staff(session, email="full@test.fr", permissions={("documents", "view"), ("payments", "view")})
        doc = session.get(RentDocument, doc_id)
        assert payments_shown(blind, doc) == [] and credit_for_document(session, actor=blind, doc=doc) == 0
        assert payments_shown(own, doc) == []  # recorded by someone else, on a document that is not theirs
        assert len(payments_shown(full, doc)) == 1
        assert credit_for_document(session, actor=full, doc=doc) == 70  # 800 paid for 730 due


def test_message_history_of_a_view_own_account(db, frozen_today):
    with db.write() as session:
        other = make_lease(session, name="Autre")
        own = make_staff(session, email="own@test.fr", permissions=OWN_BOOK)
        mine = _own_lease(session, own, "Mien")
        for customer_id in (other.customer_id, mine.customer_id):
            session.add(MessageLog(key=f"test-{customer_id}", channel="email", kind="document", customer_id=customer_id,
                                   recipient="x@y.fr", subject=f"pour {customer_id}", body="", status="sent"))
    with db.read() as session:
        assert [r.subject for r in message_history(session, actor=own)] == [f"pour {mine.customer_id}"]
        assert len(message_history(session, actor=ACTOR)) == 2


def test_sending_reminders_needs_the_right_to_create_documents(db, frozen_today):
    with db.write() as session:
        reader = make_staff(session, email="lecture@test.fr", permissions={("documents", "view"), ("tenants", "view")})
    assert run_reminders(db.factory, actor=reader, dry_run=True).dry_run
    with pytest.raises(PermissionDenied):
        run_reminders(db.factory, actor=reader)


def test_view_own_means_the_same_for_tenants_leases_and_their_documents(db, frozen_today):
    """A document issued by someone else on my tenant's lease is mine: listed, readable, in the month's
    ZIP and on the calendar; another book's documents stay hidden."""
    from homecrm.billing.documents import get_document, list_documents
    from homecrm.billing.exports import month_document_ids
    from homecrm.calendar.events import events_between

    with db.write() as session:
        make_lease(session, name="Autre")
        own = make_staff(session, email="own@test.fr", permissions=OWN_BOOK)
        customer = create_customer(session, actor=own, data={"last_name": "Mien"})
        prop = create_property(session, actor=ACTOR, data={"name": "Immeuble", "address": "1 rue A",
                                                            "zip_code": "69001", "city": "Lyon"})
        unit = add_unit(session, actor=ACTOR, property_id=prop.id, data={"name": "B"})
        create_lease(session, actor=ACTOR, data={"customer_id": customer.id, "unit_id": unit.id,  # made by the admin
                                                 "start_date": date(2025, 1, 1), "rent": "500", "charges": "50",
                                                 "deposit": "0", "due_day": 5})
        created = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created
    with db.read() as session:
        mine = [i for i in created if session.get(RentDocument, i).customer_id == customer.id]
        assert [r.id for r in list_documents(session, actor=own, month=Month(2026, 3))] == mine
        assert get_document(session, mine[0], actor=own).id == mine[0]
        assert month_document_ids(session, Month(2026, 3), actor=own) == mine
        other = next(i for i in created if i not in mine)
        with pytest.raises(PermissionDenied):
            get_document(session, other, actor=own)
        rent = [e.record_id for e in events_between(session, actor=own, first=date(2026, 3, 1), last=date(2026, 3, 31))
                if e.kind == "rent"]
        assert rent == mine


def test_the_payments_reports_of_a_view_own_account_cover_its_own_book(db, frozen_today):
    """Payments "view own": rows, ageing, credit and filter choices of the actor's tenants only."""
    from homecrm.billing.payment_reports import ageing, filter_choices, payment_rows
    from homecrm.billing.payments import list_available_credits

    own = None
    with db.write() as session:
        other = make_lease(session, name="Autre")
        own = make_staff(session, email="own@test.fr", permissions=OWN_BOOK | {("payments", "view_own"),
                                                                               ("payments", "create")})
        mine = _own_lease(session, own, "Mien")
        owed = {d.lease_id: d for d in (session.get(RentDocument, i) for i in generate_month(
            session, actor=ACTOR, month=Month(2026, 1), on=date(2026, 1, 1)).created)}  # left unpaid
        docs = {d.lease_id: d for d in (session.get(RentDocument, i) for i in generate_month(
            session, actor=ACTOR, month=Month(2026, 2), on=date(2026, 2, 1)).created)}
        record_payment(session, actor=ACTOR, document_id=docs[other.id].id,  # January still owed
                       data={"amount": str(docs[other.id].total), "paid_on": date(2026, 2, 3)})
        record_payment(session, actor=ACTOR, document_id=docs[mine.id].id,  # both months, and credit
                       data={"amount": "1500", "paid_on": date(2026, 2, 3)})
        other_owed = owed[other.id].balance
        assert owed[mine.id].balance == 0 and other_owed > 0
    with db.read() as session:
        rows = payment_rows(session, actor=own, first=date(2026, 1, 1), last=date(2026, 3, 31))
        everything = payment_rows(session, actor=ACTOR, first=date(2026, 1, 1), last=date(2026, 3, 31))
        assert {r.customer_id for r in rows} == {mine.customer_id}
        assert {r.customer_id for r in everything} == {mine.customer_id, other.customer_id}
        assert sum(ageing(session, actor=own, today=date(2026, 3, 15)).values()) == 0
        assert sum(ageing(session, actor=ACTOR, today=date(2026, 3, 15)).values()) == other_owed
        assert {c.customer_id for c in list_available_credits(session, actor=own)} == {mine.customer_id}
        properties, tenants = filter_choices(session, actor=own)
        assert list(tenants) == [mine.customer_id] and list(properties.values()) == ["Immeuble Mien"]


def test_money_given_back_is_shown_only_to_who_may_read_the_payments(db, frozen_today):
    from homecrm.billing.credit_notes import create_credit_note
    from homecrm.billing.payments import money_returned

    with db.write() as session:
        make_lease(session)
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "100", "paid_on": date(2026, 3, 2)})
        create_credit_note(session, actor=ACTOR, document_id=doc_id,
                           data={"amount": "10", "kind": "refund", "refund_date": date(2026, 3, 3)})
        blind = make_staff(session, email="blind@test.fr", permissions={("documents", "view")})
        full = make_staff(session, email="full@test.fr", permissions={("documents", "view"), ("payments", "view")})
        doc = session.get(RentDocument, doc_id)
        assert money_returned(blind, doc) == []
        (back,) = money_returned(full, doc)
        assert (back.on, back.mode, back.refunded, back.kept) == (date(2026, 3, 3), "transfer", 10, 0)
