"""Support tickets: a tenant's request, its thread of replies, its department and assignee.

Rules from Paramètres > Support live here: the module switch, who sees which ticket (departments),
for whom staff may open tickets, who is notified and when, automatic assignment on first reply,
the status after a staff reply, who may delete, and attachment limits (``homecrm.attachments``).

Replies on a closed ticket: a tenant's reply reopens it (the tenant is writing back); a staff
reply is refused until someone reopens it, so closing is never undone by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from homecrm import attachments, clock, statuses
from homecrm.errors import ConflictError, HomecrmError, NotFoundError, ValidationError
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, parse_input
from homecrm.security.principal import PermissionDenied, Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import SupportSettings
from homecrm.store.models import (
    Contact,
    Customer,
    Department,
    Property,
    StaffUser,
    Ticket,
    TicketReply,
    TicketStatus,
    staff_department,
)

KINDS = {"open": N_("Open"), "in_progress": N_("In progress"), "answered": N_("Answered"), "on_hold": N_("On hold"),
         "closed": N_("Closed")}
REQUIRED_KINDS = ("open", "closed")


class SupportDisabled(HomecrmError):
    """The support module is switched off in the settings."""


def _enabled(session: Session) -> SupportSettings:
    settings = load_section(session, SupportSettings)
    if not settings.enabled:
        raise SupportDisabled(_("The support module is switched off (Settings > Support)."))
    return settings


class TicketInput(InputModel):
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20000)
    customer_id: int
    contact_id: int | None = None
    department_id: int | None = None
    priority: Literal["low", "medium", "high", "urgent"] = "medium"
    property_id: int | None = None
    assigned_to_id: int | None = None
    tags: list[str] = []


# visibility ------------------------------------------------------------------------------------


def _departments_of(session: Session, user_id: int | None) -> list[int]:
    if user_id is None:
        return []
    return list(session.scalars(select(staff_department.c.department_id).where(staff_department.c.user_id == user_id)))


def visible_condition(session: Session, actor: Principal):
    if actor.is_admin or (actor.is_system and actor.visibility("tickets")):
        return true()  # the scheduled-jobs account reads what its role allows, not one person's share
    visibility = actor.visibility("tickets")
    if visibility is None:
        return false()
    uid = actor.user_id or 0
    mine = or_(Ticket.assigned_to_id == uid, Ticket.created_by_id == uid)
    if visibility == "own":
        return mine
    if load_section(session, SupportSettings).staff_only_own_departments:
        return or_(mine, Ticket.department_id.is_(None), Ticket.department_id.in_(_departments_of(session, uid)))
    return true()


def get_ticket(session: Session, ticket_id: int, *, actor: Principal) -> Ticket:
    require(session, actor, "tickets", "view_own")
    _enabled(session)
    ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id, visible_condition(session, actor)))
    if ticket is None:
        if session.get(Ticket, ticket_id) is not None:
            raise PermissionDenied(_("You may not see this ticket."))
        raise NotFoundError(_("Ticket #{id} does not exist.").format(id=ticket_id))
    return ticket


# notifications ------------------------------------------------------------------------------------


def _recipients(session: Session, ticket: Ticket, settings: SupportSettings, actor: Principal) -> list[str]:
    """Who hears about a ticket: its assignee only, or (by default) its department and assignee."""
    addresses: list[str] = []
    if ticket.assigned_to_id:
        assignee = session.get(StaffUser, ticket.assigned_to_id)
        if assignee is not None and assignee.active:
            addresses.append(assignee.email)
    if not settings.notify_assignee_only and ticket.department_id:
        department = session.get(Department, ticket.department_id)
        if department is not None:
            if department.email:
                addresses.append(department.email)
            addresses.extend(m.email for m in department.members if m.active and not m.is_system)
    me = actor.email.lower()
    return [a for a in dict.fromkeys(addresses) if a.lower() != me]


def _notify(session: Session, ticket: Ticket, settings: SupportSettings, actor: Principal, kind: str,
            subject: str, body: str) -> None:
    from homecrm.notify.staff import queue_staff_email

    to = _recipients(session, ticket, settings, actor)
    if to:
        queue_staff_email(session, kind=kind, to=to, subject=subject, body=body, created_by_id=actor.user_id)


def _ticket_text(session: Session, ticket: Ticket, message: str) -> str:
    customer = session.get(Customer, ticket.customer_id)
    return _("Ticket #{id}: {subject}\nTenant: {tenant}\n\n{message}").format(
        id=ticket.id, subject=ticket.subject, tenant=customer.display_name if customer else "", message=message)


# opening, replies, status --------------------------------------------------------------------------


def _first_status(session: Session, kind: str) -> TicketStatus:
    status = session.scalar(select(TicketStatus).where(TicketStatus.kind == kind).order_by(TicketStatus.position))
    if status is None:
        raise ValidationError(_("Create a status of this kind first (Settings > Support)."), field="status_id")
    return status


def open_ticket(session: Session, *, actor: Principal, data: dict[str, Any],
                files: list[tuple[str, bytes]] = ()) -> Ticket:
    require(session, actor, "tickets", "create")
    settings = _enabled(session)
    parsed = parse_input(TicketInput, {**data, "subject": " ".join(str(data.get("subject") or "").split()),
                                       "body": str(data.get("body") or "").strip()})
    customer = session.get(Customer, parsed.customer_id)
    if customer is None:
        raise ValidationError(_("This tenant does not exist."), field="customer_id")
    if not actor.is_admin and not settings.staff_open_for_any_contact:
        from homecrm.crm.customers import get_customer

        try:
            get_customer(session, customer.id, actor=actor)
        except PermissionDenied:
            raise PermissionDenied(_("You may open tickets only for the tenants you follow (Settings > Support)."))
    if parsed.contact_id is not None:
        contact = session.get(Contact, parsed.contact_id)
        if contact is None or contact.customer_id != customer.id:
            raise ValidationError(_("This contact is not one of the tenant's."), field="contact_id")
    if parsed.department_id is not None and session.get(Department, parsed.department_id) is None:
        raise ValidationError(_("This department does not exist."), field="department_id")
    if parsed.property_id is not None and session.get(Property, parsed.property_id) is None:
        raise ValidationError(_("This property does not exist."), field="property_id")
    if parsed.assigned_to_id is not None:
        _active_staff(session, parsed.assigned_to_id)
    ticket = Ticket(subject=parsed.subject, customer_id=customer.id, contact_id=parsed.contact_id,
                    department_id=parsed.department_id, priority=parsed.priority, property_id=parsed.property_id,
                    assigned_to_id=parsed.assigned_to_id, status_id=_first_status(session, "open").id,
                    created_by_id=actor.user_id, last_reply_at=clock.now())
    ticket.replies.append(TicketReply(body=parsed.body, from_customer=True, author_id=actor.user_id))
    session.add(ticket)
    session.flush()
    if files:
        attachments.store(session, actor=actor, entity="ticket", entity_id=ticket.id, files=list(files),
                          ticket_id=ticket.id)
    if parsed.tags:
        from homecrm.crm.tags import set_tags

        set_tags(session, actor=actor, entity="ticket", entity_id=ticket.id, names=parsed.tags, right="create")
    if settings.notify_new_ticket:
        _notify(session, ticket, settings, actor, "ticket_new", _("New ticket #{id}: {subject}").format(
            id=ticket.id, subject=ticket.subject), _ticket_text(session, ticket, parsed.body))
    return ticket


def _active_staff(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None or not user.active or user.is_system:
        raise ValidationError(_("Choose an active staff member."), field="assigned_to_id")
    return user


def _body(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise ValidationError(_("Write the reply."), field="body")
    if len(body) > 20000:
        raise ValidationError(_("At most {limit} characters.").format(limit=20000), field="body")
    return body


def staff_reply(session: Session, *, actor: Principal, ticket_id: int, body: str, files: list[tuple[str, bytes]] = (),
                status_id: int | None = None, email_tenant: bool = True, submission: str | None = None) -> TicketReply:
    """A staff answer; the ticket then takes ``status_id`` or the setting's status after a staff reply.

    ``reply.email_report`` (not stored) says whether the tenant gets it by e-mail, or why not.
    ``submission``: the form's one-time token (a double click records one reply)."""
    from homecrm.billing.payments import claim_submission

    require(session, actor, "tickets", "edit")
    claim_submission(session, submission, _(DOUBLE_REPLY))
    settings = _enabled(session)
    ticket = get_ticket(session, ticket_id, actor=actor)
    if ticket.status.kind == "closed":
        raise ConflictError(_("Ticket #{id} is closed: reopen it before replying.").format(id=ticket.id))
    reply = TicketReply(body=_body(body), author_id=actor.user_id, from_customer=False)
    ticket.replies.append(reply)
    session.flush()
    if files:
        attachments.store(session, actor=actor, entity="ticket_reply", entity_id=reply.id, files=list(files),
                          ticket_id=ticket.id)
    if ticket.assigned_to_id is None and settings.assign_first_replier and actor.user_id is not None:
        user = session.get(StaffUser, actor.user_id)
        if user is not None and not user.is_system:
            ticket.assigned_to_id = user.id
    target = status_id if status_id is not None else settings.status_after_staff_reply
    if target is not None:
        _set_status(session, ticket, target)
    ticket.last_reply_at = clock.now()
    reply.email_report = _email_tenant(session, ticket, reply, actor) if email_tenant else _(
        "Reply saved, not e-mailed to the tenant (box unchecked).")
    session.flush()
    return reply


