"""Tags (spec section Tags): one vocabulary for candidates, tenants, rent documents, tasks, tickets.

Tags are created on the Tags page or on the fly when attached; renaming, merging and deleting
keep every record consistent (a merge moves the taggings, never duplicates them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from homecrm import validation
from homecrm.errors import NotFoundError, ValidationError
from homecrm.i18n import N_, _
from homecrm.security.principal import Principal, require
from homecrm.store.models import Tag, Tagging
from homecrm.store.text import same_text, sort_key

ENTITIES = {"candidate": N_("Candidates"), "tenant": N_("Tenants"), "document": N_("Rent documents"),
            "task": N_("Tasks"), "ticket": N_("Support tickets")}
# Who may tag what: the right to edit the tagged record.
ENTITY_MODULE = {"candidate": "candidates", "tenant": "tenants", "document": "documents", "task": "tasks",
                 "ticket": "tickets"}


@dataclass(frozen=True)
class TagRow:
    id: int
    name: str
    color: str
    usage: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.usage.values())


def _clean(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("A tag needs a name."), field="name")
    if len(name) > 60:
        raise ValidationError(_("At most {limit} characters.").format(limit=60), field="name")
    return name


def _by_name(session: Session, name: str) -> Tag | None:
    return session.scalar(select(Tag).where(same_text(Tag.name, name)))


def create_tag(session: Session, *, actor: Principal, name: str, color: str = "#5b6b7b") -> Tag:
    require(session, actor, "settings", "edit")
    name = _clean(name)
    existing = _by_name(session, name)
    if existing:
        raise ValidationError(_("The tag {name} already exists.").format(name=existing.name), field="name")
    try:
        color = validation.hex_color(color)
    except ValueError as exc:
        raise ValidationError(str(exc), field="color") from None
    tag = Tag(name=name, color=color)
    session.add(tag)
    session.flush()
    return tag


def rename_tag(session: Session, *, actor: Principal, tag_id: int, name: str) -> Tag:
    require(session, actor, "settings", "edit")
    tag = _get(session, tag_id)
    name = _clean(name)
    clash = _by_name(session, name)
    if clash is not None and clash.id != tag_id:
        raise ValidationError(_("The tag {name} already exists: merge them instead.").format(name=clash.name),
                              field="name")
    tag.name = name
    session.flush()
    return tag


def merge_tags(session: Session, *, actor: Principal, source_id: int, target_id: int) -> Tag:
    """Move every use of ``source`` to ``target`` (no duplicates), then delete ``source``."""
    require(session, actor, "settings", "edit")
    if source_id == target_id:
        raise ValidationError(_("Choose two different tags."), field="target")
    source, target = _get(session, source_id), _get(session, target_id)
    existing = set(session.execute(select(Tagging.entity, Tagging.entity_id).where(Tagging.tag_id == target.id)))
    for tagging in session.scalars(select(Tagging).where(Tagging.tag_id == source.id)).all():
        if (tagging.entity, tagging.entity_id) in existing:
            session.delete(tagging)
        else:
            tagging.tag_id = target.id
    session.flush()
    session.delete(source)
    session.flush()
    return target


def delete_tag(session: Session, *, actor: Principal, tag_id: int) -> None:
    require(session, actor, "settings", "edit")
    tag = _get(session, tag_id)
    session.execute(delete(Tagging).where(Tagging.tag_id == tag.id))
    session.delete(tag)
    session.flush()


def _get(session: Session, tag_id: int) -> Tag:
    tag = session.get(Tag, tag_id)
    if tag is None:
        raise NotFoundError(_("Tag #{id} does not exist.").format(id=tag_id))
    return tag


def list_tags(session: Session) -> list[TagRow]:
    usage: dict[int, dict[str, int]] = {}
    for tag_id, entity, count in session.execute(
        select(Tagging.tag_id, Tagging.entity, func.count(Tagging.id)).group_by(Tagging.tag_id, Tagging.entity)
    ):
        usage.setdefault(tag_id, {})[entity] = count
    rows = [TagRow(t.id, t.name, t.color, usage.get(t.id, {})) for t in session.scalars(select(Tag))]
    return sorted(rows, key=lambda row: sort_key(row.name))


def tag_colors(session: Session) -> dict[str, str]:
    """Tag name → its colour, for showing tags as chips."""
    return dict(session.execute(select(Tag.name, Tag.color)).all())


def set_color(session: Session, *, actor: Principal, tag_id: int, color: str) -> Tag:
    require(session, actor, "settings", "edit")
    tag = _get(session, tag_id)
    try:
        tag.color = validation.hex_color(color)
    except ValueError as exc:
        raise ValidationError(str(exc), field="color") from None
    session.flush()
    return tag


def set_tags(session: Session, *, actor: Principal, entity: str, entity_id: int, names: Iterable[str],
             right: str = "edit") -> list[Tag]:
    """Replace the tags of one record; unknown names are created on the fly. ``right="create"``:
    the tags given with a record being created (the right to create it is enough)."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown tagged entity {entity!r}")
    require(session, actor, ENTITY_MODULE[entity], right)
    wanted: list[Tag] = []
    unique = {_clean(n).lower(): _clean(n) for n in reversed(list(names)) if n and n.strip()}
    for name in reversed(unique.values()):  # first spelling wins, case-insensitively
        tag = _by_name(session, name)
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
        wanted.append(tag)
    current = {t.tag_id: t for t in session.scalars(select(Tagging).where(Tagging.entity == entity, Tagging.entity_id == entity_id))}
    before = sorted(session.scalars(select(Tag.name).where(Tag.id.in_(current))))
    for tag_id, tagging in current.items():
        if tag_id not in {t.id for t in wanted}:
            session.delete(tagging)
    for tag in wanted:
        if tag.id not in current:
            session.add(Tagging(tag_id=tag.id, entity=entity, entity_id=entity_id))
    session.flush()
    after = sorted(t.name for t in wanted)
    if before != after:
        from homecrm.security import audit

        audit.record(session, action="update", entity=entity, entity_id=str(entity_id),
                     summary=_("Tags"), changes={"tags": [before, after]})
    return wanted


def drop_tags(session: Session, entity: str, entity_id: int) -> None:
    """Forget the tags of a record being deleted (the caller checked the delete right).

    SQLite may give the id to the next record: tags left behind would land on it.
    """
    for tagging in session.scalars(select(Tagging).where(Tagging.entity == entity, Tagging.entity_id == entity_id)):
        session.delete(tagging)


def tags_of(session: Session, entity: str, ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(ids)
    out: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return out
    for start in range(0, len(ids), 900):  # SQLite limits the number of bound parameters
        rows = session.execute(
            select(Tagging.entity_id, Tag.name).join(Tag)
            .where(Tagging.entity == entity, Tagging.entity_id.in_(ids[start:start + 900])).order_by(Tag.name)
        )
        for entity_id, name in rows:
            out[entity_id].append(name)
    return out


def ids_with_tag(entity: str, tag_name: str):
    """A subquery of the ids of ``entity`` records carrying ``tag_name`` (for filtering lists)."""
    return select(Tagging.entity_id).join(Tag).where(Tagging.entity == entity, same_text(Tag.name, tag_name))
