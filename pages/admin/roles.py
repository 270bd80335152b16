"""Rôles et départements: what each role may do in each module (administrators)."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.security.accounts import delete_department, department_usage, delete_role, list_departments, list_roles, save_department, save_role
from homecrm.security.principal import MODULES, RIGHTS
from homecrm.ui.db import read, reading
from homecrm.ui.feedback import confirm_button, run_action, show_field_error, show_flashes
from homecrm.ui.page import page_setup
from homecrm.ui.text import md

actor = page_setup(admin=True)
st.title(_("Roles & departments"))
show_flashes()

with reading() as session:
    roles = [(r.id, r.name, r.description, {(p.module, p.right) for p in r.permissions}) for r in list_roles(session)]
    departments = [(d.id, d.name, d.email) for d in list_departments(session)]

tab_roles, tab_departments = st.tabs([_("Roles"), _("Departments")], key="roles.tabs")

with tab_roles:
    st.caption(_("Administrators have every right. \"View (own)\" shows only the records a person created or is the agent of."))
    options = {None: _("New role"), **{r[0]: r[1] for r in roles}}
    chosen = st.selectbox(_("Role"), list(options), format_func=options.get, key="roles.selected")
    role = next((r for r in roles if r[0] == chosen), (None, "", "", set()))
    form = f"role-{chosen or 'new'}"

    def _save() -> None:
        state = st.session_state
        permissions = {(m, r) for m in MODULES for r in RIGHTS if state.get(f"{form}.{m}.{r}")}
        run_action(lambda s: save_role(s, actor=actor, role_id=chosen, name=state.get(f"{form}.name", ""),
                                       description=state.get(f"{form}.description", ""), permissions=permissions),
                   success=_("Role saved."), form=form)

    with st.form(form):
        st.text_input(_("Name"), value=role[1], key=f"{form}.name")
        show_field_error(form, "name")
        st.text_input(_("Description"), value=role[2], key=f"{form}.description")
        header = st.columns([2, *[1] * len(RIGHTS)])
        header[0].markdown("**" + _("Module") + "**")
        for col, right in zip(header[1:], RIGHTS):
            col.markdown("**" + _(RIGHTS[right]) + "**")
        for module, label in MODULES.items():
            row = st.columns([2, *[1] * len(RIGHTS)])
            row[0].write(_(label))
            for col, right in zip(row[1:], RIGHTS):
                col.checkbox(f"{module}.{right}", value=(module, right) in role[3], key=f"{form}.{module}.{right}",
                             label_visibility="collapsed")
        st.form_submit_button(_("Save the role"), type="primary", on_click=_save)
    if chosen is not None:
        st.button(_("Delete this role"), key=f"{form}.delete", on_click=run_action,
                  args=(lambda s: delete_role(s, actor=actor, role_id=chosen),), kwargs={"success": _("Role deleted.")})

with tab_departments:
    for dep_id, name, email in departments:
        cols = st.columns([3, 3, 1])
        cols[0].markdown(md(name))
        cols[1].markdown(md(email or "—"))
        members, tickets = read(lambda s, d=dep_id: department_usage(s, d))
        with cols[2]:
            confirm_button(_("Delete"), key=f"department.delete.{dep_id}",
                           question=_("Delete the department {name}? {members} staff member(s) lose it (and the tickets "
                                      "it let them see); {tickets} ticket(s) are left without a department.").format(
                               name=name, members=len(members), tickets=tickets),
                           action=lambda s, d=dep_id: delete_department(s, actor=actor, department_id=d),
                           success=_("Department deleted."))

    def _new_department() -> None:
        state = st.session_state
        run_action(lambda s: save_department(s, actor=actor, name=state.get("department-new.name", ""),
                                             email=state.get("department-new.email", "")),
                   success=_("Department created."), form="department-new")

    with st.form("department-new", clear_on_submit=True):
        cols = st.columns(2)
        cols[0].text_input(_("Name"), key="department-new.name")
        cols[1].text_input(_("E-mail"), key="department-new.email")
        show_field_error("department-new", "name")
        show_field_error("department-new", "email")
        st.form_submit_button(_("Add the department"), on_click=_new_department)
