"""Time on tasks: timers (start, stop) and entries typed by hand.

Paramètres > Tâches decides: starting a timer stops the user's other running timers; a "to do"
task moves to "in progress" when its timer starts; the duration is rounded when the timer stops —
to 5, 10, 15, 30 or 60 minutes, up (a started step counts in full), down or to the nearest step;
never less than one step (or one minute without rounding), so no entry is ever 0 minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.security.principal import PermissionDenied, Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import TaskSettings
from homecrm.store.models import Task, TaskStatus, TimeEntry
from homecrm.tasks.tasks import _set_status, get_task
from homecrm.settings.local_time import local_today

MAX_ENTRY_MINUTES = 24 * 60


def round_minutes(seconds: float, step: int, mode: str) -> int:
    """Minutes to record for a timer that ran ``seconds`` (at least one step, or one minute).

    >>> round_minutes(22 * 60, 15, "up"), round_minutes(22 * 60, 15, "down"), round_minutes(22 * 60, 15, "nearest")
    (30, 15, 15)
    """
    exact = Decimal(str(max(seconds, 0))) / 60
    if not step:
        return max(1, int(exact.quantize(Decimal(1), ROUND_HALF_UP)))
    steps = exact / step
    if mode == "up":
        count = math.ceil(steps)
    elif mode == "down":
        count = math.floor(steps)
    else:
        count = int(steps.quantize(Decimal(1), ROUND_HALF_UP))
    return max(1, count) * step


def _may_log(session: Session, actor: Principal, task_id: int) -> Task:
    """Staff who may edit tasks, or the task's assignees, log time on it."""
    require(session, actor, "tasks", "view_own")
    task = get_task(session, task_id, actor=actor)
    if not (actor.can("tasks", "edit") or actor.user_id in {u.id for u in task.assignees}):
        raise PermissionDenied(_("Only the task's assignees or staff who may edit tasks log time on it."))
    if actor.user_id is None:
        raise PermissionDenied(_("Time is logged by a staff member."))
    return task


def running(session: Session, user_id: int | None) -> list[TimeEntry]:
    if user_id is None:
        return []
    return list(session.scalars(select(TimeEntry).where(TimeEntry.user_id == user_id, TimeEntry.ended_at.is_(None))
                                .order_by(TimeEntry.started_at)))


def _close(session: Session, entry: TimeEntry, settings: TaskSettings) -> TimeEntry:
    entry.ended_at = clock.now()
    seconds = (entry.ended_at - entry.started_at).total_seconds()
    entry.minutes = min(round_minutes(seconds, settings.timer_rounding, settings.timer_rounding_mode), MAX_ENTRY_MINUTES)
    return entry


def start_timer(session: Session, *, actor: Principal, task_id: int) -> TimeEntry:
    task = _may_log(session, actor, task_id)
    settings = load_section(session, TaskSettings)
    mine = running(session, actor.user_id)
    if any(entry.task_id == task.id for entry in mine):
        raise ConflictError(_("Your timer on this task is already running."))
    if settings.stop_other_timers:
        for entry in mine:
            _close(session, entry, settings)
    if settings.timer_moves_to_in_progress and task.status.kind == "todo":
        target = session.scalar(select(TaskStatus).where(TaskStatus.kind == "in_progress").order_by(TaskStatus.position))
        if target is not None:
            _set_status(task, target)
    entry = TimeEntry(task_id=task.id, user_id=actor.user_id, started_at=clock.now(), billable=task.billable)
    session.add(entry)
    session.flush()
    return entry


def stop_timer(session: Session, *, actor: Principal, entry_id: int) -> TimeEntry:
    entry = session.get(TimeEntry, entry_id)
    if entry is None:
        raise NotFoundError(_("This timer does not exist."))
    if entry.user_id != actor.user_id and not actor.is_admin:
        raise PermissionDenied(_("Only the person who started a timer (or an administrator) stops it."))
    if entry.ended_at is not None:
        raise ConflictError(_("This timer is already stopped."))
    _close(session, entry, load_section(session, TaskSettings))
    session.flush()
    return entry


def stop_task_timer(session: Session, *, actor: Principal, task_id: int) -> TimeEntry:
    """Stop the acting user's running timer on a task."""
    entry = next((e for e in running(session, actor.user_id) if e.task_id == task_id), None)
    if entry is None:
        raise ConflictError(_("You have no running timer on this task."))
    return stop_timer(session, actor=actor, entry_id=entry.id)


def log_time(session: Session, *, actor: Principal, task_id: int, minutes: int, on: date, note: str = "",
             billable: bool | None = None) -> TimeEntry:
    """Time typed by hand (e.g. "1 h 30 yesterday")."""
    task = _may_log(session, actor, task_id)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError(_("Give the time in whole minutes."), field="minutes")
    if minutes <= 0:
        raise ValidationError(_("The time must be more than 0 minutes."), field="minutes")
    if minutes > MAX_ENTRY_MINUTES:
        raise ValidationError(_("At most 24 hours per entry."), field="minutes")
    if on > local_today(session):
        raise ValidationError(_("Time cannot be logged in the future."), field="on")
    from homecrm.settings.local_time import local_timezone

    start = datetime.combine(on, time(9), tzinfo=ZoneInfo(local_timezone(session)))  # 09:00 that local day
    entry = TimeEntry(task_id=task.id, user_id=actor.user_id, started_at=start, ended_at=start, minutes=minutes,
                      billable=task.billable if billable is None else bool(billable), note=(note or "").strip()[:300])
    session.add(entry)
    session.flush()
    return entry


def parse_duration(text: str) -> int:
    """ "1:30", "1 h 30", "1h", "90", "1,5 h" → minutes; anything else is refused."""
    import re

    raw = (text or "").strip().lower().replace(",", ".")
    match = re.fullmatch(r"(\d+)\s*[:h]\s*(\d{1,2})?\s*(?:min)?", raw)
    if match:
        hours, mins = int(match.group(1)), int(match.group(2) or 0)
        if mins >= 60:
            raise ValidationError(_("\"{value}\" is not a duration.").format(value=text), field="minutes")
        return hours * 60 + mins
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*h", raw)
    if match:
        return int((Decimal(match.group(1)) * 60).quantize(Decimal(1), ROUND_HALF_UP))
    match = re.fullmatch(r"(\d+)\s*(?:min|m)?", raw)
    if match:
        return int(match.group(1))
    raise ValidationError(_("\"{value}\" is not a duration (e.g. 1:30, 1 h 30 or 90).").format(value=text),
                          field="minutes")


def delete_entry(session: Session, *, actor: Principal, entry_id: int) -> None:
    entry = session.get(TimeEntry, entry_id)
    if entry is None:
        raise NotFoundError(_("This time entry does not exist."))
    if entry.user_id != actor.user_id and not actor.is_admin:
        raise PermissionDenied(_("Only the person who logged this time (or an administrator) deletes it."))
    if entry.line_id is not None:
        raise ConflictError(_("This time is on a document: remove that line first."))
    session.delete(entry)
    session.flush()


@dataclass(frozen=True)
class RunningTimer:
    entry_id: int
    task_id: int
    task_title: str
    started_at: datetime


def my_timers(session: Session, *, actor: Principal) -> list[RunningTimer]:
    return [RunningTimer(e.id, e.task_id, e.task.title, e.started_at) for e in running(session, actor.user_id)]
