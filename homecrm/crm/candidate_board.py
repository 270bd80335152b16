"""The candidates board (one column per status, limited cards), the list view and its CSV export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from homecrm.crm.candidate_pipeline import list_statuses
from homecrm.security.principal import Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import CandidateSettings
from homecrm.store.models import Candidate, CandidateSource, StaffUser
from homecrm.store.text import contains_text, folded


@dataclass(frozen=True)
class Card:
    """What the board, the list and the exports show of one candidate."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    source: str
    status_id: int
    budget: Decimal | None
    move_in: date | None
    created: date
    last_contact: date | None
    assigned: str
    property: str
    tags: tuple[str, ...]
    customer_id: int | None
    converted_on: date | None
    lost_reason: str
    notes: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email or self.phone or f"#{self.id}"

    @property
    def converted(self) -> bool:
        return self.customer_id is not None

    def age_days(self, today: date) -> int:
        return max((today - self.created).days, 0)


@dataclass
class Column:
    status_id: int
    name: str
    color: str
    kind: str
    total: int
    cards: list[Card] = field(default_factory=list)


SORTS = {
    "created_at": Candidate.created_at,
    "last_contact": Candidate.last_contact,
    "name": folded(Candidate.last_name + " " + Candidate.first_name),
    "budget": Candidate.budget,
    "move_in": Candidate.move_in,
}


def _filtered(actor: Principal, *, source_id: int | None = None, tag: str | None = None,
              assigned_to_id: int | None = None, property_id: int | None = None, search: str = ""):
    stmt = select(Candidate)
    if property_id is not None:
        stmt = stmt.where(Candidate.property_id == property_id)
    if source_id is not None:
        stmt = stmt.where(Candidate.source_id == source_id)
    if assigned_to_id is not None:
        stmt = stmt.where(Candidate.assigned_to_id == assigned_to_id)
    if tag:
        from homecrm.crm.tags import ids_with_tag

        stmt = stmt.where(Candidate.id.in_(ids_with_tag("candidate", tag)))
    if search.strip():
        stmt = stmt.where(_matches(search.strip()))
    if actor.visibility("candidates") == "own":
        stmt = stmt.where((Candidate.created_by_id == actor.user_id) | (Candidate.assigned_to_id == actor.user_id))
    return stmt


def _matches(text: str):
    """Search by name (first, last or both, either order), e-mail or phone as people type it."""
    conditions = [contains_text(Candidate.last_name, text), contains_text(Candidate.first_name, text),
                  contains_text(Candidate.email, text),
                  contains_text(Candidate.first_name + " " + Candidate.last_name, text),
                  contains_text(Candidate.last_name + " " + Candidate.first_name, text)]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4 and all(ch.isdigit() or ch in " .+-()" for ch in text):
        # Phones are stored as +33612345678: "06 12 34 56 78" and "0612345678" must find them.
        national = digits[1:] if digits.startswith("0") else digits
        conditions.append(Candidate.phone.contains(national, autoescape=True))
    return or_(*conditions)


def _cards(session: Session, candidates: list[Candidate]) -> list[Card]:
    from homecrm.crm.tags import tags_of
    from homecrm.store.models import Property

    tags = tags_of(session, "candidate", [c.id for c in candidates])
    staff = {s.id: s.name for s in session.scalars(select(StaffUser))}
    sources = {s.id: s.name for s in session.scalars(select(CandidateSource))}
    properties = {p.id: p.name for p in session.scalars(select(Property))} if any(c.property_id for c in candidates) else {}
    from homecrm.settings.local_time import local_timezone

    tz = ZoneInfo(local_timezone(session))  # created / converted on the landlord's day
    return [Card(c.id, c.first_name, c.last_name, c.email, c.phone, sources.get(c.source_id, ""), c.status_id, c.budget,
                 c.move_in, c.created_at.astimezone(tz).date(), c.last_contact, staff.get(c.assigned_to_id, ""),
                 properties.get(c.property_id, ""), tuple(tags[c.id]), c.customer_id,
                 c.converted_at.astimezone(tz).date() if c.converted_at else None, c.lost_reason, c.notes)
            for c in candidates]


