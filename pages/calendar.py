"""Calendrier: what falls due (rent, leases, tasks, credit notes) and staff reminders; iCal export."""

from __future__ import annotations

from datetime import time, timedelta

import streamlit as st

from homecrm.billing.periods import Month
from homecrm.calendar.events import events_between, legend
from homecrm.calendar.ics import to_ics, uid_domain
from homecrm.calendar.reminders import RELATED, create_reminder, delete_reminder, is_past, send_due_reminders
from homecrm.i18n import _
from homecrm.settings import load_section
from homecrm.settings.sections import CalendarSettings
from homecrm.security.accounts import staff_names
from homecrm.ui import calendar as cal
from homecrm.ui.db import factory, read, writing
from homecrm.ui.feedback import flash, run_action, show_field_error, show_flashes
from homecrm.ui.formats import current_formats, today
from homecrm.ui.page import page_setup
from homecrm.ui.text import md
from homecrm.ui.widgets import date_format_of

actor = page_setup()
fmt = current_formats()
now = today()
st.title(_("Calendar"))
show_flashes()
settings = read(lambda s: load_section(s, CalendarSettings))

# Reminders whose time has come are e-mailed now too (cron does it when nobody has the page open).
try:
    from homecrm.notify.staff import deliver_queued

    with writing() as session:
        queued = send_due_reminders(session)
    if queued:
        deliver_queued(factory())
except Exception:  # noqa: BLE001 - a mail problem never breaks the calendar; failures are logged per message
    pass

# Events from six months back to a year ahead: a small landlord's year fits easily.
first = Month.of(now).shift(-6).first
last = Month.of(now).shift(12).last
events = read(lambda s: events_between(s, actor=actor, first=first, last=last, today=now))
by_uid = {e.uid: e for e in events}
st.markdown(cal.legend_html(read(legend)), unsafe_allow_html=True)

cols = st.columns([3, 1])
with cols[1]:
    st.download_button(_("Export (.ics)"), key="calendar.ics", icon=":material/event:", mime="text/calendar",
                       file_name="homecrm.ics", data=lambda: to_ics(events, name=_("Calendar"), domain=read(uid_domain)),
                       help=_("For a phone or computer calendar; importing it again updates the same events."))


@st.fragment
def calendar_view() -> None:
    value = cal.show(cal.to_component(events, fmt.timezone), settings, cal.initial_date(now), fmt.timezone)
    click = cal.read_click(value, fmt.timezone)
    if click is not None:
        st.session_state["calendar.click"] = click
        st.rerun()


calendar_view()

# what the last click asks for ---------------------------------------------------------------------
click = st.session_state.get("calendar.click")
PAGES = {"rent": "pages/receipts.py", "credit_note": "pages/credit_notes.py", "lease": "pages/leases.py",
         "task": "pages/tasks.py"}


def _open(kind: str, record_id: int) -> None:
    """Open the record's page with the record chosen."""
    state = {"rent": {"receipts.month": None, "receipts.document": record_id},
             "task": {"tasks.dialog": ("edit", record_id)}}.get(kind, {})
    for key, value in state.items():
        st.session_state[key] = value
    st.switch_page(PAGES[kind])


if click is not None and click.kind == "event":
    item = by_uid.get(click.event_id)
    if item is not None:
        with st.container(border=True):
            st.markdown(f"**{md(item.title)}**")
            when = fmt.date(item.start) if item.all_day else fmt.datetime(item.start)
            if item.all_day and item.end:
                when = f"{fmt.date(item.start)} – {fmt.date(item.end)}"
            st.caption(md(" · ".join(p for p in (when, item.detail) if p)))
            if item.flagged:
                st.warning(_("This reminder is in the past: it was not e-mailed."))
            bcols = st.columns(3)
            if item.kind in PAGES:
                bcols[0].button(_("Open"), key="calendar.open", type="primary", on_click=_open,
                                args=(item.kind, item.record_id))
            if item.kind == "reminder":
                bcols[1].button(_("Delete the reminder"), key="calendar.reminder.delete", on_click=run_action,
                                args=(lambda s: delete_reminder(s, actor=actor, reminder_id=item.record_id),),
                                kwargs={"success": _("Reminder deleted.")})
            bcols[2].button(_("Close"), key="calendar.close", on_click=lambda: st.session_state.pop("calendar.click"))

if click is not None and click.kind in ("day", "range"):
    FORM = "reminder-new"
    st.subheader(_("New reminder"))
    staff = read(staff_names)
    with st.form(FORM):
        st.text_input(_("Reminder text"), key=f"{FORM}.description", max_chars=500)
        show_field_error(FORM, "description")
        rcols = st.columns(4)
        rcols[0].date_input(_("From"), value=click.first, key=f"{FORM}.start_date", format=date_format_of(fmt))
        rcols[1].date_input(_("To"), value=click.last, key=f"{FORM}.end_date", format=date_format_of(fmt))
        all_day = click.moment is None
        rcols[2].checkbox(_("All day"), value=all_day, key=f"{FORM}.all_day")
        rcols[3].time_input(_("Time of day"), value=click.moment.time() if click.moment else time(9, 0), key=f"{FORM}.at_time",
                            step=timedelta(minutes=15))
        show_field_error(FORM, "end_date")
        rcols = st.columns(3)
        people = list(staff)
        rcols[0].selectbox(_("Remind"), people, index=people.index(actor.user_id) if actor.user_id in people else 0,
                           format_func=staff.get, key=f"{FORM}.staff_id")
        kinds = [None, *RELATED]
        rcols[1].selectbox(_("About"), kinds, key=f"{FORM}.related_kind",
                           format_func=lambda k: _(RELATED[k]) if k else _("Nothing in particular"))
        rcols[2].number_input(_("Record number"), min_value=1, step=1, value=None, key=f"{FORM}.related_id",
                              help=_("The number (#) shown on the record's page."))
        show_field_error(FORM, "related_id")
        st.checkbox(_("Send an e-mail at that time"), value=True, key=f"{FORM}.notify_email",
                    help=_("All-day reminders are sent at 08:00. Needs Settings > E-mail (SMTP)."))
        submitted = st.form_submit_button(_("Create the reminder"), type="primary")
    if submitted:
        state = st.session_state
        data = {name: state.get(f"{FORM}.{name}") for name in
                ("description", "start_date", "end_date", "all_day", "at_time", "staff_id", "related_kind",
                 "related_id", "notify_email")}
        if data["related_id"] is not None:
            data["related_id"] = int(data["related_id"])
        if data["related_kind"] is None:
            data["related_id"] = None
        def _create(s):
            reminder = create_reminder(s, actor=actor, data=data)
            return reminder.start_date, is_past(s, reminder)

        created = run_action(_create, form=FORM)
        if created is not None:
            day, past = created
            if past:
                flash("warning", _("Reminder created for {date}. It is in the past: it will not be e-mailed.").format(
                    date=fmt.date(day)))
            else:
                flash("success", _("Reminder created for {date}.").format(date=fmt.date(day)))
            st.session_state.pop("calendar.click", None)
        st.rerun()
    st.button(_("Cancel"), key="calendar.reminder.cancel", on_click=lambda: st.session_state.pop("calendar.click"))
