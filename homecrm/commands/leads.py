"""``homecrm leads import FILE`` and ``homecrm leads list``: candidates from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from homecrm.cli import Context, cli, db_option
from homecrm.errors import ValidationError
from homecrm.i18n import _, ngettext


@cli.group()
def leads() -> None:
    """Candidates (prospective tenants)."""


@leads.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--date-format", default=None, metavar="FMT",
              help="Date format of the file, e.g. d/m/Y or %Y-%m-%d (default: Settings > Localisation).")
@click.option("--all-or-nothing", is_flag=True, help="Import nothing when a single row is refused or a duplicate.")
@click.option("--refused", default=None, type=click.Path(dir_okay=False),
              help="Write the refused rows, with their problem, to this CSV file.")
@db_option
def leads_import(ctx: Context, file: str, dry_run: bool, date_format: str | None, all_or_nothing: bool,
                 refused: str | None) -> None:
    """Import candidates from a CSV file (UTF-8 or Windows-1252, separated by ; , or tab)."""
    from homecrm.crm.candidate_import import import_candidates, load, refused_rows_csv

    path = Path(file)
    if not path.is_file():
        raise ValidationError(_("No file {path}.").format(path=file), field="file")
    csv_file = load(path.read_bytes())
    with ctx.session(write=True) as session:
        report = import_candidates(session, actor=ctx.actor(session), csv_file=csv_file, dry_run=dry_run,
                                   date_format=date_format, mode="all" if all_or_nothing else "valid")
    click.echo(ngettext("File: {encoding}, delimiter \"{delimiter}\", {rows} row.",
                        "File: {encoding}, delimiter \"{delimiter}\", {rows} rows.", csv_file.rows).format(
        encoding=csv_file.encoding, delimiter=csv_file.delimiter_label, rows=csv_file.rows))
    if report.ignored_columns:
        click.echo(_("Ignored columns: {columns}").format(columns=", ".join(report.ignored_columns)))
    for error in report.errors:
        label = f" ({error.field_label})" if error.field_label else ""
        click.echo(_("Row {line}{field}: {message}").format(line=error.line, field=label, message=error.message),
                   err=True)
    click.echo(report.summary())
    if report.unlisted:
        click.echo(_("…and {count} more refused rows (use --refused FILE to get them all).").format(
            count=report.unlisted), err=True)
    if refused and report.skipped:
        Path(refused).write_bytes(refused_rows_csv(csv_file, report))
        click.echo(_("Refused rows written to {path}.").format(path=refused), err=True)
    if report.skipped and not report.imported:
        raise click.exceptions.Exit(2)  # nothing imported and rows refused: a script must notice


@leads.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--status", default=None, help="Only this status (name).")
@db_option
def leads_list(ctx: Context, as_json: bool, status: str | None) -> None:
    """List candidates in the board's order (Settings > Candidates)."""
    from homecrm.crm.candidate_board import list_candidates
    from homecrm.crm.candidate_pipeline import list_statuses

    with ctx.session(write=False) as session:
        status_id = None
        if status:
            match = [s for s in list_statuses(session) if s.name.lower() == status.lower()]
            if not match:
                raise ValidationError(_("Unknown status \"{value}\".").format(value=status), field="--status")
            status_id = match[0].id
        statuses = {s.id: s.name for s in list_statuses(session)}
        cards = list_candidates(session, actor=ctx.actor(session), status_id=status_id, limit=1_000_000)
    if as_json:
        click.echo(json.dumps([{
            "id": c.id, "first_name": c.first_name, "last_name": c.last_name, "email": c.email, "phone": c.phone,
            "source": c.source or None, "status": statuses.get(c.status_id), "assigned_to": c.assigned or None,
            "budget": str(c.budget) if c.budget is not None else None,
            "move_in": c.move_in.isoformat() if c.move_in else None, "created": c.created.isoformat(),
            "last_contact": c.last_contact.isoformat() if c.last_contact else None, "tags": list(c.tags),
            "property": c.property or None, "notes": c.notes, "lost_reason": c.lost_reason or None,
            "tenant_id": c.customer_id, "converted_on": c.converted_on.isoformat() if c.converted_on else None}
            for c in cards], ensure_ascii=False, indent=2))
        return
    for c in cards:
        click.echo(f"{c.id:>6}  {statuses.get(c.status_id, ''):<18} {c.name:<30} {c.email:<32} {c.source}")
