"""Relances: what the reminder engine will send in the next 7 days, what it sent, what failed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm.i18n import _
from homecrm.notify.messages import message_history
from homecrm.notify.reminders import KINDS, run_reminders, upcoming
from homecrm.ui.db import factory, read
from homecrm.ui.feedback import flash, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.page import page_setup

actor = page_setup("documents", "view")
fmt = current_formats()
st.title(_("Reminders"))
st.caption(_("The engine runs from cron (see README): homecrm reminders run. Each message is sent once; nothing is "
             "sent during quiet hours."))
show_flashes()


def _send_now() -> None:
    from homecrm.errors import HomecrmError
    from homecrm.ui.auth import session_still_valid

    if not session_still_valid():
        return
    try:
        report = run_reminders(factory(), actor=actor)
    except HomecrmError as exc:
        flash("error", str(exc))
        return
    flash("success", _("{sent} sent, {failed} failed, {already} already sent before.").format(
        sent=len(report.sent), failed=len(report.failed), already=report.already))
    for item, error in report.failed:
        flash("error", f"{item.tenant} ({item.channel}) : {error}")


st.button(_("Send what is due now"), type="primary", key="reminders.send", on_click=_send_now,
          disabled=not actor.can("documents", "create"), icon=":material/send:")

CHANNELS = {"email": _("E-mail"), "sms": "SMS"}
tab_queue, tab_sent, tab_failed = st.tabs([_("Next 7 days"), _("Sent"), _("Failures")], key="reminders.tabs")
with tab_queue:
    queue = upcoming(factory(), actor=actor, days=7)
    if not queue:
        st.caption(_("Nothing planned for the next 7 days."))
    else:
        st.dataframe(pd.DataFrame({
            _("Day"): [fmt.date(day) for day, _p in queue],
            _("Reminder"): [_(KINDS[p.kind]) for _d, p in queue],
            _("Channel"): [CHANNELS[p.channel] for _d, p in queue],
            _("Tenant"): [p.tenant for _d, p in queue],
            _("Recipient"): [p.recipient for _d, p in queue],
            _("Status"): [_("skipped: {reason}").format(reason=p.skip) if p.skip else _("to send") for _d, p in queue],
        }), hide_index=True, width="stretch")

for tab, status in ((tab_sent, "sent"), (tab_failed, "failed")):
    with tab:
        rows = read(lambda s, st_=status: message_history(s, actor=actor, status=st_, limit=300))
        if not rows:
            st.caption(_("Nothing yet."))
            continue
        st.dataframe(pd.DataFrame({
            _("When"): [fmt.datetime(r.at) for r in rows],
            _("Type"): [_(KINDS[r.kind]) if r.kind in KINDS else r.kind for r in rows],
            _("Channel"): [CHANNELS[r.channel] for r in rows],
            _("Recipient"): [r.recipient for r in rows],
            _("Subject / text"): [r.subject for r in rows],
            _("Result"): [r.result or r.provider_id for r in rows],
        }), hide_index=True, width="stretch")
