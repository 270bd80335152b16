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
        ({"amount": "731", "paid_on": date(2026, 3, 5)}, "amount"),
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
