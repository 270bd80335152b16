"""Biens & baux: properties with their units, and the leases that let them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from homecrm import clock
from homecrm.crm.customers import list_customers
from homecrm.i18n import _
from homecrm.leasing.leases import REGIMES, create_lease, delete_lease, get_lease, list_leases, update_lease
from homecrm.leasing.properties import (
    UNIT_KINDS,
    add_unit,
    create_property,
    delete_unit,
    list_properties,
    update_property,
    update_unit,
)
from homecrm.settings import load_section
from homecrm.settings.choices import choices_for
from homecrm.settings.sections import FinanceSettings
from homecrm.ui.db import read, reading
from homecrm.errors import version_of
from homecrm.ui.feedback import field_errors, run_action, show_field_error, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.choice import keep_choice
from homecrm.ui.page import page_setup
from homecrm.ui.text import md
from homecrm.ui.widgets import date_format_of

actor = page_setup("leases")
fmt = current_formats()
today = clock.today(fmt.timezone)
st.title(_("Properties & leases"))
show_flashes()

with reading() as session:
    tenants = {r.id: r.name for r in list_customers(session, actor=actor, active=True)} if actor.can("tenants", "view_own") else {}
    units = {u.id: u.label for p in list_properties(session, actor=actor) for u in p.units}
    taxes, _unused = choices_for(session, "taxes")
    default_tax = load_section(session, FinanceSettings).default_tax

LEASE_FIELDS = ("customer_id", "unit_id", "start_date", "end_date", "rent", "charges", "deposit", "due_day",
                "currency", "regime", "furnished", "vat_option", "tax_id", "notes")


def lease_fields(form: str, values: dict) -> None:
    def key(name: str) -> str:
        return f"{form}.{name}"

    tenant_ids, unit_ids = list(tenants), list(units)
    cols = st.columns(2)
    cols[0].selectbox(_("Tenant") + " *", tenant_ids, format_func=tenants.get, key=key("customer_id"),
                      index=tenant_ids.index(values["customer_id"]) if values.get("customer_id") in tenant_ids else 0)
    cols[1].selectbox(_("Unit") + " *", unit_ids, format_func=units.get, key=key("unit_id"),
                      index=unit_ids.index(values["unit_id"]) if values.get("unit_id") in unit_ids else 0)
    show_field_error(form, "customer_id")
    show_field_error(form, "unit_id")
    cols = st.columns(3)
    cols[0].date_input(_("Start date") + " *", value=values.get("start_date", today), key=key("start_date"),
                       format=date_format_of(fmt), min_value=date(1990, 1, 1))
    cols[1].date_input(_("End date"), value=values.get("end_date"), key=key("end_date"), format=date_format_of(fmt),
                       min_value=date(1990, 1, 1), help=_("Leave empty for an open-ended lease."))
    cols[2].number_input(_("Due day of the month"), 1, 31, value=values.get("due_day", 5), key=key("due_day"))
    show_field_error(form, "start_date")
    show_field_error(form, "end_date")
    cols = st.columns(3)
    cols[0].text_input(_("Rent excluding charges") + " *", value=fmt.editable(values["rent"]) if "rent" in values else "",
                       key=key("rent"), placeholder="650,00")
    cols[1].text_input(_("Monthly charges provision"), value=fmt.editable(values.get("charges", 0)), key=key("charges"))
    cols[2].text_input(_("Security deposit"), value=fmt.editable(values.get("deposit", 0)), key=key("deposit"))
    for name in ("rent", "charges", "deposit"):
        show_field_error(form, name)
    cols = st.columns(4)
    regimes = list(REGIMES)
    cols[0].selectbox(_("Regime"), regimes, index=regimes.index(values.get("regime", "residential")),
                      format_func=lambda r: _(REGIMES[r]), key=key("regime"))
    cols[1].checkbox(_("Furnished"), value=values.get("furnished", False), key=key("furnished"))
    cols[2].checkbox(_("VAT option"), value=values.get("vat_option", False), key=key("vat_option"),
                     help=_("Commercial leases only: rent and charges then carry VAT."))
    tax_ids = list(taxes)
    current_tax = values.get("tax_id", None)
    cols[3].selectbox(_("Tax"), tax_ids, index=tax_ids.index(current_tax) if current_tax in tax_ids else 0,
                      format_func=taxes.get, key=key("tax_id"),
                      help=_("Empty: the default tax of Settings > Billing."))
    show_field_error(form, "vat_option")
    show_field_error(form, "tax_id")
    st.text_input(_("Currency"), value=values.get("currency", "EUR"), key=key("currency"), max_chars=3)
    show_field_error(form, "currency")
    st.text_area(_("Notes"), value=values.get("notes", ""), key=key("notes"))


def collect(form: str) -> dict:
    return {name: st.session_state.get(f"{form}.{name}") for name in LEASE_FIELDS}


def clear(form: str) -> None:
    for name in LEASE_FIELDS:
        st.session_state.pop(f"{form}.{name}", None)


tab_leases, tab_properties = st.tabs([_("Leases"), _("Properties")], key="leases.tabs")

with tab_leases:
    rows = read(lambda s: list_leases(s, actor=actor, on=today))
    if rows:
        st.dataframe(
            pd.DataFrame(
                {
                    _("Tenant"): [r.tenant for r in rows],
                    _("Unit"): [r.unit for r in rows],
                    _("Start"): [fmt.date(r.start_date) for r in rows],
                    _("End"): [fmt.date(r.end_date) for r in rows],
                    _("Rent"): [fmt.money(r.rent, r.currency) for r in rows],
                    _("Charges"): [fmt.money(r.charges, r.currency) for r in rows],
                    _("Regime"): [_(REGIMES[r.regime]) for r in rows],
                    _("Active"): [r.active for r in rows],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if not tenants or not units:
        st.info(_("Create a tenant and a property with a unit first."))
    elif actor.can("leases", "create"):
        with st.expander(_("New lease"), icon=":material/add_home:", expanded=bool(field_errors("lease-new"))):
            def _create() -> None:
                data = collect("lease-new")
                if run_action(lambda s: create_lease(s, actor=actor, data=data), success=_("Lease created."), form="lease-new"):
                    clear("lease-new")

            with st.form("lease-new"):
                lease_fields("lease-new", {"tax_id": default_tax})
                st.form_submit_button(_("Create the lease"), type="primary", on_click=_create)

    if rows:
        labels = {r.id: f"{r.tenant} — {r.unit}" for r in rows}
        keep_choice("leases.selected", list(labels))
        selected = st.selectbox(_("Lease"), list(labels), format_func=labels.get, key="leases.selected")
        if selected in labels:
            with reading() as session:
                lease = get_lease(session, selected, actor=actor)
                values = {name: getattr(lease, name) for name in LEASE_FIELDS}
                version = version_of(lease)
                # The lease's own tenant and unit stay choosable even if inactive or hidden.
                tenants.setdefault(lease.customer_id, lease.customer.display_name)
                units.setdefault(lease.unit_id, lease.unit.label)
            form = f"lease-{selected}"

            def _update() -> None:
                data = collect(form)
                if run_action(lambda s: update_lease(s, actor=actor, lease_id=selected, data=data,
                                                     expected_version=version),
                              success=_("Lease saved."), form=form):
                    clear(form)

            with st.form(form):
                lease_fields(form, values)
                st.form_submit_button(_("Save the lease"), type="primary", on_click=_update,
                                      disabled=not actor.can("leases", "edit"))
            st.button(_("Delete this lease"), key=f"lease-delete-{selected}", on_click=run_action,
                      disabled=not actor.can("leases", "delete"),
                      args=(lambda s: delete_lease(s, actor=actor, lease_id=selected),), kwargs={"success": _("Lease deleted.")},
                      help=_("Only a lease without rent documents can be deleted; set an end date otherwise."))

with tab_properties:
    props = read(lambda s: [(p.id, p.name, p.address, p.zip_code, p.city,
                             [(u.id, u.name, u.kind, u.surface, u.floor) for u in p.units]) for p in list_properties(s, actor=actor)])
    for pid, name, address, zip_code, city, prop_units in props:
        with st.container(border=True):
            st.markdown(f"**{md(name)}** — {md(address)} {md(zip_code)} {md(city)}")
            for uid, uname, ukind, surface, _floor in prop_units:
                cols = st.columns([4, 1])
                area = f" · {fmt.number(surface)} m²" if surface is not None else ""
                cols[0].markdown(f"{md(uname)} · {_(UNIT_KINDS[ukind])}{area}")
                cols[1].button(_("Delete"), key=f"unit-delete-{uid}", on_click=run_action,
                               disabled=not actor.can("leases", "delete"),
                               args=(lambda s, u=uid: delete_unit(s, actor=actor, unit_id=u),),
                               kwargs={"success": _("Unit deleted.")})

    def _team_editor(property_id: int) -> None:
        """The property's team: staff members who see its tasks (Paramètres > Tâches)."""
        from homecrm.security.accounts import staff_names
        from homecrm.tasks.tasks import property_team, set_property_team

        names = read(staff_names)
        key = f"property-team-{property_id}"
        current = [i for i in read(lambda s: property_team(s, property_id)) if i in names]
        st.multiselect(_("Team (sees the property's tasks)"), list(names), default=current, format_func=names.get,
                       key=key, placeholder=_("Nobody"))
        st.button(_("Save the team"), key=f"{key}.save", disabled=not actor.can("leases", "edit"), on_click=run_action,
                  args=(lambda s: set_property_team(s, actor=actor, property_id=property_id,
                                                    user_ids=list(st.session_state.get(key) or [])),),
                  kwargs={"success": _("Team saved.")})

    def _new_property() -> None:
        state = st.session_state
        data = {k: state[f"property-new.{k}"] for k in ("name", "address", "zip_code", "city")}
        run_action(lambda s: create_property(s, actor=actor, data=data), success=_("Property created."),
                   form="property-new")

    with st.form("property-new", clear_on_submit=True):
        st.markdown("**" + _("New property") + "**")
        st.text_input(_("Name") + " *", key="property-new.name")
        show_field_error("property-new", "name")
        st.text_input(_("Address"), key="property-new.address")
        cols = st.columns(2)
        cols[0].text_input(_("Postcode"), key="property-new.zip_code")
        cols[1].text_input(_("City"), key="property-new.city")
        st.form_submit_button(_("Create the property"), on_click=_new_property, disabled=not actor.can("leases", "create"))

    if props:
        with st.expander(_("Edit a property or a unit"), icon=":material/edit:"):
            unit_labels = {uid: f"{pname} – {uname}" for pid, pname, _a, _z, _c, prop_units in props
                           for uid, uname, _k, _s, _f in prop_units}
            prop_labels = {p[0]: p[1] for p in props}
            keep_choice("unit-edit.selected", list(unit_labels))
            chosen_unit = st.selectbox(_("Unit"), list(unit_labels), format_func=unit_labels.get, key="unit-edit.selected")
            unit_values = next((u for p in props for u in p[5] if u[0] == chosen_unit), None)
            if unit_values is not None:
                uform = f"unit-edit-{chosen_unit}"

                def _save_unit(unit_id: int = chosen_unit) -> None:
                    state = st.session_state
                    data = {k: state.get(f"{uform}.{k}") for k in ("name", "kind", "surface", "floor")}
                    data["surface"] = data["surface"] or None
                    run_action(lambda s: update_unit(s, actor=actor, unit_id=unit_id, data=data),
                               success=_("Unit saved."), form=uform)

                with st.form(uform):
                    cols = st.columns(3)
                    cols[0].text_input(_("Name") + " *", value=unit_values[1], key=f"{uform}.name")
                    kinds = list(UNIT_KINDS)
                    cols[1].selectbox(_("Kind"), kinds, index=kinds.index(unit_values[2]),
                                      format_func=lambda k: _(UNIT_KINDS[k]), key=f"{uform}.kind")
                    cols[2].text_input(_("Surface (m²)"), value=fmt.editable(unit_values[3]) if unit_values[3] is not None else "",
                                       key=f"{uform}.surface")
                    st.text_input(_("Floor"), value=unit_values[4], key=f"{uform}.floor")
                    show_field_error(uform, "name")
                    show_field_error(uform, "surface")
                    st.form_submit_button(_("Save the unit"), on_click=_save_unit, disabled=not actor.can("leases", "edit"))
            keep_choice("property-edit.selected", list(prop_labels))
            chosen_prop = st.selectbox(_("Property"), list(prop_labels), format_func=prop_labels.get,
                                       key="property-edit.selected")
            prop_values = next((p for p in props if p[0] == chosen_prop), None)
            if prop_values is not None:
                pform = f"property-edit-{chosen_prop}"

                def _save_property(property_id: int = chosen_prop) -> None:
                    state = st.session_state
                    data = {k: state.get(f"{pform}.{k}") for k in ("name", "address", "zip_code", "city")}
                    run_action(lambda s: update_property(s, actor=actor, property_id=property_id, data=data),
                               success=_("Property saved."), form=pform)

                with st.form(pform):
                    st.text_input(_("Name") + " *", value=prop_values[1], key=f"{pform}.name")
                    show_field_error(pform, "name")
                    st.text_input(_("Address"), value=prop_values[2], key=f"{pform}.address")
                    cols = st.columns(2)
                    cols[0].text_input(_("Postcode"), value=prop_values[3], key=f"{pform}.zip_code")
                    cols[1].text_input(_("City"), value=prop_values[4], key=f"{pform}.city")
                    st.form_submit_button(_("Save the property"), on_click=_save_property,
                                          disabled=not actor.can("leases", "edit"))
                _team_editor(chosen_prop)

        def _new_unit() -> None:
            state = st.session_state
            data = {k: state[f"unit-new.{k}"] for k in ("name", "kind", "surface", "floor")}
            if not data["surface"]:
                data["surface"] = None
            run_action(lambda s: add_unit(s, actor=actor, property_id=state["unit-new.property"], data=data),
                       success=_("Unit added."), form="unit-new")

        with st.form("unit-new", clear_on_submit=True):
            st.markdown("**" + _("New unit") + "**")
            names = {p[0]: p[1] for p in props}
            st.selectbox(_("Property"), list(names), format_func=names.get, key="unit-new.property")
            cols = st.columns(4)
            cols[0].text_input(_("Name") + " *", key="unit-new.name", placeholder=_("Apt 3B"))
            cols[1].selectbox(_("Kind"), list(UNIT_KINDS), format_func=lambda k: _(UNIT_KINDS[k]), key="unit-new.kind")
            cols[2].text_input(_("Surface (m²)"), key="unit-new.surface")
            cols[3].text_input(_("Floor"), key="unit-new.floor")
            show_field_error("unit-new", "name")
            show_field_error("unit-new", "surface")
            st.form_submit_button(_("Add the unit"), on_click=_new_unit, disabled=not actor.can("leases", "create"))
