"""Calendar events per type and per setting, colours, reminders (past, e-mail at the time), .ics."""

from __future__ import annotations

import email
import re
from datetime import UTC, date, datetime, time
from email import policy

import pytest
from icalendar import Calendar
from sqlalchemy import select

from homecrm import clock
from homecrm.billing.credit_notes import create_credit_note
from homecrm.billing.documents import generate_month
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.calendar.events import events_between, legend
from homecrm.calendar.ics import to_ics
from homecrm.calendar.reminders import create_reminder, is_past, send_due_reminders
from homecrm.errors import ValidationError
from homecrm.notify.staff import deliver_queued
from homecrm.security.accounts import create_admin, principal_for
from homecrm.settings import save_section
from homecrm.settings.sections import CalendarSettings, CalendarStyleSettings, SmtpSettings
from homecrm.store.models import CalendarReminder, Customer, MessageLog, RentDocument
from homecrm.tasks.tasks import create_task
from tests.factories import ACTOR, make_lease
from tests.smtp_server import start_server

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def world(db, frozen_today):
    """Three leases with March documents: one paid, one partly paid, one overdue; a task; a credit note."""
    with db.write() as session:
        admin = principal_for(create_admin(session, email="cal@example.fr", name="Cal", password="correct horse battery"))
        paid = make_lease(session, name="Payé", unit="A1", start=date(2026, 3, 1), end=date(2026, 3, 20))
        make_lease(session, name="Partiel", unit="A2", due_day=20)
        make_lease(session, name="Retard", unit="A3", due_day=1)
        docs = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created
        by_name = {session.get(RentDocument, d).customer.last_name: d for d in docs}
        record_payment(session, actor=ACTOR, document_id=by_name["Payé"], data={"amount": "730", "paid_on": date(2026, 3, 2)})
        record_payment(session, actor=ACTOR, document_id=by_name["Partiel"], data={"amount": "100", "paid_on": date(2026, 3, 2)})
        create_credit_note(session, actor=ACTOR, document_id=by_name["Partiel"], data={"amount": "50", "reason": "Geste"})
        create_task(session, actor=admin, data={"title": "Chaudière", "start_date": date(2026, 3, 10),
                                                "due_date": date(2026, 3, 12), "assignee_ids": [admin.user_id]})
        create_task(session, actor=ACTOR, data={"title": "Pas à moi", "due_date": date(2026, 3, 20)})
        return {"admin": admin, "paid_lease": paid.id}


def _events(db, actor=ACTOR):
    with db.read() as session:
        return events_between(session, actor=actor, first=MARCH[0], last=MARCH[1], today=date(2026, 3, 12))


def test_every_kind_of_event_with_its_colour(db, world):
    events = _events(db)
    kinds = {}
    for e in events:
        kinds.setdefault(e.kind, []).append(e)
    assert sorted(kinds) == ["credit_note", "lease", "rent", "task"]
    style = CalendarStyleSettings()
    colours = {e.title.split(" · ")[1]: e.color for e in kinds["rent"]}
    assert colours["Mme Marie Payé"] == style.rent_paid_color
    assert colours["Mme Marie Partiel"] == style.rent_partial_color
    assert colours["Mme Marie Retard"] == style.rent_overdue_color  # due on the 1st, today is the 12th
    assert {e.uid for e in kinds["lease"]} == {f"lease-start-{world['paid_lease']}", f"lease-end-{world['paid_lease']}"}
    task = next(e for e in kinds["task"] if e.title.startswith("Chaudière"))
    assert (task.start, task.end, task.all_day) == (date(2026, 3, 10), date(2026, 3, 12), True)


@pytest.mark.parametrize(("setting", "kind"), [
    ("show_invoices", "rent"), ("show_credit_notes", "credit_note"), ("show_contracts", "lease"), ("show_tasks", "task"),
])
def test_each_toggle_hides_its_kind(db, world, setting, kind):
    assert any(e.kind == kind for e in _events(db))
    with db.write() as session:
        save_section(session, CalendarSettings, {setting: False}, actor=ACTOR)
    assert not any(e.kind == kind for e in _events(db))


def test_only_my_tasks_and_colour_changes(db, world):
    with db.write() as session:
        save_section(session, CalendarSettings, {"only_my_tasks": True}, actor=ACTOR)
        save_section(session, CalendarStyleSettings, {"task_color": "#FFEB3B"}, actor=ACTOR)
    tasks = [e for e in _events(db, world["admin"]) if e.kind == "task"]
    assert [e.title for e in tasks] == ["Chaudière"] and tasks[0].color == "#ffeb3b"
    with db.read() as session:
        assert ("Tâches", "#ffeb3b") in legend(session)
    with pytest.raises(ValidationError) as exc, db.write() as session:
        save_section(session, CalendarStyleSettings, {"task_color": "jaune"}, actor=ACTOR)
    assert "task_color" in (exc.value.errors or {})
    for bad in (0, -1):
        with pytest.raises(ValidationError), db.write() as session:
            save_section(session, CalendarSettings, {"event_limit": bad}, actor=ACTOR)


