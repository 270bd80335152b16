"""The reminder engine with a fixed clock: exactly the expected notices, never twice, never at night."""

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from homecrm import clock
from homecrm.billing.documents import generate_month
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.notify.reminders import _quiet, plan_reminders, run_reminders, upcoming
from homecrm.notify.twilio_gateway import API_BASE_ENV
from homecrm.settings import save_section
from homecrm.settings.sections import ReminderSettings, SmsGatewaySettings, SmsTriggerSettings, SmtpSettings
from homecrm.store.models import MessageLog, RentDocument
from tests.factories import ACTOR, make_lease
from tests.smtp_server import start_server
from tests.twilio_server import ACCOUNT_SID, AUTH_TOKEN, start_fake_twilio

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def world(db, monkeypatch):
    controller, mailbox = start_server()
    server, twilio = start_fake_twilio()
    monkeypatch.setenv(API_BASE_ENV, f"http://127.0.0.1:{server.server_address[1]}")
    with clock.frozen(datetime(2026, 2, 25, 10, tzinfo=PARIS)), db.write() as session:
        save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                             "sender_email": "bailleur@exemple.fr"}, actor=ACTOR)
        save_section(session, SmsGatewaySettings, {"active_gateway": "twilio", "twilio_account_sid": ACCOUNT_SID,
                                                   "twilio_auth_token": AUTH_TOKEN, "twilio_from": "+33781223344"}, actor=ACTOR)
        save_section(session, ReminderSettings, {"due_notice_email": True, "overdue_email": True, "due_notice_days": 5,
                                                 "overdue_every_days": 7, "overdue_max": 3}, actor=ACTOR)
        save_section(session, SmsTriggerSettings, {"invoice_due_enabled": True, "invoice_overdue_enabled": True}, actor=ACTOR)
        make_lease(session, name="A", unit="1", customer={"last_name": "Alpha", "email": "a@exemple.fr", "phone": "0612345678"})
        make_lease(session, name="B", unit="2", customer={"last_name": "Bravo", "email": "b@exemple.fr"})
        make_lease(session, name="C", unit="3", customer={"last_name": "Charlie", "email": "c@exemple.fr",
                                                          "phone": "0612345679", "reminders_opt_out": True})
        created = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 2, 25)).created
        docs = {session.get(RentDocument, i).customer.last_name: i for i in created}
    yield {"mailbox": mailbox, "twilio": twilio, "docs": docs}
    controller.stop()
    server.shutdown()


