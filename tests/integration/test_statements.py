"""Tenant statement: dues, payments, credit notes and refunds with a running balance."""

from datetime import date
from decimal import Decimal

from homecrm.billing.credit_notes import create_credit_note
from homecrm.billing.documents import generate_month
from homecrm.billing.exports import statement_pdf
from homecrm.billing.payments import record_payment, record_payment_on_account
from homecrm.billing.periods import Month
from homecrm.billing.statements import tenant_statement
from tests.factories import ACTOR, make_lease
from tests.helpers import pdf_text


def test_running_balance_and_allocation_oldest_first(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, start=date(2026, 1, 1))
        customer_id = lease.customer_id
        jan, feb, mar = (generate_month(session, actor=ACTOR, month=Month(2026, m), on=date(2026, m, 1)).created[0]
                         for m in (1, 2, 3))
        record_payment(session, actor=ACTOR, document_id=jan, data={"amount": "730", "paid_on": date(2026, 1, 5)})
        create_credit_note(session, actor=ACTOR, document_id=feb, data={"amount": "30", "reason": "Geste"})
        result = record_payment_on_account(session, actor=ACTOR, customer_id=customer_id, data={
            "amount": "1500", "paid_on": date(2026, 3, 10), "mode": "virement", "reference": "VIR-123"})
        assert [a.number for a in result.allocations] == ["QUI-000002", "QUI-000003"] and result.credit == Decimal("70.00")
        statement = tenant_statement(session, actor=ACTOR, customer_id=customer_id, first=date(2026, 2, 1),
                                     last=date(2026, 3, 31))
    assert statement.opening == Decimal("0.00")  # January due and paid before the period
    kinds = [(e.kind, e.debit, e.credit, e.balance) for e in statement.entries]
    assert kinds == [
        ("document", Decimal("730.00"), Decimal("0"), Decimal("730.00")),
        ("document", Decimal("730.00"), Decimal("0"), Decimal("1460.00")),
        ("payment", Decimal("0"), Decimal("1500.00"), Decimal("-40.00")),
        ("credit_note", Decimal("0"), Decimal("30.00"), Decimal("-70.00")),
    ]
    payment = next(e for e in statement.entries if e.kind == "payment")
    assert payment.allocations == (("QUI-000002", Decimal("700.00")), ("QUI-000003", Decimal("730.00")))
    assert payment.kept_as_credit == Decimal("70.00")
    assert statement.closing == Decimal("-70.00") and statement.available_credit == Decimal("70.00")


def test_statement_pdf(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, start=date(2026, 3, 1))
        doc = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        record_payment(session, actor=ACTOR, document_id=doc, data={"amount": "300", "paid_on": date(2026, 3, 5)})
    with db.read() as session:
        _name, data = statement_pdf(session, actor=ACTOR, customer_id=lease.customer_id,
                                    first=date(2026, 3, 1), last=date(2026, 3, 31))
    text = pdf_text(data)
    assert "QUI-000001" in text and "730,00 €" in text and "300,00 €" in text and "430,00 €" in text


def test_money_received_when_nothing_is_owed_appears_as_credit(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, start=date(2026, 3, 1))
        result = record_payment_on_account(session, actor=ACTOR, customer_id=lease.customer_id, data={
            "amount": "200", "paid_on": date(2026, 3, 2), "mode": "chèque", "reference": "CHQ-1"})
        assert result.allocations == [] and result.credit == Decimal("200.00")
        generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 3))
        statement = tenant_statement(session, actor=ACTOR, customer_id=lease.customer_id, first=date(2026, 3, 1),
                                     last=date(2026, 3, 31))
    assert [(e.kind, e.credit, e.debit) for e in statement.entries] == [
        ("payment", Decimal("200.00"), Decimal("0")), ("document", Decimal("0"), Decimal("730.00"))]
    assert statement.closing == Decimal("530.00")