def test_reminders_by_kind_hidden_or_shown(db, world):
    with db.write() as session:
        tenant_id = session.scalar(select(Customer.id))
        create_reminder(session, actor=world["admin"], data={"description": "Appeler Mme Payé", "start_date": date(2026, 3, 15),
                                                             "related_kind": "tenant", "related_id": tenant_id})
        create_reminder(session, actor=world["admin"], data={"description": "Réunion", "start_date": date(2026, 3, 16),
                                                             "all_day": False, "at_time": time(10, 0)})
    titles = {e.title for e in _events(db, world["admin"]) if e.kind == "reminder"}
    assert titles == {"Appeler Mme Payé", "Réunion"}
    with db.write() as session:
        save_section(session, CalendarSettings, {"show_tenant_reminders": False}, actor=ACTOR)
    assert {e.title for e in _events(db, world["admin"]) if e.kind == "reminder"} == {"Réunion"}
    with db.write() as session:
        save_section(session, CalendarSettings, {"hide_reminders": True}, actor=ACTOR)
    assert not [e for e in _events(db, world["admin"]) if e.kind == "reminder"]


def test_timed_reminder_is_stored_in_utc_across_dst(db, world):
    with db.write() as session:
        reminder = create_reminder(session, actor=world["admin"], data={
            "description": "Visite", "start_date": date(2026, 3, 29), "all_day": False, "at_time": time(10, 0)})
        assert reminder.at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 10:00 Paris summer time
        winter = create_reminder(session, actor=world["admin"], data={
            "description": "Visite", "start_date": date(2026, 3, 28), "all_day": False, "at_time": time(10, 0)})
        assert winter.at == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("data", "field"), [
    ({"description": "", "start_date": date(2026, 3, 15)}, "description"),
    ({"description": "x", "start_date": date(2026, 3, 15), "end_date": date(2026, 3, 1)}, None),
    ({"description": "x", "start_date": date(2026, 3, 15), "all_day": False}, None),
    ({"description": "x", "start_date": date(2026, 3, 15), "related_kind": "tenant", "related_id": 999}, "related_id"),
])
def test_bad_reminders_are_refused(db, world, data, field):
    with pytest.raises(ValidationError) as exc, db.write() as session:
        create_reminder(session, actor=world["admin"], data=data)
    if field:
        assert exc.value.field == field


def test_past_reminder_allowed_flagged_and_never_emailed(db, world):
    controller, box = start_server()
    try:
        with db.write() as session:
            save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                                 "sender_email": "crm@example.fr"}, actor=ACTOR)
            past = create_reminder(session, actor=world["admin"], data={"description": "Oubli", "start_date": date(2026, 3, 1)})
            assert is_past(session, past) and past.notified_at is not None
            create_reminder(session, actor=world["admin"], data={"description": "Relancer le plombier",
                                                                 "start_date": date(2026, 3, 13)})
        assert [e.flagged for e in _events(db, world["admin"]) if e.kind == "reminder"] == [True, False]
        with clock.frozen(datetime(2026, 3, 13, 6, 59, tzinfo=UTC)), db.write() as session:  # 07:59 Paris
            assert send_due_reminders(session) == 0
        with clock.frozen(datetime(2026, 3, 13, 7, 0, tzinfo=UTC)), db.write() as session:  # 08:00 Paris
            assert send_due_reminders(session) == 1
            assert send_due_reminders(session) == 0  # once
        deliver_queued(db.factory)
        assert len(box.messages) == 1
        message = email.message_from_bytes(box.messages[0].data, policy=policy.default)
        assert message["To"] == "cal@example.fr" and "Relancer le plombier" in message["Subject"]
        body = message.get_content()
        assert "Relancer le plombier" in body and "Quand : 13/03/2026" in body
        with db.read() as session:
            assert session.scalar(select(MessageLog.status)) == "sent"
            assert session.scalar(select(CalendarReminder.notified_at).where(
                CalendarReminder.description == "Oubli")) is not None
    finally:
        controller.stop()


def test_ics_parses_back_with_dates_and_stable_uids(db, world):
    with db.write() as session:
        create_reminder(session, actor=world["admin"], data={"description": "AG", "start_date": date(2026, 3, 1),
                                                             "end_date": date(2026, 3, 3)})
        create_reminder(session, actor=world["admin"], data={"description": "RDV", "start_date": date(2026, 3, 29),
                                                             "all_day": False, "at_time": time(10, 0)})
    from homecrm.calendar.ics import uid_domain
    from homecrm.store.installation import installation_id

    with db.read() as session:
        domain, installation = uid_domain(session), installation_id(session)
    assert re.fullmatch(r"[0-9a-f]{12}", installation) and domain == f"{installation}.homecrm"
    first = Calendar.from_ical(to_ics(_events(db, world["admin"]), domain=domain))
    again = Calendar.from_ical(to_ics(_events(db, world["admin"]), domain=domain))
    events = {str(e["summary"]): e for e in first.walk("VEVENT")}
    assert [str(e["uid"]) for e in first.walk("VEVENT")] == [str(e["uid"]) for e in again.walk("VEVENT")]
    ag = events["AG"]
    assert ag.decoded("dtstart") == date(2026, 3, 1) and ag.decoded("dtend") == date(2026, 3, 4)
    rdv = events["RDV"]
    assert rdv.decoded("dtstart") == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    rent = next(e for name, e in events.items() if name.startswith("QUI-"))
    assert isinstance(rent.decoded("dtstart"), date) and not isinstance(rent.decoded("dtstart"), datetime)
    assert str(rent["uid"]).startswith("rent-") and str(rent["uid"]).endswith(f"@{installation}.homecrm")
    assert len({str(e["uid"]) for e in first.walk("VEVENT")}) == len(first.walk("VEVENT"))


