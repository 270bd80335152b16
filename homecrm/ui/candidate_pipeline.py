"""Editors of the board's statuses and of the sources, under Paramètres > Candidats."""

from __future__ import annotations

import streamlit as st

from homecrm.crm.candidate_pipeline import delete_source, delete_status, list_sources, save_source, save_status, shift
from homecrm.i18n import N_, _
from homecrm.security.principal import Principal
from homecrm.store.models import CandidateSource, CandidateStatus
from homecrm.ui.db import read
from homecrm.ui.feedback import confirm_button, run_action, show_field_error
from homecrm.ui.status_editor import status_editor

KINDS = {"open": N_("In progress"), "won": N_("Converted (won)"), "lost": N_("Lost")}


def statuses_editor(actor: Principal) -> None:
    status_editor(actor, prefix="status", model=CandidateStatus, kinds=KINDS, save=save_status, delete=delete_status,
                  title=_("Board statuses"),
                  caption=_("One column per status, in this order. \"Converted\" columns receive candidates turned "
                            "into tenants; \"lost\" columns ask for a reason."),
                  placeholder=_("e.g. Second visit"))


def sources_editor(actor: Principal) -> None:
    st.subheader(_("Sources"))
    st.caption(_("Where candidates come from; the analytics page compares them."))
    can = actor.can("settings", "edit")
    rows = read(lambda s: [(x.id, x.name) for x in list_sources(s)])
    for index, (source_id, name) in enumerate(rows):
        form = f"source-{source_id}"
        cols = st.columns([4, 1, 1, 1.4, 1.4])
        cols[0].text_input(_("Name"), value=name, key=f"{form}.name", label_visibility="collapsed")
        cols[1].button("↑", key=f"{form}.up", disabled=not can or index == 0, help=_("Move up"),
                       on_click=run_action, args=(lambda s, i=source_id: shift(s, actor=actor, model=CandidateSource,
                                                                              item_id=i, offset=-1),))
        cols[2].button("↓", key=f"{form}.down", disabled=not can or index == len(rows) - 1, help=_("Move down"),
                       on_click=run_action, args=(lambda s, i=source_id: shift(s, actor=actor, model=CandidateSource,
                                                                              item_id=i, offset=1),))
        cols[3].button(_("Save"), key=f"{form}.save", disabled=not can, on_click=_save_source,
                       args=(actor, form, source_id))
        with cols[4]:
            confirm_button(_("Delete"), key=f"{form}.delete", disabled=not can,
                           question=_("Delete the source {name}? Its candidates keep no source.").format(name=name),
                           action=lambda s, i=source_id: delete_source(s, actor=actor, source_id=i),
                           success=_("Source deleted; its candidates keep no source."))
        show_field_error(form, "name")
    with st.form("source-new", border=True):
        st.text_input(_("New source"), key="source-new.name", placeholder=_("e.g. Instagram"))
        show_field_error("source-new", "name")
        st.form_submit_button(_("Add the source"), disabled=not can, on_click=_save_source,
                              args=(actor, "source-new", None))


def _save_source(actor: Principal, form: str, source_id: int | None) -> None:
    name = st.session_state.get(f"{form}.name", "")
    done = run_action(lambda s: save_source(s, actor=actor, name=name, source_id=source_id),
                      success=_("Source saved."), form=form)
    if done is not None and source_id is None:
        st.session_state["source-new.name"] = ""
