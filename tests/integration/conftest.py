"""Fixtures shared by integration tests: Stripe through its SDK pointed at a local stand-in."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from homecrm.billing.documents import generate_month
from homecrm.billing.periods import Month
from homecrm.payments.stripe_gateway import API_BASE_ENV
from homecrm.payments.webhook_server import make_server
from homecrm.settings import save_section
from homecrm.settings.sections import StripeSettings
from homecrm.store.models import RentDocument
from tests.factories import ACTOR, make_lease
from tests.stripe_server import GOOD_KEY, start_fake_stripe

WEBHOOK_SECRET = "whsec_test_homecrm"


@pytest.fixture
def fake_stripe(monkeypatch):
    server, state = start_fake_stripe()
    monkeypatch.setenv(API_BASE_ENV, f"http://127.0.0.1:{server.server_address[1]}")
    yield state
    server.shutdown()


@pytest.fixture
def docs(db, frozen_today, fake_stripe):
    """Stripe on (fees for businesses, EUR and USD); March documents of a person, a company and a JPY lease."""
    with db.write() as session:
        save_section(session, StripeSettings, {"enabled": True, "secret_key": GOOD_KEY, "webhook_secret": WEBHOOK_SECRET,
                                               "fixed_fee": "0.50", "percent_fee": "2", "currencies": "EUR,USD"}, actor=ACTOR)
        make_lease(session, name="Dupont", unit="1")
        make_lease(session, unit="Local", rent="1800", charges="150",
                   customer={"kind": "company", "company_name": "Boulangerie SARL"})
        make_lease(session, name="Smith", unit="3", currency="JPY", rent="90000", charges="0")
        created = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created
        by_name = {session.get(RentDocument, i).customer.display_name: i for i in created}
    return by_name


@pytest.fixture
def receiver(db):
    """``homecrm webhooks serve`` on a free port; yields the webhook URL."""
    server = make_server(db.factory, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/stripe/webhook"
    server.shutdown()
