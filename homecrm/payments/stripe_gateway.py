"""Stripe Checkout through long-lived Payment Links, and recording what Stripe received.

A landlord on one machine has no public URL, so the link printed on a document is a Stripe
Payment Link (hosted by Stripe, valid until paid; replaced when the amount changes). It carries
the document number as ``client_reference_id`` and in its metadata, which Stripe copies to the
Checkout Session. Money comes back two ways — ``sync_payments`` polling completed sessions, and
the webhook receiver — through the one idempotent ``record_checkout_session``: each Stripe event
id and each Checkout Session id is stored under a unique constraint, so the same payment is never
recorded twice, whatever arrives and in whichever order.

Money Stripe received is never dropped: when the document can no longer take it (cancelled, or
paid by other means meanwhile) it is kept in full as the tenant's credit, with the Stripe
reference, and reported as such. A link whose amount is no longer what the document owes (paid,
cancelled, part paid, credited) is turned off at Stripe and replaced when something is still
owed; a link that could not be turned off (Stripe unreachable) is retried by the next sync.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.billing.documents import find_by_number, get_document
from homecrm.billing.money import ZERO, from_minor_units, to_minor_units
from homecrm.billing.payments import money_received, receive_as_credit, record_payment
from homecrm.errors import ConflictError, HomecrmError
from homecrm.i18n import _
from homecrm.payments.fees import charge_with_fee, may_charge_fee
from homecrm.render.placeholders import render_template
from homecrm.security.principal import Principal, require
from homecrm.settings import load_section
from homecrm.settings.base import secret_value, unreadable_secrets
from homecrm.settings.sections import StripeSettings
from homecrm.store.models import Payment, RentDocument, StripeEvent, StripePaymentLink
from homecrm.store.once import claim_once
from homecrm.settings.local_time import local_timezone, local_today

log = logging.getLogger(__name__)
API_BASE_ENV = "HOMECRM_STRIPE_API_BASE"  # tests point the SDK at a local server


class StripeGatewayError(HomecrmError):
    """Stripe refused or could not be reached; the message says what to do."""


TIMEOUT_SECONDS = 20  # calls made while a payment is being recorded must not hang for minutes


def key_unreadable(session: Session) -> bool:
    """The stored Stripe secret key cannot be decrypted with the current key (lost or replaced key file)."""
    return "secret_key" in unreadable_secrets(session, StripeSettings)


def client(settings: StripeSettings, session: Session | None = None) -> stripe.StripeClient:
    key = secret_value(settings.secret_key)
    if not key:
        if session is not None and key_unreadable(session):
            raise StripeGatewayError(_("The stored Stripe secret key cannot be decrypted with this installation's "
                                       "secret key: type it again in Settings > Payment gateways."))
        raise StripeGatewayError(_("Stripe has no secret key yet (Settings > Payment gateways)."))
    base = os.environ.get(API_BASE_ENV)
    return stripe.StripeClient(key, base_addresses={"api": base} if base else None, max_network_retries=1,
                               http_client=stripe.new_default_http_client(timeout=TIMEOUT_SECONDS))


def _explain(exc: stripe.StripeError) -> StripeGatewayError:
    if isinstance(exc, stripe.AuthenticationError):
        return StripeGatewayError(_("Stripe refused the secret key: copy it again from Developers > API keys."))
    if isinstance(exc, stripe.PermissionError):
        return StripeGatewayError(_("This Stripe key may not do this (restricted key?)."))
    if isinstance(exc, stripe.APIConnectionError):
        return StripeGatewayError(_("Stripe cannot be reached: check the internet connection."))
    if isinstance(exc, stripe.RateLimitError):
        return StripeGatewayError(_("Stripe asks to slow down: try again in a minute."))
    message = getattr(exc, "user_message", None) or type(exc).__name__
    return StripeGatewayError(_("Stripe refused the request: {message}").format(message=message))


def test_connection(session: Session, *, actor: Principal) -> str:
    """The settings page's "test the connection" button: reads the account balance."""
    require(session, actor, "settings", "edit")
    settings = load_section(session, StripeSettings)
    try:
        balance = client(settings, session).v1.balance.retrieve()
    except stripe.StripeError as exc:
        raise _explain(exc) from None
    # A StripeObject is not a dict (stripe ≥ 15): read the attribute.
    mode = _("live") if getattr(balance, "livemode", False) else _("test")
    return _("Connected to Stripe ({mode} mode).").format(mode=mode)


