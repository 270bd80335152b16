"""Paramètres > Tags: one vocabulary for candidates, tenants and rent documents (usage counts,
create, rename, merge, delete)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm.crm.tags import ENTITIES, create_tag, delete_tag, list_tags, merge_tags, rename_tag, set_color
from homecrm.i18n import _
from homecrm.ui.cards import chip
from homecrm.ui.choice import keep_choice
from homecrm.ui.db import read
from homecrm.ui.feedback import confirm_button, run_action, show_field_error, show_flashes
from homecrm.ui.page import page_setup
from homecrm.ui.text import md

actor = page_setup("settings", "view")
st.title(_("Tags"))
st.caption(_("Keywords to classify candidates, tenants and rent documents; every list with tags filters by them. "
             "Tags typed in a form are created on the fly."))
show_flashes()
can = actor.can("settings", "edit")
tags = read(list_tags)

if tags:
    st.markdown("".join(chip(t.name, t.color) for t in tags), unsafe_allow_html=True)
    st.dataframe(pd.DataFrame({
        _("Tag"): [t.name for t in tags],
        **{_(label): [t.usage.get(entity, 0) for t in tags] for entity, label in ENTITIES.items()
           if any(t.usage.get(entity) for t in tags) or entity in ("candidate", "tenant", "document")},
        _("Total"): [t.total for t in tags],
    }), hide_index=True, width="stretch")
else:
    st.info(_("No tag yet."))


def _create() -> None:
    name, color = st.session_state["tag-new.name"], st.session_state["tag-new.color"]
    if run_action(lambda s: create_tag(s, actor=actor, name=name, color=color), success=_("Tag created."),
                  form="tag-new"):
        st.session_state["tag-new.name"] = ""


with st.form("tag-new"):
    cols = st.columns([4, 1])
    cols[0].text_input(_("New tag"), key="tag-new.name", placeholder=_("e.g. Urgent, VIP, To call back"))
    cols[1].color_picker(_("Colour"), value="#5b6b7b", key="tag-new.color")
    show_field_error("tag-new", "name")
    st.form_submit_button(_("Create the tag"), on_click=_create, disabled=not can)

if not tags:
    st.stop()
st.subheader(_("Rename, merge or delete"))
names = {t.id: t.name for t in tags}
keep_choice("tags.chosen", list(names))
tag_id = st.selectbox(_("Tag"), list(names), format_func=lambda i: f"{names[i]} ({next(t.total for t in tags if t.id == i)})",
                      key="tags.chosen")
current = next(t for t in tags if t.id == tag_id)


def _rename() -> None:
    name = st.session_state[f"tag-{tag_id}.name"]
    run_action(lambda s: rename_tag(s, actor=actor, tag_id=tag_id, name=name), success=_("Tag renamed."),
               form=f"tag-{tag_id}")


def _recolor() -> None:
    color = st.session_state[f"tag-{tag_id}.color"]
    run_action(lambda s: set_color(s, actor=actor, tag_id=tag_id, color=color), success=_("Colour saved."))


cols = st.columns(3)
with cols[0]:
    st.text_input(_("New name"), value=current.name, key=f"tag-{tag_id}.name")
    show_field_error(f"tag-{tag_id}", "name")
    st.button(_("Rename"), key=f"tag-{tag_id}.rename", on_click=_rename, disabled=not can)
    st.color_picker(_("Colour"), value=current.color, key=f"tag-{tag_id}.color", on_change=_recolor, disabled=not can)
with cols[1]:
    others = [i for i in names if i != tag_id]
    keep_choice(f"tag-{tag_id}.target", others)
    target = st.selectbox(_("Merge into"), others, format_func=names.get, key=f"tag-{tag_id}.target",
                          help=_("Every record tagged with this tag gets the other one instead; this tag disappears."))
    if target is not None:
        confirm_button(_("Merge"), key=f"tag-{tag_id}.merge", disabled=not can,
                       question=_("Merge {source} into {target}? This cannot be undone.").format(
                           source=current.name, target=names[target]),
                       action=lambda s: merge_tags(s, actor=actor, source_id=tag_id, target_id=target),
                       success=_("Tags merged."))
with cols[2]:
    st.write(md(_("Used {count} times.").format(count=current.total)))
    confirm_button(_("Delete"), key=f"tag-{tag_id}.delete", disabled=not can,
                   question=_("Delete {name}? It is removed from {count} records.").format(
                       name=current.name, count=current.total),
                   action=lambda s: delete_tag(s, actor=actor, tag_id=tag_id), success=_("Tag deleted."))
