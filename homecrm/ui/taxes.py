"""Tax rates editor shown under Paramètres > Facturation."""

from __future__ import annotations

import streamlit as st

from homecrm.billing.taxes import create_tax, delete_tax, list_taxes
from homecrm.i18n import _
from homecrm.render.formatting import Formats
from homecrm.security.principal import Principal
from homecrm.ui.db import reading
from homecrm.ui.feedback import run_action, show_field_error
from homecrm.ui.text import md

FORM = "tax-new"


def _add(actor: Principal) -> None:
    data = {"name": st.session_state["tax.name"], "rate": st.session_state["tax.rate"]}
    if run_action(lambda s: create_tax(s, actor=actor, data=data), success=_("Tax added."), form=FORM):
        st.session_state["tax.name"] = ""
        st.session_state["tax.rate"] = ""


def taxes_editor(actor: Principal) -> None:
    st.subheader(_("Tax rates"))
    st.caption(_("Residential rent is exempt from VAT; taxes apply to commercial leases with the VAT option."))
    fmt = Formats()
    with reading() as session:
        taxes = [(t.id, t.name, t.rate) for t in list_taxes(session)]
    for tax_id, name, rate in taxes:
        cols = st.columns([4, 1])
        cols[0].markdown(f"{md(name)} — {fmt.percent(rate)}")
        cols[1].button(
            _("Delete"),
            key=f"tax.delete.{tax_id}",
            on_click=run_action,
            args=(lambda s, i=tax_id: delete_tax(s, actor=actor, tax_id=i),),
            kwargs={"success": _("Tax deleted.")},
            disabled=not actor.can("settings", "edit"),
        )
    with st.form(FORM, clear_on_submit=False):
        cols = st.columns(2)
        cols[0].text_input(_("Tax name"), key="tax.name", placeholder="TVA")
        cols[1].text_input(_("Rate (%)"), key="tax.rate", placeholder="20")
        show_field_error(FORM, "name")
        show_field_error(FORM, "rate")
        st.form_submit_button(_("Add tax"), on_click=_add, args=(actor,), disabled=not actor.can("settings", "edit"))