# payment links ---------------------------------------------------------------------------------


def reference_for(number: str) -> str:
    """A client_reference_id Stripe accepts (letters, digits, - and _): '/' becomes '_'."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", number)[:200]


@dataclass(frozen=True)
class LinkPlan:
    """What a document's link would charge, or why it has none."""

    available: bool
    reason: str = ""
    rent: Decimal = ZERO
    charge: Decimal = ZERO
    currency: str = "EUR"

    @property
    def fee(self) -> Decimal:
        return self.charge - self.rent


def plan_for(doc: RentDocument, settings: StripeSettings) -> LinkPlan:
    if not settings.enabled:
        return LinkPlan(False, _("Card payment is not activated (Settings > Payment gateways)."))
    if doc.state != "issued":
        return LinkPlan(False, _("Only an issued, not cancelled document can be paid online."))
    if doc.balance <= ZERO:
        return LinkPlan(False, _("Nothing is owed on this document."))
    if doc.currency not in settings.accepted_currencies:
        return LinkPlan(False, _("{currency} is not among the currencies accepted by Stripe ({accepted}).").format(
            currency=doc.currency, accepted=", ".join(settings.accepted_currencies) or "—"))
    rent = doc.balance
    charge = rent
    if may_charge_fee(doc.customer.kind):
        charge = charge_with_fee(rent, fixed=settings.fixed_fee, percent=settings.percent_fee, gross_up=settings.gross_up,
                                 currency=doc.currency)
    return LinkPlan(True, rent=rent, charge=charge, currency=doc.currency)


def current_link(session: Session, doc: RentDocument, plan: LinkPlan) -> StripePaymentLink | None:
    if not plan.available:
        return None
    return session.scalar(
        select(StripePaymentLink).where(
            StripePaymentLink.document_id == doc.id,
            StripePaymentLink.active.is_(True),
            StripePaymentLink.amount_minor == to_minor_units(plan.charge, plan.currency),
        )
    )


def ensure_payment_link(session: Session, *, actor: Principal, document_id: int) -> StripePaymentLink:
    """The document's Payment Link for what it owes now, created (or replaced) when needed."""
    require(session, actor, "documents", "edit")
    doc = get_document(session, document_id, actor=actor)
    settings = load_section(session, StripeSettings)
    plan = plan_for(doc, settings)
    if not plan.available:
        raise StripeGatewayError(plan.reason)
    existing = current_link(session, doc, plan)
    if existing is not None:
        return existing
    return _create_link(session, doc, settings, plan)


def _create_link(session: Session, doc: RentDocument, settings: StripeSettings, plan: LinkPlan) -> StripePaymentLink:
    api = client(settings, session)
    amount_minor = to_minor_units(plan.charge, plan.currency)
    description = render_template(settings.description, {
        "invoice_number": doc.number, "client_name": doc.customer.display_name,
        "period": f"{doc.period_start:%m/%Y}", "amount": str(plan.charge),
    })
    metadata = {"document_number": doc.number or "", "tenant_id": str(doc.customer_id),
                "rent_amount": str(plan.rent), "homecrm_document_id": str(doc.id)}
    methods = ["card", "ideal"] if settings.ideal and plan.currency == "EUR" else ["card"]
    _retire(session, api, [link for link in _active_links(session, doc)])
    try:
        link = api.v1.payment_links.create(
            params={
                "line_items": [{"quantity": 1, "price_data": {
                    "currency": plan.currency.lower(), "unit_amount": amount_minor,
                    "product_data": {"name": description[:250] or doc.number}}}],
                "metadata": metadata,
                "payment_intent_data": {"description": description[:1000], "metadata": metadata},
                "payment_method_types": methods,
                "restrictions": {"completed_sessions": {"limit": 1}},
            },
            # Specific to this database (the moment the document was issued): a demo and a real install on one
            # Stripe account never get each other's links.
            options={"idempotency_key": f"homecrm-link-{doc.id}-{_issued_stamp(doc)}-{amount_minor}-"
                                        f"{_link_count(session, doc)}"},
        )
    except stripe.StripeError as exc:
        raise _explain(exc) from None
    url = f"{link['url']}?client_reference_id={reference_for(doc.number or str(doc.id))}"
    record = StripePaymentLink(document_id=doc.id, link_id=link["id"], url=url, amount_minor=amount_minor,
                               fee_minor=to_minor_units(plan.fee, plan.currency), currency=plan.currency)
    session.add(record)
    session.flush()
    return record


