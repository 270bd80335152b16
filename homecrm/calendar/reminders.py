"""Staff reminders on the calendar: all-day or at a time, about a record, told by e-mail.

A reminder set in the past is allowed (a note for the record) but flagged, and never e-mailed.
The e-mail goes at the reminder's time (all-day ones at 08:00 in the landlord's time zone) through
the staff e-mail queue, when the e-mail module is configured; ``send_due_reminders`` is called by
``homecrm notifications send`` and ``homecrm reminders run`` (cron) and by the calendar page.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.errors import NotFoundError, ValidationError
from homecrm.i18n import N_, _
from homecrm.inputs import InputModel, parse_input
from homecrm.security.principal import PermissionDenied, Principal
from homecrm.settings import load_section
from homecrm.settings.sections import LocalizationSettings
from homecrm.store.models import CalendarReminder, Candidate, Customer, Lease, Property, StaffUser, Task

RELATED = {"candidate": N_("Candidate"), "tenant": N_("Tenant"), "task": N_("Task"), "property": N_("Property"),
           "lease": N_("Lease")}
_MODELS = {"candidate": Candidate, "tenant": Customer, "task": Task, "property": Property, "lease": Lease}
ALL_DAY_NOTICE = time(8, 0)


class ReminderInput(InputModel):
    description: str = Field(..., min_length=1, max_length=500)
    start_date: date
    end_date: date | None = None
    all_day: bool = True
    at_time: time | None = None
    staff_id: int | None = None
    related_kind: Literal["candidate", "tenant", "task", "property", "lease"] | None = None
    related_id: int | None = None
    notify_email: bool = True

    @model_validator(mode="after")
    def _coherent(self) -> ReminderInput:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(_("The end is before the start."))
        if not self.all_day and self.at_time is None:
            raise ValueError(_("Give the time, or tick \"all day\"."))
        if (self.related_kind is None) != (self.related_id is None):
            raise ValueError(_("Choose both the kind of record and the record."))
        return self


def _timezone(session: Session) -> str:
    return load_section(session, LocalizationSettings).timezone


def fire_time(session: Session, reminder: CalendarReminder) -> datetime:
    """When the e-mail goes (UTC)."""
    if not reminder.all_day and reminder.at is not None:
        return reminder.at
    zone = ZoneInfo(_timezone(session))
    return datetime.combine(reminder.start_date, ALL_DAY_NOTICE, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def is_past(session: Session, reminder: CalendarReminder) -> bool:
    """A timed reminder whose time has gone, or an all-day one for a day before today.

    An all-day reminder set for today after 08:00 is not past: it is e-mailed at once.
    """
    if reminder.all_day or reminder.at is None:
        return reminder.start_date < clock.now().astimezone(ZoneInfo(_timezone(session))).date()
    return fire_time(session, reminder) < clock.now()


def _check(session: Session, parsed: ReminderInput) -> None:
    if parsed.staff_id is not None:
        user = session.get(StaffUser, parsed.staff_id)
        if user is None or not user.active or user.is_system:
            raise ValidationError(_("Choose an active staff member."), field="staff_id")
    if parsed.related_kind and session.get(_MODELS[parsed.related_kind], parsed.related_id) is None:
        raise ValidationError(_("This record does not exist."), field="related_id")


def _apply(session: Session, reminder: CalendarReminder, parsed: ReminderInput) -> None:
    reminder.description = " ".join(parsed.description.split())
    reminder.start_date, reminder.all_day = parsed.start_date, parsed.all_day
    reminder.end_date = parsed.end_date if parsed.end_date and parsed.end_date != parsed.start_date else None
    if parsed.all_day:
        reminder.at = None
    else:
        zone = ZoneInfo(_timezone(session))
        local = datetime.combine(parsed.start_date, parsed.at_time).replace(tzinfo=zone, fold=0)
        reminder.at = local.astimezone(ZoneInfo("UTC"))
        reminder.end_date = None
    reminder.staff_id, reminder.notify_email = parsed.staff_id, parsed.notify_email
    reminder.related_kind, reminder.related_id = parsed.related_kind, parsed.related_id


def create_reminder(session: Session, *, actor: Principal, data: dict[str, Any]) -> CalendarReminder:
    """Any staff member may set reminders; the reminder is told to ``staff_id`` (default: its author)."""
    if actor.user_id is None and not actor.is_admin:
        raise PermissionDenied(_("Reminders are set by a staff member."))
    session.info["actor"] = actor
    parsed = parse_input(ReminderInput, {**data, "staff_id": data.get("staff_id", actor.user_id)})
    _check(session, parsed)
    reminder = CalendarReminder(created_by_id=actor.user_id)
    _apply(session, reminder, parsed)
    if is_past(session, reminder):
        reminder.notified_at = clock.now()  # flagged: a past reminder is never e-mailed
    session.add(reminder)
    session.flush()
    return reminder


def _own(session: Session, actor: Principal, reminder_id: int) -> CalendarReminder:
    session.info["actor"] = actor
    reminder = session.get(CalendarReminder, reminder_id)
    if reminder is None:
        raise NotFoundError(_("Reminder #{id} does not exist.").format(id=reminder_id))
    if not actor.is_admin and actor.user_id not in (reminder.created_by_id, reminder.staff_id):
        raise PermissionDenied(_("Only its author, the person reminded or an administrator may change a reminder."))
    return reminder


def update_reminder(session: Session, *, actor: Principal, reminder_id: int, data: dict[str, Any]) -> CalendarReminder:
    reminder = _own(session, actor, reminder_id)
    parsed = parse_input(ReminderInput, data)
    _check(session, parsed)
    _apply(session, reminder, parsed)
    reminder.notified_at = clock.now() if is_past(session, reminder) else None
    session.flush()
    return reminder


def delete_reminder(session: Session, *, actor: Principal, reminder_id: int) -> None:
    session.delete(_own(session, actor, reminder_id))
    session.flush()


def reminders_between(session: Session, *, actor: Principal, first: date, last: date) -> list[CalendarReminder]:
    """Reminders touching the period that the actor may see: theirs, those for them; all for admins."""
    stmt = select(CalendarReminder).where(
        CalendarReminder.start_date <= last,
        or_(CalendarReminder.start_date >= first, CalendarReminder.end_date >= first),
    ).order_by(CalendarReminder.start_date, CalendarReminder.id)
    if not (actor.is_admin or actor.is_system):
        uid = actor.user_id or 0
        stmt = stmt.where(or_(CalendarReminder.staff_id == uid, CalendarReminder.created_by_id == uid))
    return list(session.scalars(stmt))


def _record_name(record: Any) -> str:
    if isinstance(record, Lease):
        return f"{record.customer.display_name} — {record.unit.property.name} {record.unit.name}".strip()
    for attribute in ("display_name", "title", "name"):
        if isinstance(getattr(record, attribute, None), str):
            return getattr(record, attribute)
    return ""


def reminder_email_body(session: Session, reminder: CalendarReminder) -> str:
    """What the staff member reads: the reminder, when it is, and what it is about."""
    from homecrm.render.formatting import Formats

    fmt = Formats.load(session)
    when = fmt.date(reminder.start_date)
    if reminder.end_date and reminder.end_date != reminder.start_date:
        when = _("{first} to {last}").format(first=when, last=fmt.date(reminder.end_date))
    if not reminder.all_day and reminder.at is not None:
        when = _("{day} at {time}").format(day=when, time=fmt.time(reminder.at))
    lines = [reminder.description, "", _("When: {when}").format(when=when)]
    if reminder.related_kind and reminder.related_id:
        model = _MODELS.get(reminder.related_kind)
        record = session.get(model, reminder.related_id) if model is not None else None
        name = _record_name(record) if record is not None else _("deleted since")
        lines.append(_("About: {kind} #{id} ({name})").format(kind=_(RELATED[reminder.related_kind]),
                                                             id=reminder.related_id, name=name))
    return "\n".join(lines)


def send_due_reminders(session: Session, *, now: datetime | None = None) -> int:
    """Queue the e-mails of reminders whose time has come (each once). Returns how many."""
    from homecrm.notify.staff import email_configured, queue_staff_email

    if not email_configured(session):
        return 0
    now = now or clock.now()
    count = 0
    pending = session.scalars(select(CalendarReminder).where(
        CalendarReminder.notified_at.is_(None), CalendarReminder.notify_email.is_(True),
        CalendarReminder.staff_id.is_not(None),
        CalendarReminder.start_date <= now.astimezone(ZoneInfo(_timezone(session))).date()))
    for reminder in pending:
        if fire_time(session, reminder) > now:
            continue
        staff = session.get(StaffUser, reminder.staff_id)
        if staff is not None and staff.active:
            queue_staff_email(session, kind="calendar_reminder", to=[staff.email],
                              subject=_("Reminder: {text}").format(text=reminder.description[:200]),
                              body=reminder_email_body(session, reminder))
            count += 1
        reminder.notified_at = now
    session.flush()
    return count