def test_each_database_gets_its_own_installation_id(tmp_path):
    from homecrm.store import make_engine, make_session_factory, read_session, upgrade_database
    from homecrm.store.installation import installation_id

    ids = set()
    for name in ("one.db", "two.db"):
        url = f"sqlite:///{tmp_path / name}"
        upgrade_database(url)
        with read_session(make_session_factory(make_engine(url))) as session:
            ids.add(installation_id(session))
    assert len(ids) == 2 and "" not in ids


def test_staff_see_only_what_their_rights_allow(db, world):
    from homecrm.security.accounts import create_user, save_role

    with db.write() as session:
        role = save_role(session, actor=ACTOR, name="Tâches seulement", description="", permissions={("tasks", "view_own")})
        user = create_user(session, actor=ACTOR, data={"name": "Sam", "email": "sam@example.fr", "role_id": role.id},
                           password="a-long-password-1")
        sam = principal_for(user)
        create_task(session, actor=ACTOR, data={"title": "Pour Sam", "due_date": date(2026, 3, 25),
                                                "assignee_ids": [user.id]})
    assert [(e.kind, e.title) for e in _events(db, sam)] == [("task", "Pour Sam")]


def test_a_reminder_just_after_midnight_goes_at_its_time(db, world):
    """00:30 in Paris on 4 December is 23:30 UTC on the 3rd: the reminder must not wait for UTC's day."""
    controller, box = start_server()
    try:
        with db.write() as session:
            save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                                 "sender_email": "crm@example.fr"}, actor=ACTOR)
        with clock.frozen(datetime(2026, 12, 3, 12, 0, tzinfo=UTC)), db.write() as session:
            create_reminder(session, actor=world["admin"], data={
                "description": "Compteurs", "start_date": date(2026, 12, 4), "all_day": False, "at_time": time(0, 30)})
        with clock.frozen(datetime(2026, 12, 3, 23, 29, tzinfo=UTC)), db.write() as session:
            assert send_due_reminders(session) == 0
        with clock.frozen(datetime(2026, 12, 3, 23, 31, tzinfo=UTC)), db.write() as session:  # 00:31 Paris
            assert send_due_reminders(session) == 1
    finally:
        controller.stop()


def test_cli_ics_to_stdout_and_a_missing_folder_refused(db, world, tmp_path, capsysbinary):
    from homecrm.cli import main

    assert main(["--db", db.url, "--as", "cal@example.fr", "calendar", "ics", "-o", "-"]) == 0
    out = capsysbinary.readouterr().out
    assert Calendar.from_ical(out).get("X-WR-CALNAME") is not None or out.startswith(b"BEGIN:VCALENDAR")
    missing = tmp_path / "no" / "such" / "x.ics"
    assert main(["--db", db.url, "--as", "cal@example.fr", "calendar", "ics", "-o", str(missing)]) == 2
    assert "n'existe pas" in capsysbinary.readouterr().err.decode()
    assert not (tmp_path / "no").exists()


def test_an_all_day_reminder_for_today_set_after_8_is_sent_at_once(db, world):
    with clock.frozen(datetime(2026, 3, 12, 15, 0, tzinfo=UTC)), db.write() as session:  # 16:00 in Paris
        reminder = create_reminder(session, actor=world["admin"], data={"description": "Appeler le syndic",
                                                                        "start_date": date(2026, 3, 12)})
        assert not is_past(session, reminder) and reminder.notified_at is None


def test_a_reminder_email_says_when_and_what_it_is_about(db, world):
    from homecrm.calendar.reminders import reminder_email_body
    from homecrm.store.models import Customer

    with db.write() as session:
        tenant = session.scalar(select(Customer).where(Customer.last_name == "Retard"))
        reminder = create_reminder(session, actor=world["admin"], data={
            "description": "Appeler pour l'état des lieux", "start_date": date(2026, 3, 20), "all_day": False,
            "at_time": time(10, 30), "related_kind": "tenant", "related_id": tenant.id})
        body = reminder_email_body(session, reminder)
    assert body.splitlines() == ["Appeler pour l'état des lieux", "", "Quand : 20/03/2026 à 10:30",
                                 f"À propos de : Locataire n° {tenant.id} ({tenant.display_name})"]