def _link_count(session: Session, doc: RentDocument) -> int:
    """Links this document had: a new link for an amount it owed before is a new Stripe request."""
    return len(session.scalars(select(StripePaymentLink.id).where(StripePaymentLink.document_id == doc.id)).all())


def _active_links(session: Session, doc: RentDocument) -> list[StripePaymentLink]:
    return list(session.scalars(select(StripePaymentLink).where(StripePaymentLink.document_id == doc.id,
                                                                StripePaymentLink.active.is_(True))))


def _retire(session: Session, api: stripe.StripeClient, links: list[StripePaymentLink]) -> bool:
    """Turn links off at Stripe; one that Stripe did not confirm stays active here, to retry."""
    done = True
    for link in links:
        try:
            api.v1.payment_links.update(link.link_id, params={"active": False},
                                        options={"idempotency_key": f"homecrm-link-off-{link.link_id}"})
        except stripe.StripeError as exc:
            log.warning("Stripe payment link %s could not be turned off: %s", link.link_id, type(exc).__name__)
            done = False
            continue
        link.active = False
    session.flush()
    return done


def refresh_payment_links(session: Session, doc: RentDocument) -> None:
    """After the amount owed changed: turn off the links for another amount, and put a link for the
    new amount in their place while something is still owed. Never fails the caller's action."""
    active = _active_links(session, doc)
    if not active:
        return
    settings = load_section(session, StripeSettings)
    plan = plan_for(doc, settings)
    wanted = to_minor_units(plan.charge, plan.currency) if plan.available else None
    stale = [link for link in active if link.amount_minor != wanted]
    if not stale:
        return
    try:
        api = client(settings, session)
    except StripeGatewayError as exc:
        log.warning("stale Stripe payment links of %s not turned off: %s", doc.number, exc)
        return
    _retire(session, api, stale)
    if plan.available and current_link(session, doc, plan) is None:
        _create_link_quietly(session, doc, settings, plan)


def create_link_if_missing(session: Session, doc: RentDocument) -> StripePaymentLink | None:
    """With Stripe activated, the link a document should carry: created now if missing (best effort)."""
    settings = load_section(session, StripeSettings)
    plan = plan_for(doc, settings)
    if not plan.available:
        return None
    return current_link(session, doc, plan) or _create_link_quietly(session, doc, settings, plan)


def _create_link_quietly(session: Session, doc: RentDocument, settings: StripeSettings,
                         plan: LinkPlan) -> StripePaymentLink | None:
    try:
        with session.begin_nested():
            return _create_link(session, doc, settings, plan)
    except StripeGatewayError as exc:
        log.warning("no Stripe payment link for %s: %s", doc.number, exc)
        return None


def retry_stale_links(session: Session) -> None:
    """Turn off the links still active here though their document no longer owes their amount
    (Stripe could not be reached when the amount changed). Each sync run calls it."""
    doc_ids = sorted(set(session.scalars(
        select(StripePaymentLink.document_id).where(StripePaymentLink.active.is_(True)))))
    for doc_id in doc_ids:
        refresh_payment_links(session, session.get(RentDocument, doc_id))


# money received ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    # recorded / credited / duplicate / already-recorded / not-paid / unknown-document;
    # ignored: an event of a kind not handled
    status: str
    document_number: str = ""
    amount: Decimal = ZERO  # all Stripe received for the rent (the card fee of a business excluded)
    credit: Decimal = ZERO  # the part of it kept as the tenant's credit
    currency: str = "EUR"
    reason: str = ""  # why the money went to the tenant's credit

    def line(self, fmt) -> str:
        """One line for the sync report (CLI and page)."""
        amount = fmt.money(self.amount, self.currency)
        if self.status == "unknown-document":
            return _("{reference}: {amount} received by Stripe for \"{number}\", a document this database does not "
                     "have: nothing recorded, look it up in the Stripe dashboard").format(
                reference=self.reason, amount=amount, number=self.document_number or "?")
        if self.status == "credited":
            return _("{number}: {amount} kept as the tenant's credit ({reason})").format(
                number=self.document_number, amount=amount, reason=self.reason)
        if self.credit > ZERO:
            return _("{number}: {amount} recorded, of which {credit} kept as the tenant's credit").format(
                number=self.document_number, amount=amount, credit=fmt.money(self.credit, self.currency))
        return _("{number}: {amount} recorded").format(number=self.document_number, amount=amount)


