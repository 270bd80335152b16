"""iCalendar export (RFC 5545) that a phone's calendar imports.

All-day items are DATE values with an exclusive DTEND (a 1–3 March period ends on 4 March); timed
items are UTC date-times; every event keeps the same UID from one export to the next, so
importing again updates the events instead of duplicating them. The UIDs end with this
installation's id (``uid_domain``): two databases' events never overwrite each other in one phone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from homecrm import clock
from homecrm.calendar.events import CalendarEvent

UID_DOMAIN = "homecrm"


def uid_domain(session) -> str:
    from homecrm.store.installation import installation_id

    installation = installation_id(session)
    return f"{installation}.{UID_DOMAIN}" if installation else UID_DOMAIN
TIMED_LENGTH = timedelta(minutes=30)


def to_ics(events: list[CalendarEvent], *, name: str = "homecrm", domain: str = UID_DOMAIN) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//homecrm//calendrier//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = clock.now()
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        if item.detail:
            event.add("description", item.detail)
        if item.all_day:
            assert isinstance(item.start, date)
            event.add("dtstart", item.start)
            event.add("dtend", (item.end or item.start) + timedelta(days=1))
        else:
            assert isinstance(item.start, datetime)
            start = item.start.astimezone(clock.now().tzinfo)
            event.add("dtstart", start)
            event.add("dtend", start + TIMED_LENGTH)
        event.add("categories", [item.kind])
        calendar.add_component(event)
    return calendar.to_ical()
