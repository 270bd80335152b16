"""Tâches: the board (move cards between statuses, drag and drop), timers, filters, list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm.i18n import _
from homecrm.settings import load_section
from homecrm.settings.sections import TaskSettings
from homecrm.settings.sections.tasks import PRIORITY_LABELS
from homecrm.tasks import timers
from homecrm.tasks.board import board, list_tasks
from homecrm.tasks.tasks import move_task
from homecrm.tasks.timesheets import hours_text
from homecrm.ui.db import read
from homecrm.ui.feedback import run_action, show_flashes
from homecrm.ui.formats import current_formats, today
from homecrm.ui.page import page_setup
from homecrm.ui.tasks import DIALOG_KEY, card_text, load_choices, open_dialog, show_dialog
from homecrm.ui.text import md
from homecrm.ui.widgets import column_header

actor = page_setup("tasks")
fmt = current_formats()
now = today()
st.title(_("Tasks"))
show_flashes(unless_open=DIALOG_KEY)
choices = read(load_choices)
settings = read(lambda s: load_section(s, TaskSettings))
LIMITS = "tasks.limits"
ALL = None

# my running timers ---------------------------------------------------------------------------
for timer in read(lambda s: timers.my_timers(s, actor=actor)):
    cols = st.columns([5, 1])
    cols[0].info(md(_("Your timer is running on {task} since {time}.").format(
        task=timer.task_title, time=fmt.time(timer.started_at))), icon=":material/timer:")
    cols[1].button(_("Stop"), key=f"tasks.stop.{timer.entry_id}", type="primary", on_click=run_action,
                   args=(lambda s, i=timer.entry_id: timers.stop_timer(s, actor=actor, entry_id=i),),
                   kwargs={"success": _("Timer stopped.")})

# filters -------------------------------------------------------------------------------------
top = st.columns([3, 2, 2, 2, 2, 2])
search = top[0].text_input(_("Search"), key="tasks.search", placeholder=_("Title, description…"))
assignee_id = top[1].selectbox(_("Assignee"), [ALL, *choices.staff], key="tasks.assignee",
                               format_func=lambda k: choices.staff.get(k, _("All")))
property_id = top[2].selectbox(_("Property"), [ALL, *choices.properties], key="tasks.property",
                               format_func=lambda k: choices.properties.get(k, _("All")))
tag = top[3].selectbox(_("Tag"), [ALL, *choices.tags], key="tasks.tag", format_func=lambda t: t or _("All"))
priority = top[4].selectbox(_("Priority"), [ALL, *PRIORITY_LABELS], key="tasks.priority",
                            format_func=lambda p: _(PRIORITY_LABELS[p]) if p else _("All"))
with top[5]:
    mine = st.toggle(_("My tasks"), key="tasks.mine")
    if actor.can("tasks", "create"):
        st.button(_("New task"), key="tasks.new", type="primary", icon=":material/add_task:", on_click=open_dialog,
                  args=("new",), width="stretch")
filters = {"search": search, "assignee_id": assignee_id, "property_id": property_id, "tag": tag, "priority": priority,
           "mine": mine}
views = {"board": _("Board"), "drag": _("Drag and drop"), "list": _("List")}
view = st.segmented_control(_("View"), list(views), format_func=views.get, key="tasks.view", default="board",
                            label_visibility="collapsed") or "board"


def _move(task_id: int) -> None:
    target = st.session_state.get(f"task.{task_id}.move")
    if target is not None:
        run_action(lambda s: move_task(s, actor=actor, task_id=task_id, status_id=target),
                   success=_("Moved to {status}.").format(status=choices.statuses.get(target, "")))


def _show_more(status_id: int) -> None:
    limits = st.session_state.setdefault(LIMITS, {})
    limits[status_id] = limits.get(status_id, settings.kanban_limit) + settings.kanban_limit


def _timer(task_id: int, running: bool) -> None:
    if running:
        run_action(lambda s: timers.stop_task_timer(s, actor=actor, task_id=task_id), success=_("Timer stopped."))
    else:
        run_action(lambda s: timers.start_timer(s, actor=actor, task_id=task_id), success=_("Timer started."))


def draw_board() -> None:
    columns = read(lambda s: board(s, actor=actor, limits=st.session_state.get(LIMITS), today=now, **filters))
    can_edit = actor.can("tasks", "edit")
    for column, box in zip(columns, st.columns(len(columns)), strict=True):
        with box:
            column_header(column.name, column.color, len(column.cards), column.total)
            for card in column.cards:
                with st.container(border=True):
                    st.markdown(card_text(card, fmt, now, choices.tag_colors), unsafe_allow_html=True)
                    key = f"task.{card.id}.move"
                    st.session_state[key] = card.status_id
                    st.selectbox(_("Move to"), list(choices.statuses), key=key, on_change=_move, args=(card.id,),
                                 format_func=choices.statuses.get, label_visibility="collapsed", disabled=not can_edit)
                    st.button(_("Open"), key=f"task.{card.id}.open", on_click=open_dialog, args=("edit", card.id),
                              width="stretch", icon=":material/edit:")
                    if can_edit or actor.user_id in card.assignee_ids:
                        st.button(_("Stop the timer") if card.my_timer else _("Start a timer"),
                                  key=f"task.{card.id}.timer", on_click=_timer, args=(card.id, card.my_timer),
                                  width="stretch", icon=":material/stop_circle:" if card.my_timer else ":material/timer:")
            if column.total > len(column.cards):
                st.button(_("Show more ({count} more)").format(count=column.total - len(column.cards)),
                          key=f"tasks.more.{column.status_id}", on_click=_show_more, args=(column.status_id,),
                          width="stretch")
            elif not column.cards:
                st.caption(_("No task."))


def draw_drag_board() -> None:
    from streamlit_sortables import sort_items

    columns = read(lambda s: board(s, actor=actor, limits=st.session_state.get(LIMITS), today=now, **filters))
    label, containers = {}, []
    for column in columns:
        items = []
        for card in column.cards:
            text = f"{card.title} · #{card.id}"
            label[text] = (card.id, column.status_id)
            items.append(text)
        containers.append({"header": f"{column.name} ({column.total})", "items": items})
    st.caption(_("Drag a card to another column to change its status. Only the cards shown on the board can be moved."))
    result = sort_items(containers, multi_containers=True, key=f"tasks.sortable.{hash(str(containers))}")
    moves = [(label[text][0], column.status_id) for column, container in zip(columns, result or [], strict=False)
             for text in container.get("items", []) if text in label and label[text][1] != column.status_id]
    for task_id, status_id in moves:
        run_action(lambda s, t=task_id, st_id=status_id: move_task(s, actor=actor, task_id=t, status_id=st_id),
                   success=_("Moved to {status}.").format(status=choices.statuses.get(status_id, "")))
    if moves:
        st.rerun()


def draw_list() -> None:
    cards = read(lambda s: list_tasks(s, actor=actor, today=now, **filters))
    if not cards:
        st.info(_("No task matches."))
        return
    st.dataframe(pd.DataFrame({
        "#": [c.id for c in cards],
        _("Title"): [c.title for c in cards],
        _("Status"): [choices.statuses.get(c.status_id, "") for c in cards],
        _("Priority"): [_(PRIORITY_LABELS[c.priority]) for c in cards],
        _("Due date"): [fmt.date(c.due_date) for c in cards],
        _("Late"): ["⚠" if c.overdue else "" for c in cards],
        _("Assignees"): [", ".join(c.assignees) for c in cards],
        _("Property"): [c.property for c in cards],
        _("Logged"): [hours_text(c.logged_minutes) if c.logged_minutes else "" for c in cards],
        _("Tags"): [", ".join(c.tags) for c in cards],
    }), hide_index=True, width="stretch")
    chosen = st.selectbox(_("Open a task"), [None, *[c.id for c in cards]], key="tasks.list.open",
                          format_func=lambda k: _("Choose…") if k is None else next(c.title for c in cards if c.id == k))
    if chosen is not None:
        st.button(_("Open"), key="tasks.list.open_button", on_click=open_dialog, args=("edit", chosen))


{"drag": draw_drag_board, "list": draw_list}.get(view, draw_board)()
show_dialog(actor, choices, settings.dialog_width, fmt)
