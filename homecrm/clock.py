"""The current date and time, in one place so tests and demos can fix them.

``HOMECRM_NOW`` (ISO datetime, e.g. ``2026-03-15T10:00:00+01:00``) freezes the clock for a whole
process (browser tests); ``frozen()`` does it for a block of code (unit tests).
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Paris"
_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("frozen_now", default=None)


def now() -> datetime:
    """Aware current time in UTC."""
    fixed = _frozen.get()
    if fixed is None and os.environ.get("HOMECRM_NOW"):
        fixed = datetime.fromisoformat(os.environ["HOMECRM_NOW"])
    if fixed is not None:
        if fixed.tzinfo is None:
            fixed = fixed.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
        return fixed.astimezone(UTC)
    return datetime.now(UTC)


def today(tz: str | None = None) -> date:
    """Today's date in ``tz`` (the configured time zone; Europe/Paris by default)."""
    return now().astimezone(ZoneInfo(tz or DEFAULT_TIMEZONE)).date()


@contextmanager
def frozen(at: datetime | date) -> Iterator[None]:
    if isinstance(at, date) and not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 12, tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
