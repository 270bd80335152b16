"""Candidates (prospective tenants): the pipeline board, duplicates, conversion to tenant.

Rules from Paramètres > Candidats: default status and source for new candidates; the fields
checked for duplicates (a match is flagged, never silently created); converted candidates are
locked for non-administrators when the setting says so; conversion creates the tenant (and its
primary contact when the setting says so), links both ways, and happens once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, ValidationInfo, field_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecrm import clock, validation
from homecrm.errors import ConflictError, NotFoundError, ValidationError, check_version
from homecrm.i18n import _
from homecrm.inputs import InputModel, MoneyInput, parse_input
from homecrm.security.principal import Principal, may_see, require, require_visible
from homecrm.settings import load_section
from homecrm.settings.sections import CandidateSettings, ClientSettings
from homecrm.crm.tags import drop_tags
from homecrm.store.models import (
    Candidate,
    CandidateSource,
    CandidateStatus,
    CandidateStatusChange,
    Contact,
    Customer,
    StaffUser,
)
from homecrm.store.text import same_text
from homecrm.settings.local_time import local_today


class CandidateInput(InputModel):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    email: str = ""
    phone: str = ""
    source_id: int | None = None
    status_id: int | None = None
    assigned_to_id: int | None = None
    property_id: int | None = None
    unit_id: int | None = None
    budget: MoneyInput | None = Field(None, ge=0)
    move_in: date | None = None
    notes: str = Field("", max_length=5000)
    last_contact: date | None = None
    lost_reason: str = Field("", max_length=200)
    tags: list[str] = []

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return validation.email(v).lower()

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str, info: ValidationInfo) -> str:
        return validation.phone(v, (info.context or {}).get("default_country") or "FR")

    @field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v


def _parse(session: Session, data: dict[str, Any]) -> CandidateInput:
    country = load_section(session, ClientSettings).default_country
    parsed = parse_input(CandidateInput, data, context={"default_country": country})
    if not (parsed.last_name or parsed.first_name or parsed.email or parsed.phone):
        raise ValidationError(_("Give at least a name, an e-mail or a phone number."), field="last_name")
    if parsed.last_contact is not None and parsed.last_contact > local_today(session):
        # as the import says: a contact yet to come would make the board's ages and sorting lie
        raise ValidationError(_("The last contact cannot be in the future."), field="last_contact")
    return parsed


def _check_refs(session: Session, parsed: CandidateInput) -> None:
    if parsed.status_id is not None and session.get(CandidateStatus, parsed.status_id) is None:
        raise ValidationError(_("This status does not exist."), field="status_id")
    if parsed.source_id is not None and session.get(CandidateSource, parsed.source_id) is None:
        raise ValidationError(_("This source does not exist."), field="source_id")
    if parsed.assigned_to_id is not None:
        staff = session.get(StaffUser, parsed.assigned_to_id)
        if staff is None or not staff.active or staff.is_system:
            raise ValidationError(_("Choose an active staff member."), field="assigned_to_id")


def find_duplicates(session: Session, fields: list[str], *, email: str = "", phone: str = "", first_name: str = "",
                    last_name: str = "", exclude_id: int | None = None) -> list[Candidate]:
    conditions = []
    if "email" in fields and email:
        conditions.append(same_text(Candidate.email, email))
    if "phone" in fields and phone:
        conditions.append(Candidate.phone == phone)
    if "name" in fields and last_name:
        conditions.append(same_text(Candidate.last_name, last_name)
                          & same_text(Candidate.first_name, first_name))
    if not conditions:
        return []
    stmt = select(Candidate).where(or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Candidate.id != exclude_id)
    return list(session.scalars(stmt.limit(5)))


class DuplicateCandidate(ValidationError):
    """A candidate matching the new one on a checked field already exists."""


def _duplicate_error(actor: Principal, match: Candidate, parsed: CandidateInput, fields: list[str]) -> DuplicateCandidate:
    """Name the field that matched; name the candidate only if the actor may see it."""
    from homecrm.settings.sections.candidates import DUPLICATE_FIELDS
    from homecrm.store.text import fold

    if "email" in fields and parsed.email and fold(match.email) == fold(parsed.email):
        key, field = "email", "email"
    elif "phone" in fields and parsed.phone and match.phone == parsed.phone:
        key, field = "phone", "phone"
    else:
        key, field = "name", "last_name"
    label = _(DUPLICATE_FIELDS[key]).lower()
    visible = actor.visibility("candidates") == "all" or actor.user_id in (match.created_by_id, match.assigned_to_id)
    if visible:
        message = _("Already known: {name} (#{id}) has the same {field}.").format(
            name=match.display_name, id=match.id, field=label)
    else:
        message = _("Already known: a candidate you do not follow has the same {field}.").format(field=label)
    return DuplicateCandidate(message, field=field)


def _entered(session: Session, candidate: Candidate, actor: Principal, at=None) -> None:
    """Remember that ``candidate`` entered its current status (for the funnel)."""
    session.add(CandidateStatusChange(candidate_id=candidate.id, status_id=candidate.status_id,
                                      at=at or clock.now(), by_id=actor.user_id))


def default_status_id(session: Session, settings: CandidateSettings) -> int:
    """The configured default when it still exists and is an open status, else the first open one."""
    chosen = session.get(CandidateStatus, settings.default_status) if settings.default_status else None
    if chosen is not None and chosen.kind == "open":
        return chosen.id
    first = session.scalar(select(CandidateStatus.id).where(CandidateStatus.kind == "open").order_by(CandidateStatus.position))
    if first is None:
        raise ValidationError(_("Create at least one open status first (Settings > Candidates)."), field="status_id")
    return first


def tenant_deleted(session: Session, *, actor: Principal, customer_id: int) -> None:
    """The tenant a candidate became is being deleted (a conversion undone): the candidate is open again."""
    candidate = session.scalar(select(Candidate).where(Candidate.customer_id == customer_id))
    if candidate is None:
        return
    candidate.customer_id = None
    candidate.converted_at = None
    candidate.status_id = default_status_id(session, load_section(session, CandidateSettings))
    session.flush()
    _entered(session, candidate, actor)


def default_source_id(session: Session, settings: CandidateSettings) -> int | None:
    """The configured default source, or none when it was deleted since."""
    if settings.default_source and session.get(CandidateSource, settings.default_source):
        return settings.default_source
    return None


def create_candidate(session: Session, *, actor: Principal, data: dict[str, Any],
                     created_at=None) -> Candidate:
    require(session, actor, "candidates", "create")
    parsed = _parse(session, data)
    _check_refs(session, parsed)
    settings = load_section(session, CandidateSettings)
    matches = find_duplicates(session, settings.duplicate_fields, email=parsed.email, phone=parsed.phone,
                              first_name=parsed.first_name, last_name=parsed.last_name)
    if matches:
        raise _duplicate_error(actor, matches[0], parsed, settings.duplicate_fields)
    values = parsed.model_dump(exclude={"tags"})
    values["status_id"] = values["status_id"] or default_status_id(session, settings)
    values["source_id"] = values["source_id"] or default_source_id(session, settings)
    candidate = Candidate(**values, created_by_id=actor.user_id)
    _check_move(session, candidate, candidate.status_id)
    if created_at is not None:
        candidate.created_at = created_at
    session.add(candidate)
    session.flush()
    _entered(session, candidate, actor, at=candidate.created_at)
    if parsed.tags:
        from homecrm.crm.tags import set_tags

        set_tags(session, actor=actor, entity="candidate", entity_id=candidate.id, names=parsed.tags, right="create")
    return candidate


def get_candidate(session: Session, candidate_id: int, *, actor: Principal) -> Candidate:
    require(session, actor, "candidates", "view_own")
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(_("Candidate #{id} does not exist.").format(id=candidate_id))
    require_visible(actor, "candidates", candidate.created_by_id, candidate.assigned_to_id)
    return candidate


def _editable(session: Session, actor: Principal, candidate: Candidate) -> None:
    if candidate.customer_id is not None and not actor.is_admin and load_section(session, CandidateSettings).lock_converted:
        raise ConflictError(_("{name} was converted into a tenant: only an administrator may change it.").format(
            name=candidate.display_name))


def update_candidate(session: Session, *, actor: Principal, candidate_id: int, data: dict[str, Any],
                     expected_version: str | None = None) -> Candidate:
    require(session, actor, "candidates", "edit")
    candidate = get_candidate(session, candidate_id, actor=actor)
    check_version(candidate, expected_version)
    _editable(session, actor, candidate)
    parsed = _parse(session, data)
    _check_refs(session, parsed)
    settings = load_section(session, CandidateSettings)
    matches = find_duplicates(session, settings.duplicate_fields, email=parsed.email, phone=parsed.phone,
                              first_name=parsed.first_name, last_name=parsed.last_name, exclude_id=candidate.id)
    if matches:
        raise _duplicate_error(actor, matches[0], parsed, settings.duplicate_fields)
    before = candidate.status_id
    for key, value in parsed.model_dump(exclude={"tags"}).items():
        if key == "status_id" and value is None:
            continue
        setattr(candidate, key, value)
    if candidate.status_id != before:
        _check_move(session, candidate, candidate.status_id)
        _entered(session, candidate, actor)
    from homecrm.crm.tags import set_tags

    set_tags(session, actor=actor, entity="candidate", entity_id=candidate.id, names=parsed.tags)
    session.flush()
    return candidate


def move_candidate(session: Session, *, actor: Principal, candidate_id: int, status_id: int,
                   lost_reason: str | None = None) -> Candidate:
    """Move a card to another column of the board (with the reason when it is a "lost" column)."""
    require(session, actor, "candidates", "edit")
    candidate = get_candidate(session, candidate_id, actor=actor)
    _editable(session, actor, candidate)
    if lost_reason is not None:
        candidate.lost_reason = " ".join(lost_reason.split())[:200]
    if candidate.status_id == status_id:
        return candidate
    _check_move(session, candidate, status_id)
    candidate.status_id = status_id
    candidate.last_contact = local_today(session)
    _entered(session, candidate, actor)
    session.flush()
    return candidate


def _check_move(session: Session, candidate: Candidate, status_id: int) -> None:
    status = session.get(CandidateStatus, status_id)
    if status is None:
        raise ValidationError(_("This status does not exist."), field="status_id")
    if status.kind == "won" and candidate.customer_id is None:
        raise ValidationError(_("Convert the candidate into a tenant to move it to {status}.").format(status=status.name),
                              field="status_id")
    if status.kind != "won" and candidate.customer_id is not None:
        raise ValidationError(_("{name} became a tenant: the card stays in a converted column.").format(
            name=candidate.display_name), field="status_id")
    if status.kind == "lost" and not (candidate.lost_reason or "").strip():
        raise ValidationError(_("Say why the candidate was lost."), field="lost_reason")


def delete_candidate(session: Session, *, actor: Principal, candidate_id: int) -> None:
    require(session, actor, "candidates", "delete")
    candidate = get_candidate(session, candidate_id, actor=actor)
    _editable(session, actor, candidate)
    drop_tags(session, "candidate", candidate.id)
    session.delete(candidate)
    session.flush()


def convert_candidate(session: Session, *, actor: Principal, candidate_id: int) -> Customer:
    """Candidate → tenant (customer, and its primary contact when the setting says so)."""
    require(session, actor, "candidates", "edit")
    require(session, actor, "tenants", "create")
    candidate = get_candidate(session, candidate_id, actor=actor)
    if candidate.customer_id is not None:
        raise ConflictError(_("{name} is already a tenant.").format(name=candidate.display_name))
    if not candidate.last_name:
        raise ValidationError(_("A last name is needed to create the tenant."), field="last_name")
    if candidate.email:
        twin = session.scalar(select(Customer).where(same_text(Customer.email, candidate.email)))
        if twin is not None:
            if not may_see(actor, "tenants", twin.created_by_id):  # never name a tenant the actor may not see
                raise ConflictError(_("A tenant you do not follow already has this e-mail: ask an administrator to "
                                      "link the candidate to that tenant."))
            raise ConflictError(_("{tenant} (tenant #{id}) has the same e-mail: link the candidate to that tenant "
                                  "instead of creating another one.").format(tenant=twin.display_name, id=twin.id))
    from homecrm.crm.customers import create_customer

    customer = create_customer(session, actor=actor, data={
        "first_name": candidate.first_name, "last_name": candidate.last_name, "email": candidate.email,
        "phone": candidate.phone})
    if load_section(session, CandidateSettings).converted_contact_is_admin:
        customer.contacts.append(Contact(first_name=candidate.first_name, last_name=candidate.last_name,
                                         email=candidate.email, phone=candidate.phone, is_primary=True,
                                         position=_("Primary contact")))
    _mark_converted(session, actor, candidate, customer)
    return customer


def link_to_tenant(session: Session, *, actor: Principal, candidate_id: int, customer_id: int) -> Customer:
    """The candidate already is a tenant (another lease, or created by hand): link instead of creating."""
    from homecrm.crm.customers import get_customer

    require(session, actor, "candidates", "edit")
    candidate = get_candidate(session, candidate_id, actor=actor)
    if candidate.customer_id is not None:
        raise ConflictError(_("{name} is already a tenant.").format(name=candidate.display_name))
    customer = get_customer(session, customer_id, actor=actor)
    taken = session.scalar(select(Candidate).where(Candidate.customer_id == customer.id))
    if taken is not None:
        if not may_see(actor, "candidates", taken.created_by_id, taken.assigned_to_id):
            raise ConflictError(_("{tenant} is already linked to another candidate.").format(tenant=customer.display_name))
        raise ConflictError(_("{tenant} is already linked to the candidate {name}.").format(
            tenant=customer.display_name, name=taken.display_name))
    _mark_converted(session, actor, candidate, customer)
    return customer


def _mark_converted(session: Session, actor: Principal, candidate: Candidate, customer: Customer) -> None:
    won = session.scalar(select(CandidateStatus).where(CandidateStatus.kind == "won").order_by(CandidateStatus.position))
    candidate.customer_id = customer.id
    candidate.converted_at = clock.now()
    if won is not None and candidate.status_id != won.id:
        candidate.status_id = won.id
        _entered(session, candidate, actor)
    session.flush()
