"""``homecrm`` command line: cron jobs, scripts and tests call the same services as the pages.

Every command takes ``--db URL``. Bad input prints one line on stderr and exits with code 2;
nothing is written (each command is one transaction, files are written only once complete).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session

from homecrm.config import load_config
from homecrm.errors import HomecrmError, ValidationError
from homecrm.i18n import N_, _, set_language
from homecrm.security.principal import PermissionDenied
from homecrm.store import make_engine, make_session_factory, read_session, upgrade_database, write_session

T = TypeVar("T")
EXIT_BAD_INPUT = 2
EXIT_FORBIDDEN = 3


class Context:
    def __init__(self) -> None:
        self.db: str | None = None
        self.as_email: str | None = None

    def actor(self, session: Session):
        """Who the command acts as: --as EMAIL, else $HOMECRM_AS, else the system (cron) account."""
        from homecrm.security.accounts import principal_by_email, system_principal
        from homecrm.security.principal import PermissionDenied

        email = self.as_email or os.environ.get("HOMECRM_AS")
        if not email:
            return system_principal(session)
        principal = principal_by_email(session, email)
        if principal is None:
            raise PermissionDenied(_("No active account {email}.").format(email=email))
        return principal

    @property
    def url(self) -> str:
        return load_config(self.db).database_url

    def engine(self):
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            return make_engine(self.url)
        except (ArgumentError, NoSuchModuleError, ValueError):
            raise HomecrmError(_("Invalid database URL: {url}").format(url=_redact_url(self.url))) from None

    def require_existing_file(self) -> None:
        """Never create an empty SQLite file by merely reading from a wrong path."""
        from sqlalchemy.engine import make_url

        try:
            url = make_url(self.url)
        except Exception:  # noqa: BLE001
            raise HomecrmError(_("Invalid database URL: {url}").format(url=self.url)) from None
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            if not Path(url.database).exists():
                raise HomecrmError(
                    _("No database at {path}: run \"homecrm init\" first (or check --db).").format(path=url.database)
                )

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        from homecrm.store.schema import ensure_current

        self.require_existing_file()
        engine = self.engine()
        try:
            ensure_current(engine)
            factory = make_session_factory(engine)
            with (write_session(factory) if write else read_session(factory)) as session:
                _apply_language(session)
                yield session
        finally:
            engine.dispose()


def _apply_language(session: Session) -> None:
    from homecrm.settings import load_section
    from homecrm.settings.sections import LocalizationSettings

    set_language(os.environ.get("HOMECRM_LANGUAGE") or load_section(session, LocalizationSettings).default_language)


pass_ctx = click.make_pass_decorator(Context, ensure=True)


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db URL`` and ``--as EMAIL`` accepted on every command as well as on the group."""

    @click.option("--db", "db_url", default=None, metavar="URL", help="Database URL (default: HOMECRM_DATABASE_URL or data/homecrm.db).")
    @click.option("--as", "as_email", default=None, metavar="EMAIL", help="Act as this staff account (default: the system account).")
    @click.pass_context
    @wraps(fn)
    def wrapper(click_ctx: click.Context, *args, db_url: str | None = None, as_email: str | None = None, **kwargs):
        ctx = click_ctx.ensure_object(Context)
        if db_url:
            ctx.db = db_url
        if as_email:
            ctx.as_email = as_email
        return click_ctx.invoke(fn, ctx, *args, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", default=None, metavar="URL", help="Database URL.")
@click.option("--as", "as_email", default=None, metavar="EMAIL", help="Act as this staff account.")
@click.pass_context
def cli(click_ctx: click.Context, db_url: str | None, as_email: str | None) -> None:
    """homecrm — rental management for small landlords."""
    ctx = click_ctx.ensure_object(Context)
    ctx.db, ctx.as_email = db_url, as_email


def _write_file(path: str, data: bytes) -> None:
    """Write atomically: a half-written PDF or ZIP never replaces a good one."""
    target = Path(path)
    if not target.parent.is_dir():  # a typo in the folder is reported, not silently created
        raise ValidationError(_("The folder {folder} does not exist.").format(folder=target.parent), field="--output")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# set-up ------------------------------------------------------------------------------------


@cli.command()
@click.option("--demo-if-new", is_flag=True, help="Load the demo data when the database is created now.")
@db_option
def init(ctx: Context, demo_if_new: bool) -> None:
    """Create the database or bring it to the latest schema."""
    from homecrm.store.schema import current_revision

    engine = ctx.engine()
    try:
        is_new = current_revision(engine) is None
    finally:
        engine.dispose()
    upgrade_database(ctx.url)
    click.echo(_("Database ready: {url}").format(url=_redact_url(ctx.url)))
    if demo_if_new and is_new:
        _load_demo(ctx)


def _load_demo(ctx: Context) -> None:
    from homecrm.demo import seed_demo

    with ctx.session(write=True) as session:
        counts = seed_demo(session)
    click.echo(
        _("Demo loaded: {tenants} leases, {units} units, {documents} documents, {payments} payments.").format(**counts)
    )


@cli.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
@db_option
def demo(ctx: Context, if_empty: bool) -> None:
    """Fill an empty database with realistic French demo data."""
    from homecrm.demo import is_empty

    upgrade_database(ctx.url)
    if if_empty:
        with ctx.session(write=False) as session:
            if not is_empty(session):
                click.echo(_("The database already has data: demo not loaded."))
                return
    _load_demo(ctx)


def _redact_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@cli.command()
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--address", default="127.0.0.1", show_default=True, help="Listen address; keep 127.0.0.1 unless behind a reverse proxy.")
@db_option
def serve(ctx: Context, port: int, address: str) -> None:
    """Start the web application (Streamlit) on this machine."""
    from homecrm.ui.launcher import run_app

    run_app(database_url=ctx.url, port=port, address=address)


# settings ----------------------------------------------------------------------------------


@cli.group()
def settings() -> None:
    """Show and change settings."""


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value).replace("\\", "\\\\").replace("\n", "\\n")