def board(session: Session, *, actor: Principal, limits: dict[int, int] | None = None, sort: str | None = None,
          descending: bool | None = None, **filters) -> list[Column]:
    """One column per status with at most the configured number of cards (or ``limits[status]``)."""
    require(session, actor, "candidates", "view_own")
    settings = load_section(session, CandidateSettings)
    order = _order(session, sort, descending)
    base = _filtered(actor, **filters)
    filtered = base.subquery()
    counts = dict(session.execute(select(filtered.c.status_id, func.count()).group_by(filtered.c.status_id)).all())
    columns = []
    for status in list_statuses(session):
        limit = (limits or {}).get(status.id, settings.max_cards_per_status)
        stmt = base.where(Candidate.status_id == status.id).order_by(*order).limit(limit)
        candidates = list(session.scalars(stmt))
        columns.append(Column(status.id, status.name, status.color, status.kind, counts.get(status.id, 0),
                              _cards(session, candidates)))
    return columns


def _order(session: Session, sort: str | None, descending: bool | None):
    settings = load_section(session, CandidateSettings)
    column = SORTS.get(sort or settings.default_sort, Candidate.created_at)
    descending = settings.default_sort_descending if descending is None else descending
    return (column.desc() if descending else column.asc()).nulls_last(), Candidate.id.desc()


def list_candidates(session: Session, *, actor: Principal, status_id: int | None = None, limit: int = 5000,
                    sort: str | None = None, descending: bool | None = None, **filters) -> list[Card]:
    """The list view: same filters as the board, one sort, newest first by default."""
    require(session, actor, "candidates", "view_own")
    stmt = _filtered(actor, **filters)
    if status_id is not None:
        stmt = stmt.where(Candidate.status_id == status_id)
    stmt = stmt.order_by(*_order(session, sort, descending)).limit(limit)
    return _cards(session, list(session.scalars(stmt)))


def count_candidates(session: Session, *, actor: Principal, status_id: int | None = None, **filters) -> int:
    require(session, actor, "candidates", "view_own")
    stmt = _filtered(actor, **filters)
    if status_id is not None:
        stmt = stmt.where(Candidate.status_id == status_id)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def cards_csv(session: Session, cards: list[Card]) -> bytes:
    """The list view as a spreadsheet (same columns an import recognises, so it can be re-imported)."""
    from homecrm.csv_export import csv_bytes
    from homecrm.i18n import _
    from homecrm.render.formatting import format_date
    from homecrm.settings.sections import LocalizationSettings

    date_format = load_section(session, LocalizationSettings).date_format  # as an import reads it back
    statuses = {s.id: s.name for s in list_statuses(session)}

    def day(value: date | None) -> str:
        return format_date(value, date_format)

    header = [_("First name"), _("Last name"), _("E-mail"), _("Phone"), _("Source"), _("Status"), _("Assigned to"),
              _("Property wanted"), _("Budget"), _("Desired move-in date"), _("Last contact"), _("Creation date"),
              _("Tags"), _("Notes"), _("Lost reason"), _("Converted on")]
    return csv_bytes([header, *([
        c.first_name, c.last_name, c.email, c.phone, c.source, statuses.get(c.status_id, ""), c.assigned, c.property,
        str(c.budget).replace(".", ",") if c.budget is not None else "", day(c.move_in), day(c.last_contact),
        day(c.created), ", ".join(c.tags), c.notes, c.lost_reason, day(c.converted_on)] for c in cards)])



@dataclass(frozen=True)
class BoardChoices:
    """Names for the board's filters and the candidate form."""

    statuses: dict[int, str]
    status_kinds: dict[int, str]
    sources: dict[int, str]
    staff: dict[int, str]
    properties: dict[int, str]
    tags: list[str]
    tag_colors: dict[str, str]


def board_choices(session: Session) -> BoardChoices:
    from homecrm.crm.candidate_pipeline import list_sources
    from homecrm.crm.tags import tag_colors
    from homecrm.store.models import Property, Tag
    from homecrm.store.text import sort_key

    statuses = list_statuses(session)
    staff = session.scalars(select(StaffUser).where(StaffUser.active.is_(True), StaffUser.is_system.is_(False))
                            .order_by(StaffUser.name))
    return BoardChoices(
        {s.id: s.name for s in statuses}, {s.id: s.kind for s in statuses},
        {s.id: s.name for s in list_sources(session)}, {s.id: s.name for s in staff},
        {p.id: p.name for p in session.scalars(select(Property).order_by(Property.name))},
        sorted(session.scalars(select(Tag.name)), key=sort_key), tag_colors(session),
    )
