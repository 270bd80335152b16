"""The tasks board: one column per status, at most N cards each, filters, card facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from homecrm.security.principal import Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import TaskSettings
from homecrm.statuses import list_statuses
from homecrm.store.models import ChecklistItem, Property, Task, TaskComment, TaskStatus, TimeEntry, task_assignee
from homecrm.store.text import contains_text
from homecrm.tasks.tasks import visible_condition
from homecrm.settings.local_time import local_today

PRIORITY_ORDER = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class TaskCard:
    id: int
    title: str
    priority: str
    status_id: int
    done: bool
    assignees: tuple[str, ...]
    assignee_ids: tuple[int, ...]
    due_date: date | None
    overdue: bool
    property: str
    tags: tuple[str, ...]
    checklist_done: int
    checklist_total: int
    comments: int
    timer_running: bool  # someone's timer is running on it
    my_timer: bool  # the viewer's own timer
    logged_minutes: int


@dataclass
class TaskColumn:
    status_id: int
    name: str
    color: str
    kind: str
    total: int
    cards: list[TaskCard] = field(default_factory=list)


def _filtered(session: Session, actor: Principal, *, mine: bool = False, assignee_id: int | None = None,
              property_id: int | None = None, tag: str | None = None, priority: str | None = None, search: str = ""):
    stmt = select(Task).where(visible_condition(session, actor))
    if mine:
        assignee_id = actor.user_id or 0
    if assignee_id is not None:
        stmt = stmt.where(exists().where(task_assignee.c.task_id == Task.id, task_assignee.c.user_id == assignee_id))
    if property_id is not None:
        stmt = stmt.where(Task.property_id == property_id)
    if priority:
        stmt = stmt.where(Task.priority == priority)
    if tag:
        from homecrm.crm.tags import ids_with_tag

        stmt = stmt.where(Task.id.in_(ids_with_tag("task", tag)))
    if search.strip():
        stmt = stmt.where(or_(contains_text(Task.title, search), contains_text(Task.description, search)))
    return stmt


_ORDER = (case(PRIORITY_ORDER, value=Task.priority), Task.due_date.is_(None), Task.due_date, Task.id)


def cards(session: Session, actor: Principal, tasks: list[Task], today: date) -> list[TaskCard]:
    from homecrm.crm.tags import tags_of

    ids = [t.id for t in tasks]
    if not ids:
        return []
    tags = tags_of(session, "task", ids)
    properties = {p.id: p.name for p in session.scalars(select(Property))}
    checklist = {tid: (done or 0, total) for tid, done, total in session.execute(
        select(ChecklistItem.task_id, func.sum(case((ChecklistItem.done, 1), else_=0)), func.count())
        .where(ChecklistItem.task_id.in_(ids)).group_by(ChecklistItem.task_id))}
    comments = dict(session.execute(select(TaskComment.task_id, func.count()).where(TaskComment.task_id.in_(ids))
                                    .group_by(TaskComment.task_id)).all())
    timers: dict[int, set[int]] = {}
    for tid, uid in session.execute(select(TimeEntry.task_id, TimeEntry.user_id)
                                    .where(TimeEntry.task_id.in_(ids), TimeEntry.ended_at.is_(None))):
        timers.setdefault(tid, set()).add(uid)
    logged = dict(session.execute(select(TimeEntry.task_id, func.sum(TimeEntry.minutes))
                                  .where(TimeEntry.task_id.in_(ids)).group_by(TimeEntry.task_id)).all())
    out = []
    for t in tasks:
        done = t.status.kind == "done"
        out.append(TaskCard(
            t.id, t.title, t.priority, t.status_id, done, tuple(u.name for u in t.assignees),
            tuple(u.id for u in t.assignees), t.due_date, bool(t.due_date and t.due_date < today and not done),
            properties.get(t.property_id, ""), tuple(tags[t.id]), *checklist.get(t.id, (0, 0)), comments.get(t.id, 0),
            bool(timers.get(t.id)), actor.user_id in timers.get(t.id, set()), int(logged.get(t.id) or 0)))
    return out


def board(session: Session, *, actor: Principal, limits: dict[int, int] | None = None, today: date | None = None,
          **filters) -> list[TaskColumn]:
    require(session, actor, "tasks", "view_own")
    today = today or local_today(session)
    limit_default = load_section(session, TaskSettings).kanban_limit
    base = _filtered(session, actor, **filters)
    sub = base.subquery()
    counts = dict(session.execute(select(sub.c.status_id, func.count()).group_by(sub.c.status_id)).all())
    columns = []
    for status in list_statuses(session, TaskStatus):
        limit = (limits or {}).get(status.id, limit_default)
        tasks = list(session.scalars(base.where(Task.status_id == status.id).order_by(*_ORDER).limit(limit)
                                     .options(selectinload(Task.assignees), selectinload(Task.status))))
        columns.append(TaskColumn(status.id, status.name, status.color, status.kind, counts.get(status.id, 0),
                                  cards(session, actor, tasks, today)))
    return columns


def list_tasks(session: Session, *, actor: Principal, limit: int = 2000, today: date | None = None,
               **filters) -> list[TaskCard]:
    require(session, actor, "tasks", "view_own")
    tasks = list(session.scalars(_filtered(session, actor, **filters).order_by(*_ORDER).limit(limit)
                                 .options(selectinload(Task.assignees), selectinload(Task.status))))
    return cards(session, actor, tasks, today or local_today(session))