@settings.command("show")
@click.argument("section", required=False)
@db_option
def settings_show(ctx: Context, section: str | None) -> None:
    """Print settings as ``section.field = value`` lines (secrets masked)."""
    from homecrm.security.principal import require
    from homecrm.settings import all_sections, get_section, load_section
    from homecrm.settings.base import secret_value, unreadable_secrets
    from homecrm.settings.secrets import mask

    with ctx.session(write=False) as session:
        require(session, ctx.actor(session), "settings", "view")
        sections = [get_section(section)] if section else all_sections()
        for cls in sections:
            values = load_section(session, cls)
            unreadable = unreadable_secrets(session, cls)
            for name in cls.model_fields:
                value = getattr(values, name)
                shown = mask(secret_value(value)) if name in cls.secret_fields() else _display(value)
                click.echo(f"{cls.section}.{name} = {shown}")
            for name in unreadable:
                from homecrm.security.secrets import key_file

                click.echo(_("homecrm: warning: {key} cannot be decrypted with this installation's secret key "
                             "({key_file} lost or replaced, or HOMECRM_SECRET_KEY changed); it counts as empty. "
                             "Type it again: homecrm settings set {key} --stdin").format(
                    key=f"{cls.section}.{name}", key_file=key_file()), err=True)


@settings.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("key")
@click.argument("value", type=click.UNPROCESSED, required=False)
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read the value from standard input (for secrets: kept out of the shell history).")
@db_option
def settings_set(ctx: Context, key: str, value: str | None, from_stdin: bool) -> None:
    """Change one setting: ``homecrm settings set receipts.prefix QUI-``;
    ``homecrm settings set stripe.secret_key --stdin`` reads a secret from standard input."""
    from homecrm.settings import get_section, parse_cli_value, save_section
    from homecrm.settings.base import CLEAR, secret_value
    from homecrm.settings.secrets import mask

    section_name, dot, field = key.partition(".")
    if not dot or not field:
        raise ValidationError(_("Use SECTION.FIELD, e.g. receipts.prefix."), field="key")
    if from_stdin:
        if value is not None:
            raise ValidationError(_("Give the value either on the command line or with --stdin, not both."),
                                  field="value")
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            # an empty pipe (a variable not set) must not erase a secret: erasing is said on purpose
            raise ValidationError(_("Nothing was read on standard input: nothing changed. To erase the value, "
                                    "give it empty on the command line: settings set {key} \"\"").format(key=key),
                                  field="value")
    elif value is None:
        raise ValidationError(_("Missing value (or use --stdin to type it on standard input)."), field="value")
    cls = get_section(section_name)
    if field in cls.secret_fields():
        if value.startswith("****"):
            # What `settings show` prints; taken as "unchanged" on the pages, refused here rather than ignored.
            raise ValidationError(_("A secret cannot start with \"****\" (that is how homecrm shows a masked one)."),
                                  field=key)
        parsed = value if value else CLEAR  # on the command line an empty value means "erase"
    else:
        parsed = parse_cli_value(cls, field, value.replace("\\n", "\n"))
    try:
        with ctx.session(write=True) as session:
            saved = save_section(session, cls, {field: parsed}, actor=ctx.actor(session))
            shown = mask(secret_value(getattr(saved, field))) if field in cls.secret_fields() \
                else _display(getattr(saved, field))
    except ValidationError as exc:
        raise _with_setting_labels(exc, cls) from None
    click.echo(f"{cls.section}.{field} = {shown}")


