"""The board's columns (statuses, with order, colour and kind) and the list of sources, as the
landlord edits them in Paramètres > Candidats."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecrm import validation
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.security.principal import Principal, require
from homecrm.store.models import Candidate, CandidateSource, CandidateStatus
from homecrm.store.text import same_text


def save_status(session: Session, *, actor: Principal, name: str, color: str, kind: str = "open",
                status_id: int | None = None, position: int | None = None) -> CandidateStatus:
    require(session, actor, "settings", "edit")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("A status needs a name."), field="name")
    try:
        color = validation.hex_color(color)
    except ValueError as exc:
        raise ValidationError(str(exc), field="color") from None
    if kind not in ("open", "won", "lost"):
        raise ValidationError(_("Unknown kind of status."), field="kind")
    clash = session.scalar(select(CandidateStatus.name).where(same_text(CandidateStatus.name, name),
                                                             CandidateStatus.id != (status_id or 0)))
    if clash:
        raise ValidationError(_("The status {name} already exists.").format(name=clash), field="name")
    status = session.get(CandidateStatus, status_id) if status_id else CandidateStatus(
        position=(session.scalar(select(func.max(CandidateStatus.position))) or 0) + 1)
    if status is None:
        raise NotFoundError(_("Status #{id} does not exist.").format(id=status_id))
    status.name, status.color, status.kind = name, color, kind
    if position is not None:
        status.position = position
    session.add(status)
    session.flush()
    return status


def delete_status(session: Session, *, actor: Principal, status_id: int) -> None:
    require(session, actor, "settings", "edit")
    status = session.get(CandidateStatus, status_id)
    if status is None:
        raise NotFoundError(_("Status #{id} does not exist.").format(id=status_id))
    if session.scalar(select(func.count(Candidate.id)).where(Candidate.status_id == status_id)):
        raise ConflictError(_("Candidates are in {name}: move them first.").format(name=status.name))
    session.delete(status)
    session.flush()


def save_source(session: Session, *, actor: Principal, name: str, source_id: int | None = None) -> CandidateSource:
    require(session, actor, "settings", "edit")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("A source needs a name."), field="name")
    clash = session.scalar(select(CandidateSource.name).where(same_text(CandidateSource.name, name),
                                                             CandidateSource.id != (source_id or 0)))
    if clash:
        raise ValidationError(_("The source {name} already exists.").format(name=clash), field="name")
    source = session.get(CandidateSource, source_id) if source_id else CandidateSource(
        position=(session.scalar(select(func.max(CandidateSource.position))) or 0) + 1)
    if source is None:
        raise NotFoundError(_("Source #{id} does not exist.").format(id=source_id))
    source.name = name
    session.add(source)
    session.flush()
    return source


def delete_source(session: Session, *, actor: Principal, source_id: int) -> None:
    require(session, actor, "settings", "edit")
    source = session.get(CandidateSource, source_id)
    if source is None:
        raise NotFoundError(_("Source #{id} does not exist.").format(id=source_id))
    session.delete(source)  # candidates keep their record, without a source (ON DELETE SET NULL)
    session.flush()


def list_statuses(session: Session) -> list[CandidateStatus]:
    return list(session.scalars(select(CandidateStatus).order_by(CandidateStatus.position, CandidateStatus.id)))


def list_sources(session: Session) -> list[CandidateSource]:
    return list(session.scalars(select(CandidateSource).order_by(CandidateSource.position, CandidateSource.id)))




def shift(session: Session, *, actor: Principal, model: type[CandidateStatus] | type[CandidateSource], item_id: int,
          offset: int) -> None:
    """Move a status (board column) or a source up (-1) or down (+1) in its list."""
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
