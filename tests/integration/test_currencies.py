"""Amounts in different currencies are never added together in reports."""

from datetime import date
from decimal import Decimal

from homecrm.billing.documents import generate_month
from homecrm.billing.payment_reports import ageing, payment_rows
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.billing.reports import currencies_in_use, month_figures
from tests.factories import ACTOR, make_lease


def test_figures_payments_and_ageing_are_per_currency(db, frozen_today):
    with db.read() as session:
        assert currencies_in_use(session) == ["EUR"]
    with db.write() as session:
        make_lease(session, name="Dupont", rent="650.00", charges="80.00")
        make_lease(session, name="Tanaka", unit="Apt 2", rent="90000", charges="0", currency="JPY")
        docs = generate_month(session, actor=ACTOR, month=Month(2026, 2), on=date(2026, 2, 1)).created
        for doc_id in docs:
            record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "10", "paid_on": date(2026, 2, 10)})
    with db.read() as session:
        assert currencies_in_use(session) == ["EUR", "JPY"]
        eur = month_figures(session, Month(2026, 2), actor=ACTOR, currency="EUR")
        jpy = month_figures(session, Month(2026, 2), actor=ACTOR, currency="JPY")
        assert (eur.due, eur.documents) == (Decimal("730.00"), 1)
        assert (jpy.due, jpy.documents) == (Decimal("90000"), 1)
        rows = payment_rows(session, actor=ACTOR, first=date(2026, 2, 1), last=date(2026, 2, 28), currency="JPY")
        assert [(r.amount, r.currency) for r in rows] == [(Decimal("10"), "JPY")]
        owed = ageing(session, actor=ACTOR, today=frozen_today, currency="EUR")
        assert sum(owed.values()) == Decimal("720.00")
        assert sum(ageing(session, actor=ACTOR, today=frozen_today, currency="JPY").values()) == Decimal("89990")