def _with_setting_labels(exc: ValidationError, cls) -> ValidationError:
    """Name a settings field by its label as on the settings page, with its key: "Taille (pdf.font_size)"."""
    field = exc.field
    if field in cls.model_fields and cls.model_fields[field].title:
        label = f"{_(cls.model_fields[field].title)} ({cls.section}.{field})"
        return ValidationError(str(exc), field=label, errors=exc.errors)
    return exc


# receipts ----------------------------------------------------------------------------------


@cli.group()
def receipts() -> None:
    """Rent documents: issue, list, record payments, print."""


def _month(value: str):
    from homecrm.billing.periods import Month

    return Month.parse(value)


@receipts.command("generate")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM")
@db_option
def receipts_generate(ctx: Context, month_text: str) -> None:
    """Issue the month's document for every active lease (numbered; running twice adds nothing)."""
    from homecrm.billing.documents import generate_month

    from homecrm.billing.periods import Month
    from homecrm.settings.local_time import local_today

    month = _month(month_text)
    with ctx.session(write=True) as session:
        result = generate_month(session, actor=ctx.actor(session), month=month)
        past = month.first < Month.of(local_today(session)).first
    click.echo(
        _("{created} document(s) issued for {month}; {existing} already existed.").format(
            created=len(result.created), month=str(month), existing=result.existing
        )
    )
    if past and result.created:
        # Said on stderr too, so that a cron job's mail shows it: numbered for good, overdue at once.
        click.echo(_("homecrm: warning: {month} is over: these documents are overdue already and can only be "
                     "cancelled by a credit note.").format(month=str(month)), err=True)


