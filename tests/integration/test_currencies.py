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


def _tenant_in_two_currencies(session):
    """One tenant renting a flat in euros and a studio in yen."""
    from homecrm.leasing.leases import create_lease
    from homecrm.leasing.properties import add_unit

    eur = make_lease(session, name="Martin", rent="650.00", charges="80.00")
    studio = add_unit(session, property_id=eur.unit.property_id, data={"name": "Studio Tokyo"}, actor=ACTOR)
    create_lease(session, data={"customer_id": eur.customer_id, "unit_id": studio.id, "start_date": date(2025, 1, 1),
                                "rent": "90000", "charges": "0", "deposit": "0", "due_day": 5, "currency": "JPY"},
                 actor=ACTOR)
    generate_month(session, actor=ACTOR, month=Month(2026, 2), on=date(2026, 2, 1))
    return eur.customer_id


def test_a_statement_never_adds_two_currencies(db, frozen_today):
    import pytest

    from homecrm.billing.statements import statement_currencies, tenant_statement
    from homecrm.errors import ValidationError

    with db.write() as session:
        tenant = _tenant_in_two_currencies(session)
    with db.read() as session:
        assert statement_currencies(session, tenant) == ["EUR", "JPY"]
        period = {"first": date(2026, 1, 1), "last": date(2026, 2, 28)}
        eur = tenant_statement(session, actor=ACTOR, customer_id=tenant, **period)
        jpy = tenant_statement(session, actor=ACTOR, customer_id=tenant, currency="jpy", **period)
        assert (eur.currency, eur.closing) == ("EUR", Decimal("730.00"))
        assert (jpy.currency, jpy.closing) == ("JPY", Decimal("90000"))
        with pytest.raises(ValidationError) as refused:
            tenant_statement(session, actor=ACTOR, customer_id=tenant, currency="USD", **period)
        assert refused.value.field == "currency"


def test_a_sum_on_account_settles_debts_in_its_own_currency_only(db, frozen_today):
    import pytest

    from homecrm.billing.payments import record_payment_on_account
    from homecrm.billing.statements import tenant_statement
    from homecrm.errors import ValidationError
    from homecrm.store.models import Payment

    sum_received = {"amount": "100000", "paid_on": date(2026, 2, 10), "mode": "virement"}
    with db.write() as session:
        tenant = _tenant_in_two_currencies(session)
    with db.write() as session, pytest.raises(ValidationError) as refused:
        record_payment_on_account(session, actor=ACTOR, customer_id=tenant, data=sum_received)
    assert refused.value.field == "currency" and "EUR, JPY" in str(refused.value)
    with db.read() as session:
        assert session.query(Payment).count() == 0  # nothing half-written
    with db.write() as session:
        result = record_payment_on_account(session, actor=ACTOR, customer_id=tenant, data=sum_received, currency="JPY")
    assert (result.currency, result.credit) == ("JPY", Decimal("10000"))
    with db.read() as session:
        period = {"first": date(2026, 1, 1), "last": date(2026, 2, 28)}
        assert tenant_statement(session, actor=ACTOR, customer_id=tenant, **period).closing == Decimal("730.00")
        jpy = tenant_statement(session, actor=ACTOR, customer_id=tenant, currency="JPY", **period)
        assert (jpy.closing, jpy.available_credit) == (Decimal("-10000"), Decimal("10000"))