def _issued_stamp(doc: RentDocument) -> str:
    return str(int(doc.issued_at.timestamp() * 1_000_000)) if doc.issued_at else "draft"


def _find_document(session: Session, actor: Principal, checkout: dict) -> RentDocument | None:
    metadata = checkout.get("metadata") or {}
    number = metadata.get("document_number")
    if number:
        try:
            return find_by_number(session, number, actor=actor)
        except HomecrmError:
            pass
    link_id = checkout.get("payment_link")
    if link_id:
        link = session.scalar(select(StripePaymentLink).where(StripePaymentLink.link_id == link_id))
        if link is not None:
            return get_document(session, link.document_id, actor=actor)
    reference = checkout.get("client_reference_id") or ""
    for doc in session.scalars(select(RentDocument).where(RentDocument.number.is_not(None))):
        if reference_for(doc.number) == reference:
            return doc
    return None


def _why_not_payable(doc: RentDocument) -> str:
    if doc.state == "cancelled":
        return _("{number} was cancelled").format(number=doc.number)
    if doc.state != "issued":
        return _("{number} is not issued").format(number=doc.number)
    return _("{number} was already paid").format(number=doc.number)


def record_checkout_session(
    session: Session, *, actor: Principal, checkout: dict, event_id: str, event_type: str
) -> Outcome:
    """Record the payment of a completed Checkout Session exactly once (the one path for sync and webhook)."""
    require(session, actor, "payments", "create")
    if hasattr(checkout, "to_dict"):  # a StripeObject from the SDK
        checkout = checkout.to_dict()
    intent = checkout.get("payment_intent") or ""
    if isinstance(intent, dict):
        intent = intent.get("id", "")
    checkout_id = checkout.get("id") or intent
    if checkout.get("payment_status") != "paid":
        # Not kept as seen: a delayed payment (bank debit) seen unpaid by one sync is recorded by the next.
        return Outcome("not-paid")
    try:
        with session.begin_nested():
            session.add(StripeEvent(event_id=event_id, type=event_type, payment_intent=intent or checkout_id))
            session.flush()
    except IntegrityError:
        return Outcome("duplicate")
    event = session.scalar(select(StripeEvent).where(StripeEvent.event_id == event_id))

    def done(outcome: Outcome) -> Outcome:
        event.outcome = outcome.status
        session.flush()
        return outcome

    known = [key for key in (intent, checkout_id) if key]
    if known and session.scalar(select(Payment.id).where(Payment.external_id.in_(known))):
        return done(Outcome("already-recorded"))
    doc = _find_document(session, actor, checkout)
    if doc is None:
        log.warning("Stripe payment %s for an unknown document", checkout_id)
        currency = (checkout.get("currency") or "EUR").upper()
        number = (checkout.get("metadata") or {}).get("document_number") or checkout.get("client_reference_id") or ""
        return done(Outcome("unknown-document", number, from_minor_units(int(checkout.get("amount_total") or 0), currency),
                            currency=currency, reason=checkout_id))
    # The Checkout Session is the payment: booked once, whether it carries a payment intent or not.
    if not claim_once(session, f"stripe-checkout:{checkout_id}"):
        return done(Outcome("already-recorded", doc.number or ""))
    currency = (checkout.get("currency") or doc.currency).upper()
    received = from_minor_units(int(checkout.get("amount_total") or 0), currency)
    metadata = checkout.get("metadata") or {}
    rent = Decimal(metadata["rent_amount"]) if metadata.get("rent_amount") else received
    amount = min(rent, received)  # the fee (businesses only) is not rent
    paid_at = datetime.fromtimestamp(int(checkout.get("created") or clock.now().timestamp()), UTC)
    received_on = min(paid_at.astimezone(ZoneInfo(local_timezone(session))).date(), local_today(session))
    reference = intent or checkout_id
    reason = ""
    if doc.state == "issued" and doc.balance > ZERO and currency == doc.currency:
        try:
            with session.begin_nested():
                payment = record_payment(
                    session, actor=actor, document_id=doc.id, provider="stripe", external_id=reference,
                    data={"amount": amount, "paid_on": min(max(received_on, doc.issued_on or received_on), local_today(session)),
                          "mode": "card", "reference": reference})
        except HomecrmError as exc:
            reason = str(exc)
        else:
            kept = money_received(session, payment).credit
            if kept:
                log.warning("Stripe payment %s on %s: %s kept as the tenant's credit", reference, doc.number, kept)
            return done(Outcome("recorded", doc.number or "", amount, kept, currency))
    if not reason and currency != doc.currency:
        reason = _("paid in {paid}, {number} is in {currency}").format(paid=currency, number=doc.number,
                                                                      currency=doc.currency)
    reason = reason or _why_not_payable(doc)
    receive_as_credit(session, actor=actor, customer_id=doc.customer_id, currency=currency, amount=amount,
                      received_on=received_on, mode="card", reference=reference,
                      note=_("Card payment for {number} ({reason})").format(number=doc.number, reason=reason))
    log.warning("Stripe payment %s kept as the tenant's credit: %s", reference, reason)
    return done(Outcome("credited", doc.number or "", amount, amount, currency, reason))