@receipts.command("list")
@click.option("--month", "month_text", default=None, metavar="YYYY-MM")
@click.option("--status", type=click.Choice(["unpaid", "partial", "paid", "overdue", "draft", "cancelled"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@db_option
def receipts_list(ctx: Context, month_text: str | None, status: str | None, as_json: bool) -> None:
    """List rent documents."""
    from homecrm.billing.documents import list_documents

    month = _month(month_text) if month_text else None
    with ctx.session(write=False) as session:
        rows = list_documents(session, actor=ctx.actor(session), month=month, status=status)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return
    from homecrm.billing.documents import STATUS_LABELS
    from homecrm.render.formatting import Formats

    fmt = Formats()
    for row in rows:
        status = _(STATUS_LABELS[row.status]) + (" · " + _(STATUS_LABELS["overdue"]) if row.overdue else "")
        click.echo(
            f"{row.number or '-':<20} {row.period}  {status:<22} {fmt.money(row.total, row.currency):>13} "
            f"{fmt.money(row.paid, row.currency):>13} {fmt.money(row.balance, row.currency):>13}  {row.tenant}"
        )


@receipts.command("pay")
@click.argument("number")
@click.option("--amount", required=True)
@click.option("--date", "paid_on", required=True, metavar="YYYY-MM-DD")
@click.option("--mode", default="virement", show_default=True)
@click.option("--reference", default="")
@db_option
def receipts_pay(ctx: Context, number: str, amount: str, paid_on: str, mode: str, reference: str) -> None:
    """Record a payment against document NUMBER."""
    from homecrm.billing.documents import document_title, find_by_number
    from homecrm.billing.payments import money_received, record_payment
    from homecrm.render.formatting import Formats

    day = _date(paid_on, "paid_on")
    with ctx.session(write=True) as session:
        actor = ctx.actor(session)
        doc = find_by_number(session, number, actor=actor)
        payment = record_payment(session, actor=actor, document_id=doc.id,
                                 data={"amount": amount, "paid_on": day, "mode": mode, "reference": reference})
        fmt = Formats()
        click.echo(money_received(session, payment).summary(fmt))
        click.echo(
            _("{number}: paid {paid} of {total}, balance {balance} — {title}.").format(
                number=doc.number, paid=fmt.money(doc.net_paid, doc.currency), total=fmt.money(doc.amount_due, doc.currency),
                balance=fmt.money(doc.balance, doc.currency), title=_(document_title(doc)),
            )
        )


@receipts.command("pdf")
@click.argument("number")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@db_option
def receipts_pdf(ctx: Context, number: str, output: str) -> None:
    """Write the PDF of document NUMBER."""
    from homecrm.billing.documents import find_by_number
    from homecrm.billing.exports import document_pdf

    with ctx.session(write=False) as session:
        document_id = find_by_number(session, number, actor=ctx.actor(session)).id
    _links_before_printing(ctx, lambda session, actor: [document_id])
    with ctx.session(write=False) as session:
        _name, pdf = document_pdf(session, actor=ctx.actor(session), document_id=document_id)
    _write_file(output, pdf)
    click.echo(output)


def _links_before_printing(ctx: Context, document_ids) -> None:
    """With card payment on, documents about to be printed get their payment link first (a short
    write transaction, only then)."""
    from homecrm.billing.exports import ensure_links_for_printing
    from homecrm.settings import load_section
    from homecrm.settings.sections import StripeSettings

    with ctx.session(write=False) as session:
        if not load_section(session, StripeSettings).enabled:
            return
    with ctx.session(write=True) as session:
        actor = ctx.actor(session)
        ensure_links_for_printing(session, actor=actor, document_ids=document_ids(session, actor))


@receipts.command("export")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@db_option
def receipts_export(ctx: Context, month_text: str, output: str) -> None:
    """Write the month's PDFs into one ZIP file."""
    from homecrm.billing.exports import month_document_ids, month_zip

    month = _month(month_text)
    _links_before_printing(ctx, lambda session, actor: month_document_ids(session, month, actor=actor))
    with ctx.session(write=False) as session:
        data = month_zip(session, actor=ctx.actor(session), month=month)
    _write_file(output, data)
    click.echo(output)


# credit notes, statements, online payments --------------------------------------------------


@cli.group("credit-notes")
def credit_notes() -> None:
    """Credit notes (notes de crédit / avoirs)."""


@credit_notes.command("create")
@click.argument("document")
@click.option("--amount", required=True)
@click.option("--kind", type=click.Choice(["applied", "refund", "credit"]), default="applied", show_default=True,
              help="applied: reduces what is owed; refund: money paid back; credit: kept for the next documents.")
@click.option("--reason", default="")
@click.option("--refund-mode", default="virement")
@click.option("--refund-date", default=None, metavar="YYYY-MM-DD")
@db_option
def credit_notes_create(ctx: Context, document: str, amount: str, kind: str, reason: str, refund_mode: str,
                        refund_date: str | None) -> None:
    """Issue a credit note against rent document DOCUMENT (its number)."""
    from homecrm.billing.credit_notes import create_credit_note
    from homecrm.billing.documents import find_by_number

    day = _date(refund_date, "refund-date") if refund_date else None
    with ctx.session(write=True) as session:
        actor = ctx.actor(session)
        doc = find_by_number(session, document, actor=actor)
        note = create_credit_note(session, actor=actor, document_id=doc.id, data={
            "amount": amount, "kind": kind, "reason": reason, "refund_mode": refund_mode, "refund_date": day})
        click.echo(f"{note.number} {_money(note.amount, note.currency)} {doc.number}")


@credit_notes.command("cancel")
@click.argument("document")
@click.option("--reason", default="")
@click.option("--refund", is_flag=True, help="Pay back what was already paid (default: keep it as the tenant's credit).")
@click.option("--refund-mode", default="virement")
@db_option
def credit_notes_cancel(ctx: Context, document: str, reason: str, refund: bool, refund_mode: str) -> None:
    """Cancel an issued rent document with a credit note for all that remains of it."""
    from homecrm.billing.credit_notes import cancel_document
    from homecrm.billing.documents import find_by_number

    with ctx.session(write=True) as session:
        actor = ctx.actor(session)
        doc = find_by_number(session, document, actor=actor)
        note = cancel_document(session, actor=actor, document_id=doc.id, reason=reason,
                               paid_part="refund" if refund else "credit", refund_mode=refund_mode)
        click.echo(f"{note.number} {_money(note.amount, note.currency)} {doc.number}")


@credit_notes.command("list")
@click.option("--json", "as_json", is_flag=True)
@db_option
def credit_notes_list(ctx: Context, as_json: bool) -> None:
    from homecrm.billing.credit_notes import list_credit_notes

    with ctx.session(write=False) as session:
        rows = list_credit_notes(session, actor=ctx.actor(session))
    if as_json:
        click.echo(json.dumps([{"number": r.number, "document": r.document_number, "tenant": r.tenant,
                                "amount": str(r.amount), "applied": str(r.applied), "refunded": str(r.refunded),
                                "to_credit": str(r.to_credit), "state": r.state,
                                "issued_on": r.issued_on.isoformat() if r.issued_on else None} for r in rows],
                              ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r.number or '-':<16} {r.document_number:<16} {_money(r.amount, r.currency):>13}  {r.tenant}")


@credit_notes.command("pdf")
@click.argument("number")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@db_option
def credit_notes_pdf(ctx: Context, number: str, output: str) -> None:
    from homecrm.billing.credit_notes import find_credit_note
    from homecrm.billing.exports import credit_note_pdf

    with ctx.session(write=False) as session:
        actor = ctx.actor(session)
        _name, pdf = credit_note_pdf(session, actor=actor, credit_note_id=find_credit_note(session, number, actor=actor).id)
    _write_file(output, pdf)
    click.echo(output)


@credit_notes.command("delete")
@click.argument("number")
@db_option
def credit_notes_delete(ctx: Context, number: str) -> None:
    """Delete a draft, or the very last issued credit note when "decrement on delete" is on."""
    from homecrm.billing.credit_notes import delete_credit_note, find_credit_note

    with ctx.session(write=True) as session:
        actor = ctx.actor(session)
        delete_credit_note(session, actor=actor, credit_note_id=find_credit_note(session, number, actor=actor).id)
    click.echo(_("Credit note {number} deleted.").format(number=number))


def _money(amount, currency: str) -> str:
    from homecrm.render.formatting import Formats

    return Formats().money(amount, currency)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("\"{text}\" is not a date: use YYYY-MM-DD.").format(text=text), field=field) from None


@cli.group()
def statements() -> None:
    """Tenant statements (relevés de compte)."""


@statements.command("pdf")
@click.option("--tenant", "tenant_id", required=True, type=int, help="Tenant id (see the Locataires page).")
@click.option("--from", "first", required=True, metavar="YYYY-MM-DD")
@click.option("--to", "last", required=True, metavar="YYYY-MM-DD")
@click.option("--currency", default=None, metavar="CODE",
              help="For a tenant with leases in several currencies (default: euro, else the only one).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@db_option
def statements_pdf(ctx: Context, tenant_id: int, first: str, last: str, currency: str | None, output: str) -> None:
    from homecrm.billing.exports import statement_pdf

    with ctx.session(write=False) as session:
        _name, pdf = statement_pdf(session, actor=ctx.actor(session), customer_id=tenant_id,
                                   first=_date(first, "from"), last=_date(last, "to"),
                                   currency=currency.upper() if currency else None)
    _write_file(output, pdf)
    click.echo(output)


@cli.group()
def payments() -> None:
    """Payments: on account, Stripe links and synchronisation."""


@payments.command("on-account")
@click.option("--tenant", "tenant_id", required=True, type=int)
@click.option("--amount", required=True)
@click.option("--date", "paid_on", required=True, metavar="YYYY-MM-DD")
@click.option("--mode", default="virement", show_default=True)
@click.option("--reference", default="")
@click.option("--currency", default=None, metavar="CODE", help="Needed when the tenant's leases use several currencies.")
@db_option
def payments_on_account(ctx: Context, tenant_id: int, amount: str, paid_on: str, mode: str, reference: str,
                        currency: str | None) -> None:
    """Record a sum received from a tenant, allocated to the oldest debts first."""
    from homecrm.billing.payments import record_payment_on_account

    from homecrm.render.formatting import Formats

    with ctx.session(write=True) as session:
        result = record_payment_on_account(session, actor=ctx.actor(session), customer_id=tenant_id, data={
            "amount": amount, "paid_on": _date(paid_on, "paid_on"), "mode": mode, "reference": reference},
            currency=currency)
    for allocation in result.allocations:
        click.echo(f"{allocation.number} {_money(allocation.amount, result.currency)}")
    click.echo(result.as_received().summary(Formats()))


@payments.command("link")
@click.argument("number")
@db_option
def payments_link(ctx: Context, number: str) -> None:
    """Create (or show) the Stripe payment link of document NUMBER."""
    from homecrm.billing.documents import find_by_number
    from homecrm.payments.stripe_gateway import ensure_payment_link

    with ctx.session(write=True) as session:
        actor = ctx.actor(session)
        link = ensure_payment_link(session, actor=actor, document_id=find_by_number(session, number, actor=actor).id)
        click.echo(link.url)


@payments.command("sync")
@click.option("--days", default=35, show_default=True, type=int)
@db_option
def payments_sync(ctx: Context, days: int) -> None:
    """Record the card payments Stripe received (idempotent: run it as often as you like)."""
    from homecrm.payments.stripe_gateway import sync_payments

    from homecrm.render.formatting import Formats

    with ctx.session(write=True) as session:
        result = sync_payments(session, actor=ctx.actor(session), days=days)
    fmt = Formats()
    for outcome in result.recorded:
        click.echo(outcome.line(fmt))
    for outcome in result.warnings:
        # Money Stripe received that no document could take: on stderr too, so cron mails it.
        click.echo(outcome.line(fmt))
        click.echo(_("homecrm: warning: {line}").format(line=outcome.line(fmt)), err=True)
    click.echo(result.summary())


@cli.group()
def webhooks() -> None:
    """Receivers for providers' webhooks (hosted installations)."""


@webhooks.command("serve")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@db_option
def webhooks_serve(ctx: Context, port: int, host: str) -> None:
    """Receive Stripe webhooks on POST /stripe/webhook (put it behind your TLS reverse proxy)."""
    from homecrm.payments.webhook_server import make_server
    from homecrm.store.schema import ensure_current

    engine = ctx.engine()
    ensure_current(engine)
    server = make_server(make_session_factory(engine), host, port)
    click.echo(_("Listening on http://{host}:{port}/stripe/webhook").format(host=host, port=server.server_address[1]))
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # pragma: no cover
        pass
    finally:
        server.server_close()


# e-mail, SMS and reminders -------------------------------------------------------------------


@receipts.command("email")
@click.argument("number")
@click.option("--to", "to", multiple=True, help="Recipient (repeat for several); default: the tenant's addresses.")
@db_option
def receipts_email(ctx: Context, number: str, to: tuple[str, ...]) -> None:
    """E-mail document NUMBER to the tenant with its PDF attached."""
    from homecrm.billing.documents import find_by_number
    from homecrm.notify.messages import send_document_email

    with ctx.session(write=True) as session:
        actor = ctx.actor(session)
        sent = send_document_email(session, actor=actor, document_id=find_by_number(session, number, actor=actor).id,
                                    to=list(to) or None)
        click.echo(f"{sent.report()} {sent.entry.provider_id}")


@cli.group()
def reminders() -> None:
    """Automatic reminders (due, overdue, payment confirmation, lease end)."""


@reminders.command("run")
@click.option("--dry-run", is_flag=True, help="Print the plan; send nothing.")
@click.option("--now", "now_text", default=None, metavar="ISO-DATETIME", help="Decide as if it were then.")
@db_option
def reminders_run(ctx: Context, dry_run: bool, now_text: str | None) -> None:
    """Send what is due now (cron: every hour). Each message is sent once, whatever the runs."""
    from datetime import datetime

    from homecrm.notify.reminders import KINDS, run_reminders
    from homecrm.store.schema import ensure_current

    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise ValidationError(_("\"{text}\" is not a date and time: use e.g. 2026-03-12T09:00+01:00.").format(
                text=now_text), field="now") from None
    ctx.require_existing_file()
    engine = ctx.engine()
    ensure_current(engine)
    factory = make_session_factory(engine)
    with read_session(factory) as session:
        actor = ctx.actor(session)
        _apply_language(session)
        if now is not None and now.tzinfo is None:  # a time without offset is the landlord's local time
            from zoneinfo import ZoneInfo

            from homecrm.settings.local_time import local_timezone

            now = now.replace(tzinfo=ZoneInfo(local_timezone(session)))
    report = run_reminders(factory, actor=actor, now=now, dry_run=dry_run)
    if not dry_run:
        from homecrm.calendar.reminders import send_due_reminders
        from homecrm.notify.staff import deliver_queued

        with write_session(factory) as session:
            send_due_reminders(session, now=now)
        deliver_queued(factory)
    rows = [(_(KINDS[item.kind]), item.channel, item.tenant, item.recipient or "—", report.state(item))
            for item in report.planned]
    headers = (_("Reminder"), _("Channel"), _("Tenant"), _("Recipient"), _("Status"))
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    if not dry_run:
        click.echo(_("{sent} sent, {failed} failed, {already} already sent before.").format(
            sent=len(report.sent), failed=len(report.failed), already=report.already))


# users and secrets -------------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Staff accounts."""


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ValidationError(_("No password on standard input."), field="password")
        return password
    if not sys.stdin.isatty():
        raise ValidationError(_("No terminal to type the password: use --password-stdin."), field="password")
    try:
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    except click.exceptions.Abort:
        raise ValidationError(_("No password given."), field="password") from None


@users.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def users_create_admin(ctx: Context, email: str, name: str, password_stdin: bool) -> None:
    """Create an administrator account (first run, or to regain access on this machine).

    Without --as it is the machine's owner who acts (shell access to the data); with --as the
    account must be an administrator. The audit trail records who it was.
    """
    from homecrm.security.accounts import create_admin
    from homecrm.security.principal import require_admin

    with ctx.session(write=False) as session:
        if ctx.as_email or os.environ.get("HOMECRM_AS"):
            require_admin(session, ctx.actor(session))
    password = _read_password(password_stdin)
    with ctx.session(write=True) as session:
        session.info["actor"] = ctx.actor(session) if (ctx.as_email or os.environ.get("HOMECRM_AS")) else \
            _command_line_principal(session)
        user = create_admin(session, email=email, name=name, password=password)
        click.echo(_("Administrator {email} created.").format(email=user.email))


def _command_line_principal(session: Session):
    """Who the audit trail names for a command run without --as: the scheduled-jobs account."""
    from homecrm.security.accounts import system_principal
    from homecrm.security.principal import Principal

    try:
        return system_principal(session)
    except HomecrmError:
        return Principal.system()


@users.command("list")
@db_option
def users_list(ctx: Context) -> None:
    """List staff accounts (administrators only)."""
    from homecrm.security.accounts import list_users
    from homecrm.security.principal import require_admin

    with ctx.session(write=False) as session:
        require_admin(session, ctx.actor(session))
        for user in list_users(session):
            flags = ",".join(f for f, on in (("admin", user.is_admin), ("inactive", not user.active)) if on)
            click.echo(f"{user.email}\t{user.name}\t{user.role.name if user.role else '-'}\t{flags}")


@cli.group()
def secrets() -> None:
    """Encryption of stored secrets."""


@secrets.command("rotate")
@db_option
def secrets_rotate(ctx: Context) -> None:
    """Encrypt every stored secret under a new key (administrators only)."""
    from homecrm.security.principal import require_admin
    from homecrm.security.secrets import ENV_KEY, rotate_keys
    from homecrm.settings.base import reencrypt_secrets

    with ctx.session(write=False) as session:
        actor = require_admin(session, ctx.actor(session))
    counts = []

    def reencrypt(rotate) -> None:
        # Committed before rotate_keys drops the old key: an interruption never strands a secret.
        with ctx.session(write=True) as session:
            session.info["actor"] = actor
            counts.append(reencrypt_secrets(session, rotate))

    new_key = rotate_keys(reencrypt)
    click.echo(_("{count} secret(s) re-encrypted under a new key.").format(count=sum(counts)))
    if os.environ.get(ENV_KEY):
        click.echo(_("Set {env} to this new key before restarting: {key}").format(env=ENV_KEY, key=new_key))


# entry point -------------------------------------------------------------------------------

import homecrm.commands  # noqa: E402,F401 - registers the command groups of later modules


def main(argv: list[str] | None = None) -> int:
    try:
        code = cli.main(args=argv, prog_name="homecrm", standalone_mode=False)
        if isinstance(code, int) and code:
            return code  # a command that ended with click.exceptions.Exit(code)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        return 1
    except click.exceptions.UsageError as exc:
        if exc.ctx is None or not (isinstance(exc, click.exceptions.NoArgsIsHelpError)
                                   or exc.message == "Missing command."):
            click.echo(f"homecrm: {_click_message(exc)}", err=True)
            return EXIT_BAD_INPUT
        # "homecrm settings" alone: show what the group offers, as --help does
        click.echo(exc.ctx.get_help())
        return 0
    except click.ClickException as exc:
        click.echo(f"homecrm: {_click_message(exc)}", err=True)
        return EXIT_BAD_INPUT
    except PermissionDenied as exc:
        click.echo(f"homecrm: {exc}", err=True)
        return EXIT_FORBIDDEN
    except ValidationError as exc:
        field = field_label(exc.field) if exc.field and not exc.field.startswith("__") else None
        prefix = f"{field} : " if field and field not in str(exc) else ""
        click.echo(f"homecrm: {prefix}{exc}".replace("\n", " "), err=True)
        return EXIT_BAD_INPUT
    except HomecrmError as exc:
        click.echo(f"homecrm: {exc}".replace("\n", " "), err=True)
        return EXIT_BAD_INPUT
    return 0


# Field names the services report (``ValidationError.field``), as the command line's user reads them.
FIELD_LABELS: dict[str, str] = {
    "amount": N_("amount"),
    "paid_on": N_("payment date"),
    "date": N_("date"),
    "mode": N_("payment mode"),
    "reference": N_("reference"),
    "refund_mode": N_("refund mode"),
    "refund_date": N_("refund date"),
    "kind": N_("kind of credit note"),
    "reason": N_("reason"),
    "month": N_("month"),
    "from": N_("start date"),
    "to": N_("end date"),
    "first": N_("start date"),
    "last": N_("end date"),
    "key": N_("setting"),
    "value": N_("value"),
    "section": N_("settings section"),
    "email": N_("e-mail"),
    "name": N_("name"),
    "password": N_("password"),
    "landlord": N_("landlord"),
    "lines": N_("lines"),
    "now": N_("date and time"),
    "number": N_("number"),
    "document": N_("document"),
    "tenant": N_("tenant"),
    "file": N_("file"),
    "mapping": N_("column mapping"),
    "date_format": N_("date format"),
}


def field_label(field: str) -> str:
    """``paid_on`` → "date du paiement"; a label already given (settings) is kept as it is."""
    label = FIELD_LABELS.get(field)
    return _(label) if label else field


def _click_message(exc: click.ClickException) -> str:
    """Click's own messages are English: say the same thing in the user's language."""
    param = getattr(exc, "param", None)
    name = (param.opts[0] if param is not None and getattr(param, "opts", None) else getattr(param, "name", "")) or ""
    if isinstance(param, click.Argument):  # "VALUE" → "valeur"
        name = field_label(param.name or "") or name
    if isinstance(exc, click.MissingParameter):
        return _("Missing {name}.").format(name=name or _("value"))
    if isinstance(exc, click.NoSuchOption):
        return _("Unknown option {option}.").format(option=exc.option_name)
    if isinstance(exc, click.BadParameter):
        if param is not None and isinstance(param.type, click.Choice):
            return _("Invalid value for {name}: choose one of {choices}.").format(
                name=name, choices=", ".join(map(str, param.type.choices)))
        if param is not None and isinstance(param.type, click.types.IntParamType):
            return _("Invalid value for {name}: enter a whole number.").format(name=name)
        return _("Invalid value for {name}.").format(name=name)
    message = exc.format_message()
    if message.startswith("No such command"):
        return _("Unknown command: {detail}").format(detail=message.split("'")[1] if "'" in message else message)
    return _("Wrong usage: {detail}").format(detail=message)


def run() -> None:  # pragma: no cover - console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
