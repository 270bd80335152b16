"""The calendar in Chromium (browser in Europe/Paris): this month's rent due dates show, and a
click on a day creates a reminder on that exact date."""

from datetime import date

import pytest
from sqlalchemy import select

from homecrm.billing.documents import generate_month
from homecrm.billing.periods import Month
from homecrm.security.accounts import create_admin
from homecrm.store.models import CalendarReminder, RentDocument
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, sign_in
from tests.factories import ACTOR, make_lease

pytestmark = pytest.mark.browser


def test_rent_due_dates_and_a_reminder_on_the_clicked_day(db, app_server, browser_page):
    with db.write() as session:
        create_admin(session, email=ADMIN_EMAIL, name="Admin", password=ADMIN_PASSWORD)
        make_lease(session, name="Dupont", unit="Apt 1", due_day=5)
        generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))
        number = session.scalar(select(RentDocument.number))
    base = app_server(db, now="2026-03-12T10:00:00+01:00")
    page = browser_page  # the browser runs in Europe/Paris (see conftest)
    sign_in(page, base)
    page.locator("a[href$='/calendrier']").first.click()
    frame = page.frame_locator("iframe[title*='calendar']").first
    frame.get_by_text(f"{number} · Mme Marie Dupont").wait_for()
    # the rent document sits on 5 March
    cell = frame.locator("td[data-date='2026-03-05']")
    assert number in cell.inner_text()
    # click on 19 March (an empty area of the day cell)
    target = frame.locator("td[data-date='2026-03-19'] .fc-daygrid-day-frame")
    target.click(position={"x": 10, "y": 40})
    page.get_by_text("Nouveau rappel").wait_for()
    page.get_by_label("Texte du rappel").fill("Relancer le syndic")
    page.get_by_role("button", name="Créer le rappel").click()
    page.get_by_text("Rappel créé pour le 19/03/2026.").wait_for()
    with db.read() as session:
        reminder = session.scalar(select(CalendarReminder))
        assert (reminder.start_date, reminder.all_day) == (date(2026, 3, 19), True)
    frame.get_by_text("Relancer le syndic").wait_for()
    # a second click on the same day opens the form again (the component repeats identical values)
    page.get_by_text("Nouveau rappel").wait_for(state="detached")
    frame = page.frame_locator("iframe[title*='calendar']").first
    frame.locator("td[data-date='2026-03-19'] .fc-daygrid-day-frame").click(position={"x": 10, "y": 60})
    page.get_by_text("Nouveau rappel").wait_for()
    page.get_by_role("button", name="Annuler").click()
    page.get_by_text("Nouveau rappel").wait_for(state="detached")
    frame = page.frame_locator("iframe[title*='calendar']").first
    frame.locator("td[data-date='2026-03-19'] .fc-daygrid-day-frame").click(position={"x": 10, "y": 60})
    page.get_by_text("Nouveau rappel").wait_for()
