"""The calendar page via AppTest: the component's return value is injected through session state."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from homecrm.store.models import CalendarReminder, RentDocument
from tests.app.conftest import button, no_exception, plain

INJECTED = "calendar.injected"


def test_clicking_a_day_opens_the_reminder_form_on_that_date(demo_db, page):
    at = page("pages/calendar.py", **{INJECTED: {"callback": "dateClick", "dateClick": {
        "allDay": True, "date": "2026-03-20T00:00:00.000Z", "view": {"type": "dayGridMonth"}}}})
    no_exception(at)
    assert at.date_input(key="reminder-new.start_date").value == date(2026, 3, 20)
    at.text_input(key="reminder-new.description").input("Relancer le syndic")
    button(at, "Créer le rappel").click()
    at.run()
    no_exception(at)
    assert any("20/03/2026" in plain(s.value) for s in at.success)
    with demo_db.read() as session:
        reminder = session.scalar(select(CalendarReminder).where(CalendarReminder.description == "Relancer le syndic"))
        assert (reminder.start_date, reminder.all_day, reminder.end_date) == (date(2026, 3, 20), True, None)


def test_selecting_a_range_across_months(demo_db, page):
    at = page("pages/calendar.py", **{INJECTED: {"callback": "select", "select": {
        "allDay": True, "start": "2026-03-30T00:00:00.000Z", "end": "2026-04-03T00:00:00.000Z", "view": {}}}})
    no_exception(at)
    assert at.date_input(key="reminder-new.start_date").value == date(2026, 3, 30)
    assert at.date_input(key="reminder-new.end_date").value == date(2026, 4, 2)


def test_a_reminder_in_the_past_is_allowed_and_flagged(demo_db, page):
    at = page("pages/calendar.py", **{INJECTED: {"callback": "dateClick", "dateClick": {
        "allDay": True, "date": "2026-03-02T00:00:00.000Z", "view": {}}}})
    at.text_input(key="reminder-new.description").input("Note")
    button(at, "Créer le rappel").click()
    at.run()
    no_exception(at)
    assert any("passé" in plain(w.value) for w in at.warning)


def test_clicking_a_rent_event_shows_it_and_opens_the_document(demo_db, page):
    with demo_db.read() as session:
        doc = session.scalar(select(RentDocument).where(RentDocument.state == "issued").order_by(RentDocument.id.desc()))
        uid, number = f"rent-{doc.id}", doc.number
    at = page("pages/calendar.py", **{INJECTED: {"callback": "eventClick", "eventClick": {"event": {"id": uid}}}})
    no_exception(at)
    assert any(number in plain(m.value) for m in at.markdown)
    assert [b for b in at.button if b.key == "calendar.open"]


def test_page_without_a_click_shows_the_legend_and_export(demo_db, page):
    at = page("pages/calendar.py")
    no_exception(at)
    assert any("Payé" in m.value for m in at.markdown)  # legend chips
    assert at.get("download_button")[0].label == "Exporter (.ics)"