DOUBLE_REPLY = N_("This reply was already recorded by this form (double click?): it was recorded only once.")


def _email_tenant(session: Session, ticket: Ticket, reply: TicketReply, actor: Principal) -> str:
    """Queue the reply to the tenant; returns what the landlord should be told."""
    from homecrm.notify.staff import email_configured, queue_staff_email

    contact = session.get(Contact, ticket.contact_id) if ticket.contact_id else None
    customer = session.get(Customer, ticket.customer_id)
    address = (contact.email if contact and contact.email else customer.email if customer else "")
    if not address:
        return _("Reply saved, not e-mailed: the tenant has no e-mail address.")
    if not email_configured(session):
        return _("Reply saved, not e-mailed: e-mail is not set up (Settings > E-mail (SMTP)).")
    for entry in queue_staff_email(session, kind="ticket_reply_tenant", to=[address],
                                   subject=_("Re: {subject} [ticket #{id}]").format(subject=ticket.subject,
                                                                                   id=ticket.id),
                                   body=reply.body, created_by_id=actor.user_id,
                                   files_of=("ticket_reply", reply.id)):
        entry.customer_id = ticket.customer_id
    files = attachments.list_for(session, "ticket_reply", [reply.id])[reply.id]
    if files:
        return _("Reply saved and e-mailed to {address} with {count} attached file(s).").format(
            address=address, count=len(files))
    return _("Reply saved and e-mailed to {address}.").format(address=address)


