"""Mon compte: who I am and changing my password (required after an administrator's reset)."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.security.accounts import change_password
from homecrm.ui.auth import renew_session
from homecrm.ui.feedback import run_action, set_field_errors, show_field_error, show_flashes
from homecrm.ui.page import page_setup
from homecrm.ui.text import md

actor = page_setup()
st.title(_("My account"))
show_flashes()
st.markdown(f"{md(actor.name)} · {md(actor.email)}")
if actor.must_change_password:
    st.warning(_("Choose a new password to continue."))

FORM = "password-change"


def _change() -> None:
    state = st.session_state
    if state.get(f"{FORM}.new") != state.get(f"{FORM}.again"):
        set_field_errors(FORM, {"again": _("The two passwords differ.")})
        return
    if run_action(lambda s: change_password(s, actor=actor, current=state.get(f"{FORM}.current", ""),
                                            new=state.get(f"{FORM}.new", "")) or True,
                  success=_("Password changed."), form=FORM):
        renew_session()


with st.form(FORM, clear_on_submit=True):
    st.text_input(_("Current password"), type="password", key=f"{FORM}.current")
    show_field_error(FORM, "current")
    st.text_input(_("New password"), type="password", key=f"{FORM}.new", help=_("At least 10 characters."))
    show_field_error(FORM, "password")
    st.text_input(_("New password again"), type="password", key=f"{FORM}.again")
    show_field_error(FORM, "again")
    st.form_submit_button(_("Change the password"), type="primary", on_click=_change)
