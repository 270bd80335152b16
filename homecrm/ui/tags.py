"""Tag widgets shared by every list with tags: the filter and the editor of one record's tags."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select

from homecrm.crm.tags import ENTITY_MODULE, set_tags, tags_of
from homecrm.i18n import _
from homecrm.security.principal import Principal
from homecrm.store.models import Tag
from homecrm.ui.db import read
from homecrm.ui.feedback import run_action


def all_tags() -> list[str]:
    from homecrm.store.text import sort_key

    return read(lambda s: sorted(s.scalars(select(Tag.name)), key=sort_key))


def tag_filter(container, key: str) -> str | None:
    """A "Tag" select box (None: all)."""
    names = all_tags()
    if st.session_state.get(key) not in [None, *names]:
        st.session_state[key] = None
    return container.selectbox(_("Tag"), [None, *names], key=key, format_func=lambda t: t or _("All"))


def tags_editor(actor: Principal, entity: str, entity_id: int) -> None:
    """The record's tags: choose existing ones or type new ones, then save."""
    current = read(lambda s: tags_of(s, entity, [entity_id])[entity_id])
    key = f"tags.{entity}.{entity_id}"
    options = sorted({*all_tags(), *current}, key=str.casefold)
    cols = st.columns([5, 1])
    cols[0].multiselect(_("Tags"), options, default=current, key=key, accept_new_options=True,
                        placeholder=_("Choose or type a new tag"))

    def _save() -> None:
        names = list(st.session_state.get(key) or [])
        run_action(lambda s: set_tags(s, actor=actor, entity=entity, entity_id=entity_id, names=names),
                   success=_("Tags saved."))

    with cols[1]:
        st.write("")
        st.button(_("Save the tags"), key=f"{key}.save", on_click=_save,
                  disabled=not actor.can(ENTITY_MODULE[entity], "edit"))
