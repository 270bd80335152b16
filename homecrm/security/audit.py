"""The audit trail: every create, update and delete of audited records, with who and what.

Recorded by a session hook (``after_flush``), so no service can forget it: the actor is the one
the service checked (``require`` stamps it on the session), "system" otherwise. Secrets and
password hashes are never copied into the trail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, or_, select
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.store.text import contains_text
from homecrm.i18n import N_, _
from homecrm.security.principal import Principal, require_admin
from homecrm.store.models import (
    Asset,
    AuditEntry,
    CalendarReminder,
    Candidate,
    CandidateSource,
    CandidateStatus,
    Contact,
    CreditNote,
    Customer,
    CustomerCredit,
    Department,
    Lease,
    Payment,
    Property,
    RentDocument,
    RentDocumentLine,
    Role,
    Setting,
    StaffUser,
    Tag,
    Task,
    TaskStatus,
    Ticket,
    TicketReply,
    TicketStatus,
    TimeEntry,
    Tax,
    Unit,
)

REDACTED = "[redacted]"
_IGNORED = {"updated_at", "created_at"}
# Bookkeeping that is not a change anyone made: a sign-in stamps the account, nothing more.
_NOT_AUDITED_UPDATES: dict[type, set[str]] = {StaffUser: {"last_login_at"}}


def _label(obj: Any) -> str:
    if isinstance(obj, Setting):
        return f"{obj.section}.{obj.name}"
    if isinstance(obj, (Customer, Candidate)):
        return obj.display_name
    if isinstance(obj, RentDocument):
        return obj.number or f"draft #{obj.id}"
    if isinstance(obj, Payment):
        return f"{obj.amount} {obj.paid_on}"
    if isinstance(obj, CreditNote):
        return obj.number or f"draft #{obj.id}"
    if isinstance(obj, StaffUser):
        return f"{obj.name} <{obj.email}>"
    for attr in ("name", "email", "label", "title", "subject", "description"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    return ""


AUDITED: dict[type, str] = {
    Setting: "setting",
    Customer: "tenant",
    Contact: "contact",
    Property: "property",
    Unit: "unit",
    Lease: "lease",
    Tax: "tax",
    RentDocument: "document",
    RentDocumentLine: "document_line",
    Payment: "payment",
    StaffUser: "user",
    Role: "role",
    Department: "department",
    Asset: "asset",
    CreditNote: "credit_note",
    CustomerCredit: "tenant_credit",
    Candidate: "candidate",
    CandidateStatus: "candidate_status",
    CandidateSource: "candidate_source",
    Tag: "tag",
    Task: "task",
    TaskStatus: "task_status",
    TimeEntry: "time_entry",
    Ticket: "ticket",
    TicketReply: "ticket_reply",
    TicketStatus: "ticket_status",
    CalendarReminder: "reminder",
}


# Collections whose content is part of the record: a role's rights, an account's departments.
AUDITED_COLLECTIONS: dict[type, dict[str, Any]] = {
    Role: {"permissions": lambda p: f"{p.module}.{p.right}"},
    StaffUser: {"departments": lambda d: d.name},
}


def register(model: type, entity: str) -> None:
    """Later modules (credit notes, candidates…) add their models to the trail."""
    AUDITED[model] = entity


def _is_secret_setting(obj: Setting) -> bool:
    from homecrm.settings.base import SECTIONS, _import_sections

    _import_sections()
    cls = SECTIONS.get(obj.section)
    return bool(cls and obj.name in cls.secret_fields())


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _redact(obj: Any, key: str, value: Any) -> Any:
    if isinstance(obj, StaffUser) and key == "password_hash":
        return REDACTED if value else value
    if isinstance(obj, Setting) and key == "value" and _is_secret_setting(obj):
        return REDACTED
    return _plain(value)


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in _IGNORED]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: _redact(obj, key, getattr(obj, key)) for key in _columns(obj)}


def _diff(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            changes[key] = [_redact(obj, key, before), _redact(obj, key, after)]
    return changes


def _collection_diff(obj: Any, *, new: bool = False) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key, label in AUDITED_COLLECTIONS.get(type(obj), {}).items():
        history = state.attrs[key].history
        if not (new or history.has_changes()):
            continue
        before = sorted(label(i) for i in (*history.unchanged, *history.deleted))
        after = sorted(label(i) for i in (*history.unchanged, *history.added))
        if before != after:
            changes[key] = [None if new else before, after]
    return changes


@event.listens_for(Session, "after_flush")
def _record(session: Session, _flush_context) -> None:
    actor: Principal | None = session.info.get("actor")
    rows: list[dict[str, Any]] = []

    def add(obj: Any, action: str, changes: dict) -> None:
        entity = AUDITED.get(type(obj))
        if entity is None:
            return
        identity = inspect(obj).mapper.primary_key_from_instance(obj)
        rows.append(
            {
                "at": clock.now(),
                "user_id": actor.user_id if actor else None,
                "actor": actor.label if actor else "system",
                "action": action,
                "entity": entity,
                "entity_id": ",".join(str(i) for i in identity if i is not None),
                "summary": _label(obj)[:300],
                "changes": json.dumps(changes, ensure_ascii=False, default=str),
            }
        )

    for obj in session.new:
        add(obj, "create", {**{k: [None, v] for k, v in _snapshot(obj).items() if v not in (None, "", False)},
                            **_collection_diff(obj, new=True)})
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=type(obj) in AUDITED_COLLECTIONS):
            changes = {**_diff(obj), **_collection_diff(obj)}
            for key in _NOT_AUDITED_UPDATES.get(type(obj), ()):
                changes.pop(key, None)
            if changes:
                add(obj, "update", changes)
    for obj in session.deleted:
        add(obj, "delete", {k: [v, None] for k, v in _snapshot(obj).items() if v not in (None, "", False)})
    if rows:
        # Executed on the flush's own connection: same transaction, rolled back with it.
        session.connection().execute(insert(AuditEntry), rows)


def record(session: Session, *, action: str, entity: str, entity_id: str = "", summary: str = "",
           changes: dict[str, Any] | None = None) -> None:
    """One entry for a bulk operation written without the ORM (an import of thousands of rows)."""
    actor: Principal | None = session.info.get("actor")
    session.execute(insert(AuditEntry), [{
        "at": clock.now(), "user_id": actor.user_id if actor else None, "actor": actor.label if actor else "system",
        "action": action[:10], "entity": entity, "entity_id": entity_id, "summary": summary[:300],
        "changes": json.dumps(_as_pairs(changes or {}), ensure_ascii=False, default=str)}])


def _as_pairs(changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Every change as [before, after], as the ORM listener writes them (a bare value: [None, value])."""
    return {field: list(value) if isinstance(value, (list, tuple)) and len(value) == 2 else [None, value]
            for field, value in changes.items()}


# reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    summary: str
    changes: dict[str, list[Any]]


def list_entries(
    session: Session,
    *,
    actor: Principal,
    since: date | None = None,
    until: date | None = None,
    who: str | None = None,
    entity: str | None = None,
    action: str | None = None,
    search: str = "",
    limit: int = 2000,
) -> list[AuditRow]:
    require_admin(session, actor)
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    from homecrm.settings.local_time import local_timezone

    tz = ZoneInfo(local_timezone(session))  # the days as the landlord lives them
    if since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time(0), tzinfo=tz))
    if until:
        stmt = stmt.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time(0), tzinfo=tz))
    if who:
        stmt = stmt.where(AuditEntry.actor == who)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if search.strip():
        text = search.strip()
        stmt = stmt.where(or_(contains_text(AuditEntry.summary, text), contains_text(AuditEntry.actor, text),
                              AuditEntry.entity_id == text))
    return [
        AuditRow(e.at, e.actor, e.action, e.entity, e.entity_id, e.summary, json.loads(e.changes or "{}"))
        for e in session.scalars(stmt)
    ]


def actors(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)))


def reference_names(session: Session) -> dict[str, dict[int, str]]:
    """What the ids stored in the trail stand for (field → id → name), to show "Gestionnaire (n° 2)"."""
    staff = dict(session.execute(select(StaffUser.id, StaffUser.name)).all())
    units = {u.id: u.label for u in session.scalars(select(Unit))}
    return {
        "role_id": dict(session.execute(select(Role.id, Role.name)).all()),
        "sale_agent_id": staff, "assigned_to_id": staff, "created_by_id": staff, "user_id": staff,
        "tax_id": dict(session.execute(select(Tax.id, Tax.name)).all()),
        "unit_id": units,
        "customer_id": {c.id: c.display_name for c in session.scalars(select(Customer))},
        "property_id": dict(session.execute(select(Property.id, Property.name)).all()),
        "staff_id": staff, "author_id": staff,
        "candidate.status_id": dict(session.execute(select(CandidateStatus.id, CandidateStatus.name)).all()),
        "candidate.source_id": dict(session.execute(select(CandidateSource.id, CandidateSource.name)).all()),
        "task.status_id": dict(session.execute(select(TaskStatus.id, TaskStatus.name)).all()),
        "ticket.status_id": dict(session.execute(select(TicketStatus.id, TicketStatus.name)).all()),
        "ticket.department_id": dict(session.execute(select(Department.id, Department.name)).all()),
    }


def recorded_kinds(session: Session) -> tuple[list[str], list[str]]:
    """The record types and actions found in the trail (bulk entries included: counters, imports)."""
    entities = set(AUDITED.values()) | set(session.scalars(select(AuditEntry.entity).distinct()))
    found = set(session.scalars(select(AuditEntry.action).distinct()))
    return sorted(entities), [*ACTION_LABELS, *sorted(found - set(ACTION_LABELS))]


ACTION_LABELS: dict[str, str] = {"create": N_("Created"), "update": N_("Changed"), "delete": N_("Deleted"),
                                 "import": N_("Imported")}


def to_csv(rows: list[AuditRow], fmt=None, names: dict[str, dict[int, str]] | None = None) -> bytes:
    """The trail for a spreadsheet, in the user's language (labels, dates, values as on the page)."""
    from homecrm.csv_export import csv_bytes
    from homecrm.render.formatting import Formats
    from homecrm.security.audit_labels import actor_label, describe_changes, entity_label

    fmt = fmt or Formats()
    return csv_bytes([[_("When"), _("Who"), _("Action"), _("Record"), _("No."), _("Label"), _("Changes (before → after)")],
                      *([fmt.datetime(row.at), actor_label(row.actor), _(ACTION_LABELS.get(row.action, row.action)),
                         entity_label(row.entity), row.entity_id, row.summary,
                         describe_changes(row.entity, row.changes, fmt, names)] for row in rows)])
