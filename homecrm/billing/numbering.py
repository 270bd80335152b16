"""Document numbers: an integer counter per (series, period), taken atomically when issuing.

The next number is never derived from existing document numbers. Formats (spec: Quittances and
Notes de crédit): ``number`` → PREFIX000001; ``year/number`` → PREFIX2026/000001;
``number-yy`` → PREFIX000001-26; ``number/mm/yyyy`` → PREFIX000001/02/2026.
Formats that print the year restart at 1 each January (their counter's period is the year);
``number`` never restarts. A counter wider than the padding keeps all its digits.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from homecrm.errors import ValidationError
from homecrm.i18n import N_, _
from homecrm.store.models import NumberCounter

# Order in which documents of every kind are issued (decides what "issued after" means).
ISSUE_SEQUENCE = "issue_order"

NumberFormat = Literal["number", "year/number", "number-yy", "number/mm/yyyy"]
NUMBER_FORMATS: dict[str, str] = {
    "number": N_("Number (000001)"),
    "year/number": N_("Year + number (YYYY/000001)"),
    "number-yy": N_("Number + year (000001-YY)"),
    "number/mm/yyyy": N_("Number + month and year (000001/MM/YYYY)"),
}


def format_number(prefix: str, number: int, padding: int, fmt: str, on: date) -> str:
    if number < 1:
        raise ValueError("document numbers start at 1")
    digits = str(number).zfill(max(padding, 0))
    if fmt == "number":
        body = digits
    elif fmt == "year/number":
        body = f"{on.year}/{digits}"
    elif fmt == "number-yy":
        body = f"{digits}-{on.year % 100:02d}"
    elif fmt == "number/mm/yyyy":
        body = f"{digits}/{on.month:02d}/{on.year}"
    else:
        raise ValueError(f"unknown number format {fmt!r}")
    return f"{prefix}{body}"


def counter_period(fmt: str, on: date) -> str:
    """The counter a number is taken from: one per year when the format prints the year."""
    return "" if fmt == "number" else str(on.year)


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _ensure_counter(session: Session, series: str, period: str) -> None:
    stmt = (
        _insert(session)(NumberCounter)
        .values(series=series, period=period, next_value=1)
        .on_conflict_do_nothing(index_elements=["series", "period"])
    )
    session.execute(stmt)


def take_next(session: Session, series: str, period: str) -> int:
    """Atomically take the next value of a counter (an UPDATE … RETURNING on one row)."""
    _ensure_counter(session, series, period)
    new_next = session.execute(
        update(NumberCounter)
        .where(NumberCounter.series == series, NumberCounter.period == period)
        .values(next_value=NumberCounter.next_value + 1)
        .returning(NumberCounter.next_value)
    ).scalar_one()
    return new_next - 1


def peek_next(session: Session, series: str, period: str) -> int:
    value = session.execute(
        select(NumberCounter.next_value).where(
            NumberCounter.series == series, NumberCounter.period == period
        )
    ).scalar_one_or_none()
    return value or 1


def set_next(session: Session, series: str, period: str, value: int, *, highest_used: int) -> None:
    """Move a counter; refused when it would hand out a number already used in that period."""
    if value < 1:
        raise ValidationError(_("The next number must be at least 1."), field="next_number")
    if value <= highest_used:
        raise ValidationError(
            _("The next number must be greater than {used}, the last number already issued.").format(
                used=highest_used
            ),
            field="next_number",
        )
    from homecrm.security import audit

    _ensure_counter(session, series, period)
    where = (NumberCounter.series == series, NumberCounter.period == period)
    current = session.scalar(select(NumberCounter.next_value).where(*where))
    if current == value:
        return
    session.execute(update(NumberCounter).where(*where).values(next_value=value))
    # A jump in a numbering series is exactly what the audit trail must show.
    audit.record(session, action="update", entity="counter", entity_id=f"{series}/{period or '-'}",
                 summary=f"{series} {period}".strip(), changes={"next_value": [current, value]})


def highest_used(session: Session, model, series: str, period: str) -> int:
    """Highest counter value issued in a series and period, read from the documents themselves."""
    return session.execute(
        select(func.coalesce(func.max(model.counter_value), 0)).where(
            model.series == series, model.counter_period == period
        )
    ).scalar_one()


def save_next_number(session: Session, model, series: str, *, before_format: str, after_format: str,
                     before_next: int, after_next: int, today) -> None:
    """Save a "next number" setting. A change of format carries the number on to the new format's
    counter (switching to YYYY/000001 after 000070 continues at 2026/000071 and restarts at 1 next
    January), never onto a number that counter already handed out; a number typed wins."""
    period = counter_period(after_format, today)
    used = highest_used(session, model, series, period)
    if after_format != before_format and after_next == before_next:
        value = max(before_next, used + 1)
    elif after_next != before_next:
        value = after_next
    else:
        return
    set_next(session, series, period, value, highest_used=used)

