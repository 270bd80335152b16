"""The board's columns (statuses, with order, colour and kind) and the list of sources, as the
landlord edits them in Paramètres > Candidats."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecrm import statuses
from homecrm.errors import NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.security.principal import Principal, require
from homecrm.store.models import Candidate, CandidateSource, CandidateStatus
from homecrm.store.text import same_text


KINDS = ("open", "won", "lost")
REQUIRED_KINDS = ("open",)


def save_status(session: Session, *, actor: Principal, name: str, color: str, kind: str = "open",
                status_id: int | None = None, position: int | None = None) -> CandidateStatus:
    return statuses.save_status(session, actor=actor, model=CandidateStatus, kinds=KINDS, name=name, color=color,
                                kind=kind, status_id=status_id, position=position, required_kinds=REQUIRED_KINDS)


def delete_status(session: Session, *, actor: Principal, status_id: int) -> None:
    statuses.delete_status(session, actor=actor, model=CandidateStatus, status_id=status_id,
                           used_by=Candidate.status_id, in_use_message=_("Candidates are in {name}: move them first."),
                           required_kinds=REQUIRED_KINDS)


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





def shift(session: Session, *, actor: Principal, model, item_id: int, offset: int) -> None:
    statuses.shift(session, actor=actor, model=model, item_id=item_id, offset=offset)
