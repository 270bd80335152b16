"""Everything that falls due, as calendar events: rent documents by due date (coloured by payment
status), credit notes, lease starts and ends, tasks, and staff reminders — each kind switched on or
off in Paramètres > Calendrier and coloured from its Style section, each visible only to staff who
may see the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, joinedload

from homecrm.billing.documents import document_status, is_overdue, own_documents
from homecrm.calendar.reminders import is_past, reminders_between
from homecrm.i18n import N_, _
from homecrm.leasing.leases import own_leases
from homecrm.security.principal import Principal
from homecrm.settings import load_section
from homecrm.settings.sections import CalendarSettings, CalendarStyleSettings
from homecrm.store.models import CreditNote, Lease, RentDocument, Task, TaskStatus, task_assignee
from homecrm.settings.local_time import local_today

KINDS = {
    "rent": N_("Rent documents"), "credit_note": N_("Credit notes"), "lease": N_("Leases"), "task": N_("Tasks"),
    "reminder": N_("Calendar reminders"),
}


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable: re-importing the .ics updates instead of duplicating
    kind: str  # rent, credit_note, lease, task, reminder
    title: str
    start: date | datetime  # date: all day; aware datetime: timed
    end: date | None  # last day included (all-day only)
    color: str
    record_id: int
    detail: str = ""
    flagged: bool = False  # a reminder in the past

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def text_color(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG relative luminance)."""
    channels = []
    for i in (1, 3, 5):
        c = int(background[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def legend(session: Session) -> list[tuple[str, str]]:
    """(label, colour) of every kind the calendar shows now."""
    settings, style = load_section(session, CalendarSettings), load_section(session, CalendarStyleSettings)
    items = []
    if settings.show_invoices:
        items += [(_("To be paid"), style.rent_unpaid_color), (_("Partly paid"), style.rent_partial_color),
                  (_("Paid"), style.rent_paid_color), (_("Overdue"), style.rent_overdue_color)]
    if settings.show_credit_notes:
        items.append((_("Credit notes"), style.credit_note_color))
    if settings.show_contracts:
        items.append((_("Leases"), style.lease_color))
    if settings.show_tasks:
        items.append((_("Tasks"), style.task_color))
    if not settings.hide_reminders:
        items.append((_("Calendar reminders"), style.reminder_color))
    return items


def _rent(session: Session, actor: Principal, first: date, last: date, style: CalendarStyleSettings,
          today: date) -> list[CalendarEvent]:
    if not actor.can("documents", "view_own"):
        return []
    stmt = (select(RentDocument).options(joinedload(RentDocument.customer))
            .where(RentDocument.state == "issued", RentDocument.due_date >= first, RentDocument.due_date <= last))
    if actor.visibility("documents") == "own":
        stmt = stmt.where(own_documents(actor))
    out = []
    for doc in session.scalars(stmt).unique():
        status = document_status(doc)
        color = {"paid": style.rent_paid_color, "partial": style.rent_partial_color}.get(status, style.rent_unpaid_color)
        if status != "paid" and is_overdue(doc, today):
            color, state = style.rent_overdue_color, _("overdue")
        else:
            state = {"paid": _("paid"), "partial": _("partly paid")}.get(status, _("to be paid"))
        out.append(CalendarEvent(f"rent-{doc.id}", "rent", f"{doc.number} · {doc.customer.display_name}", doc.due_date,
                                 None, color, doc.id, state))
    return out


def _credit_notes(session: Session, actor: Principal, first: date, last: date,
                  style: CalendarStyleSettings) -> list[CalendarEvent]:
    if not actor.can("credit_notes", "view_own"):
        return []
    stmt = select(CreditNote).where(CreditNote.number.is_not(None), CreditNote.issued_on >= first,
                                    CreditNote.issued_on <= last)
    if actor.visibility("credit_notes") == "own":
        stmt = stmt.where(CreditNote.created_by_id == actor.user_id)
    notes = session.scalars(stmt)
    return [CalendarEvent(f"credit-note-{n.id}", "credit_note", _("Credit note {number}").format(number=n.number),
                          n.issued_on, None, style.credit_note_color, n.id) for n in notes]


def _leases(session: Session, actor: Principal, first: date, last: date,
            style: CalendarStyleSettings) -> list[CalendarEvent]:
    if not actor.can("leases", "view_own"):
        return []
    stmt = (select(Lease).options(joinedload(Lease.customer), joinedload(Lease.unit))
            .where(or_(Lease.start_date.between(first, last), Lease.end_date.between(first, last))))
    if actor.visibility("leases") == "own":
        stmt = stmt.where(own_leases(actor))
    out = []
    for lease in session.scalars(stmt).unique():
        who = f"{lease.customer.display_name} · {lease.unit.label}"
        if first <= lease.start_date <= last:
            out.append(CalendarEvent(f"lease-start-{lease.id}", "lease", _("Lease starts: {who}").format(who=who),
                                     lease.start_date, None, style.lease_color, lease.id))
        if lease.end_date and first <= lease.end_date <= last:
            out.append(CalendarEvent(f"lease-end-{lease.id}", "lease", _("Lease ends: {who}").format(who=who),
                                     lease.end_date, None, style.lease_color, lease.id))
    return out


def _tasks(session: Session, actor: Principal, first: date, last: date, settings: CalendarSettings,
           style: CalendarStyleSettings) -> list[CalendarEvent]:
    if not actor.can("tasks", "view_own"):
        return []
    from homecrm.tasks.tasks import visible_condition

    begin = Task.start_date.is_not(None)
    stmt = select(Task).join(TaskStatus).where(
        visible_condition(session, actor), or_(Task.due_date.is_not(None), begin),
        or_(Task.due_date.between(first, last), Task.start_date.between(first, last),
            (Task.start_date < first) & (Task.due_date > last)))
    if settings.only_my_tasks:
        stmt = stmt.where(exists().where(task_assignee.c.task_id == Task.id, task_assignee.c.user_id == (actor.user_id or 0)))
    if not settings.show_properties:
        stmt = stmt.where(Task.property_id.is_(None))
    out = []
    for task in session.scalars(stmt):
        start = task.start_date or task.due_date
        end = task.due_date if task.due_date and task.due_date > start else None
        done = " ✓" if task.status.kind == "done" else ""
        out.append(CalendarEvent(f"task-{task.id}", "task", task.title + done, start, end, style.task_color, task.id,
                                 task.status.name))
    return out


def _reminders(session: Session, actor: Principal, first: date, last: date, settings: CalendarSettings,
               style: CalendarStyleSettings) -> list[CalendarEvent]:
    if settings.hide_reminders:
        return []
    shown = {"candidate": settings.show_candidate_reminders, "tenant": settings.show_tenant_reminders,
             "task": settings.show_task_reminders, "property": settings.show_properties, "lease": settings.show_contracts}
    out = []
    for reminder in reminders_between(session, actor=actor, first=first, last=last):
        if reminder.related_kind and not shown.get(reminder.related_kind, True):
            continue
        start = reminder.start_date if reminder.all_day else reminder.at
        out.append(CalendarEvent(f"reminder-{reminder.id}", "reminder", reminder.description, start,
                                 reminder.end_date if reminder.all_day else None, style.reminder_color, reminder.id,
                                 flagged=is_past(session, reminder)))
    return out


def events_between(session: Session, *, actor: Principal, first: date, last: date,
                   today: date | None = None) -> list[CalendarEvent]:
    """Every event from ``first`` to ``last`` (inclusive) the settings show and the actor may see."""
    settings, style = load_section(session, CalendarSettings), load_section(session, CalendarStyleSettings)
    today = today or local_today(session)
    events: list[CalendarEvent] = []
    if settings.show_invoices:
        events += _rent(session, actor, first, last, style, today)
    if settings.show_credit_notes:
        events += _credit_notes(session, actor, first, last, style)
    if settings.show_contracts:
        events += _leases(session, actor, first, last, style)
    if settings.show_tasks:
        events += _tasks(session, actor, first, last, settings, style)
    events += _reminders(session, actor, first, last, settings, style)
    return sorted(events, key=lambda e: (e.start if isinstance(e.start, date) and not isinstance(e.start, datetime)
                                         else e.start.date(), e.kind, e.uid))