def _day(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def test_a_month_of_daily_runs_sends_exactly_the_expected_notices(db, world):
    sent_on: dict[str, list[date]] = {}
    day = date(2026, 2, 26)
    while day <= date(2026, 3, 31):
        if day == date(2026, 3, 4):
            with clock.frozen(_day(day, 9)), db.write() as session:
                record_payment(session, actor=ACTOR, document_id=world["docs"]["Bravo"],
                               data={"amount": "730", "paid_on": day})
        with clock.frozen(_day(day)):
            report = run_reminders(db.factory, actor=ACTOR, now=_day(day))
        for item in report.sent:
            sent_on.setdefault(f"{item.tenant}:{item.kind}:{item.channel}", []).append(day)
        day += timedelta(days=1)
    assert sent_on == {
        "Alpha:due_notice:email": [date(2026, 2, 28)],
        "Alpha:due_notice:sms": [date(2026, 2, 28)],
        "Bravo:due_notice:email": [date(2026, 2, 28)],
        "Alpha:overdue_notice:email": [date(2026, 3, 6), date(2026, 3, 13), date(2026, 3, 20)],
        "Alpha:overdue_notice:sms": [date(2026, 3, 6), date(2026, 3, 13), date(2026, 3, 20)],
    }
    assert len(world["mailbox"].messages) == 5 and len(world["twilio"].messages) == 4
    assert world["twilio"].messages[0]["To"] == "+33612345678"
    assert "QUI-000001" in world["twilio"].messages[-1]["Body"]
    with db.read() as session:  # the notices carry the avis as PDF
        assert session.scalar(select(func.count(MessageLog.id)).where(MessageLog.status == "sent")) == 9


def test_a_second_run_and_overlapping_runs_send_nothing_twice(db, world):
    now = _day(date(2026, 2, 28))
    with clock.frozen(now):
        reports = []
        threads = [threading.Thread(target=lambda: reports.append(run_reminders(db.factory, actor=ACTOR, now=now)))
                   for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        again = run_reminders(db.factory, actor=ACTOR, now=now)
    assert sum(len(r.sent) for r in reports) == 3  # Alpha e-mail + SMS, Bravo e-mail
    assert again.sent == [] and again.already == 3
    assert len(world["mailbox"].messages) == 2 and len(world["twilio"].messages) == 1


def test_skipped_recipients_are_listed_with_the_reason(db, world):
    with clock.frozen(_day(date(2026, 2, 28))), db.read() as session:
        plan = plan_reminders(session, actor=ACTOR, now=_day(date(2026, 2, 28)))
    reasons = {(p.tenant, p.channel): p.skip for p in plan}
    assert "téléphone" in reasons[("Bravo", "sms")] or "phone" in reasons[("Bravo", "sms")]
    assert reasons[("Charlie", "email")] and reasons[("Charlie", "sms")]  # opted out


def test_quiet_hours_across_the_dst_change():
    settings = ReminderSettings()
    # Saturday 28 March 2026, 06:30 UTC = 07:30 in Paris (winter time): quiet until 08:00 = 07:00 UTC
    before = datetime(2026, 3, 28, 6, 30, tzinfo=UTC).astimezone(PARIS)
    assert _quiet(before, settings) == datetime(2026, 3, 28, 8, 0, tzinfo=PARIS)
    # Sunday 29 March, the clocks went forward: 06:30 UTC = 08:30 in Paris, not quiet any more
    after = datetime(2026, 3, 29, 6, 30, tzinfo=UTC).astimezone(PARIS)
    assert _quiet(after, settings) is None
    assert _quiet(datetime(2026, 3, 29, 22, 0, tzinfo=PARIS), settings) == datetime(2026, 3, 30, 8, 0, tzinfo=PARIS)


def test_nothing_is_sent_at_night_it_waits_for_the_morning(db, world):
    night = datetime(2026, 2, 28, 5, 0, tzinfo=UTC)  # 06:00 in Paris
    with clock.frozen(night):
        report = run_reminders(db.factory, actor=ACTOR, now=night)
    assert report.sent == [] and all(p.waits_until for p in report.planned if not p.skip)
    morning = datetime(2026, 2, 28, 7, 5, tzinfo=UTC)
    with clock.frozen(morning):
        assert len(run_reminders(db.factory, actor=ACTOR, now=morning).sent) == 3


def test_the_tenants_own_time_zone_decides(db, world):
    from homecrm.crm.customers import update_customer

    with db.write() as session:
        doc = session.get(RentDocument, world["docs"]["Alpha"])
        update_customer(session, actor=ACTOR, customer_id=doc.customer_id,
                        data={"last_name": "Alpha", "email": "a@exemple.fr", "phone": "0612345678",
                              "timezone": "America/Martinique"})
    moment = datetime(2026, 2, 28, 10, 0, tzinfo=PARIS)  # 05:00 in Martinique
    with db.read() as session:
        plan = plan_reminders(session, actor=ACTOR, now=moment)
    alpha = [p for p in plan if p.tenant == "Alpha"]
    assert alpha and all(p.waits_until is not None for p in alpha)
    assert all(p.waits_until is None for p in plan if p.tenant == "Bravo")


def test_dry_run_and_the_next_seven_days_queue(db, world):
    with clock.frozen(_day(date(2026, 2, 26))):
        report = run_reminders(db.factory, actor=ACTOR, now=_day(date(2026, 2, 26)), dry_run=True)
        queue = upcoming(db.factory, actor=ACTOR, days=7)
    assert report.planned == [] and report.sent == []
    assert {(day, p.tenant, p.kind, p.channel) for day, p in queue if not p.skip} == {
        (date(2026, 2, 28), "Alpha", "due_notice", "email"), (date(2026, 2, 28), "Alpha", "due_notice", "sms"),
        (date(2026, 2, 28), "Bravo", "due_notice", "email")}
    assert len(world["mailbox"].messages) == 0


# QA round on issue 5 ---------------------------------------------------------------------------------------------


def _rows(db) -> dict[str, tuple[str, int]]:
    with db.read() as session:
        return {m.key: (m.status, m.attempts) for m in session.scalars(select(MessageLog).where(MessageLog.key.is_not(None)))}


def test_reminders_in_iso_8859_1_are_sent_and_nothing_stays_sending(db, world):
    with db.write() as session:
        save_section(session, SmtpSettings, {"charset": "iso-8859-1"}, actor=ACTOR)
    now = _day(date(2026, 2, 28))
    with clock.frozen(now):
        report = run_reminders(db.factory, actor=ACTOR, now=now)
    assert len(report.sent) == 3 and report.failed == []
    assert "sending" not in {status for status, _n in _rows(db).values()}
    assert len(world["mailbox"].messages) == 2


def test_an_unexpected_error_marks_the_message_failed_and_the_next_run_sends_it(db, world, monkeypatch):
    import smtplib

    def broken(*args, **kwargs):
        raise RuntimeError("connection library bug")

    monkeypatch.setattr(smtplib.SMTP, "send_message", broken)  # the network boundary misbehaves
    now = _day(date(2026, 2, 28))
    with clock.frozen(now):
        report = run_reminders(db.factory, actor=ACTOR, now=now)
    assert {p.tenant for p, _e in report.failed} == {"Alpha", "Bravo"}
    assert all("RuntimeError" in error for _p, error in report.failed)
    failed = next(p for p, _e in report.failed)
    assert "nouvel essai à la prochaine exécution" in report.state(failed)
    assert {k: v for k, v in _rows(db).items() if k.endswith(":email")} == {
        f"due_notice:doc{world['docs']['Alpha']}:email": ("failed", 1),
        f"due_notice:doc{world['docs']['Bravo']}:email": ("failed", 1)}
    monkeypatch.undo()
    with clock.frozen(now):
        again = run_reminders(db.factory, actor=ACTOR, now=now)
    assert len(again.sent) == 2 and len(world["mailbox"].messages) == 2


def test_a_message_left_sending_by_a_dead_run_is_retried(db, world):
    key = f"due_notice:doc{world['docs']['Alpha']}:email"
    now = _day(date(2026, 2, 28))
    with db.write() as session:  # what a run killed between claiming and recording leaves behind
        session.add(MessageLog(key=key, channel="email", kind="due_notice", status="sending", attempts=1,
                               claimed_at=now - timedelta(hours=1)))
    with clock.frozen(now):
        report = run_reminders(db.factory, actor=ACTOR, now=now)
    assert key in {p.key for p in report.sent}
    assert _rows(db)[key] == ("sent", 2)


def test_a_message_being_sent_now_is_left_to_its_run_and_said_so(db, world):
    key = f"due_notice:doc{world['docs']['Alpha']}:email"
    now = _day(date(2026, 2, 28))
    with db.write() as session:
        session.add(MessageLog(key=key, channel="email", kind="due_notice", status="sending", attempts=1,
                               claimed_at=now))
    with clock.frozen(now):
        report = run_reminders(db.factory, actor=ACTOR, now=now)
    item = next(p for p in report.planned if p.key == key)
    assert item not in report.sent and report.state(item) == "en cours d'envoi par une autre exécution"


def test_dry_run_after_a_real_run_tells_sent_from_to_send(db, world):
    now = _day(date(2026, 2, 28))
    with clock.frozen(now):
        run_reminders(db.factory, actor=ACTOR, now=now)
        with db.write() as session:  # Bravo's e-mail failed three times
            bravo = session.scalar(select(MessageLog).where(MessageLog.key == f"due_notice:doc{world['docs']['Bravo']}:email"))
            bravo.status, bravo.attempts, bravo.result = "failed", 3, "boîte pleine"
        dry = run_reminders(db.factory, actor=ACTOR, now=now, dry_run=True)
        real = run_reminders(db.factory, actor=ACTOR, now=now)
    for report in (dry, real):
        states = {(p.tenant, p.channel): report.state(p) for p in report.planned}
        assert states[("Alpha", "email")] == states[("Alpha", "sms")] == "déjà envoyé"
        assert states[("Bravo", "email")] == "échec 3 fois, plus de nouvel essai : boîte pleine"
    assert real.already == 2 and real.sent == []


def _planned(db, at, kind):
    with clock.frozen(at), db.read() as session:
        return [p for p in plan_reminders(session, actor=ACTOR) if p.kind == kind]


def test_payment_confirmation_when_recorded_late_and_once_for_a_spread_sum(db, world):
    from homecrm.billing.payments import record_payment_on_account

    with clock.frozen(_day(date(2026, 3, 2))), db.write() as session:
        save_section(session, ReminderSettings, {"payment_email": True}, actor=ACTOR)
        save_section(session, SmsTriggerSettings, {"payment_recorded_enabled": True}, actor=ACTOR)
        generate_month(session, actor=ACTOR, month=Month(2026, 4), on=date(2026, 3, 2))
        # a cheque received on 26 February, typed in on 2 March
        record_payment(session, actor=ACTOR, document_id=world["docs"]["Bravo"],
                       data={"amount": "100", "paid_on": date(2026, 2, 26), "mode": "cheque"})
        # one transfer from Alpha that pays March and part of April
        alpha = session.get(RentDocument, world["docs"]["Alpha"]).customer_id
        record_payment_on_account(session, actor=ACTOR, customer_id=alpha,
                                  data={"amount": "1000", "paid_on": date(2026, 3, 2), "mode": "virement"})
    planned = _planned(db, _day(date(2026, 3, 2), 11), "payment_confirmation")
    assert sorted((p.tenant, p.channel) for p in planned if not p.skip) == [
        ("Alpha", "email"), ("Alpha", "sms"), ("Bravo", "email")]
    alpha_mail = next(p for p in planned if p.tenant == "Alpha" and p.channel == "email")
    assert "QUI-000001, QUI-000004" in alpha_mail.body, alpha_mail.body
    with clock.frozen(_day(date(2026, 3, 2), 11)):
        report = run_reminders(db.factory, actor=ACTOR)
    assert sorted((i.tenant, i.channel) for i in report.sent if i.kind == "payment_confirmation") == [
        ("Alpha", "email"), ("Alpha", "sms"), ("Bravo", "email")]
    # four days later nothing more is planned
    assert _planned(db, _day(date(2026, 3, 6), 11), "payment_confirmation") == []


def test_each_payment_confirmation_says_what_was_received_and_what_was_left_then(db, world):
    """Two payments the same day: the first confirmation does not say "nothing left" because of the second."""
    with clock.frozen(_day(date(2026, 3, 2), 9)), db.write() as session:
        save_section(session, ReminderSettings, {"payment_email": True}, actor=ACTOR)
        for amount in ("200.50", "529.50"):  # 730,00 € in all
            record_payment(session, actor=ACTOR, document_id=world["docs"]["Bravo"],
                           data={"amount": amount, "paid_on": date(2026, 3, 2)})
    bodies = [p.body for p in _planned(db, _day(date(2026, 3, 2), 11), "payment_confirmation")]
    assert len(bodies) == 2
    bodies = [b.replace("\xa0", " ") for b in bodies]
    assert "paiement de 200,50 € du 02/03/2026" in bodies[0] and "Reste à payer : 529,50 €" in bodies[0]
    assert "paiement de 529,50 €" in bodies[1] and "Reste à payer : 0,00 €" in bodies[1]


def test_a_due_notice_for_a_partly_paid_month_names_its_document_and_balance(db, world):
    with clock.frozen(_day(date(2026, 2, 27), 9)), db.write() as session:
        record_payment(session, actor=ACTOR, document_id=world["docs"]["Bravo"],
                       data={"amount": "0.01", "paid_on": date(2026, 2, 27)})
    notice = next(p for p in _planned(db, _day(date(2026, 2, 28)), "due_notice")
                  if p.tenant == "Bravo" and p.channel == "email")
    assert "Reste à payer : 729,99\xa0€" in notice.body and "Document joint : Reçu QUI-" in notice.body
    assert "avis d'échéance" not in notice.body.lower()


def test_an_overdue_debt_never_reminded_gets_one_reminder_when_reminders_come_late(db, world):
    """Overdue reminders every 7 days, 3 at most: 40 days late and never reminded → the last one, once."""
    late = _day(date(2026, 4, 14))
    planned = [p for p in _planned(db, late, "overdue_notice") if p.tenant == "Alpha" and p.channel == "email"]
    assert [p.key for p in planned] == [f"overdue_notice:doc{world['docs']['Alpha']}:3:email"]
    with clock.frozen(late):
        run_reminders(db.factory, actor=ACTOR, now=late)
    with clock.frozen(_day(date(2026, 4, 21))):
        again = run_reminders(db.factory, actor=ACTOR, now=_day(date(2026, 4, 21)))
    assert [i for i in again.sent if i.tenant == "Alpha"] == []


def test_a_due_notice_held_by_the_quiet_hours_on_the_eve_goes_on_the_due_date(db, world):
    """Switched on the evening before the due date (5 March): it waits for 08:00 on the 5th and goes
    then; the queue lists it on the 5th, not as "today"."""
    with db.write() as session:
        save_section(session, ReminderSettings, {"due_notice_days": 1}, actor=ACTOR)
    evening = datetime(2026, 3, 4, 22, 30, tzinfo=PARIS)
    with db.read() as session:
        held = [p for p in plan_reminders(session, actor=ACTOR, now=evening) if p.kind == "due_notice"]
    assert held and all(p.waits_until == datetime(2026, 3, 5, 8, tzinfo=PARIS) for p in held)
    with clock.frozen(evening):
        queue = [(day, p.kind) for day, p in upcoming(db.factory, actor=ACTOR) if p.kind == "due_notice"]
    assert queue and {day for day, _kind in queue} == {date(2026, 3, 5)}
    morning = datetime(2026, 3, 5, 8, 5, tzinfo=PARIS)
    with clock.frozen(morning):
        report = run_reminders(db.factory, actor=ACTOR, now=morning)
    assert any(item.kind == "due_notice" for item in report.sent)
