"""Stripe through its official SDK pointed at a local stand-in; webhooks signed like Stripe signs them."""

import json
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
import stripe
from sqlalchemy import func, select

from homecrm.billing.documents import get_document
from homecrm.billing.exports import document_pdf
from homecrm.errors import ConflictError
from homecrm.payments.fees import charge_with_fee
from homecrm.payments.stripe_gateway import (
    StripeGatewayError,
    ensure_payment_link,
    sync_payments,
    test_connection as check_connection,
)
from homecrm.settings import save_section
from homecrm.settings.sections import StripeSettings
from homecrm.store.models import Payment, StripeEvent
from tests.factories import ACTOR, make_lease
from tests.helpers import pdf_text
from tests.integration.conftest import WEBHOOK_SECRET  # the fixtures (fake_stripe, docs, receiver) live there


def test_payment_link_amount_metadata_idempotency_and_psd2(db, docs, fake_stripe):
    # Stripe is on: issuing the documents gave each payable one its link (not the JPY one).
    with db.write() as session:
        person = ensure_payment_link(session, actor=ACTOR, document_id=docs["Mme Marie Dupont"])
        ensure_payment_link(session, actor=ACTOR, document_id=docs["Boulangerie SARL"])
        again = ensure_payment_link(session, actor=ACTOR, document_id=docs["Mme Marie Dupont"])
    assert again.link_id == person.link_id  # reused, not recreated
    created = [r for r in fake_stripe.requests if r.path == "/v1/payment_links" and r.method == "POST"]
    assert len(created) == 2
    first, second = created[0], created[1]
    # a person pays exactly the rent: no card surcharge on consumers (PSD2 art. 62(4))
    assert first.form["line_items[0][price_data][unit_amount]"] == "73000"
    assert first.form["line_items[0][price_data][currency]"] == "eur"
    assert first.form["metadata[document_number]"] == "QUI-000001"
    assert first.form["metadata[tenant_id]"] and first.form["payment_intent_data[metadata][document_number]"] == "QUI-000001"
    key = first.headers["Idempotency-Key"]
    # our ids, and the moment the document was issued: another database never gets this link
    assert key.startswith(f"homecrm-link-{docs['Mme Marie Dupont']}-") and key.endswith("-73000-0")
    with db.read() as session:
        issued = get_document(session, docs["Mme Marie Dupont"], actor=ACTOR).issued_at
    assert str(int(issued.timestamp() * 1_000_000)) in key
    # a company pays the fee: 1 950 + 0,50 + 2 % = 1 989,50
    assert second.form["line_items[0][price_data][unit_amount]"] == "198950"
    assert person.url.endswith("?client_reference_id=QUI-000001")


def test_no_link_for_another_currency_or_when_disabled(db, docs, fake_stripe):
    with db.write() as session:
        save_section(session, StripeSettings, {"currencies": "EUR"}, actor=ACTOR)
    with pytest.raises(StripeGatewayError, match="JPY"), db.write() as session:
        ensure_payment_link(session, actor=ACTOR, document_id=docs[next(k for k in docs if "Smith" in k)])
    with db.write() as session:
        save_section(session, StripeSettings, {"enabled": False}, actor=ACTOR)
    with pytest.raises(StripeGatewayError), db.write() as session:
        ensure_payment_link(session, actor=ACTOR, document_id=docs["Mme Marie Dupont"])
    calls = len(fake_stripe.requests)
    with pytest.raises(ConflictError, match="paiement par carte n'est pas activé"), db.write() as session:
        sync_payments(session, actor=ACTOR)  # said so, not "Stripe is unreachable"
    assert len(fake_stripe.requests) == calls  # and Stripe was not even asked


def test_jpy_amounts_are_not_multiplied(db, docs, fake_stripe):
    key = next(k for k in docs if "Smith" in k)
    with db.write() as session:
        save_section(session, StripeSettings, {"currencies": "EUR,JPY"}, actor=ACTOR)
        ensure_payment_link(session, actor=ACTOR, document_id=docs[key])
    form = fake_stripe.form_of("/v1/payment_links")[-1]
    assert form["line_items[0][price_data][unit_amount]"] == "90000" and form["line_items[0][price_data][currency]"] == "jpy"


