"""``homecrm calendar ics``: the calendar as an iCalendar file."""

from __future__ import annotations

from datetime import date

import click

from homecrm.cli import Context, _write_file, cli, db_option
from homecrm.errors import ValidationError
from homecrm.i18n import _


@cli.group("calendar")
def calendar_group() -> None:
    """The calendar of what falls due."""


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("\"{text}\" is not a date: use YYYY-MM-DD.").format(text=text), field=field) from None


@calendar_group.command("ics")
@click.option("--from", "first_text", default=None, metavar="YYYY-MM-DD", help="Default: six months ago.")
@click.option("--to", "last_text", default=None, metavar="YYYY-MM-DD", help="Default: a year ahead.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The .ics file, or - for standard output.")
@db_option
def calendar_ics(ctx: Context, first_text: str | None, last_text: str | None, output: str) -> None:
    """Export events (rent, leases, tasks, credit notes, reminders) to an .ics file."""
    from homecrm import clock
    from homecrm.billing.periods import Month
    from homecrm.calendar.events import events_between
    from homecrm.calendar.ics import to_ics, uid_domain

    today = clock.today()
    first = _day(first_text, "--from") or Month.of(today).shift(-6).first
    last = _day(last_text, "--to") or Month.of(today).shift(12).last
    if last < first:
        raise ValidationError(_("--to is before --from."), field="--to")
    with ctx.session(write=False) as session:
        events = events_between(session, actor=ctx.actor(session), first=first, last=last)
        domain = uid_domain(session)
    data = to_ics(events, name=_("Calendar"), domain=domain)
    if output == "-":
        click.echo(data, nl=False)  # bytes go to the binary stream as they are
        return
    _write_file(output, data)
    click.echo(_("{count} events written to {path}.").format(count=len(events), path=output))
