"""Comptes du personnel: create staff, set roles and departments, reset passwords (administrators)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm.i18n import _
from homecrm.security.accounts import create_user, list_departments, list_roles, list_users, reset_password, update_user
from homecrm.ui.db import reading
from homecrm.ui.feedback import run_action, show_field_error, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.choice import keep_choice
from homecrm.ui.page import page_setup

actor = page_setup(admin=True)
fmt = current_formats()
st.title(_("Staff accounts"))
show_flashes()

with reading() as session:
    users = [(u.id, u.name, u.email, u.is_admin, u.active, u.role_id, [d.id for d in u.departments], u.last_login_at)
             for u in list_users(session)]
    roles = {r.id: r.name for r in list_roles(session)}
    departments = {d.id: d.name for d in list_departments(session)}

st.dataframe(
    pd.DataFrame(
        {
            _("Name"): [u[1] for u in users],
            _("E-mail"): [u[2] for u in users],
            _("Role"): [_("Administrator") if u[3] else roles.get(u[5], "—") for u in users],
            _("Departments"): [", ".join(departments[d] for d in u[6]) for u in users],
            _("Active"): [u[4] for u in users],
            _("Last sign-in"): [fmt.datetime(u[7]) for u in users],
        }
    ),
    hide_index=True,
    width="stretch",
)


def user_fields(form: str, values: dict) -> None:
    st.text_input(_("Name"), value=values.get("name", ""), key=f"{form}.name")
    show_field_error(form, "name")
    st.text_input(_("E-mail"), value=values.get("email", ""), key=f"{form}.email")
    show_field_error(form, "email")
    role_ids = [None, *roles]
    st.selectbox(_("Role"), role_ids, index=role_ids.index(values.get("role_id")) if values.get("role_id") in role_ids else 0,
                 format_func=lambda r: roles.get(r, "—"), key=f"{form}.role_id")
    st.multiselect(_("Departments"), list(departments), default=values.get("department_ids", []),
                   format_func=departments.get, key=f"{form}.department_ids")
    cols = st.columns(2)
    cols[0].checkbox(_("Administrator"), value=values.get("is_admin", False), key=f"{form}.is_admin",
                     help=_("Administrators have every right, including settings and accounts."))
    cols[1].checkbox(_("Active"), value=values.get("active", True), key=f"{form}.active")
    show_field_error(form, "is_admin")


def collect(form: str) -> dict:
    keys = ("name", "email", "role_id", "department_ids", "is_admin", "active")
    return {k: st.session_state.get(f"{form}.{k}") for k in keys}


with st.expander(_("New staff account"), icon=":material/person_add:"):
    # A refused account keeps what was typed; a created one gives a new, empty form (a new key:
    # clearing the widgets' values would not empty what the browser shows in a password field).
    new_form = f"user-new-{st.session_state.get('users.new_form', 0)}"

    def _create(form: str = new_form) -> None:
        data = collect(form)
        password = st.session_state.get(f"{form}.password", "")
        if run_action(lambda s: create_user(s, actor=actor, data=data, password=password),
                      success=_("Account created: the person must change the password at first sign-in."),
                      form=form) is not None:
            st.session_state["users.new_form"] = st.session_state.get("users.new_form", 0) + 1

    with st.form(new_form):
        user_fields(new_form, {})
        st.text_input(_("Temporary password"), type="password", key=f"{new_form}.password",
                      help=_("At least 10 characters."))
        show_field_error(new_form, "password")
        st.form_submit_button(_("Create the account"), type="primary", on_click=_create)

if users:
    names = {u[0]: f"{u[1]} <{u[2]}>" for u in users}
    keep_choice("users.selected", list(names))
    selected = st.selectbox(_("Account"), list(names), format_func=names.get, key="users.selected")
    if selected in names:
        current = next(u for u in users if u[0] == selected)
        form = f"user-{selected}"
        values = {"name": current[1], "email": current[2], "is_admin": current[3], "active": current[4],
                  "role_id": current[5], "department_ids": current[6]}

        def _update() -> None:
            data = collect(form)
            run_action(lambda s: update_user(s, actor=actor, user_id=selected, data=data), success=_("Account saved."),
                       form=form)

        with st.form(form):
            user_fields(form, values)
            st.form_submit_button(_("Save the account"), type="primary", on_click=_update)

        def _reset() -> None:
            password = st.session_state.get(f"{form}.new_password", "")
            run_action(lambda s: reset_password(s, actor=actor, user_id=selected, new_password=password),
                       success=_("Password reset: give it to the person, who must change it at next sign-in."),
                       form=f"{form}-reset")

        with st.form(f"{form}-reset", clear_on_submit=True):
            st.text_input(_("New temporary password"), type="password", key=f"{form}.new_password")
            show_field_error(f"{form}-reset", "password")
            st.form_submit_button(_("Reset the password"), on_click=_reset)
