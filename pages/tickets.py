"""Support: tenants' requests — list, new ticket, thread, replies, status, assignment, files."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from homecrm import attachments
from homecrm.i18n import _
from homecrm.notify.staff import deliver_queued
from homecrm.security.accounts import list_departments
from homecrm.settings import load_section
from homecrm.settings.sections import SupportSettings
from homecrm.settings.sections.tasks import PRIORITY_LABELS
from homecrm.statuses import list_statuses
from homecrm.store.models import Contact, Customer, Property, TicketStatus
from homecrm.support import tickets as tk
from homecrm.security.accounts import staff_names
from homecrm.ui.choice import keep_choice
from homecrm.ui.db import factory, read
from homecrm.ui.feedback import confirm_button, run_action, show_field_error, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.once import just_done, run_once, submission_token, submit_key
from homecrm.ui.page import page_setup
from homecrm.ui.tags import tag_filter, tags_editor
from homecrm.ui.text import md, md_lines
from homecrm.ui.widgets import empty_form, files_key, id_select

actor = page_setup("tickets")
fmt = current_formats()
st.title(_("Support"))
settings = read(lambda s: load_section(s, SupportSettings))
if not settings.enabled:
    st.info(_("The support module is switched off (Settings > Support)."))
    st.stop()
show_flashes()


def deliver() -> None:
    """Send the notifications the last action queued (after its commit)."""
    try:
        deliver_queued(factory())
    except Exception:  # noqa: BLE001 - a mail problem never breaks the page; failures are logged per message
        pass


def act(action, success: str):
    result = run_action(action, success=success)
    deliver()
    return result


statuses = read(lambda s: {x.id: (x.name, x.kind) for x in list_statuses(s, TicketStatus)})
departments = read(lambda s: {d.id: d.name for d in list_departments(s)})
staff = read(staff_names)
properties = read(lambda s: {p.id: p.name for p in s.scalars(select(Property).order_by(Property.name))})

# filters --------------------------------------------------------------------------------------
top = st.columns([3, 2, 2, 2, 2, 1.4], vertical_alignment="bottom")
search = top[0].text_input(_("Search"), key="tickets.search", placeholder=_("Subject or number…"))
status_id = top[1].selectbox(_("Status"), [None, *statuses], key="tickets.status",
                             format_func=lambda k: statuses[k][0] if k else _("All"))
department_id = top[2].selectbox(_("Department"), [None, *departments], key="tickets.department",
                                 format_func=lambda k: departments.get(k, _("All")))
assigned = top[3].selectbox(_("Assigned to"), [None, *staff], key="tickets.assigned",
                            format_func=lambda k: staff.get(k, _("All")))
tag = tag_filter(top[4], "tickets.tag")
include_closed = top[5].toggle(_("Closed"), key="tickets.closed", help=_("Show closed tickets too."))

# new ticket -----------------------------------------------------------------------------------
if actor.can("tickets", "create"):
    with st.expander(_("New ticket"), icon=":material/support_agent:"):
        tenants = read(lambda s: {c.id: c.display_name for c in s.scalars(select(Customer).where(Customer.active.is_(True))
                                                                             .order_by(Customer.last_name))})
        customer_id = st.selectbox(_("Tenant"), [None, *tenants], key="ticket-new.customer_id",
                                   format_func=lambda k: tenants.get(k, _("Choose…")))
        contacts = read(lambda s: {c.id: c.full_name for c in s.scalars(select(Contact).where(
            Contact.customer_id == (customer_id or 0)))})
        with st.form("ticket-new", clear_on_submit=False):
            st.text_input(_("Subject"), key="ticket-new.subject", max_chars=200)
            show_field_error("ticket-new", "subject")
            st.text_area(_("Request"), key="ticket-new.body", placeholder=_("What the tenant asks, in their words."))
            show_field_error("ticket-new", "body")
            cols = st.columns(4)
            id_select(cols[0], _("Contact"), contacts, None, "ticket-new.contact_id", none_label=_("The tenant"))
            id_select(cols[1], _("Department"), departments, None, "ticket-new.department_id")
            cols[2].selectbox(_("Priority"), list(PRIORITY_LABELS), index=1, key="ticket-new.priority",
                              format_func=lambda p: _(PRIORITY_LABELS[p]))
            id_select(cols[3], _("Assigned to"), staff, None, "ticket-new.assigned_to_id")
            id_select(st, _("Property"), properties, None, "ticket-new.property_id")
            files = st.file_uploader(_("Attachments"), accept_multiple_files=True, key=files_key("ticket-new"),
                                     max_upload_size=settings.max_attachment_mb,
                                     help=_("At most {size} MB per file.").format(size=settings.max_attachment_mb))
            show_field_error("ticket-new", "file")
            submitted = st.form_submit_button(_("Open the ticket"), type="primary")
        if submitted:
            state = st.session_state
            data = {name: state.get(f"ticket-new.{name}") for name in
                    ("subject", "body", "contact_id", "department_id", "priority", "assigned_to_id", "property_id")}
            data["customer_id"] = customer_id
            uploads = [(f.name, f.getvalue()) for f in files or []]
            if customer_id is None:
                st.error(_("Choose the tenant."))
            else:
                created = run_action(lambda s: tk.open_ticket(s, actor=actor, data=data, files=uploads).id,
                                     success=_("Ticket opened."), form="ticket-new")
                deliver()
                if created:
                    for name in ("subject", "body"):
                        state.pop(f"ticket-new.{name}", None)
                    state["ticket-new.files_gen"] = state.get("ticket-new.files_gen", 0) + 1  # a new, empty uploader
                    state["tickets.selected"] = created
                st.rerun()

# list -----------------------------------------------------------------------------------------
rows = read(lambda s: tk.list_tickets(s, actor=actor, status_id=status_id, department_id=department_id,
                                      assigned_to_id=assigned, tag=tag, search=search, include_closed=include_closed))
if not rows:
    st.info(_("No ticket matches."))
    st.stop()
st.dataframe(pd.DataFrame({
    "#": [r.id for r in rows],
    _("Subject"): [r.subject for r in rows],
    _("Tenant"): [r.tenant for r in rows],
    _("Status"): [r.status for r in rows],
    _("Priority"): [_(PRIORITY_LABELS[r.priority]) for r in rows],
    _("Department"): [r.department for r in rows],
    _("Assigned to"): [r.assigned for r in rows],
    _("Last reply"): [fmt.datetime(r.last_reply_at) if r.last_reply_at else "" for r in rows],
    _("Tags"): [", ".join(r.tags) for r in rows],
}), hide_index=True, width="stretch")

by_id = {r.id: r for r in rows}
keep_choice("tickets.selected", list(by_id))
ticket_id = st.selectbox(_("Ticket"), list(by_id), key="tickets.selected",
                         format_func=lambda i: f"#{i} — {by_id[i].subject} — {by_id[i].tenant}")


def _ticket_view(session):
    ticket = tk.get_ticket(session, ticket_id, actor=actor)
    thread = [(r.id, r.from_customer, r.author.name if r.author else "", r.body, r.created_at)
              for r in tk.thread(session, ticket)]
    files = attachments.list_for(session, "ticket_reply", [r[0] for r in thread])
    files[0] = attachments.list_for(session, "ticket", [ticket.id])[ticket.id]
    first_reply = ticket.replies[0].id if ticket.replies else None
    return (ticket.subject, ticket.status_id, ticket.status.kind, ticket.assigned_to_id, ticket.department_id,
            ticket.priority, thread, files, first_reply)


(subject, current_status, kind, assigned_to, dept, priority, thread, files, first_reply) = read(_ticket_view)
row = by_id[ticket_id]
st.subheader(f"\\#{ticket_id} {md(subject)}")
st.caption(md(f"{row.tenant} · {statuses[current_status][0]} · {_(PRIORITY_LABELS[priority])}"
              + (f" · {departments[dept]}" if dept in departments else "")))
can_edit = actor.can("tickets", "edit")



def _changed(field: str) -> None:
    """A header control changed: apply it (once, from the widget's callback)."""
    value = st.session_state.get(f"ticket.{ticket_id}.{field}")
    actions = {
        "status": (lambda s: tk.change_status(s, actor=actor, ticket_id=ticket_id, status_id=value),
                   _("Status changed to {status}.").format(status=statuses.get(value, ("", ""))[0])),
        "assigned": (lambda s: tk.assign(s, actor=actor, ticket_id=ticket_id, user_id=value), _("Ticket assigned.")),
        "department": (lambda s: tk.update_ticket(s, actor=actor, ticket_id=ticket_id, data={"department_id": value}),
                       _("Ticket saved.")),
        "priority": (lambda s: tk.update_ticket(s, actor=actor, ticket_id=ticket_id, data={"priority": value}),
                     _("Ticket saved.")),
    }
    act(*actions[field])


cols = st.columns(4)
controls = (
    ("status", _("Status"), list(statuses), current_status, lambda k: statuses[k][0]),
    ("assigned", _("Assigned to"), [None, *staff], assigned_to, lambda k: staff.get(k, _("Nobody"))),
    ("department", _("Department"), [None, *departments], dept, lambda k: departments.get(k, "—")),
    ("priority", _("Priority"), list(PRIORITY_LABELS), priority, lambda p: _(PRIORITY_LABELS[p])),
)
for col, (field, label, options, value, shown) in zip(cols, controls, strict=True):
    st.session_state[f"ticket.{ticket_id}.{field}"] = value  # what the database says
    col.selectbox(label, options, key=f"ticket.{ticket_id}.{field}", format_func=shown, disabled=not can_edit,
                  on_change=_changed, args=(field,))

tags_editor(actor, "ticket", ticket_id)

# thread ---------------------------------------------------------------------------------------
may_delete = actor.is_admin or (settings.staff_delete_tickets and actor.can("tickets", "delete"))
may_delete_files = actor.is_admin or settings.staff_delete_attachments


def _files(items) -> None:
    for item in items:
        fcols = st.columns([6, 2, 1])
        fcols[0].caption(md(f"📎 {item.filename} ({max(item.size // 1024, 1)} Ko)"))
        fcols[1].download_button(_("Download"), key=f"ticket.file.{item.id}", file_name=item.filename, mime=item.mime,
                                 data=lambda i=item.id: read(lambda s: attachments.get(s, i).data))
        if may_delete_files:
            fcols[2].button("✕", key=f"ticket.file.{item.id}.delete", help=_("Delete"), on_click=run_action,
                            args=(lambda s, i=item.id: attachments.remove(s, actor=actor, attachment_id=i),),
                            kwargs={"success": _("File deleted.")})


_files(files.get(0, []))
for reply_id, from_customer, author, body, created_at in thread:
    with st.chat_message("user" if from_customer else "assistant",
                         avatar=":material/person:" if from_customer else ":material/support_agent:"):
        who = _("Tenant") + (f" ({_('recorded by {name}').format(name=author)})" if author else "") if from_customer \
            else author
        st.caption(md(f"{who} · {fmt.datetime(created_at)}"))
        st.markdown(md_lines(body))
        _files(files.get(reply_id, []))
        if may_delete and reply_id != first_reply:
            st.button(_("Delete this reply"), key=f"reply.{reply_id}.delete", on_click=run_action,
                      args=(lambda s, i=reply_id: tk.delete_reply(s, actor=actor, reply_id=i),),
                      kwargs={"success": _("Reply deleted.")})

if can_edit:
    if kind == "closed":
        st.info(_("This ticket is closed: change its status to reply. A reply from the tenant reopens it."))
    reply_tab, tenant_tab = st.tabs([_("Reply"), _("Tenant's reply")], key="ticket.tabs")
    default_after = settings.status_after_staff_reply if settings.status_after_staff_reply in statuses else None
    def _reply(form: str = f"reply-{ticket_id}") -> None:
        """A callback: it runs to its end even when a second click asks for another run."""
        state = st.session_state
        body = state.get(f"{form}.body", "")
        if not body.strip() and just_done(form):
            return  # the second click of a double click, on the form the first one emptied
        uploads = [(f.name, f.getvalue()) for f in state.get(files_key(form)) or []]
        values = {"body": body, "status_id": state.get(f"{form}.status"), "email_tenant": bool(state.get(f"{form}.email"))}
        if run_once(form, (values, [name for name, _data in uploads]),
                    lambda s, token: tk.staff_reply(s, actor=actor, ticket_id=ticket_id, files=uploads,
                                                    submission=token, **values),
                    success=lambda reply: reply.email_report) is not None:
            empty_form(form, {f"{form}.body": "", f"{form}.status": default_after, f"{form}.email": True})
        deliver()

    submission_token(f"reply-{ticket_id}")
    with reply_tab, st.form(f"reply-{ticket_id}"):
        st.text_area(_("Your reply"), key=f"reply-{ticket_id}.body")
        show_field_error(f"reply-{ticket_id}", "body")
        rcols = st.columns(2)
        after = [None, *statuses]
        if st.session_state.get(f"reply-{ticket_id}.status") not in after:
            st.session_state[f"reply-{ticket_id}.status"] = default_after
        st.session_state.setdefault(f"reply-{ticket_id}.email", True)
        rcols[0].selectbox(_("Status after the reply"), after, key=f"reply-{ticket_id}.status",
                           format_func=lambda k: statuses[k][0] if k else _("Unchanged"))
        rcols[1].checkbox(_("E-mail the reply to the tenant"), key=f"reply-{ticket_id}.email")
        st.file_uploader(_("Attachments"), accept_multiple_files=True, key=files_key(f"reply-{ticket_id}"),
                         max_upload_size=settings.max_attachment_mb,
                         help=_("At most {size} MB per file.").format(size=settings.max_attachment_mb))
        st.form_submit_button(_("Send the reply"), type="primary", disabled=kind == "closed", on_click=_reply,
                              key=submit_key(f"reply-{ticket_id}"))

    def _tenant_reply(form: str = f"tenant-reply-{ticket_id}") -> None:
        body = st.session_state.get(f"{form}.body", "")
        if not body.strip() and just_done(form):
            return
        if run_once(form, body, lambda s, token: tk.customer_reply(s, actor=actor, ticket_id=ticket_id, body=body,
                                                                   submission=token),
                    success=_("Tenant's reply recorded.")) is not None:
            empty_form(form, {f"{form}.body": ""})
        deliver()

    submission_token(f"tenant-reply-{ticket_id}")
    with tenant_tab, st.form(f"tenant-reply-{ticket_id}"):
        st.caption(_("The tenant answered by e-mail, phone or letter: record it here."))
        st.text_area(_("The tenant's reply"), key=f"tenant-reply-{ticket_id}.body")
        show_field_error(f"tenant-reply-{ticket_id}", "body")
        st.form_submit_button(_("Record the tenant's reply"), on_click=_tenant_reply,
                              key=submit_key(f"tenant-reply-{ticket_id}"))

if may_delete:
    confirm_button(_("Delete the ticket"), key=f"ticket.{ticket_id}.delete",
                   question=_("Delete ticket #{id}, its replies and files for good?").format(id=ticket_id),
                   action=lambda s: tk.delete_ticket(s, actor=actor, ticket_id=ticket_id), success=_("Ticket deleted."))
