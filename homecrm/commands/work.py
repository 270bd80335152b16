"""``homecrm notifications send``, ``homecrm tasks list`` and ``homecrm tickets list``."""

from __future__ import annotations

import json

import click

from homecrm.cli import Context, cli, db_option
from homecrm.settings.sections.tasks import PRIORITY_LABELS
from homecrm.i18n import _


@cli.group()
def notifications() -> None:
    """Staff e-mails: ticket notifications and calendar reminders."""


@notifications.command("send")
@db_option
def notifications_send(ctx: Context) -> None:
    """Send the queued staff e-mails (run it from cron every few minutes)."""
    from homecrm.notify.staff import deliver_queued
    from homecrm.store import make_session_factory

    from homecrm.calendar.reminders import send_due_reminders

    with ctx.session(write=True) as session:
        send_due_reminders(session)  # calendar reminders whose time has come join the queue
    engine = ctx.engine()
    try:
        sent, failed = deliver_queued(make_session_factory(engine), limit=1000)
    finally:
        engine.dispose()
    click.echo(_("{sent} sent, {failed} failed.").format(sent=sent, failed=failed))
    if failed:
        raise click.exceptions.Exit(1)


@cli.group()
def tasks() -> None:
    """Tasks."""


@tasks.command("list")
@click.option("--mine", is_flag=True, help="Only the tasks assigned to the --as account.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@db_option
def tasks_list(ctx: Context, mine: bool, as_json: bool) -> None:
    from homecrm.tasks.board import list_tasks

    with ctx.session(write=False) as session:
        cards = list_tasks(session, actor=ctx.actor(session), mine=mine)
        from homecrm.statuses import list_statuses
        from homecrm.store.models import TaskStatus

        names = {s.id: s.name for s in list_statuses(session, TaskStatus)}
    if as_json:
        click.echo(json.dumps([{"id": c.id, "title": c.title, "status": names.get(c.status_id), "priority": c.priority,
                                "due_date": c.due_date.isoformat() if c.due_date else None, "overdue": c.overdue,
                                "assignees": list(c.assignees), "property": c.property or None, "tags": list(c.tags),
                                "logged_minutes": c.logged_minutes} for c in cards], ensure_ascii=False, indent=2))
        return
    for c in cards:
        due = c.due_date.isoformat() if c.due_date else "-"
        click.echo(f"{c.id:>5}  {names.get(c.status_id, ''):<12} {_(PRIORITY_LABELS[c.priority]):<8} {due:<10} {c.title}")


@cli.group()
def tickets() -> None:
    """Support tickets."""


@tickets.command("list")
@click.option("--open", "only_open", is_flag=True, help="Leave out closed tickets.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@db_option
def tickets_list(ctx: Context, only_open: bool, as_json: bool) -> None:
    from homecrm.support.tickets import list_tickets

    with ctx.session(write=False) as session:
        rows = list_tickets(session, actor=ctx.actor(session), include_closed=not only_open)
    if as_json:
        click.echo(json.dumps([{"id": r.id, "subject": r.subject, "tenant": r.tenant, "status": r.status,
                                "priority": r.priority, "department": r.department or None,
                                "assigned_to": r.assigned or None, "replies": r.replies, "tags": list(r.tags),
                                "created_at": r.created_at.isoformat()} for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r.id:>5}  {r.status:<16} {_(PRIORITY_LABELS[r.priority]):<8} {r.tenant:<28} {r.subject}")
