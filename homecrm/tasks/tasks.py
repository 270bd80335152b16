"""Tasks: a landlord's small jobs, about a property, a lease, a tenant or a candidate.

Rules from Paramètres > Tâches: default status and priority, automatic assignment, the creator as
follower, billable by default, who may see which task, and how long authors may edit comments.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator
from sqlalchemy import exists, false, or_, select, true
from sqlalchemy.orm import Session

from homecrm import clock, statuses
from homecrm.errors import ConflictError, NotFoundError, ValidationError, check_version
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.security.principal import PermissionDenied, Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import TaskSettings
from homecrm.store.models import (
    Candidate,
    ChecklistItem,
    Customer,
    Lease,
    Property,
    StaffUser,
    Task,
    TaskComment,
    TaskStatus,
    property_member,
    task_assignee,
    task_follower,
)

KINDS = {"todo": N_("To do"), "in_progress": N_("In progress"), "waiting": N_("Waiting"), "done": N_("Done")}
REQUIRED_KINDS = ("todo", "done")
RELATED = {"property": N_("Property"), "lease": N_("Lease"), "tenant": N_("Tenant"), "candidate": N_("Candidate")}
COMMENT_EDIT_WINDOW = timedelta(hours=1)


class TaskInput(InputModel):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    status_id: int | None = None
    priority: Literal["low", "medium", "high", "urgent"] | None = None
    start_date: date | None = None
    due_date: date | None = None
    related_kind: Literal["property", "lease", "tenant", "candidate"] | None = None
    related_id: int | None = None
    billable: bool | None = None
    hourly_rate: MoneyInput | None = Field(None, ge=0)
    assignee_ids: list[int] = []
    follower_ids: list[int] = []
    tags: list[str] = []

    @model_validator(mode="after")
    def _dates(self) -> TaskInput:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValueError(_("The due date is before the start date."))
        if (self.related_kind is None) != (self.related_id is None):
            raise ValueError(_("Choose both the kind of record and the record."))
        return self


def _parse(data: dict[str, Any]) -> TaskInput:
    data = dict(data)
    if isinstance(data.get("title"), str):
        data["title"] = " ".join(data["title"].split())
    if data.get("hourly_rate") in ("", None):
        data["hourly_rate"] = None
    try:
        return parse_input(TaskInput, data)
    except ValidationError as exc:
        if exc.field == "__all__" and "due date" in str(exc) or "date d'échéance" in str(exc):
            raise ValidationError(str(exc), field="due_date") from None
        raise


def _staff(session: Session, ids: list[int], field: str) -> list[StaffUser]:
    users = []
    for user_id in dict.fromkeys(ids):
        user = session.get(StaffUser, user_id)
        if user is None or not user.active or user.is_system:
            raise ValidationError(_("Choose active staff members."), field=field)
        users.append(user)
    return users


def related_property(session: Session, kind: str | None, record_id: int | None) -> int | None:
    """Check the related record exists; the property whose team sees the task (if any)."""
    if kind is None:
        return None
    model = {"property": Property, "lease": Lease, "tenant": Customer, "candidate": Candidate}[kind]
    record = session.get(model, record_id)
    if record is None:
        raise ValidationError(_("This record does not exist."), field="related_id")
    if kind == "property":
        return record.id
    if kind == "lease":
        return record.unit.property_id
    if kind == "candidate":
        return record.property_id
    return None


def default_status_id(session: Session, settings: TaskSettings) -> int:
    if settings.default_status and session.get(TaskStatus, settings.default_status):
        return settings.default_status
    first = session.scalar(select(TaskStatus.id).where(TaskStatus.kind == "todo").order_by(TaskStatus.position))
    if first is None:
        raise ValidationError(_("Create a \"to do\" status first (Settings > Tasks)."), field="status_id")
    return first


def _apply(session: Session, task: Task, parsed: TaskInput) -> None:
    if parsed.status_id is not None:
        status = session.get(TaskStatus, parsed.status_id)
        if status is None:
            raise ValidationError(_("This status does not exist."), field="status_id")
        _set_status(task, status)
    task.title, task.description = parsed.title, parsed.description
    task.start_date, task.due_date = parsed.start_date, parsed.due_date
    task.related_kind, task.related_id = parsed.related_kind, parsed.related_id
    task.property_id = related_property(session, parsed.related_kind, parsed.related_id)
    task.hourly_rate = parsed.hourly_rate
    if parsed.priority is not None:
        task.priority = parsed.priority
    if parsed.billable is not None:
        task.billable = parsed.billable


def _set_status(task: Task, status: TaskStatus) -> None:
    was_done = task.status is not None and task.status.kind == "done"
    task.status_id, task.status = status.id, status
    if status.kind == "done" and not was_done:
        task.completed_at = clock.now()
    elif status.kind != "done":
        task.completed_at = None


def create_task(session: Session, *, actor: Principal, data: dict[str, Any]) -> Task:
    require(session, actor, "tasks", "create")
    parsed = _parse(data)
    settings = load_section(session, TaskSettings)
    task = Task(priority=settings.default_priority, billable=settings.billable_default, created_by_id=actor.user_id)
    if parsed.status_id is None:
        task.status = session.get(TaskStatus, default_status_id(session, settings))
        task.status_id = task.status.id
    _apply(session, task, parsed)
    assignees = _staff(session, parsed.assignee_ids, "assignee_ids")
    if not assignees and settings.auto_assign_to:
        assignees = _staff(session, [settings.auto_assign_to], "assignee_ids")
    task.assignees = assignees
    followers = _staff(session, parsed.follower_ids, "follower_ids")
    if settings.creator_follows and actor.user_id and actor.user_id not in {u.id for u in followers}:
        creator = session.get(StaffUser, actor.user_id)
        if creator is not None and not creator.is_system:
            followers.append(creator)
    task.followers = followers
    if task.status.kind == "done":
        task.completed_at = clock.now()
    session.add(task)
    session.flush()
    if parsed.tags:
        from homecrm.crm.tags import set_tags

        set_tags(session, actor=actor, entity="task", entity_id=task.id, names=parsed.tags, right="create")
    return task


def update_task(session: Session, *, actor: Principal, task_id: int, data: dict[str, Any],
                expected_version: str | None = None) -> Task:
    require(session, actor, "tasks", "edit")
    task = get_task(session, task_id, actor=actor)
    check_version(task, expected_version)
    parsed = _parse(data)
    _apply(session, task, parsed)
    task.assignees = _staff(session, parsed.assignee_ids, "assignee_ids")
    task.followers = _staff(session, parsed.follower_ids, "follower_ids")
    from homecrm.crm.tags import set_tags

    set_tags(session, actor=actor, entity="task", entity_id=task.id, names=parsed.tags)
    session.flush()
    return task


def move_task(session: Session, *, actor: Principal, task_id: int, status_id: int) -> Task:
    """Move a card to another column of the board."""
    require(session, actor, "tasks", "edit")
    task = get_task(session, task_id, actor=actor)
    status = session.get(TaskStatus, status_id)
    if status is None:
        raise ValidationError(_("This status does not exist."), field="status_id")
    if task.status_id != status.id:
        _set_status(task, status)
        session.flush()
    return task


def delete_task(session: Session, *, actor: Principal, task_id: int) -> None:
    require(session, actor, "tasks", "delete")
    task = get_task(session, task_id, actor=actor)
    if any(entry.line_id for entry in task.time_entries):
        raise ConflictError(_("Time of this task is on a document: remove that line first."))
    from homecrm.crm.tags import drop_tags
    from homecrm.store.models import Attachment

    drop_tags(session, "task", task.id)
    for row in session.scalars(select(Attachment).where(Attachment.entity == "task", Attachment.entity_id == task.id)):
        session.delete(row)
    session.delete(task)
    session.flush()


# visibility ------------------------------------------------------------------------------------


def visible_condition(session: Session, actor: Principal):
    """SQL condition on Task: what ``actor`` may see (administrators see everything)."""
    if actor.is_admin or (actor.is_system and actor.visibility("tasks")):
        return true()  # the scheduled-jobs account reads what its role allows, not one person's share
    visibility = actor.visibility("tasks")
    if visibility is None:
        return false()
    uid = actor.user_id or 0
    mine = or_(
        Task.created_by_id == uid,
        exists().where(task_assignee.c.task_id == Task.id, task_assignee.c.user_id == uid),
        exists().where(task_follower.c.task_id == Task.id, task_follower.c.user_id == uid),
    )
    if visibility == "own":
        return mine
    if load_section(session, TaskSettings).all_staff_see_property_tasks:
        return true()
    team = exists().where(property_member.c.property_id == Task.property_id, property_member.c.user_id == uid)
    return or_(mine, team)


def get_task(session: Session, task_id: int, *, actor: Principal) -> Task:
    require(session, actor, "tasks", "view_own")
    task = session.scalar(select(Task).where(Task.id == task_id, visible_condition(session, actor)))
    if task is None:
        if session.get(Task, task_id) is not None:
            raise PermissionDenied(_("You may not see this task."))
        raise NotFoundError(_("Task #{id} does not exist.").format(id=task_id))
    return task


# checklist and comments -----------------------------------------------------------------------


def add_checklist_item(session: Session, *, actor: Principal, task_id: int, text: str) -> ChecklistItem:
    require(session, actor, "tasks", "edit")
    task = get_task(session, task_id, actor=actor)
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("Write the item."), field="text")
    if len(text) > 300:
        raise ValidationError(_("At most {limit} characters.").format(limit=300), field="text")
    item = ChecklistItem(text=text, position=len(task.checklist))
    task.checklist.append(item)
    session.flush()
    return item


def _item(session: Session, actor: Principal, item_id: int) -> ChecklistItem:
    require(session, actor, "tasks", "edit")
    item = session.get(ChecklistItem, item_id)
    if item is None:
        raise NotFoundError(_("This checklist item does not exist."))
    get_task(session, item.task_id, actor=actor)
    return item


def check_item(session: Session, *, actor: Principal, item_id: int, done: bool) -> ChecklistItem:
    item = _item(session, actor, item_id)
    item.done = bool(done)
    session.flush()
    return item


def remove_checklist_item(session: Session, *, actor: Principal, item_id: int) -> None:
    session.delete(_item(session, actor, item_id))
    session.flush()


def add_comment(session: Session, *, actor: Principal, task_id: int, body: str,
                submission: str | None = None) -> TaskComment:
    """Anyone who sees the task may comment on it (``submission``: the form's one-time token)."""
    from homecrm.billing.payments import claim_submission

    task = get_task(session, task_id, actor=actor)
    claim_submission(session, submission, _("This comment was already recorded by this form (double click?): it "
                                            "was recorded only once."))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write the comment."), field="body")
    if len(body) > 10000:
        raise ValidationError(_("At most {limit} characters.").format(limit=10000), field="body")
    comment = TaskComment(body=body, author_id=actor.user_id)
    task.comments.append(comment)
    session.flush()
    return comment


def _own_comment(session: Session, actor: Principal, comment_id: int) -> TaskComment:
    comment = session.get(TaskComment, comment_id)
    if comment is None:
        raise NotFoundError(_("This comment does not exist."))
    get_task(session, comment.task_id, actor=actor)
    if actor.is_admin:
        return comment
    if comment.author_id != actor.user_id:
        raise PermissionDenied(_("Only its author or an administrator may change a comment."))
    if load_section(session, TaskSettings).comment_edit_first_hour_only and \
            clock.now() - comment.created_at > COMMENT_EDIT_WINDOW:
        raise ConflictError(_("A comment may be changed only during the first hour after it was written."))
    return comment


def can_change_comment(session: Session, actor: Principal, comment: TaskComment) -> bool:
    try:
        _own_comment(session, actor, comment.id)
    except (PermissionDenied, ConflictError, NotFoundError):
        return False
    return True


def edit_comment(session: Session, *, actor: Principal, comment_id: int, body: str) -> TaskComment:
    comment = _own_comment(session, actor, comment_id)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write the comment."), field="body")
    comment.body, comment.edited_at = body[:10000], clock.now()
    session.flush()
    return comment


def delete_comment(session: Session, *, actor: Principal, comment_id: int) -> None:
    session.delete(_own_comment(session, actor, comment_id))
    session.flush()


# property teams and statuses --------------------------------------------------------------------


def set_property_team(session: Session, *, actor: Principal, property_id: int, user_ids: list[int]) -> list[StaffUser]:
    """The staff on a property's team: they see its tasks."""
    require(session, actor, "leases", "edit")
    prop = session.get(Property, property_id)
    if prop is None:
        raise NotFoundError(_("Property #{id} does not exist.").format(id=property_id))
    users = _staff(session, user_ids, "user_ids")
    before = sorted(session.scalars(select(StaffUser.name).join(property_member, property_member.c.user_id == StaffUser.id)
                                    .where(property_member.c.property_id == property_id)))
    session.execute(property_member.delete().where(property_member.c.property_id == property_id))
    if users:
        session.execute(property_member.insert(), [{"property_id": property_id, "user_id": u.id} for u in users])
    session.flush()
    after = sorted(u.name for u in users)
    if before != after:
        from homecrm.security import audit

        audit.record(session, action="update", entity="property", entity_id=str(property_id), summary=prop.name,
                     changes={"team": [before, after]})
    return users


def property_team(session: Session, property_id: int) -> list[int]:
    return list(session.scalars(select(property_member.c.user_id).where(property_member.c.property_id == property_id)))


def save_status(session: Session, *, actor: Principal, name: str, color: str, kind: str = "todo",
                status_id: int | None = None) -> TaskStatus:
    return statuses.save_status(session, actor=actor, model=TaskStatus, kinds=KINDS, name=name, color=color, kind=kind,
                                status_id=status_id, required_kinds=REQUIRED_KINDS)


def delete_status(session: Session, *, actor: Principal, status_id: int) -> None:
    statuses.delete_status(session, actor=actor, model=TaskStatus, status_id=status_id, used_by=Task.status_id,
                           in_use_message=_("Tasks are in {name}: move them first."), required_kinds=REQUIRED_KINDS)


def rate_of(session: Session, task: Task) -> Decimal:
    return task.hourly_rate if task.hourly_rate is not None else load_section(session, TaskSettings).hourly_rate