@dataclass(frozen=True)
class SyncResult:
    seen: int
    recorded: list[Outcome]
    credited: list[Outcome] = field(default_factory=list)
    unmatched: list[Outcome] = field(default_factory=list)  # paid for no document of this database

    def summary(self) -> str:
        text = _("{seen} Stripe payment(s) checked, {recorded} recorded, {credited} kept as tenant credit.").format(
            seen=self.seen, recorded=len(self.recorded), credited=len(self.credited))
        if self.unmatched:
            text += " " + _("{count} for no known document.").format(count=len(self.unmatched))
        return text

    @property
    def warnings(self) -> list[Outcome]:
        """Money Stripe received that no document took: to be said loudly."""
        return [*self.credited, *self.unmatched]


def sync_payments(session: Session, *, actor: Principal, days: int = 35) -> SyncResult:
    """Poll Stripe for completed Checkout Sessions of the last ``days`` and record the paid ones."""
    require(session, actor, "payments", "create")
    settings = load_section(session, StripeSettings)
    if not settings.enabled:
        raise ConflictError(_("Card payment is not activated (Settings > Payment gateways)."))
    api = client(settings, session)
    since = int((clock.now() - timedelta(days=days)).timestamp())
    seen, recorded, credited, unmatched = 0, [], [], []
    try:
        page = api.v1.checkout.sessions.list(params={"status": "complete", "limit": 100, "created": {"gte": since}})
        for checkout in page.auto_paging_iter():
            seen += 1
            outcome = record_checkout_session(session, actor=actor, checkout=checkout, event_id=f"sync:{checkout['id']}",
                                              event_type="checkout.session.synced")
            if outcome.status == "recorded":
                recorded.append(outcome)
            elif outcome.status == "credited":
                credited.append(outcome)
            elif outcome.status == "unknown-document":
                unmatched.append(outcome)
    except stripe.StripeError as exc:
        raise _explain(exc) from None
    retry_stale_links(session)
    return SyncResult(seen=seen, recorded=recorded, credited=credited, unmatched=unmatched)


HANDLED_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


class BadWebhook(HomecrmError):
    """Unsigned, forged or stale webhook (HTTP 400)."""


def handle_webhook(session: Session, *, actor: Principal, payload: bytes, signature: str | None) -> Outcome:
    """Verify a Stripe webhook (raw body, 300 s tolerance) and record what it reports."""
    settings = load_section(session, StripeSettings)
    secret = secret_value(settings.webhook_secret)
    if not secret:
        raise BadWebhook("webhook secret not configured")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=300)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise BadWebhook(f"invalid webhook: {type(exc).__name__}") from None
    if _signed_in_the_future(signature):
        raise BadWebhook("invalid webhook: signed in the future")  # the SDK only checks the past
    try:
        kind, event_id, checkout = event["type"], event["id"], event["data"]["object"]
    except (KeyError, TypeError):
        raise BadWebhook("invalid webhook: no id, type or data.object") from None
    if kind not in HANDLED_EVENTS:
        return Outcome("ignored")
    return record_checkout_session(session, actor=actor, checkout=checkout, event_id=event_id, event_type=kind)


def _signed_in_the_future(signature: str | None, tolerance: int = 300) -> bool:
    stamps = [part[2:] for part in (signature or "").split(",") if part.startswith("t=")]
    try:
        # The wall clock, as the SDK's own check of the past (not homecrm's clock, which tests and demos move).
        return bool(stamps) and int(stamps[0]) > time.time() + tolerance
    except ValueError:
        return True
