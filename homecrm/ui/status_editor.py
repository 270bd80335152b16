"""An editor for a list of statuses (board columns): name, colour, kind, order, add, delete."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from homecrm.i18n import _
from homecrm.security.principal import Principal
from homecrm.statuses import list_statuses, shift
from homecrm.ui.db import read
from homecrm.ui.feedback import confirm_button, run_action, show_field_error


def status_editor(actor: Principal, *, prefix: str, model, kinds: dict[str, str], save: Callable, delete: Callable,
                  title: str, caption: str, placeholder: str) -> None:
    """``save(session, actor=, name=, color=, kind=, status_id=)`` and ``delete(session, actor=, status_id=)``
    are the services of the list; ``kinds`` maps each kind to its (untranslated) label."""
    st.subheader(title)
    st.caption(caption)
    can = actor.can("settings", "edit")
    rows = read(lambda s: [(x.id, x.name, x.color, x.kind) for x in list_statuses(s, model)])

    def _save(form: str, status_id: int | None) -> None:
        values = {name: st.session_state.get(f"{form}.{name}") for name in ("name", "color", "kind")}
        done = run_action(lambda s: save(s, actor=actor, status_id=status_id, **values), success=_("Status saved."),
                          form=form)
        if done is not None and status_id is None:
            st.session_state[f"{prefix}-new.name"] = ""

    for index, (status_id, name, color, kind) in enumerate(rows):
        form = f"{prefix}-{status_id}"
        cols = st.columns([3, 1, 2, 1, 1, 1.4, 1.4])
        cols[0].text_input(_("Name"), value=name, key=f"{form}.name", label_visibility="collapsed")
        cols[1].color_picker(_("Colour"), value=color, key=f"{form}.color", label_visibility="collapsed")
        cols[2].selectbox(_("Kind"), list(kinds), index=list(kinds).index(kind), key=f"{form}.kind",
                          format_func=lambda k: _(kinds[k]), label_visibility="collapsed")
        for col, label, offset, disabled, hint in ((cols[3], "↑", -1, index == 0, _("Move up")),
                                                   (cols[4], "↓", 1, index == len(rows) - 1, _("Move down"))):
            col.button(label, key=f"{form}.{'up' if offset < 0 else 'down'}", disabled=not can or disabled, help=hint,
                       on_click=run_action,
                       args=(lambda s, i=status_id, o=offset: shift(s, actor=actor, model=model, item_id=i, offset=o),))
        cols[5].button(_("Save"), key=f"{form}.save", disabled=not can, on_click=_save, args=(form, status_id))
        with cols[6]:
            confirm_button(_("Delete"), key=f"{form}.delete", disabled=not can,
                           question=_("Delete the status {name}?").format(name=name),
                           action=lambda s, i=status_id: delete(s, actor=actor, status_id=i),
                           success=_("Status deleted."))
        show_field_error(form, "name")
        show_field_error(form, "color")
    with st.form(f"{prefix}-new", border=True):
        cols = st.columns([3, 1, 2])
        cols[0].text_input(_("New status"), key=f"{prefix}-new.name", placeholder=placeholder)
        cols[1].color_picker(_("Colour"), value="#5b8def", key=f"{prefix}-new.color")
        cols[2].selectbox(_("Kind"), list(kinds), key=f"{prefix}-new.kind", format_func=lambda k: _(kinds[k]))
        show_field_error(f"{prefix}-new", "name")
        st.form_submit_button(_("Add the status"), disabled=not can, on_click=_save, args=(f"{prefix}-new", None))
