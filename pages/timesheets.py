"""Feuilles de temps: time logged per task and staff member; billable time put on a draft document."""

from __future__ import annotations


import pandas as pd
import streamlit as st

from homecrm.billing.documents import issued_months
from homecrm.billing.periods import Month
from homecrm.i18n import _
from homecrm.security.accounts import staff_names
from homecrm.leasing.leases import list_leases
from homecrm.tasks.timesheets import bill_time_to_lease, hours_text, rows_for_lease, time_rows, totals
from homecrm.ui.db import read
from homecrm.ui.feedback import run_action, show_flashes
from homecrm.ui.formats import current_formats, today
from homecrm.ui.page import page_setup
from homecrm.ui.widgets import date_format_of

actor = page_setup("tasks")
fmt = current_formats()
now = today()
st.title(_("Timesheets"))
show_flashes()
staff = read(staff_names)

cols = st.columns([1, 1, 2, 2])
first = cols[0].date_input(_("From"), value=now.replace(day=1), key="time.from", format=date_format_of(fmt))
last = cols[1].date_input(_("To"), value=now, key="time.to", format=date_format_of(fmt))
user_id = cols[2].selectbox(_("Staff member"), [None, *staff], key="time.user",
                            format_func=lambda k: staff.get(k, _("All")))
billing = {None: _("All"), "open": _("Billable, not on a document"), "billed": _("On a document"),
           "free": _("Not billable")}
which = cols[3].selectbox(_("Show"), list(billing), format_func=billing.get, key="time.which")
flags = {None: {}, "open": {"billable": True, "invoiced": False}, "billed": {"invoiced": True},
         "free": {"billable": False}}[which]
if first is None or last is None or last < first:
    st.warning(_("The end date is before the start date: nothing to show."))
    st.stop()
rows = read(lambda s: time_rows(s, actor=actor, first=first, last=last, user_id=user_id, **flags))

total = sum(r.minutes for r in rows)
metrics = st.columns(3)
metrics[0].metric(_("Time logged"), hours_text(total))
metrics[1].metric(_("Billable"), hours_text(sum(r.minutes for r in rows if r.billable)))
metrics[2].metric(_("Not yet on a document"), hours_text(sum(r.minutes for r in rows if r.billable and not r.invoiced)))
if not rows:
    st.info(_("No time logged for these filters."))
    st.stop()

st.subheader(_("Per task and staff member"))
summary = totals(rows)
st.dataframe(pd.DataFrame({
    _("Task"): [task for task, _user in summary],
    _("Staff member"): [user for _task, user in summary],
    _("Time"): [hours_text(minutes) for minutes in summary.values()],
}), hide_index=True, width="stretch")

st.subheader(_("Entries"))
st.dataframe(pd.DataFrame({
    _("Date"): [fmt.date(r.day) for r in rows],
    _("Task"): [r.task for r in rows],
    _("Staff member"): [r.user for r in rows],
    _("Time"): [hours_text(r.minutes) for r in rows],
    _("Billable"): ["✓" if r.billable else "" for r in rows],
    _("On a document"): ["✓" if r.invoiced else "" for r in rows],
    _("Note"): [r.note for r in rows],
}), hide_index=True, width="stretch")

# billing -------------------------------------------------------------------------------------
open_rows = [r for r in rows if r.billable and not r.invoiced]
if not open_rows or not actor.can("documents", "edit"):
    st.stop()
st.subheader(_("Put billable time on a document"))
st.caption(_("One line per task (hours × rate) on the document of a commercial lease; a residential tenant "
             "cannot be charged fees on a rent document (loi 89-462, art. 4)."))
leases = read(lambda s: {row.id: f"{row.tenant} — {row.unit}" for row in list_leases(s, actor=actor, on=now)
                         if row.regime == "commercial"})
if not leases:
    st.info(_("No commercial lease: billable time can only be charged to a commercial tenant."))
    st.stop()
cols = st.columns(2)
lease_id = cols[0].selectbox(_("Commercial lease"), list(leases), format_func=leases.get, key="time.bill.lease")
months = [Month.of(now).shift(offset) for offset in range(0, 4)]
issued = read(lambda s: issued_months(s, lease_id=lease_id, months=months))
month = cols[1].selectbox(_("On the document of"), [m for m in months if m not in issued],
                          format_func=lambda m: fmt.month(m.first),
                          key="time.bill.month", help=_("Its draft is prepared now and issued with the month's documents."))
# Only the time of tasks about this lease, its tenant or its property may go on its document.
by_id = {r.id: r for r in read(lambda s: rows_for_lease(s, open_rows, lease_id))}
if not by_id:
    st.info(_("No billable time on a task about this lease, its tenant or its property."))
    st.stop()
entries = st.multiselect(_("Time to bill"), list(by_id), default=list(by_id), key=f"time.bill.entries.{lease_id}",
                         format_func=lambda i: f"{fmt.date(by_id[i].day)} · {by_id[i].task} · {by_id[i].user} · "
                                               f"{hours_text(by_id[i].minutes)}")
st.button(_("Add to the document"), key="time.bill", type="primary", disabled=not entries, on_click=run_action,
          args=(lambda s: bill_time_to_lease(s, actor=actor, lease_id=lease_id, month=month, entry_ids=list(entries)),),
          kwargs={"success": lambda ids: _("{count} line(s) added to the draft.").format(count=len(ids))})
