"""The task dialog (details, checklist, comments, time, files) and the board's cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st
from sqlalchemy import select

from homecrm import attachments
from homecrm.errors import HomecrmError, version_of
from homecrm.i18n import _, ngettext
from homecrm.render.formatting import Formats
from homecrm.security.principal import Principal
from homecrm.settings.sections.candidates import STREAMLIT_DIALOG_WIDTH
from homecrm.settings.sections.tasks import PRIORITY_LABELS
from homecrm.tasks import timers
from homecrm.tasks.board import TaskCard
from homecrm.tasks.tasks import (
    RELATED,
    add_checklist_item,
    add_comment,
    can_change_comment,
    check_item,
    create_task,
    delete_comment,
    delete_task,
    edit_comment,
    get_task,
    remove_checklist_item,
    update_task,
)
from homecrm.tasks.timesheets import hours_text
from homecrm.ui.db import read
from homecrm.ui.once import just_done, run_once, submission_token, submit_key
from homecrm.ui.feedback import clear_field_errors, field_errors, run_action, show_field_error, show_flashes
from homecrm.ui.cards import card_html
from homecrm.ui.auth import dialog_actor
from homecrm.ui.text import md, md_lines
from homecrm.ui.widgets import date_format_of, id_select

DIALOG_KEY = "tasks.dialog"  # ("new", None) or ("edit", task id)
FORM = "task"
FIELDS = ("title", "description", "status_id", "priority", "start_date", "due_date", "related_kind", "related_id",
          "billable", "hourly_rate", "assignee_ids", "follower_ids", "tags")
PRIORITY_COLORS = {"urgent": "#b3261e", "high": "#e07a1f", "medium": "#1f4e79", "low": "#8a939c"}


@dataclass(frozen=True)
class TaskChoices:
    statuses: dict[int, str]
    staff: dict[int, str]
    properties: dict[int, str]
    tags: list[str]
    related: dict[str, dict[int, str]]
    tag_colors: dict[str, str]
    billable_default: bool = True  # Settings > Tasks: what the new-task box shows
    max_file_mb: int = 5  # Settings > Support: the largest attachment


def load_choices(session) -> TaskChoices:
    from homecrm.statuses import list_statuses
    from homecrm.store.models import Candidate, Customer, Lease, Property, Tag, TaskStatus
    from homecrm.security.accounts import staff_names

    properties = {p.id: p.name for p in session.scalars(select(Property).order_by(Property.name))}
    leases = {lease.id: f"{lease.customer.display_name} — {lease.unit.label}" for lease in session.scalars(select(Lease))}
    tenants = {c.id: c.display_name for c in session.scalars(select(Customer).order_by(Customer.last_name))}
    candidates = {c.id: c.display_name for c in session.scalars(select(Candidate).order_by(Candidate.id.desc()).limit(500))}
    from homecrm.crm.tags import tag_colors
    from homecrm.settings import load_section
    from homecrm.settings.sections import SupportSettings, TaskSettings
    from homecrm.store.text import sort_key

    return TaskChoices({s.id: s.name for s in list_statuses(session, TaskStatus)}, staff_names(session), properties,
                       sorted(session.scalars(select(Tag.name)), key=sort_key),
                       {"property": properties, "lease": leases, "tenant": tenants, "candidate": candidates},
                       tag_colors(session), load_section(session, TaskSettings).billable_default,
                       load_section(session, SupportSettings).max_attachment_mb)


VERSION_KEY = f"{FORM}.opened_version"
UPLOAD_GENERATION = f"{FORM}.upload_generation"


def open_dialog(mode: str, task_id: int | None = None) -> None:
    st.session_state.pop(VERSION_KEY, None)
    for name in FIELDS:
        st.session_state.pop(f"{FORM}.{name}", None)
    clear_field_errors(FORM)
    st.session_state[DIALOG_KEY] = (mode, task_id)


def close_dialog() -> None:
    st.session_state.pop(DIALOG_KEY, None)
    st.session_state.pop(VERSION_KEY, None)


def show_dialog(actor: Principal, choices: TaskChoices, width_class: str, fmt: Formats) -> None:
    state = st.session_state.get(DIALOG_KEY)
    if not state:
        return
    mode, task_id = state
    width = STREAMLIT_DIALOG_WIDTH.get(width_class, 800)
    st.dialog(_("New task") if mode == "new" else _("Task"), width=width, on_dismiss=close_dialog)(_body)(
        actor, choices, mode, task_id, fmt)


def _load(actor: Principal, task_id: int):
    def load(session):
        from homecrm.crm.tags import tags_of

        t = get_task(session, task_id, actor=actor)
        values = {name: getattr(t, name) for name in FIELDS if name not in ("assignee_ids", "follower_ids", "tags")}
        values["assignee_ids"] = [u.id for u in t.assignees]
        values["follower_ids"] = [u.id for u in t.followers]
        values["tags"] = tags_of(session, "task", [t.id])[t.id]
        checklist = [(i.id, i.text, i.done) for i in t.checklist]
        comments = [(c.id, c.author.name if c.author else _("(deleted account)"), c.body, c.created_at,
                     can_change_comment(session, actor, c)) for c in t.comments]
        entries = [(e.id, e.user.name, e.started_at, e.minutes, e.billable, e.line_id is not None, e.note)
                   for e in t.time_entries]
        files = attachments.list_for(session, "task", [t.id])[t.id]
        running = any(e.task_id == t.id for e in timers.running(session, actor.user_id))
        return values, version_of(t), checklist, comments, entries, files, running

    return read(load)


def _body(actor: Principal, choices: TaskChoices, mode: str, task_id: int | None, fmt: Formats) -> None:
    actor = dialog_actor(close_dialog)  # the rights of now, not of when the page was drawn
    show_flashes()  # the page leaves them to the open dialog
    if mode == "new":
        _details(actor, choices, mode, None, {}, None, fmt)
        return
    try:
        values, version, checklist, comments, entries, files, running = _load(actor, task_id)
    except HomecrmError as exc:  # deleted meanwhile, or no longer the actor's to see
        st.error(md(str(exc)))
        close_dialog()
        return
    version = st.session_state.setdefault(VERSION_KEY, version)  # as seen when the dialog opened
    tabs = st.tabs([_("Details"), _("Checklist ({done}/{total})").format(done=sum(1 for i in checklist if i[2]),
                                                                       total=len(checklist)),
                    _("Comments ({count})").format(count=len(comments)), _("Time"), _("Files ({count})").format(
                        count=len(files))])
    with tabs[0]:
        _details(actor, choices, mode, task_id, values, version, fmt)
    with tabs[1]:
        _checklist(actor, task_id, checklist)
    with tabs[2]:
        _comments(actor, task_id, comments, fmt)
    with tabs[3]:
        _time(actor, task_id, entries, running, fmt)
    with tabs[4]:
        _files(actor, task_id, files, choices.max_file_mb)


def _details(actor: Principal, choices: TaskChoices, mode: str, task_id: int | None, values: dict,
             version: str | None, fmt: Formats) -> None:
    def key(name: str) -> str:
        return f"{FORM}.{name}"

    errors = field_errors(FORM)
    if errors.get("__all__"):
        st.error(md(errors["__all__"]))
    kinds = [None, *RELATED]
    related_kind = st.selectbox(_("About"), kinds, index=kinds.index(values.get("related_kind")), key=key("related_kind"),
                                format_func=lambda k: _(RELATED[k]) if k else _("Nothing in particular"))
    with st.form(f"{FORM}.form", border=False):
        st.text_input(_("Title"), value=values.get("title", ""), key=key("title"), max_chars=200)
        show_field_error(FORM, "title")
        if related_kind:
            id_select(st, _(RELATED[related_kind]), choices.related[related_kind], values.get("related_id"),
                      key("related_id"))
            show_field_error(FORM, "related_id")
        st.text_area(_("Description"), value=values.get("description", ""), key=key("description"))
        cols = st.columns(3)
        id_select(cols[0], _("Status"), choices.statuses, values.get("status_id"), key("status_id"),
                  none_label=_("Default status"))
        priorities = ["", *PRIORITY_LABELS]
        cols[1].selectbox(_("Priority"), priorities, index=priorities.index(values.get("priority", "")),
                          key=key("priority"), format_func=lambda p: _(PRIORITY_LABELS[p]) if p else _("Default priority"))
        cols[2].text_input(_("Hourly rate (empty: the settings' rate)"),
                           value="" if values.get("hourly_rate") is None else fmt.editable(values["hourly_rate"]),
                           key=key("hourly_rate"))
        show_field_error(FORM, "hourly_rate")
        cols = st.columns(3)
        cols[0].date_input(_("Start date"), value=values.get("start_date"), key=key("start_date"),
                           format=date_format_of(fmt))
        cols[1].date_input(_("Due date"), value=values.get("due_date"), key=key("due_date"), format=date_format_of(fmt))
        cols[2].checkbox(_("Billable"), value=values.get("billable", True) if mode == "edit" else choices.billable_default,
                         key=key("billable"), help=_("Ticked at first when the settings make new tasks billable."))
        show_field_error(FORM, "due_date")
        cols = st.columns(2)
        cols[0].multiselect(_("Assignees"), list(choices.staff), default=values.get("assignee_ids", []),
                            format_func=choices.staff.get, key=key("assignee_ids"), placeholder=_("Nobody"))
        cols[1].multiselect(_("Followers"), list(choices.staff), default=values.get("follower_ids", []),
                            format_func=choices.staff.get, key=key("follower_ids"), placeholder=_("Nobody"))
        st.multiselect(_("Tags"), sorted({*choices.tags, *values.get("tags", [])}, key=str.casefold),
                       default=values.get("tags", []), key=key("tags"), accept_new_options=True,
                       placeholder=_("Choose or type a new tag"))
        submitted = st.form_submit_button(_("Create the task") if mode == "new" else _("Save"), type="primary")
    if submitted:
        data = {name: st.session_state.get(key(name)) for name in FIELDS}
        data["related_kind"] = related_kind
        if not related_kind:
            data["related_id"] = None
        if not data["priority"]:
            data["priority"] = None
        if mode == "new":
            done = run_action(lambda s: create_task(s, actor=actor, data=data), success=_("Task created."), form=FORM)
        else:
            done = run_action(lambda s: update_task(s, actor=actor, task_id=task_id, data=data, expected_version=version),
                              success=_("Task saved."), form=FORM)
        if done is not None:
            close_dialog()
        st.rerun()
    if mode == "edit" and actor.can("tasks", "delete"):
        with st.popover(_("Delete the task"), icon=":material/delete:"):
            st.write(_("Delete this task, its checklist, comments and time for good?"))
            if st.button(_("Confirm"), key=f"{FORM}.delete", type="primary"):
                if run_action(lambda s: delete_task(s, actor=actor, task_id=task_id) or True, success=_("Task deleted.")):
                    close_dialog()
                st.rerun()


def _checklist(actor: Principal, task_id: int, items: list) -> None:
    for item_id, text, done in items:
        cols = st.columns([8, 1])
        cols[0].checkbox(md(text), value=done, key=f"check.{item_id}",
                         on_change=lambda i=item_id: run_action(lambda s: check_item(
                             s, actor=actor, item_id=i, done=st.session_state[f"check.{i}"])))
        cols[1].button("✕", key=f"check.{item_id}.remove", help=_("Remove"), on_click=run_action,
                       args=(lambda s, i=item_id: remove_checklist_item(s, actor=actor, item_id=i),))
    with st.form(f"{FORM}.checklist", clear_on_submit=True, border=False):
        st.text_input(_("New item"), key="task.checklist.text", placeholder=_("e.g. Read the meters"))
        if st.form_submit_button(_("Add")):
            text = st.session_state.get("task.checklist.text", "")
            run_action(lambda s: add_checklist_item(s, actor=actor, task_id=task_id, text=text))
            st.rerun()


def _comments(actor: Principal, task_id: int, comments: list, fmt: Formats) -> None:
    for comment_id, author, body, created_at, changeable in comments:
        with st.container(border=True):
            st.caption(f"{md(author)} · {fmt.datetime(created_at)}")
            if changeable and st.session_state.get("task.comment.editing") == comment_id:
                st.text_area(_("Comment"), value=body, key=f"comment.{comment_id}.body", label_visibility="collapsed")
                cols = st.columns(2)
                if cols[0].button(_("Save"), key=f"comment.{comment_id}.save"):
                    new = st.session_state.get(f"comment.{comment_id}.body", "")
                    run_action(lambda s: edit_comment(s, actor=actor, comment_id=comment_id, body=new),
                               success=_("Comment saved."))
                    st.session_state.pop("task.comment.editing", None)
                    st.rerun()
                if cols[1].button(_("Cancel"), key=f"comment.{comment_id}.cancel"):
                    st.session_state.pop("task.comment.editing", None)
                    st.rerun()
            else:
                st.markdown(md_lines(body))
                if changeable:
                    cols = st.columns(2)
                    if cols[0].button(_("Edit"), key=f"comment.{comment_id}.edit"):
                        st.session_state["task.comment.editing"] = comment_id
                        st.rerun()
                    if cols[1].button(_("Delete"), key=f"comment.{comment_id}.delete"):
                        run_action(lambda s: delete_comment(s, actor=actor, comment_id=comment_id),
                                   success=_("Comment deleted."))
                        st.rerun()
    form = f"{FORM}.comment"
    submission_token(form)
    with st.form(form, clear_on_submit=True, border=False):
        st.text_area(_("New comment"), key="task.comment.body")
        if st.form_submit_button(_("Comment"), key=submit_key(form)):
            body = st.session_state.get("task.comment.body", "")
            if body.strip() or not just_done(form):  # else: the second click of a double click
                run_once(form, body, lambda s, token: add_comment(s, actor=actor, task_id=task_id, body=body,
                                                                  submission=token),
                         success=_("Comment added."))
            st.rerun()


def _time(actor: Principal, task_id: int, entries: list, running: bool, fmt: Formats) -> None:
    if running:
        if st.button(_("Stop my timer"), key="task.timer.stop", type="primary", icon=":material/stop_circle:"):
            run_action(lambda s: timers.stop_task_timer(s, actor=actor, task_id=task_id), success=_("Timer stopped."))
            st.session_state.pop(VERSION_KEY, None)  # our own change: read the version again
            st.rerun()
    elif st.button(_("Start a timer"), key="task.timer.start", type="primary", icon=":material/play_circle:"):
        run_action(lambda s: timers.start_timer(s, actor=actor, task_id=task_id), success=_("Timer started."))
        st.session_state.pop(VERSION_KEY, None)  # starting may move the task to "in progress"
        st.rerun()
    total = sum(e[3] or 0 for e in entries)
    st.caption(_("Logged: {hours}").format(hours=hours_text(total)))
    for entry_id, user, started, minutes, billable, invoiced, note in entries:
        cols = st.columns([5, 1])
        state = hours_text(minutes) if minutes is not None else _("running since {time}").format(time=fmt.time(started))
        flags = " · ".join(f for f in (_("billable") if billable else _("not billable"),
                                       _("on a document") if invoiced else "") if f)
        cols[0].markdown(md(f"{fmt.date(fmt.local(started).date())} · {user} · {state} · {flags} {note}".strip()))
        if minutes is not None and not invoiced:
            cols[1].button("✕", key=f"entry.{entry_id}.delete", help=_("Delete this time"), on_click=run_action,
                           args=(lambda s, i=entry_id: timers.delete_entry(s, actor=actor, entry_id=i),),
                           kwargs={"success": _("Time deleted.")})
    with st.form(f"{FORM}.log", clear_on_submit=True, border=False):
        cols = st.columns([1, 1, 2])
        cols[0].text_input(_("Time spent"), key="task.log.duration", placeholder="1:30")
        cols[1].date_input(_("On"), key="task.log.on", format=date_format_of(fmt))
        cols[2].text_input(_("Note"), key="task.log.note")
        if st.form_submit_button(_("Log this time")):
            state = st.session_state

            def _log(s):
                minutes = timers.parse_duration(state.get("task.log.duration", ""))
                return timers.log_time(s, actor=actor, task_id=task_id, minutes=minutes, on=state.get("task.log.on"),
                                       note=state.get("task.log.note", ""))

            run_action(_log, success=_("Time logged."))
            st.rerun()


def _files(actor: Principal, task_id: int, files: list, max_mb: int) -> None:
    for row in files:
        cols = st.columns([5, 1, 1])
        cols[0].write(md(f"{row.filename} ({max(row.size // 1024, 1)} Ko)"))
        cols[1].download_button(_("Download"), key=f"file.{row.id}.get", file_name=row.filename, mime=row.mime,
                                data=lambda i=row.id: read(lambda s: attachments.get(s, i).data))
        if actor.is_admin or row.uploaded_by_id == actor.user_id:
            cols[2].button("✕", key=f"file.{row.id}.delete", help=_("Delete"), on_click=run_action,
                           args=(lambda s, i=row.id: attachments.remove(s, actor=actor, attachment_id=i),),
                           kwargs={"success": _("File deleted.")})
    # A new uploader after each file attached: the file does not stay there to be attached twice.
    generation = st.session_state.get(UPLOAD_GENERATION, 0)
    upload = st.file_uploader(_("Add a file"), key=f"task.{task_id}.upload.{generation}", max_upload_size=max_mb,
                              help=_("At most {size} MB per file.").format(size=max_mb))
    if upload is not None and st.button(_("Attach"), key="task.upload.save"):
        data = upload.getvalue()

        def _store(s):
            get_task(s, task_id, actor=actor)
            return attachments.store(s, actor=actor, entity="task", entity_id=task_id, files=[(upload.name, data)])

        if run_action(_store, success=_("File attached.")) is not None:
            st.session_state[UPLOAD_GENERATION] = generation + 1
        st.rerun()


# cards ------------------------------------------------------------------------------------------


def card_text(card: TaskCard, fmt: Formats, today: date, tag_colors: dict[str, str] | None = None) -> str:
    """The card's key facts as escaped HTML (overdue due dates in red)."""
    due = _("due {date}").format(date=fmt.date(card.due_date)) if card.due_date else ""
    facts = [due if not card.overdue else "", card.property,
             f"☑ {card.checklist_done}/{card.checklist_total}" if card.checklist_total else "",
             ngettext("{count} comment", "{count} comments", card.comments).format(count=card.comments) if card.comments else ""]
    meta = [", ".join(card.assignees) if card.assignees else _("unassigned")]
    if card.timer_running:
        meta.append("⏱ " + _("timer running"))
    if card.logged_minutes:
        meta.append(hours_text(card.logged_minutes))
    return card_html(card.title, done=card.done, badge=(_(PRIORITY_LABELS[card.priority]),
                                                        PRIORITY_COLORS.get(card.priority, "#5b6b7b")),
                     facts=facts, alert=due if card.overdue else None,
                     tags=[(t, (tag_colors or {}).get(t, "#5b6b7b")) for t in card.tags], meta=meta)
