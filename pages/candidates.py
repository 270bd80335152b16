"""Candidats: the pipeline board (move cards between statuses, drag and drop), the list and its export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm.crm.candidate_board import board, board_choices, cards_csv, count_candidates, list_candidates
from homecrm.crm.candidates import move_candidate
from homecrm.i18n import _
from homecrm.settings import load_section
from homecrm.settings.sections import CandidateSettings
from homecrm.ui.candidates import DIALOG_KEY, card_text, convert, open_dialog, show_dialog
from homecrm.ui.db import read
from homecrm.ui.feedback import run_action, show_flashes
from homecrm.ui.formats import current_formats, today
from homecrm.ui.page import page_setup
from homecrm.ui.widgets import column_header

actor = page_setup("candidates")
fmt = current_formats()
now = today()
st.title(_("Candidates"))
show_flashes(unless_open=DIALOG_KEY)
choices = read(board_choices)
settings = read(lambda s: load_section(s, CandidateSettings))
LIMITS = "candidates.limits"
ALL = None

# filters and view ---------------------------------------------------------------------------
top = st.columns([3, 2, 2, 2, 2])
search = top[0].text_input(_("Search"), key="candidates.search", placeholder=_("Name, e-mail, phone…"))
source_id = top[1].selectbox(_("Source"), [ALL, *choices.sources], key="candidates.source",
                             format_func=lambda k: choices.sources.get(k, _("All")))
tag = top[2].selectbox(_("Tag"), [ALL, *choices.tags], key="candidates.tag", format_func=lambda t: t or _("All"))
assigned_to_id = top[3].selectbox(_("Assigned to"), [ALL, *choices.staff], key="candidates.assigned",
                                  format_func=lambda k: choices.staff.get(k, _("All")))
with top[4]:
    st.write("")
    if actor.can("candidates", "create"):
        st.button(_("New candidate"), key="candidates.new", type="primary", icon=":material/person_add:",
                  on_click=open_dialog, args=("new",), width="stretch")
filters = {"search": search, "source_id": source_id, "tag": tag, "assigned_to_id": assigned_to_id}
views = {"board": _("Board"), "drag": _("Drag and drop"), "list": _("List")}
view = st.segmented_control(_("View"), list(views), format_func=views.get, key="candidates.view",
                            default="board", label_visibility="collapsed") or "board"


def _locked(card) -> bool:
    return card.converted and settings.lock_converted and not actor.is_admin


def _move(card_id: int) -> None:
    target = st.session_state.get(f"card.{card_id}.move")
    if target is None:
        return
    if choices.status_kinds.get(target) == "lost":
        st.session_state[DIALOG_KEY] = ("lost", (card_id, target))
        return
    run_action(lambda s: move_candidate(s, actor=actor, candidate_id=card_id, status_id=target),
               success=_("Moved to {status}.").format(status=choices.statuses[target]))


def _show_more(status_id: int) -> None:
    limits = st.session_state.setdefault(LIMITS, {})
    limits[status_id] = limits.get(status_id, settings.max_cards_per_status) + settings.max_cards_per_status


def draw_board() -> None:
    columns = read(lambda s: board(s, actor=actor, limits=st.session_state.get(LIMITS), **filters))
    movable = {i: n for i, n in choices.statuses.items() if choices.status_kinds[i] != "won"}
    for column, box in zip(columns, st.columns(len(columns)), strict=True):
        with box:
            column_header(column.name, column.color, len(column.cards), column.total)
            for card in column.cards:
                with st.container(border=True):
                    st.markdown(card_text(card, fmt, now, choices.tag_colors), unsafe_allow_html=True)
                    key = f"card.{card.id}.move"
                    # A converted candidate stays in its converted column (it is linked to its tenant).
                    options = [card.status_id] if card.converted else \
                        (list(movable) if card.status_id in movable else [card.status_id, *movable])
                    st.session_state[key] = card.status_id  # what the database says, not a stale choice
                    st.selectbox(_("Move to"), options, key=key, on_change=_move, args=(card.id,),
                                 format_func=lambda k: choices.statuses.get(k, "?"), label_visibility="collapsed",
                                 disabled=card.converted or _locked(card) or not actor.can("candidates", "edit"))
                    st.button(_("Open"), key=f"card.{card.id}.edit", on_click=open_dialog, args=("edit", card.id),
                              width="stretch", icon=":material/edit:")
                    if not card.converted and actor.can("tenants", "create") and actor.can("candidates", "edit"):
                        st.button(_("Convert"), key=f"card.{card.id}.convert", on_click=convert, args=(actor, card.id),
                                  width="stretch", icon=":material/how_to_reg:",
                                  help=_("Create the tenant from this candidate."))
            if column.total > len(column.cards):
                st.button(_("Show more ({count} more)").format(count=column.total - len(column.cards)),
                          key=f"candidates.more.{column.status_id}", on_click=_show_more, args=(column.status_id,),
                          width="stretch")
            elif not column.cards:
                st.caption(_("No candidate."))


def draw_drag_board() -> None:
    from streamlit_sortables import sort_items

    columns = read(lambda s: board(s, actor=actor, limits=st.session_state.get(LIMITS), **filters))
    label = {}
    containers = []
    for column in columns:
        items = []
        for card in column.cards:
            text = f"{card.name} · #{card.id}"
            label[text] = (card.id, column.status_id)
            items.append(text)
        containers.append({"header": f"{column.name} ({column.total})", "items": items})
    st.caption(_("Drag a card to another column to change its status. Only the cards shown on the board can be moved."))
    state_key = "candidates.sortable"
    result = sort_items(containers, multi_containers=True, key=f"{state_key}.{hash(str(containers))}")
    moves = []
    for column, container in zip(columns, result or [], strict=False):
        for text in container.get("items", []):
            card_id, status_id = label.get(text, (None, None))
            if card_id is not None and status_id != column.status_id:
                moves.append((card_id, column.status_id))
    for card_id, status_id in moves:
        if choices.status_kinds.get(status_id) == "lost":
            st.session_state[DIALOG_KEY] = ("lost", (card_id, status_id))  # the reason is asked first
            break
        run_action(lambda s, c=card_id, t=status_id: move_candidate(s, actor=actor, candidate_id=c, status_id=t),
                   success=_("Moved to {status}.").format(status=choices.statuses[status_id]))
    if moves:
        st.rerun()


def draw_list() -> None:
    cols = st.columns([2, 2, 3])
    status_id = cols[0].selectbox(_("Status"), [ALL, *choices.statuses], key="candidates.list.status",
                                  format_func=lambda k: choices.statuses.get(k, _("All")))
    total = read(lambda s: count_candidates(s, actor=actor, status_id=status_id, **filters))
    cards = read(lambda s: list_candidates(s, actor=actor, status_id=status_id, limit=1000, **filters))
    cols[1].metric(_("Candidates"), total)
    cols[2].download_button(
        _("Export CSV"), key="candidates.csv", icon=":material/download:", file_name="candidats.csv", mime="text/csv",
        data=lambda: read(lambda s: cards_csv(s, list_candidates(s, actor=actor, status_id=status_id, limit=1_000_000,
                                                                  **filters))))
    if not cards:
        st.info(_("No candidate matches."))
        return
    if len(cards) < total:
        st.caption(_("The first {count} in the board's order are shown; the export has them all.").format(
            count=fmt.number(len(cards), 0)))
    st.dataframe(pd.DataFrame({
        "#": [c.id for c in cards],
        _("Name"): [c.name for c in cards],
        _("Status"): [choices.statuses.get(c.status_id, "") for c in cards],
        _("Source"): [c.source for c in cards],
        _("E-mail"): [c.email for c in cards],
        _("Phone"): [c.phone for c in cards],
        _("Budget"): [fmt.money(c.budget, "EUR") if c.budget is not None else "" for c in cards],
        _("Move-in"): [fmt.date(c.move_in) for c in cards],
        _("Created"): [fmt.date(c.created) for c in cards],
        _("Assigned to"): [c.assigned for c in cards],
        _("Tags"): [", ".join(c.tags) for c in cards],
    }), hide_index=True, width="stretch")
    chosen = st.selectbox(_("Open a candidate"), [None, *[c.id for c in cards]], key="candidates.list.open",
                          format_func=lambda k: _("Choose…") if k is None else next(c.name for c in cards if c.id == k))
    if chosen is not None:
        st.button(_("Open"), key="candidates.list.open_button", on_click=open_dialog, args=("edit", chosen))


if view == "drag":
    draw_drag_board()
elif view == "list":
    draw_list()
else:
    draw_board()


# dialogs: the candidate form, or the reason of a "lost" move --------------------------------
def _lost_dialog(card_id: int, status_id: int) -> None:
    st.write(_("Why was this candidate lost?"))
    reason = st.text_input(_("Lost reason"), key="candidates.lost_reason", max_chars=200,
                           placeholder=_("e.g. Found elsewhere, guarantor too weak…"))
    if st.button(_("Move to {status}").format(status=choices.statuses[status_id]), key="candidates.lost_confirm",
                 type="primary"):
        run_action(lambda s: move_candidate(s, actor=actor, candidate_id=card_id, status_id=status_id,
                                            lost_reason=reason),
                   success=_("Moved to {status}.").format(status=choices.statuses[status_id]))
        st.session_state.pop(DIALOG_KEY, None)
        st.rerun()


state = st.session_state.get(DIALOG_KEY)
if state and state[0] == "lost":
    st.dialog(_("Candidate lost"), on_dismiss=lambda: st.session_state.pop(DIALOG_KEY, None))(_lost_dialog)(*state[1])
else:
    show_dialog(actor, choices, settings.dialog_width, fmt, lock_converted=settings.lock_converted)
