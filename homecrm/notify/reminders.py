"""The reminder engine: what is due at a given moment, sent by e-mail and/or SMS, never twice.

``plan_reminders(now)`` decides, without sending anything, which messages are due:
  - due notice: from ``due_notice_days`` before the due date until the due date, once;
  - overdue notice: the day after the due date, then every ``overdue_every_days``, at most
    ``overdue_max`` times (a missed run sends the current occurrence only, not a backlog; a debt
    past the last occurrence that was never reminded gets that last one);
  - payment confirmation: once per sum received (credit uses excluded; one message for a sum spread
    over several documents), within three days of its recording;
  - lease end: from ``lease_end_days`` before the end date, once.
Each message has a key (trigger, object, occurrence, channel) stored under a unique constraint
before it is sent, so two overlapping runs never send it twice. Nothing is sent during quiet
hours in the tenant's time zone: the message waits for the morning. Tenants who opted out get
nothing; residential tenants are never charged a fee or penalty in a reminder (no template has
such a field). A failed send is retried by the next runs, three attempts in all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from homecrm import clock
from homecrm.billing.documents import documents_for_render
from homecrm.billing.exports import _link_url
from homecrm.billing.payments import credit_uses
from homecrm.errors import HomecrmError
from homecrm.i18n import N_, _
from homecrm.notify.messages import document_values, recipients_of
from homecrm.notify.sms import sms_amount
from homecrm.render.context import DocumentContext
from homecrm.render.formatting import Formats
from homecrm.render.placeholders import render_template
from homecrm.security.principal import Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import (
    EmailTemplateSettings,
    LocalizationSettings,
    ReminderSettings,
    SmsGatewaySettings,
    SmsTriggerSettings,
    SmtpSettings,
)
from homecrm.store import read_session, write_session
from homecrm.store.models import Customer, Lease, MessageLog, Payment, RentDocument, Unit

KINDS = {
    "due_notice": N_("Due notice"),
    "overdue_notice": N_("Overdue reminder"),
    "payment_confirmation": N_("Payment confirmation"),
    "lease_end": N_("Lease end"),
}
SMS_TRIGGER_OF = {"due_notice": "invoice_due", "overdue_notice": "invoice_overdue",
                  "payment_confirmation": "payment_recorded", "lease_end": "contract_expiry"}
EMAIL_FLAG_OF = {"due_notice": "due_notice_email", "overdue_notice": "overdue_email",
                 "payment_confirmation": "payment_email", "lease_end": "lease_end_email"}
MAX_ATTEMPTS = 3
PAYMENT_CONFIRMATION_DAYS = 45  # a payment recorded late is still confirmed; older history is not
log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=15)  # far above one send (SMTP timeout 20 s per step)


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str
    channel: str
    customer_id: int
    tenant: str
    recipient: str
    subject: str
    body: str
    document_id: int | None = None
    attach: bool = False
    waits_until: datetime | None = None  # quiet hours: sent from then on
    skip: str = ""  # why it cannot be sent (no address, opted out…)

    @property
    def sendable(self) -> bool:
        return not self.skip and self.waits_until is None


@dataclass
class RunReport:
    now: datetime
    planned: list[Planned] = field(default_factory=list)
    sent: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    already: int = 0
    dry_run: bool = False
    previous: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # key → (status, attempts, result)

    def state(self, item: Planned) -> str:
        """What happened to ``item`` in this run (or would happen, in a dry run), in the landlord's words."""
        sent = {p.key for p in self.sent}
        failed = {p.key: error for p, error in self.failed}
        status, attempts, result = self.previous.get(item.key, ("", 0, ""))
        if item.key in sent:
            return _("sent")
        if item.key in failed:
            attempts = max(attempts, 0) + 1
            if attempts < MAX_ATTEMPTS:
                return _("failed (attempt {n} of {max}, retried at the next run): {error}").format(
                    n=attempts, max=MAX_ATTEMPTS, error=failed[item.key])
            return _("failed (attempt {n} of {max}, not retried): {error}").format(
                n=attempts, max=MAX_ATTEMPTS, error=failed[item.key])
        if status == "sent":
            return _("already sent")
        if item.skip:
            return _("skipped: {reason}").format(reason=item.skip)
        if status == "failed" and attempts >= MAX_ATTEMPTS:
            return _("failed {n} times, not retried: {error}").format(n=attempts, error=result)
        if status == "sending":
            return _("being sent by another run")
        if item.waits_until is not None:
            return _("waits until {time} ({zone})").format(time=item.waits_until.strftime("%d/%m %H:%M"),
                                                            zone=item.waits_until.tzinfo)
        if status == "failed":
            return _("to send again (attempt {n} of {max})").format(n=attempts + 1, max=MAX_ATTEMPTS)
        return _("to send") if self.dry_run else _("being sent by another run")