def customer_reply(session: Session, *, actor: Principal, ticket_id: int, body: str,
                   files: list[tuple[str, bytes]] = (), submission: str | None = None) -> TicketReply:
    """The tenant's answer (received by e-mail or phone, recorded by staff); it reopens a closed ticket."""
    from homecrm.billing.payments import claim_submission

    require(session, actor, "tickets", "edit")
    claim_submission(session, submission, _(DOUBLE_REPLY))
    settings = _enabled(session)
    ticket = get_ticket(session, ticket_id, actor=actor)
    reply = TicketReply(body=_body(body), author_id=actor.user_id, from_customer=True)
    ticket.replies.append(reply)
    session.flush()
    if files:
        attachments.store(session, actor=actor, entity="ticket_reply", entity_id=reply.id, files=list(files),
                          ticket_id=ticket.id)
    if ticket.status.kind in ("closed", "answered", "on_hold"):
        _set_status(session, ticket, _first_status(session, "open").id)
    ticket.last_reply_at = clock.now()
    if settings.notify_customer_reply:
        _notify(session, ticket, settings, actor, "ticket_customer_reply",
                _("Tenant replied on ticket #{id}: {subject}").format(id=ticket.id, subject=ticket.subject),
                _ticket_text(session, ticket, reply.body))
    session.flush()
    return reply


def _set_status(session: Session, ticket: Ticket, status_id: int) -> None:
    status = session.get(TicketStatus, status_id)
    if status is None:
        raise ValidationError(_("This status is not in the list."), field="status_id")
    ticket.status_id, ticket.status = status.id, status
    ticket.closed_at = clock.now() if status.kind == "closed" else None


