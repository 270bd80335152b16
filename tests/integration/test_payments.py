"""Recording payments: exact amounts, clear refusals, nothing half-written."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homecrm.billing.documents import create_draft, generate_month
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.errors import ConflictError, ValidationError
from homecrm.store.models import Payment, RentDocument
from tests.factories import make_lease
from tests.factories import ACTOR


@pytest.fixture
def doc_id(db, frozen_today):
    with db.write() as session:
        make_lease(session)
        generate_month(session, month=Month(2026, 3), on=date(2026, 3, 1), actor=ACTOR)
        return session.scalars(select(RentDocument.id)).one()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"amount": "0", "paid_on": date(2026, 3, 5)}, "amount"),
        ({"amount": "-5", "paid_on": date(2026, 3, 5)}, "amount"),
        ({"amount": "12,345", "paid_on": date(2026, 3, 5)}, "amount"),
        ({"amount": "abc", "paid_on": date(2026, 3, 5)}, "amount"),
        ({"amount": "100", "paid_on": date(2026, 2, 28)}, "paid_on"),  # before the issue date
        ({"amount": "100", "paid_on": date(2026, 3, 13)}, "paid_on"),
        ({"amount": "100", "paid_on": date(2026, 3, 5), "mode": "bitcoin"}, "mode"),
    ],
)
def test_bad_payments_are_refused_with_the_field(db, doc_id, data, field):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        record_payment(session, document_id=doc_id, data={"mode": "virement", **data}, actor=ACTOR)
    assert excinfo.value.field == field
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0
        assert session.get(RentDocument, doc_id).payment_status == "unpaid"


def test_floats_never_reach_the_books(db, doc_id):
    with pytest.raises(ValidationError), db.write() as session:
        record_payment(session, document_id=doc_id, data={"amount": 100.5, "paid_on": date(2026, 3, 5)}, actor=ACTOR)


def test_draft_documents_take_no_payment(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session)
        draft = create_draft(session, lease_id=lease.id, month=Month(2026, 4), actor=ACTOR)
        with pytest.raises(ConflictError):
            record_payment(session, document_id=draft.id, data={"amount": "10", "paid_on": date(2026, 3, 5)}, actor=ACTOR)


def test_several_partial_payments(db, doc_id):
    with db.write() as session:
        for amount in ("100", "200,50", "429.50"):
            record_payment(session, document_id=doc_id, data={"amount": amount, "paid_on": date(2026, 3, 5), "mode": "espèces"}, actor=ACTOR)
    with db.read() as session:
        doc = session.get(RentDocument, doc_id)
        assert doc.amount_paid == Decimal("730.00") and doc.payment_status == "paid"
        assert [p.mode for p in doc.payments] == ["cash", "cash", "cash"]


def test_over_payment_becomes_credit_used_by_the_next_document(db, doc_id):
    from homecrm.billing.documents import generate_month
    from homecrm.billing.payments import available_credit, delete_payment
    from homecrm.store.models import CustomerCredit

    with db.write() as session:
        payment = record_payment(session, actor=ACTOR, document_id=doc_id,
                                 data={"amount": "800", "paid_on": date(2026, 3, 5)})
        doc = session.get(RentDocument, doc_id)
        assert (payment.amount, doc.payment_status, doc.balance) == (Decimal("730.00"), "paid", Decimal("0.00"))
        assert available_credit(session, actor=ACTOR, customer_id=doc.customer_id) == Decimal("70.00")
        april = generate_month(session, actor=ACTOR, month=Month(2026, 4), on=date(2026, 3, 12)).created[0]
        nxt = session.get(RentDocument, april)
        assert (nxt.amount_paid, nxt.payment_status, nxt.balance) == (Decimal("70.00"), "partial", Decimal("660.00"))
        assert nxt.payments[0].mode == "credit"
        assert available_credit(session, actor=ACTOR, customer_id=doc.customer_id) == Decimal("0.00")
    with pytest.raises(ConflictError), db.write() as session:
        delete_payment(session, actor=ACTOR, payment_id=payment.id)  # its extra was used by April
    with db.write() as session:
        delete_payment(session, actor=ACTOR, payment_id=session.get(RentDocument, april).payments[0].id)
        assert session.scalar(select(CustomerCredit.remaining)) == Decimal("70.00")
        delete_payment(session, actor=ACTOR, payment_id=payment.id)
        assert session.scalar(select(func.count(CustomerCredit.id))) == 0
        assert session.get(RentDocument, doc_id).payment_status == "unpaid"


def test_on_account_payment_pays_the_oldest_debts_first(db, doc_id):
    from homecrm.billing.documents import generate_month
    from homecrm.billing.payments import record_payment_on_account

    with db.write() as session:
        april = generate_month(session, actor=ACTOR, month=Month(2026, 4), on=date(2026, 3, 10)).created[0]
        customer_id = session.get(RentDocument, doc_id).customer_id
        result = record_payment_on_account(session, actor=ACTOR, customer_id=customer_id,
                                           data={"amount": "1 500,00", "paid_on": date(2026, 3, 12), "mode": "virement"})
        assert [(a.number, a.amount) for a in result.allocations] == [("QUI-000001", Decimal("730.00")),
                                                                       ("QUI-000002", Decimal("730.00"))]
        assert result.credit == Decimal("40.00")
        assert session.get(RentDocument, april).payment_status == "paid"


def test_refunds_are_money_paid_out_in_the_payments_report_and_the_dashboard(db, doc_id):
    """A refund is listed as a negative amount (with its credit note) and deducted from what was
    collected — on the payments page and on the dashboard; it is neither on time nor late."""
    from homecrm.billing.credit_notes import create_credit_note
    from homecrm.billing.payment_reports import document_label, payment_rows, punctuality, to_csv
    from homecrm.billing.reports import month_figures

    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "730", "paid_on": date(2026, 3, 5)})
        note = create_credit_note(session, actor=ACTOR, document_id=doc_id,
                                  data={"amount": "65.50", "kind": "refund", "reason": "Trop-perçu",
                                        "refund_mode": "virement", "refund_date": date(2026, 3, 10)})
        number = note.number
    with db.read() as session:
        rows = payment_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 3, 31))
        assert [(r.kind, r.amount) for r in rows] == [("payment", Decimal("730.00")), ("refund", Decimal("-65.50"))]
        assert sum(r.amount for r in rows) == Decimal("664.50")
        assert number in document_label(rows[1]) and rows[1].days_late == 0
        assert punctuality(rows).late == 0 and punctuality(rows).on_time == Decimal("730.00")
        assert "-65,50" in to_csv(rows).decode("utf-8-sig")
        late_only = payment_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 3, 31), timing="late")
        assert late_only == []
        figures = month_figures(session, Month(2026, 3), actor=ACTOR)
        assert (figures.due, figures.collected) == (Decimal("664.50"), Decimal("664.50"))


def test_a_payment_before_the_issue_date_is_refused_with_the_date_as_the_landlord_writes_it(db, doc_id):
    with pytest.raises(ValidationError) as exc, db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "100", "paid_on": date(2026, 2, 1)})
    assert exc.value.field == "paid_on" and "01/03/2026" in str(exc.value)


def test_deleting_a_payment_whose_extra_paid_another_document_names_that_document(db, frozen_today):
    from homecrm.billing.payments import delete_payment

    with db.write() as session:
        make_lease(session)
        january = session.get(RentDocument, generate_month(session, actor=ACTOR, month=Month(2026, 1),
                                                            on=date(2026, 1, 1)).created[0])
        february = session.get(RentDocument, generate_month(session, actor=ACTOR, month=Month(2026, 2),
                                                             on=date(2026, 2, 1)).created[0])
        payment_id = record_payment(session, actor=ACTOR, document_id=february.id,
                                    data={"amount": "1000", "paid_on": date(2026, 2, 3)}).id
        assert january.balance < january.total  # the extra went to the older debt
        number = january.number
    with db.write() as session, pytest.raises(ConflictError) as refused:
        delete_payment(session, actor=ACTOR, payment_id=payment_id)
    assert str(refused.value) == (f"Le surplus de 270,00\u00a0€ de ce paiement a déjà servi à payer {number} : "
                                  "supprimez d'abord ce paiement-là.")