def test_a_business_paying_in_yen_is_charged_a_whole_number_of_yen(db, docs, fake_stripe):
    """The fee is rounded to the currency's unit: no 0,50 JPY that Stripe could not charge."""
    from datetime import date

    from homecrm.billing.documents import generate_month
    from homecrm.billing.periods import Month
    from homecrm.store.models import RentDocument

    with db.write() as session:
        save_section(session, StripeSettings, {"currencies": "EUR,JPY"}, actor=ACTOR)
        make_lease(session, unit="Bureau", currency="JPY", rent="90000", charges="0",
                   customer={"kind": "company", "company_name": "Sakura KK"})
        created = generate_month(session, actor=ACTOR, month=Month(2026, 4), on=date(2026, 3, 12)).created
        doc_id = next(i for i in created if session.get(RentDocument, i).customer.display_name == "Sakura KK")
        ensure_payment_link(session, actor=ACTOR, document_id=doc_id)
        document_pdf(session, actor=ACTOR, document_id=doc_id)
    form = fake_stripe.form_of("/v1/payment_links")[-1]
    # 90 000 + 0.50 + 2 % = 91 800.50, rounded half-up to the yen
    assert form["line_items[0][price_data][unit_amount]"] == "91801"
    assert charge_with_fee(Decimal("90000"), fixed=Decimal("0.50"), percent=Decimal("2"), gross_up=True,
                           currency="JPY") == Decimal("91838")


def test_wrong_key_is_explained(db, docs, fake_stripe):
    with db.write() as session:
        save_section(session, StripeSettings, {"secret_key": "sk_test_wrong"}, actor=ACTOR)
    with pytest.raises(StripeGatewayError, match="(?i)clé|key"), db.read() as session:
        check_connection(session, actor=ACTOR)


def _session_for(doc_number: str, amount_minor: int, intent: str = "pi_123", currency: str = "eur") -> dict:
    return {"id": f"cs_{intent}", "object": "checkout.session", "payment_status": "paid", "status": "complete",
            "amount_total": amount_minor, "currency": currency, "payment_intent": intent, "created": int(time.time()),
            "client_reference_id": doc_number, "metadata": {"document_number": doc_number, "rent_amount": str(Decimal(amount_minor) / 100)}}


def test_sync_records_once_and_turns_the_pdf_into_a_quittance(db, docs, fake_stripe):
    fake_stripe.sessions.append(_session_for("QUI-000001", 73000))
    with db.write() as session:
        result = sync_payments(session, actor=ACTOR)
    assert result.seen == 1 and [o.document_number for o in result.recorded] == ["QUI-000001"]
    with db.write() as session:
        assert sync_payments(session, actor=ACTOR).recorded == []
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 1
        payment = session.scalar(select(Payment))
        assert (payment.mode, payment.provider, payment.external_id) == ("card", "stripe", "pi_123")
        text = pdf_text(document_pdf(session, actor=ACTOR, document_id=docs["Mme Marie Dupont"])[1])
    assert "Quittance de loyer" in text and "Carte" in text


def _signed(event: dict, secret: str = WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    payload = json.dumps(event).encode()
    timestamp = at or int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload.decode()}", secret)
    return payload, f"t={timestamp},v1={signature}"


def _post(url: str, payload: bytes, header: str) -> int:
    request = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Stripe-Signature": header, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _event(event_id: str, kind: str, checkout: dict) -> dict:
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": checkout}, "api_version": "2024-06-20"}


