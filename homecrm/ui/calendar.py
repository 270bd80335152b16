"""Adapter between our events and the streamlit-calendar component (FullCalendar, MIT views only).

The component runs in UTC (see ``homecrm.calendar.dates``); what it returns is read back here.
AppTest cannot render custom components: tests put the component's return value in
``st.session_state[INJECTED]`` and the page handles it exactly like a real click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import streamlit as st

from homecrm.calendar.dates import allday_span, clicked_day, clicked_moment, selected_days, wall_clock
from homecrm.calendar.events import CalendarEvent, text_color
from homecrm.i18n import _
from homecrm.settings.sections import CalendarSettings

COMPONENT_KEY = "calendar.component"
INJECTED = "calendar.injected"
_GENERATION = "calendar.generation"  # bumped after each click read: a fresh component
_ANCHOR = "calendar.anchor"  # the day last clicked, where a fresh component opens


@dataclass(frozen=True)
class Click:
    """What the user did on the calendar, in our terms."""

    kind: str  # "day", "range", "event"
    first: date | None = None
    last: date | None = None
    moment: datetime | None = None  # a timed click (week/day views)
    event_id: str = ""


def to_component(events: list[CalendarEvent], timezone: str) -> list[dict]:
    out = []
    for item in events:
        entry = {"id": item.uid, "title": item.title, "backgroundColor": item.color, "borderColor": item.color,
                 "textColor": text_color(item.color), "extendedProps": {"kind": item.kind}}
        if item.flagged:
            entry["classNames"] = ["homecrm-past"]
        if item.all_day:
            entry["start"], entry["end"] = allday_span(item.start, item.end)
            entry["allDay"] = True
        else:
            entry["start"] = wall_clock(item.start, timezone)
            entry["allDay"] = False
        out.append(entry)
    return out


def options(settings: CalendarSettings, initial: date, timezone: str = "UTC", now: datetime | None = None) -> dict:
    """The component's options. It runs in UTC on wall-clock times, so "now" (the current-time line,
    the "today" highlight) is given as the wall-clock time in ``timezone``, to the minute."""
    from homecrm import clock

    moment = (now or clock.now()).replace(second=0, microsecond=0)
    return {
        "timeZone": "UTC",  # we send wall-clock times and read clicks back ourselves
        "now": wall_clock(moment, timezone),
        "locale": "fr" if _("Today") != "Today" else "en",
        "initialView": settings.default_view,
        "initialDate": initial.isoformat(),
        "firstDay": settings.first_day,
        "dayMaxEvents": settings.event_limit,
        "selectable": True,
        "navLinks": True,
        "nowIndicator": True,
        "height": 760,
        "headerToolbar": {"left": "prev,next today", "center": "title",
                          "right": "dayGridMonth,timeGridWeek,timeGridDay,listMonth"},
        "buttonText": {"today": _("Today"), "month": _("Month"), "week": _("Week"), "day": _("Day"),
                       "list": _("List")},
        "allDayText": _("All day"),
        "moreLinkText": _("more"),  # "+3 more": the component loads no locale files
        "noEventsText": _("Nothing in this period"),
        # Accessible names of the buttons and links ("$0": the view or the date), English otherwise.
        "buttonHints": {"prev": _("Previous $0"), "next": _("Next $0"), "today": _("This $0")},
        "viewHint": _("$0 view"),
        "navLinkHint": _("Go to $0"),
        "moreLinkHint": _("Show $0 more events"),
        "closeHint": _("Close"),
        "timeHint": _("Time"),
        "eventHint": _("Event"),
        "eventTimeFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "slotLabelFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "views": {"timeGridWeek": {"dayMaxEvents": settings.event_limit}},
    }


CSS = """
.fc-event.homecrm-past { opacity: .55; text-decoration: line-through; }
.fc .fc-toolbar-title { font-size: 1.3rem; }
"""


def read_click(value: dict | None, timezone: str) -> Click | None:
    """The component's last callback, once.

    The component repeats its value on every rerun, and a second click on the same day sends the
    very same value again. So once a click is read, the component is mounted afresh under a new key
    (its value starts empty), opened on the month that was clicked.
    """
    if not value or not value.get("callback"):
        return None
    click = parse_click(value, timezone)
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    anchor = click.first if click is not None else None
    if click is not None and click.kind == "event":
        start = value["eventClick"]["event"].get("start")
        anchor = clicked_day(start) if isinstance(start, str) and start else None
    if anchor is not None:
        st.session_state[_ANCHOR] = anchor
    return click


def initial_date(today: date) -> date:
    """The day the calendar opens on: the last one clicked, else today."""
    return st.session_state.get(_ANCHOR) or today


def parse_click(value: dict, timezone: str) -> Click | None:
    callback = value.get("callback")
    if callback == "dateClick":
        data = value["dateClick"]
        if data.get("allDay", True):
            return Click("day", first=clicked_day(data["date"]), last=clicked_day(data["date"]))
        moment = clicked_moment(data["date"], timezone)
        return Click("day", first=moment.date(), last=moment.date(), moment=moment)
    if callback == "select":
        data = value["select"]
        if data.get("allDay", True):
            first, last = selected_days(data["start"], data["end"])
            return Click("range", first=first, last=last)
        moment = clicked_moment(data["start"], timezone)
        return Click("day", first=moment.date(), last=moment.date(), moment=moment)
    if callback == "eventClick":
        return Click("event", event_id=str(value["eventClick"]["event"].get("id", "")))
    return None


def show(events: list[dict], settings: CalendarSettings, initial: date, timezone: str = "UTC") -> dict | None:
    """Draw the component; returns its value (or the one a test injected)."""
    injected = st.session_state.pop(INJECTED, None)
    try:
        from streamlit_calendar import calendar
    except ImportError:  # pragma: no cover - a broken install
        st.error(_("The calendar component is not installed: run make run again."))
        return injected
    value = calendar(events=events, options=options(settings, initial, timezone), custom_css=CSS,
                     callbacks=["dateClick", "eventClick", "select"],
                     key=f"{COMPONENT_KEY}.{st.session_state.get(_GENERATION, 0)}")
    return injected or value


def legend_html(items: list[tuple[str, str]]) -> str:
    """The colour legend: one escaped chip per (label, colour)."""
    from homecrm.ui.cards import chip

    return f"<div>{''.join(chip(label, color) for label, color in items)}</div>"
