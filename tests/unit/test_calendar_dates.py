"""The date rules between our data and the calendar component (which runs in UTC)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from homecrm.calendar.dates import allday_span, clicked_day, clicked_moment, selected_days, wall_clock
from homecrm.calendar.events import text_color


@pytest.mark.parametrize(("browser", "payload"), [
    # With timeZone "UTC" the component reports the clicked day at 00:00Z whatever the browser's zone.
    ("Europe/Paris (UTC+1)", "2026-03-05T00:00:00.000Z"),
    ("Asia/Tokyo (UTC+9)", "2026-03-05T00:00:00.000Z"),
    ("America/Los_Angeles (UTC-8)", "2026-03-05T00:00:00.000Z"),
    ("no offset given", "2026-03-05T00:00:00"),
])
def test_a_day_click_is_that_day_in_every_browser(browser, payload):
    assert clicked_day(payload) == date(2026, 3, 5)


def test_the_local_time_trap_we_avoid():
    """Had the component run in the browser's zone, a click on 5 March in Tokyo would arrive as
    4 March 15:00Z: that is why it runs in UTC and why we never read local-zone payloads."""
    local_midnight_tokyo = datetime(2026, 3, 5, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)
    assert local_midnight_tokyo.date() == date(2026, 3, 4)


def test_a_period_1_to_3_march_is_sent_with_end_4_march_and_read_back():
    assert allday_span(date(2026, 3, 1), date(2026, 3, 3)) == ("2026-03-01", "2026-03-04")
    assert allday_span(date(2026, 3, 1)) == ("2026-03-01", "2026-03-02")
    assert selected_days("2026-03-01T00:00:00.000Z", "2026-03-04T00:00:00.000Z") == (date(2026, 3, 1), date(2026, 3, 3))
    # a selection across months
    assert selected_days("2026-03-30T00:00:00Z", "2026-04-03T00:00:00Z") == (date(2026, 3, 30), date(2026, 4, 2))


@pytest.mark.parametrize(("instant", "shown"), [
    (datetime(2026, 3, 28, 9, 0, tzinfo=UTC), "2026-03-28T10:00:00"),  # the day before the change: UTC+1
    (datetime(2026, 3, 29, 8, 0, tzinfo=UTC), "2026-03-29T10:00:00"),  # the day the clocks go forward: UTC+2
    (datetime(2026, 10, 25, 9, 0, tzinfo=UTC), "2026-10-25T10:00:00"),  # back to UTC+1
])
def test_timed_events_show_paris_wall_clock_across_dst(instant, shown):
    assert wall_clock(instant, "Europe/Paris") == shown


def test_timed_clicks_read_back_in_the_landlords_zone():
    assert clicked_moment("2026-03-12T10:00:00.000Z", "Europe/Paris") == datetime(
        2026, 3, 12, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    spring = clicked_moment("2026-03-29T10:00:00Z", "Europe/Paris")
    assert spring.utcoffset().total_seconds() == 7200 and spring.hour == 10
    skipped = clicked_moment("2026-03-29T02:30:00Z", "Europe/Paris")  # does not exist: one gap later
    assert (skipped.hour, skipped.minute) == (3, 30)
    repeated = clicked_moment("2026-10-25T02:30:00Z", "Europe/Paris")  # twice that night: the first
    assert repeated.utcoffset().total_seconds() == 7200


@pytest.mark.parametrize(("background", "text"), [
    ("#ffffff", "#000000"), ("#000000", "#ffffff"), ("#1f4e79", "#ffffff"), ("#e0a030", "#000000"),
    ("#ffeb3b", "#000000"), ("#b3261e", "#ffffff"),
])
def test_text_colour_is_chosen_for_contrast(background, text):
    assert text_color(background) == text


def test_the_components_now_is_the_landlords_wall_clock_time_across_dst():
    """The component runs in UTC: its current-time line and "today" need Paris time, sent as such."""
    from homecrm.settings.sections import CalendarSettings
    from homecrm.ui.calendar import options

    winter = options(CalendarSettings(), date(2026, 12, 1), "Europe/Paris", now=datetime(2026, 12, 4, 23, 30, 41, tzinfo=UTC))
    summer = options(CalendarSettings(), date(2026, 7, 1), "Europe/Paris", now=datetime(2026, 7, 4, 22, 30, tzinfo=UTC))
    assert (winter["timeZone"], winter["now"], summer["now"]) == ("UTC", "2026-12-05T00:30:00", "2026-07-05T00:30:00")
    assert winter["buttonHints"]["prev"] == "Précédent ($0)" and winter["viewHint"] == "Vue $0"
