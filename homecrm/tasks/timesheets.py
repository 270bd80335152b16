"""Timesheets: time logged per task and staff member, and billable time put on a document.

Billable time not yet invoiced goes on a draft document as one line per task ("hours × rate",
the amount rounded half-up to the cent once). Only commercial leases' documents can carry it: a
residential tenant cannot be charged fees on a rent document (loi 89-462, art. 4), and the
document service refuses it with that reason. And only the time of tasks about that lease, its
tenant or its property (``concerns``): a tenant is never billed for work done for someone else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from homecrm.errors import ConflictError, ValidationError
from homecrm.i18n import _
from homecrm.security.principal import Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import LocalizationSettings
from homecrm.store.models import Lease, RentDocument, Task, TimeEntry
from homecrm.tasks.tasks import rate_of, visible_condition


@dataclass(frozen=True)
class TimeRow:
    id: int
    day: date
    task_id: int
    task: str
    user_id: int
    user: str
    minutes: int
    billable: bool
    invoiced: bool
    note: str
    property_id: int | None
    related_kind: str | None = None
    related_id: int | None = None


def concerns(related_kind: str | None, related_id: int | None, lease: Lease) -> bool:
    """Is a task about ``lease``: the lease itself, its tenant, or the property of its unit?"""
    return ((related_kind == "lease" and related_id == lease.id)
            or (related_kind == "tenant" and related_id == lease.customer_id)
            or (related_kind == "property" and related_id == lease.unit.property_id))


def rows_for_lease(session: Session, rows: list[TimeRow], lease_id: int) -> list[TimeRow]:
    """The rows whose task is about the lease (see ``concerns``): the time its document may carry."""
    lease = session.get(Lease, lease_id)
    return [r for r in rows if lease is not None and concerns(r.related_kind, r.related_id, lease)]


def hours_text(minutes: int) -> str:
    """90 → "1 h 30"; 45 → "0 h 45"."""
    return f"{minutes // 60} h {minutes % 60:02d}"


def time_rows(session: Session, *, actor: Principal, first: date, last: date, user_id: int | None = None,
              task_id: int | None = None, billable: bool | None = None, invoiced: bool | None = None) -> list[TimeRow]:
    """Stopped entries from ``first`` to ``last`` (local dates) on tasks the actor may see."""
    require(session, actor, "tasks", "view_own")
    tz = ZoneInfo(load_section(session, LocalizationSettings).timezone)  # days as the landlord lives them
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    stmt = (select(TimeEntry).join(Task).options(joinedload(TimeEntry.task), joinedload(TimeEntry.user))
            .where(TimeEntry.minutes.is_not(None), TimeEntry.started_at >= start, TimeEntry.started_at < end,
                   visible_condition(session, actor)).order_by(TimeEntry.started_at, TimeEntry.id))
    if user_id is not None:
        stmt = stmt.where(TimeEntry.user_id == user_id)
    if task_id is not None:
        stmt = stmt.where(TimeEntry.task_id == task_id)
    if billable is not None:
        stmt = stmt.where(TimeEntry.billable.is_(billable))
    if invoiced is not None:
        stmt = stmt.where(TimeEntry.line_id.is_not(None) if invoiced else TimeEntry.line_id.is_(None))
    return [TimeRow(e.id, e.started_at.astimezone(tz).date(), e.task_id, e.task.title, e.user_id, e.user.name,
                    e.minutes, e.billable, e.line_id is not None, e.note, e.task.property_id,
                    e.task.related_kind, e.task.related_id)
            for e in session.scalars(stmt).unique()]


def totals(rows: list[TimeRow]) -> dict[tuple[str, str], int]:
    """(task, staff member) → minutes."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        out[(row.task, row.user)] += row.minutes
    return dict(out)


def bill_time_to_lease(session: Session, *, actor: Principal, lease_id: int, month, entry_ids: list[int]) -> list[int]:
    """Put time on the lease's document of ``month`` (its draft, created if needed; issued with the month)."""
    from homecrm.billing.documents import draft_for

    draft = draft_for(session, actor=actor, lease_id=lease_id, month=month)
    return bill_time(session, actor=actor, document_id=draft.id, entry_ids=entry_ids)


def bill_time(session: Session, *, actor: Principal, document_id: int, entry_ids: list[int]) -> list[int]:
    """Put billable, stopped, not-yet-invoiced entries on a draft document: one line per task.

    Returns the new line ids. Every entry is checked before anything is written.
    """
    from homecrm.billing.documents import add_line

    require(session, actor, "documents", "edit")
    document = session.get(RentDocument, document_id)
    if not entry_ids:
        raise ValidationError(_("Choose the time to put on the document."), field="entries")
    entries = list(session.scalars(select(TimeEntry).join(Task).where(TimeEntry.id.in_(entry_ids),
                                                                      visible_condition(session, actor))))
    if len(entries) != len(set(entry_ids)):
        raise ValidationError(_("Some of this time does not exist or is not yours to see."), field="entries")
    for entry in entries:
        if entry.minutes is None:
            raise ConflictError(_("A timer is still running on {task}: stop it first.").format(task=entry.task.title))
        if not entry.billable:
            raise ValidationError(_("Time on {task} is not billable.").format(task=entry.task.title), field="entries")
        if entry.line_id is not None:
            raise ConflictError(_("Time on {task} is already on a document.").format(task=entry.task.title))
        if document is not None and not concerns(entry.task.related_kind, entry.task.related_id, document.lease):
            raise ValidationError(_("Time on {task} cannot be billed to {tenant}: the task is not about this lease, "
                                    "its tenant or its property.").format(task=entry.task.title,
                                                                          tenant=document.customer.display_name),
                                  field="entries")
    from homecrm.render.formatting import Formats

    fmt = Formats.load(session)
    currency = document.currency if document is not None else "EUR"
    by_task: dict[int, list[TimeEntry]] = defaultdict(list)
    for entry in entries:
        by_task[entry.task_id].append(entry)
    line_ids = []
    for task_entries in by_task.values():
        task = task_entries[0].task
        rate = rate_of(session, task)
        if rate <= 0:
            raise ValidationError(_("Set an hourly rate (Settings > Tasks, or on the task {task}).").format(
                task=task.title), field="rate")
        minutes = sum(e.minutes for e in task_entries)
        amount = (rate * minutes / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
        line = add_line(session, actor=actor, document_id=document_id, data={
            "kind": "fee", "quantity": Decimal("1"), "unit_price": amount,
            "description": _("Time on \"{task}\": {hours} × {rate}/h").format(
                task=task.title, hours=hours_text(minutes), rate=fmt.money(rate, currency))[:300]})
        for entry in task_entries:
            entry.line_id = line.id
        line_ids.append(line.id)
    session.flush()
    return line_ids