def test_webhook_twice_and_both_kinds_record_one_payment(db, docs, receiver):
    checkout = _session_for("QUI-000001", 73000, intent="pi_twice")
    for event_id, kind in (("evt_1", "checkout.session.completed"), ("evt_1", "checkout.session.completed"),
                           ("evt_2", "checkout.session.async_payment_succeeded")):
        assert _post(receiver, *_signed(_event(event_id, kind, checkout))) == 200
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 1
        assert get_document(session, docs["Mme Marie Dupont"], actor=ACTOR).payment_status == "paid"
        assert session.scalar(select(func.count(StripeEvent.id))) == 2


def test_concurrent_deliveries_record_one_payment(db, docs, receiver):
    checkout = _session_for("QUI-000001", 73000, intent="pi_concurrent")
    bodies = [_signed(_event(f"evt_c{i}", "checkout.session.completed", checkout)) for i in range(6)]
    codes = []
    threads = [threading.Thread(target=lambda b=b: codes.append(_post(receiver, *b))) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert codes == [200] * 6
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 1


@pytest.mark.parametrize("forgery", ["bad-secret", "stale", "future", "garbage", "no-header", "no-object"])
def test_forged_or_stale_webhooks_are_refused(db, docs, receiver, forgery):
    event = _event("evt_forged", "checkout.session.completed", _session_for("QUI-000001", 73000, intent="pi_forged"))
    if forgery == "bad-secret":
        payload, header = _signed(event, secret="whsec_someone_else")
    elif forgery == "stale":
        payload, header = _signed(event, at=int(time.time()) - 301)
    elif forgery == "future":
        payload, header = _signed(event, at=int(time.time()) + 3600)
    elif forgery == "no-object":
        payload, header = _signed({"id": "evt_x", "type": "checkout.session.completed", "data": {}})
    elif forgery == "garbage":
        payload, header = b"not json", _signed(event)[1]
    else:
        payload, header = _signed(event)[0], ""
    assert _post(receiver, payload, header) == 400
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0
        assert session.scalar(select(func.count(StripeEvent.id))) == 0


def test_unpaid_session_records_nothing(db, docs, receiver):
    checkout = {**_session_for("QUI-000001", 73000, intent="pi_unpaid"), "payment_status": "unpaid"}
    assert _post(receiver, *_signed(_event("evt_u", "checkout.session.completed", checkout))) == 200
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0


def test_a_delayed_payment_seen_unpaid_is_recorded_by_a_later_sync(db, docs, fake_stripe):
    checkout = {**_session_for("QUI-000001", 73000, intent="pi_sepa"), "payment_status": "unpaid"}
    fake_stripe.sessions.append(checkout)
    with db.write() as session:
        assert sync_payments(session, actor=ACTOR).recorded == []
    checkout["payment_status"] = "paid"  # the bank debit went through
    with db.write() as session:
        assert [o.document_number for o in sync_payments(session, actor=ACTOR).recorded] == ["QUI-000001"]
    with db.read() as session:
        assert get_document(session, docs["Mme Marie Dupont"], actor=ACTOR).payment_status == "paid"


def test_a_payment_for_no_known_document_is_reported(db, docs, fake_stripe):
    from homecrm.render.formatting import Formats

    fake_stripe.sessions.append(_session_for("QUI-999999", 50000, intent="pi_elsewhere"))
    with db.write() as session:
        result = sync_payments(session, actor=ACTOR)
    assert [o.document_number for o in result.unmatched] == ["QUI-999999"] and result.warnings == result.unmatched
    assert "1 sans document connu" in result.summary()
    assert "500,00" in result.unmatched[0].line(Formats()) and "QUI-999999" in result.unmatched[0].line(Formats())
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0


def test_public_helpers_follow_the_vectors():
    from homecrm.payments import charge_with_fee, to_minor_units
    from tests.helpers import vectors

    money = vectors("money.json")
    for case in money["minor_units"]:
        assert to_minor_units(Decimal(case["amount"]), case["currency"]) == case["expected"]
    for case in money["fees"]:
        assert charge_with_fee(Decimal(case["amount"]), fixed=Decimal(case["fixed"]), percent=Decimal(case["percent"]),
                               gross_up=case["gross_up"]) == Decimal(case["expected_charge"])
