"""Editable lists of statuses (board columns): candidates, tasks and tickets share the rules.

A status has a name (unique, case-insensitively), a colour, a position and a ``kind`` that tells
the services what it means (a task "done", a ticket "closed", a candidate "won"…); the landlord
renames, recolours, reorders, adds and deletes them. A status still in use cannot be deleted, nor
the last one of a kind the services need.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecrm import validation
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.security.principal import Principal, require
from homecrm.store.text import same_text


def list_statuses(session: Session, model) -> list:
    return list(session.scalars(select(model).order_by(model.position, model.id)))


def save_status(session: Session, *, actor: Principal, model, kinds: Iterable[str], name: str, color: str,
                kind: str, status_id: int | None = None, position: int | None = None,
                required_kinds: Iterable[str] = ()):
    require(session, actor, "settings", "edit")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("A status needs a name."), field="name")
    if len(name) > 60:
        raise ValidationError(_("At most {limit} characters.").format(limit=60), field="name")
    try:
        color = validation.hex_color(color)
    except ValueError as exc:
        raise ValidationError(str(exc), field="color") from None
    if kind not in kinds:
        raise ValidationError(_("Unknown kind of status."), field="kind")
    clash = session.scalar(select(model.name).where(same_text(model.name, name), model.id != (status_id or 0)))
    if clash:
        raise ValidationError(_("The status {name} already exists.").format(name=clash), field="name")
    status = session.get(model, status_id) if status_id else model(
        position=(session.scalar(select(func.max(model.position))) or 0) + 1)
    if status is None:
        raise NotFoundError(_("Status #{id} does not exist.").format(id=status_id))
    if status_id and status.kind != kind:
        _keep_required(session, model, status, required_kinds)
    status.name, status.color, status.kind = name, color, kind
    if position is not None:
        status.position = position
    session.add(status)
    session.flush()
    return status


def _keep_required(session: Session, model, status, required_kinds: Iterable[str]) -> None:
    if status.kind in set(required_kinds):
        others = session.scalar(select(func.count(model.id)).where(model.kind == status.kind, model.id != status.id))
        if not others:
            raise ConflictError(_("{name} is the only status of its kind, which is needed: add another first.")
                                .format(name=status.name))


def delete_status(session: Session, *, actor: Principal, model, status_id: int, used_by, in_use_message: str,
                  required_kinds: Iterable[str] = ()) -> None:
    """Delete a status no record uses (``used_by``: the records' status column)."""
    require(session, actor, "settings", "edit")
    status = session.get(model, status_id)
    if status is None:
        raise NotFoundError(_("Status #{id} does not exist.").format(id=status_id))
    if session.scalar(select(func.count()).where(used_by == status_id)):
        raise ConflictError(in_use_message.format(name=status.name))
    _keep_required(session, model, status, required_kinds)
    session.delete(status)
    session.flush()


def shift(session: Session, *, actor: Principal, model, item_id: int, offset: int) -> None:
    """Move an item of an ordered list up (-1) or down (+1)."""
    require(session, actor, "settings", "edit")
    items = list(session.scalars(select(model).order_by(model.position, model.id)))
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise NotFoundError(_("#{id} does not exist.").format(id=item_id))
    target = index + offset
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, item in enumerate(items):
        item.position = position
    session.flush()
