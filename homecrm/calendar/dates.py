"""Dates between our data and the calendar component (FullCalendar), without timezone traps.

The component runs with ``timeZone: "UTC"``: it then shows any naive time as written and reports
clicks as "UTC" instants that are really wall-clock values. So:

- all-day items are sent as dates; the end is exclusive (a period 1–3 March is sent as
  start 2026-03-01, end 2026-03-04);
- timed items are sent as naive wall-clock times in the landlord's time zone (a 10:00 Paris
  appointment is "…T10:00:00" summer or winter, whatever the browser's zone);
- a click returns the clicked day or wall-clock time, which we read back in the landlord's zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def allday_span(first: date, last: date | None = None) -> tuple[str, str]:
    """(start, exclusive end) for an all-day item from ``first`` to ``last`` inclusive."""
    last = last or first
    return first.isoformat(), (last + timedelta(days=1)).isoformat()


def wall_clock(moment: datetime, timezone: str) -> str:
    """An aware instant as the component must receive it: naive local time in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None).isoformat(timespec="seconds")


def _parse(value: str) -> datetime:
    text = value.strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def clicked_day(value: str) -> date:
    """The day a click or a selection start designates (``"2026-03-05T00:00:00.000Z"`` → 5 March)."""
    return _parse(value).date()


def clicked_moment(value: str, timezone: str) -> datetime:
    """A clicked wall-clock time, as an aware datetime in ``timezone``.

    A time that does not exist (the hour skipped when clocks go forward) moves forward by the gap;
    an ambiguous one (the hour repeated in autumn) is the first occurrence.
    """
    zone = ZoneInfo(timezone)
    # fold=0 reads a skipped time with the offset before the change: normalising through UTC
    # then lands on the same instant, shown one gap later (02:30 → 03:30 on the spring day).
    return _parse(value).replace(tzinfo=zone, fold=0).astimezone(ZoneInfo("UTC")).astimezone(zone)


def selected_days(start: str, end: str) -> tuple[date, date]:
    """An all-day selection (end exclusive) as (first, last) inclusive days."""
    first, stop = clicked_day(start), clicked_day(end)
    return first, max(first, stop - timedelta(days=1))