def change_status(session: Session, *, actor: Principal, ticket_id: int, status_id: int) -> Ticket:
    require(session, actor, "tickets", "edit")
    _enabled(session)
    ticket = get_ticket(session, ticket_id, actor=actor)
    _set_status(session, ticket, status_id)
    session.flush()
    return ticket


def assign(session: Session, *, actor: Principal, ticket_id: int, user_id: int | None) -> Ticket:
    require(session, actor, "tickets", "edit")
    _enabled(session)
    ticket = get_ticket(session, ticket_id, actor=actor)
    if user_id is not None:
        _active_staff(session, user_id)
    changed = ticket.assigned_to_id != user_id
    ticket.assigned_to_id = user_id
    session.flush()
    if changed and user_id is not None and user_id != actor.user_id:
        from homecrm.notify.staff import queue_staff_email

        user = session.get(StaffUser, user_id)
        queue_staff_email(session, kind="ticket_assigned", to=[user.email], created_by_id=actor.user_id,
                          subject=_("Ticket #{id} assigned to you: {subject}").format(id=ticket.id,
                                                                                     subject=ticket.subject),
                          body=_ticket_text(session, ticket, ticket.replies[-1].body if ticket.replies else ""))
    return ticket


def update_ticket(session: Session, *, actor: Principal, ticket_id: int, data: dict[str, Any]) -> Ticket:
    """Department, priority, property and tags of an existing ticket."""
    require(session, actor, "tickets", "edit")
    _enabled(session)
    ticket = get_ticket(session, ticket_id, actor=actor)
    if "department_id" in data:
        department_id = data["department_id"]
        if department_id is not None and session.get(Department, department_id) is None:
            raise ValidationError(_("This department does not exist."), field="department_id")
        ticket.department_id = department_id
    if "priority" in data:
        if data["priority"] not in ("low", "medium", "high", "urgent"):
            raise ValidationError(_("Unknown priority."), field="priority")
        ticket.priority = data["priority"]
    if "property_id" in data:
        if data["property_id"] is not None and session.get(Property, data["property_id"]) is None:
            raise ValidationError(_("This property does not exist."), field="property_id")
        ticket.property_id = data["property_id"]
    if "tags" in data:
        from homecrm.crm.tags import set_tags

        set_tags(session, actor=actor, entity="ticket", entity_id=ticket.id, names=data["tags"])
    session.flush()
    return ticket


def _may_delete(session: Session, actor: Principal, settings: SupportSettings) -> None:
    require(session, actor, "tickets", "delete")
    if not actor.is_admin and not settings.staff_delete_tickets:
        raise PermissionDenied(_("Only administrators may delete tickets and replies (Settings > Support)."))


def delete_ticket(session: Session, *, actor: Principal, ticket_id: int) -> None:
    settings = _enabled(session)
    _may_delete(session, actor, settings)
    ticket = get_ticket(session, ticket_id, actor=actor)
    from homecrm.crm.tags import drop_tags
    from homecrm.store.models import Attachment

    reply_ids = [r.id for r in ticket.replies]
    for item in session.scalars(select(Attachment).where(
            ((Attachment.entity == "ticket") & (Attachment.entity_id == ticket.id))
            | ((Attachment.entity == "ticket_reply") & Attachment.entity_id.in_(reply_ids)))):
        session.delete(item)
    drop_tags(session, "ticket", ticket.id)
    session.delete(ticket)
    session.flush()


def delete_reply(session: Session, *, actor: Principal, reply_id: int) -> None:
    settings = _enabled(session)
    _may_delete(session, actor, settings)
    reply = session.get(TicketReply, reply_id)
    if reply is None:
        raise NotFoundError(_("This reply does not exist."))
    ticket = get_ticket(session, reply.ticket_id, actor=actor)
    if ticket.replies and ticket.replies[0].id == reply.id:
        raise ConflictError(_("The first message is the request itself: delete the ticket instead."))
    from homecrm.store.models import Attachment

    for item in session.scalars(select(Attachment).where(Attachment.entity == "ticket_reply",
                                                         Attachment.entity_id == reply.id)):
        session.delete(item)
    ticket.replies.remove(reply)  # delete-orphan: the reply goes, and the loaded thread stays right
    session.flush()