def _quiet(local: datetime, settings: ReminderSettings) -> datetime | None:
    """When sending may resume if ``local`` falls in the quiet hours, else None."""
    start = time.fromisoformat(settings.quiet_start)
    end = time.fromisoformat(settings.quiet_end)
    now = local.timetz().replace(tzinfo=None)
    quiet = (start <= now or now < end) if start > end else (start <= now < end)
    if not quiet:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local.tzinfo)


def _zone(customer: Customer, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(customer.timezone or default)
    except Exception:  # noqa: BLE001 - an unknown zone falls back to the landlord's
        return ZoneInfo(default)


def plan_reminders(session: Session, *, actor: Principal, now: datetime | None = None) -> list[Planned]:
    """Everything that is due at ``now`` (already-sent messages included: the runner skips them)."""
    require(session, actor, "documents", "view")
    now = now or clock.now()
    localization = load_section(session, LocalizationSettings)
    reminders = load_section(session, ReminderSettings)
    triggers = load_section(session, SmsTriggerSettings)
    gateway = load_section(session, SmsGatewaySettings)
    templates = load_section(session, EmailTemplateSettings)
    smtp_ready = bool(load_section(session, SmtpSettings).host)
    today = now.astimezone(ZoneInfo(localization.timezone)).date()
    ctx = DocumentContext.load(session)
    planned: list[Planned] = []

    def channels(kind: str) -> list[str]:
        out = []
        if getattr(reminders, EMAIL_FLAG_OF[kind]):
            out.append("email")
        if getattr(triggers, f"{SMS_TRIGGER_OF[kind]}_enabled"):
            out.append("sms")
        return out

    def add(kind: str, key: str, customer: Customer, values: dict, sms_values: dict, *,
            subject_t: str, body_t: str, document_id: int | None = None, attach: bool = False) -> None:
        for channel in channels(kind):
            skip = ""
            if customer.reminders_opt_out:
                skip = _("the tenant opted out of reminders")
            if channel == "email":
                to = ", ".join(recipients_of(customer))
                skip = skip or ("" if to else _("no e-mail address"))
                skip = skip or ("" if smtp_ready else _("e-mail is not configured"))
                subject, body = render_template(subject_t, values), render_template(body_t, values)
            else:
                to = customer.phone
                skip = skip or ("" if to else _("no phone number"))
                skip = skip or ("" if gateway.active_gateway != "none" else _("no active SMS gateway"))
                subject, body = "", render_template(getattr(triggers, SMS_TRIGGER_OF[kind]), sms_values)
            local = now.astimezone(_zone(customer, localization.timezone))
            planned.append(Planned(f"{key}:{channel}", kind, channel, customer.id, customer.display_name, to, subject,
                                   body, document_id, attach and channel == "email", _quiet(local, reminders), skip))

    open_docs = session.scalars(
        select(RentDocument).where(RentDocument.state == "issued", RentDocument.payment_status != "paid")
        .options(selectinload(RentDocument.customer).selectinload(Customer.contacts))
    ).all()
    reminded = {int(key.split(":")[1][3:]) for key in session.scalars(
        select(MessageLog.key).where(MessageLog.key.like("overdue_notice:doc%")))}
    for doc in open_docs:
        if doc.balance <= 0:
            continue
        days = (today - doc.due_date).days
        if -reminders.due_notice_days <= days <= 0:  # the due date included: a notice held overnight still goes
            kind, key = "due_notice", f"due_notice:doc{doc.id}"
            subject_t, body_t = templates.due_subject, templates.due_body
        elif days >= 1:
            occurrence = 1 + (days - 1) // reminders.overdue_every_days
            if occurrence > reminders.overdue_max:
                if doc.id in reminded:
                    continue
                # Never reminded (overdue reminders switched on after its window, runs missed): one
                # reminder, the last of the series, rather than silence on a debt still owed.
                occurrence = reminders.overdue_max
            kind, key = "overdue_notice", f"overdue_notice:doc{doc.id}:{occurrence}"
            subject_t, body_t = templates.overdue_subject, templates.overdue_body
        else:
            continue
        if not channels(kind):
            continue
        link = _link_url(session, doc, ctx)
        add(kind, key, doc.customer, document_values(doc, ctx, link_url=link),
            document_values(doc, ctx, link_url=link, for_sms=True),
            subject_t=subject_t, body_t=body_t, document_id=doc.id, attach=True)

    if channels("payment_confirmation"):
        # Recorded in the last three days (a cheque entered late is still confirmed), paid in the
        # last PAYMENT_CONFIRMATION_DAYS (re-typing last year's ledger does not write to tenants).
        recent = session.scalars(
            select(Payment).where(Payment.mode != "credit", Payment.created_at >= now - timedelta(days=3),
                                  Payment.paid_on >= today - timedelta(days=PAYMENT_CONFIRMATION_DAYS))
            .order_by(Payment.id)
        ).all()
        receipts: dict[str, list[Payment]] = {}
        for payment in recent:  # one sum spread over several documents: one message
            receipts.setdefault(payment.receipt_key or f"id{payment.id}", []).append(payment)
        for group in receipts.values():
            docs = sorted({p.document for p in group}, key=lambda d: (d.period_start, d.id))
            doc = docs[-1]
            values = document_values(doc, ctx)
            sms_values = document_values(doc, ctx, for_sms=True)
            fmt = Formats.from_settings(ctx.finance, ctx.localization, ctx.language_for(doc.customer.language))
            # What this sum was (its excess kept as credit included) and what was left right after it:
            # a later payment does not make an earlier confirmation say "nothing left".
            last = max(p.id for p in group)
            left = sum((d.balance + sum((p.amount for p in d.payments if p.id > last), doc.balance * 0)
                        for d in docs), doc.balance * 0)
            received = sum((p.amount for p in group), doc.balance * 0) + credit_uses(session, [p.id for p in group])[2]
            extra = {"invoice_number": ", ".join(d.number or "" for d in docs), "balance": fmt.money(left, doc.currency),
                     "payment_amount": fmt.money(received, doc.currency),
                     "payment_date": fmt.date(min(p.paid_on for p in group))}
            values |= extra
            sms_values |= {key: sms_amount(value) for key, value in extra.items()}
            add("payment_confirmation", f"payment:{group[0].id}", doc.customer, values, sms_values,
                subject_t=templates.payment_subject, body_t=templates.payment_body, document_id=doc.id)

    if channels("lease_end"):
        fmt = Formats.from_settings(ctx.finance, ctx.localization)
        leases = session.scalars(
            select(Lease).where(Lease.end_date.is_not(None), Lease.end_date > today,
                                Lease.end_date <= today + timedelta(days=reminders.lease_end_days))
            .options(selectinload(Lease.unit).selectinload(Unit.property))
        ).all()
        for lease in leases:
            values = {"client_name": lease.customer.display_name, "company_name": ctx.landlord_name,
                      "unit": lease.unit.label, "end_date": fmt.date(lease.end_date)}
            add("lease_end", f"lease_end:lease{lease.id}:{lease.end_date.isoformat()}", lease.customer, values,
                {k: sms_amount(v) for k, v in values.items()}, subject_t=templates.lease_end_subject,
                body_t=templates.lease_end_body)
    return planned


def already_done(session: Session, keys: list[str]) -> dict[str, tuple[str, int, str]]:
    """key → (status, attempts, result) of the messages already claimed."""
    if not keys:
        return {}
    rows = session.execute(select(MessageLog.key, MessageLog.status, MessageLog.attempts, MessageLog.result)
                           .where(MessageLog.key.in_(keys)))
    return {key: (status, attempts, result) for key, status, attempts, result in rows}


def release_interrupted(factory: sessionmaker[Session]) -> int:
    """Mark failed the reminders a dead run left "sending", so that they are retried and listed."""
    cutoff = clock.now() - STALE_AFTER
    with write_session(factory) as session:
        return session.execute(
            update(MessageLog).where(MessageLog.key.is_not(None), MessageLog.kind.in_(list(KINDS)),
                                     MessageLog.status == "sending",
                                     or_(MessageLog.claimed_at.is_(None), MessageLog.claimed_at < cutoff))
            .values(status="failed", result=_("interrupted: the run stopped before recording the outcome"))
        ).rowcount


def _claim(factory: sessionmaker[Session], item: Planned, actor: Principal) -> bool:
    """Take the message's key (a unique row) before sending: whoever inserts it sends it."""
    try:
        with write_session(factory) as session:
            session.add(MessageLog(key=item.key, channel=item.channel, kind=item.kind, customer_id=item.customer_id,
                                   document_id=item.document_id, recipient=item.recipient, subject=item.subject,
                                   body=item.body, status="sending", attempts=1, created_by_id=actor.user_id,
                                   claimed_at=clock.now()))
        return True
    except IntegrityError:
        pass
    with write_session(factory) as session:  # a failed one may be retried, by one run only
        taken = session.execute(
            update(MessageLog).where(MessageLog.key == item.key, MessageLog.status == "failed",
                                     MessageLog.attempts < MAX_ATTEMPTS)
            .values(status="sending", attempts=MessageLog.attempts + 1, claimed_at=clock.now())
        ).rowcount
    return taken == 1


def _deliver(factory: sessionmaker[Session], item: Planned) -> tuple[str, str]:
    """Send one message; returns (provider id, result)."""
    with read_session(factory) as session:
        if item.channel == "sms":
            from homecrm.notify.twilio_gateway import send_sms

            sent = send_sms(load_section(session, SmsGatewaySettings), to=item.recipient, body=item.body)
            return sent.sid, sent.status
        from homecrm.notify.smtp import Attachment, build_message, send_email
        from homecrm.render.rent_document import pdf_filename, render_rent_document_pdf

        settings = load_section(session, SmtpSettings)
        attachments = []
        if item.attach and item.document_id:
            doc = documents_for_render(session, [item.document_id])[0]
            ctx = DocumentContext.load(session)
            attachments.append(Attachment(pdf_filename(doc), render_rent_document_pdf(doc, ctx, link_url=_link_url(session, doc, ctx))))
        message = build_message(settings, to=[a.strip() for a in item.recipient.split(",")], subject=item.subject,
                                body=item.body, attachments=attachments)
        sent = send_email(settings, message)
        return sent.message_id, sent.summary()


def run_reminders(
    factory: sessionmaker[Session], *, actor: Principal, now: datetime | None = None, dry_run: bool = False
) -> RunReport:
    """Send what is due at ``now`` (a dry run only plans). Sending needs the right to create documents."""
    now = now or clock.now()
    if not dry_run:
        with read_session(factory) as session:
            require(session, actor, "documents", "create")
        release_interrupted(factory)
    with read_session(factory) as session:
        planned = plan_reminders(session, actor=actor, now=now)
        done = already_done(session, [p.key for p in planned])
    report = RunReport(now=now, planned=planned, dry_run=dry_run, previous=done)
    if dry_run:
        return report
    for item in planned:
        previous = done.get(item.key)
        if previous is not None and (previous[0] != "failed" or previous[1] >= MAX_ATTEMPTS):
            report.already += previous[0] == "sent"
            continue
        if not item.sendable or not _claim(factory, item, actor):
            continue
        try:
            provider_id, result = _deliver(factory, item)
            status, error = "sent", ""
        except HomecrmError as exc:
            provider_id, result, status, error = "", str(exc), "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - never leave the message "sending": record why, go on
            log.exception("reminder %s could not be sent", item.key)
            error = _("unexpected error: {error}").format(error=f"{type(exc).__name__}: {exc}")
            provider_id, result, status = "", error, "failed"
        with write_session(factory) as session:
            session.execute(update(MessageLog).where(MessageLog.key == item.key).values(
                status=status, provider_id=provider_id[:300], result=result[:500],
                sent_at=clock.now() if status == "sent" else None))
        if status == "sent":
            report.sent.append(item)
        else:
            report.failed.append((item, error))
    return report


def upcoming(factory: sessionmaker[Session], *, actor: Principal, days: int = 7, at_hour: int = 10) -> list[tuple[date, Planned]]:
    """The queue: what each of the next ``days`` days would send (dry runs at ``at_hour`` local time)."""
    with read_session(factory) as session:
        tz = ZoneInfo(load_section(session, LocalizationSettings).timezone)
        now = clock.now()
        start = now.astimezone(tz).date()
        seen = set(already_done(session, []))
        rows: list[tuple[date, Planned]] = []
        for offset in range(days):
            day = start + timedelta(days=offset)
            moment = max(now, datetime.combine(day, time(at_hour), tzinfo=tz))  # today: not in the past
            items = plan_reminders(session, actor=actor, now=moment)
            done = already_done(session, [p.key for p in items])
            for item in items:
                if item.key in done or item.key in seen:
                    continue
                seen.add(item.key)
                # Held by the quiet hours: listed on the morning it will really go.
                when = item.waits_until.astimezone(tz).date() if item.waits_until else day
                rows.append((when, replace(item, waits_until=None)))
        rows.sort(key=lambda row: row[0])
    return rows