def add_files(session: Session, *, actor: Principal, ticket_id: int, files: list[tuple[str, bytes]]) -> None:
    require(session, actor, "tickets", "edit")
    _enabled(session)
    ticket = get_ticket(session, ticket_id, actor=actor)
    attachments.store(session, actor=actor, entity="ticket", entity_id=ticket.id, files=list(files),
                      ticket_id=ticket.id)


# lists ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    id: int
    subject: str
    tenant: str
    customer_id: int
    department: str
    priority: str
    status_id: int
    status: str
    status_kind: str
    assigned: str
    created_at: datetime
    last_reply_at: datetime | None
    replies: int
    tags: tuple[str, ...]


def list_tickets(session: Session, *, actor: Principal, status_id: int | None = None, department_id: int | None = None,
                 assigned_to_id: int | None = None, tag: str | None = None, search: str = "",
                 include_closed: bool = True, customer_id: int | None = None, limit: int = 2000) -> list[TicketRow]:
    require(session, actor, "tickets", "view_own")
    _enabled(session)
    from homecrm.crm.tags import ids_with_tag, tags_of
    from homecrm.store.text import contains_text

    stmt = (select(Ticket).join(TicketStatus).where(visible_condition(session, actor))
            .options(selectinload(Ticket.status), selectinload(Ticket.replies))
            .order_by(Ticket.last_reply_at.desc(), Ticket.id.desc()).limit(limit))
    if status_id is not None:
        stmt = stmt.where(Ticket.status_id == status_id)
    if not include_closed:
        stmt = stmt.where(TicketStatus.kind != "closed")
    if department_id is not None:
        stmt = stmt.where(Ticket.department_id == department_id)
    if assigned_to_id is not None:
        stmt = stmt.where(Ticket.assigned_to_id == assigned_to_id)
    if customer_id is not None:
        stmt = stmt.where(Ticket.customer_id == customer_id)
    if tag:
        stmt = stmt.where(Ticket.id.in_(ids_with_tag("ticket", tag)))
    if search.strip():
        number = search.strip().lstrip("#")
        by_number = int(number) if number.isascii() and number.isdigit() and len(number) <= 9 else 0
        stmt = stmt.where(or_(contains_text(Ticket.subject, search), Ticket.id == by_number))
    tickets = list(session.scalars(stmt))
    tags = tags_of(session, "ticket", [t.id for t in tickets])
    customers = {c.id: c.display_name for c in session.scalars(select(Customer).where(
        Customer.id.in_({t.customer_id for t in tickets})))} if tickets else {}
    departments = {d.id: d.name for d in session.scalars(select(Department))}
    staff = {s.id: s.name for s in session.scalars(select(StaffUser))}
    return [TicketRow(t.id, t.subject, customers.get(t.customer_id, ""), t.customer_id,
                      departments.get(t.department_id, ""), t.priority, t.status_id, t.status.name, t.status.kind,
                      staff.get(t.assigned_to_id, ""), t.created_at, t.last_reply_at, len(t.replies), tuple(tags[t.id]))
            for t in tickets]


def open_count(session: Session, *, actor: Principal) -> int:
    """Tickets not closed that the actor may see (the menu badge)."""
    if not actor.can("tickets", "view_own") or not load_section(session, SupportSettings).enabled:
        return 0
    return session.scalar(select(func.count(Ticket.id)).join(TicketStatus).where(
        TicketStatus.kind != "closed", visible_condition(session, actor))) or 0


def thread(session: Session, ticket: Ticket) -> list[TicketReply]:
    order = load_section(session, SupportSettings).reply_order
    return list(ticket.replies) if order == "asc" else list(reversed(ticket.replies))


def save_status(session: Session, *, actor: Principal, name: str, color: str, kind: str = "open",
                status_id: int | None = None) -> TicketStatus:
    return statuses.save_status(session, actor=actor, model=TicketStatus, kinds=KINDS, name=name, color=color, kind=kind,
                                status_id=status_id, required_kinds=REQUIRED_KINDS)


def delete_status(session: Session, *, actor: Principal, status_id: int) -> None:
    statuses.delete_status(session, actor=actor, model=TicketStatus, status_id=status_id, used_by=Ticket.status_id,
                           in_use_message=_("Tickets are in {name}: change their status first."),
                           required_kinds=REQUIRED_KINDS)
