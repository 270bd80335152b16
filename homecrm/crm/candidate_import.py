"""Import candidates from a CSV file (page "Importer des candidats" and ``homecrm leads import``).

The file is read as a French landlord's spreadsheet saves it: UTF-8 (with or without BOM) or
Windows-1252, separated by ``;``, ``,`` or tabs. Columns are mapped by their French or English
header (the page lets the user change the mapping). Every value is checked strictly — dates in the
configured format only, French amounts, phones normalised, e-mails validated — and every bad row is
reported with its line number. Duplicates follow Paramètres > Candidats. Two modes: import the valid
rows, or all or nothing; either way the import is one transaction, so nothing is half-written.

Memory stays bounded: rows are parsed and inserted in batches while the file is read.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from homecrm import clock, validation
from homecrm.errors import ValidationError
from homecrm.csv_export import unprotect
from homecrm.i18n import N_, _
from homecrm.inputs import _money_before
from homecrm.security.principal import PermissionDenied, Principal, require
from homecrm.settings import load_section
from homecrm.settings.sections import (
    CandidateSettings,
    ClientSettings,
    LocalizationSettings,
)
from homecrm.store.models import (
    Candidate,
    CandidateSource,
    CandidateStatus,
    CandidateStatusChange,
    Property,
    StaffUser,
    Tag,
    Tagging,
)
from homecrm.store.text import fold, same_text

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
BATCH = 1000
MAX_REPORTED = 1000  # row errors listed in full; the count is always exact

FIELDS: dict[str, str] = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "source": N_("Source"),
    "status": N_("Status"),
    "assigned_to": N_("Assigned to"),
    "property": N_("Property wanted"),
    "budget": N_("Budget"),
    "move_in": N_("Desired move-in date"),
    "last_contact": N_("Last contact"),
    "created": N_("Creation date"),
    "notes": N_("Notes"),
    "lost_reason": N_("Lost reason"),
    "tags": N_("Tags"),
}

# Header names recognised automatically (compared without accents, case, spaces or punctuation).
_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("prenom", "firstname", "givenname", "first"),
    "last_name": ("nom", "lastname", "nomdefamille", "surname", "familyname", "name", "last"),
    "email": ("email", "mail", "courriel", "adressemail", "adresseemail", "emailaddress"),
    "phone": ("telephone", "tel", "phone", "mobile", "portable", "gsm", "phonenumber", "numerodetelephone"),
    "source": ("source", "origine", "canal", "provenance", "leadsource"),
    "status": ("statut", "status", "etape", "stage"),
    "assigned_to": ("assigne", "assignea", "attribuea", "responsable", "assignedto", "owner", "agent"),
    "property": ("bien", "logement", "property", "bienrecherche", "propertywanted"),
    "budget": ("budget", "loyermax", "loyermaximum", "maxrent"),
    "move_in": ("emmenagement", "datedemmenagement", "dateemmenagement", "datedemmenagementsouhaitee",
                "entreesouhaitee", "movein", "moveindate", "desiredmovein", "desiredmoveindate"),
    "last_contact": ("derniercontact", "lastcontact", "lastcontacted"),
    "created": ("creele", "datedecreation", "creation", "created", "createdat", "createdon", "creationdate"),
    "notes": ("notes", "note", "commentaire", "commentaires", "remarques", "comments"),
    "lost_reason": ("motifdeperte", "raisondeperte", "motif", "lostreason"),
    "tags": ("etiquettes", "etiquette", "tags", "tag"),
}
_BY_ALIAS = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_DATE_FIELDS = ("move_in", "last_contact", "created")


class ImportError_(ValidationError):  # noqa: N801 - "ImportError" is a builtin
    """The whole file is refused (empty, binary, too large, no usable column)."""


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class CsvFile:
    """What was detected about a file before importing it."""

    text: str
    encoding: str
    delimiter: str
    headers: list[str]
    rows: int

    @property
    def delimiter_label(self) -> str:
        return {";": ";", ",": ",", "\t": _("tab")}[self.delimiter]


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 with BOM, UTF-8, else Windows-1252 (French Excel)."""
    if not data or not data.strip():
        raise ImportError_(_("The file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise ImportError_(_("The file is too large ({size} MB): at most {limit} MB.").format(
            size=f"{len(data) / 1024 / 1024:.1f}".replace(".", ","), limit=MAX_BYTES // 1024 // 1024), field="file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Texte Unicode"
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportError_(_("Unknown text encoding: save the file as CSV UTF-8."), field="file") from None
    if b"\x00" in data[:65536]:
        raise ImportError_(_("This is not a CSV text file (binary content). Save it from your spreadsheet as CSV."),
                           field="file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ImportError_(_("Unknown text encoding: save the file as CSV UTF-8."), field="file") from None


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read(data: bytes) -> CsvFile:
    """Detect encoding and delimiter, read the header, count rows (refused above ``MAX_ROWS``)."""
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    headers = [h.strip() for h in next(reader, [])]
    if not any(headers):
        raise ImportError_(_("The first line must hold the column names."), field="file")
    rows = sum(1 for row in reader if any(cell.strip() for cell in row))
    if rows == 0:
        raise ImportError_(_("The file holds only the column names: no candidate to import."), field="file")
    if rows > MAX_ROWS:
        raise ImportError_(_("The file holds {rows} rows: at most {limit} per import. Split it into several files.")
                           .format(rows=_thousands(rows), limit=_thousands(MAX_ROWS)), field="file")
    return CsvFile(text, encoding, delimiter, headers, rows)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


Mapping = list  # one field name (or None: ignored) per column, by position


def auto_mapping(headers: list[str]) -> list[str | None]:
    """The field of each column, recognised by its name; a field goes to the first column only."""
    mapping: list[str | None] = []
    taken: set[str] = set()
    for header in headers:
        name = _BY_ALIAS.get(_key(header))
        mapping.append(name if name and name not in taken else None)
        if name:
            taken.add(name)
    return mapping


def check_mapping(csv_file: CsvFile, mapping: list[str | None]) -> None:
    if len(mapping) != len(csv_file.headers):
        raise ImportError_(_("The mapping does not match the file's columns."), field="mapping")
    used = [f for f in mapping if f]
    unknown = [f for f in used if f not in FIELDS]
    if unknown:
        raise ImportError_(_("Unknown field: {name}.").format(name=unknown[0]), field="mapping")
    twice = sorted({f for f in used if used.count(f) > 1})
    if twice:
        raise ImportError_(_("Two columns are mapped to {field}.").format(field=_(FIELDS[twice[0]])), field="mapping")
    if not {"first_name", "last_name", "email", "phone"} & set(used):
        raise ImportError_(_("No column holds a name, an e-mail or a phone: check the column names or the mapping."),
                           field="mapping")


def ignored_columns(csv_file: CsvFile, mapping: list[str | None]) -> list[str]:
    return [h or _("(column {n} without a name)").format(n=i + 1)
            for i, (h, f) in enumerate(zip(csv_file.headers, mapping, strict=True)) if not f]


# parsing rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str
    duplicate: bool = False

    @property
    def field_label(self) -> str:
        return _(FIELDS[self.field]) if self.field in FIELDS else ""


@dataclass
class ImportReport:
    encoding: str
    delimiter: str
    total: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_rows: int = 0
    duplicates: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    mode: str = "valid"
    committed: bool = False
    # every refused row (not only the first MAX_REPORTED): row number → its first problem
    refused: dict[int, str] = field(default_factory=dict)

    @property
    def unlisted(self) -> int:
        """Problems beyond the ones listed in ``errors``."""
        return max(0, len(self.refused) - len({e.line for e in self.errors}))

    @property
    def skipped(self) -> int:
        return self.error_rows + self.duplicates

    def add(self, error: RowError) -> None:
        self.refused.setdefault(error.line, error.message)
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(error)

    def summary(self) -> str:
        if self.dry_run:
            return _("Check only: {ok} of {total} rows can be imported, {bad} refused, {dup} duplicates.").format(
                ok=self.total - self.skipped, total=self.total, bad=self.error_rows, dup=self.duplicates)
        if not self.committed:
            return _("Nothing imported: {bad} rows refused and {dup} duplicates out of {total}.").format(
                bad=self.error_rows, dup=self.duplicates, total=self.total)
        return _("{ok} candidates imported out of {total} rows ({bad} refused, {dup} duplicates).").format(
            ok=self.imported, total=self.total, bad=self.error_rows, dup=self.duplicates)


class _Lookups:
    """Names in the file → ids, and what already exists for duplicate checks (loaded once)."""

    def __init__(self, session: Session, settings: CandidateSettings):
        self.statuses = {s.name.lower(): s for s in session.scalars(select(CandidateStatus))}
        self.sources = {s.name.lower(): s.id for s in session.scalars(select(CandidateSource))}
        self.source_names = [s.name for s in session.scalars(select(CandidateSource).order_by(CandidateSource.position))]
        self.labels: dict[str, dict[int, str]] = {
            "source": {s.id: s.name for s in session.scalars(select(CandidateSource))},
            "status": {s.id: s.name for s in self.statuses.values()},
            "property": {p.id: p.name for p in session.scalars(select(Property))},
        }
        self.staff: dict[str, int] = {}
        self.staff_names: dict[int, str] = {}
        for s in session.scalars(select(StaffUser).where(StaffUser.active.is_(True), StaffUser.is_system.is_(False))):
            self.staff[s.email.lower()] = s.id
            self.staff.setdefault(s.name.lower(), s.id)
            self.staff_names[s.id] = s.name
        self.properties = {p.name.lower(): p.id for p in session.scalars(select(Property))}
        self.fields = settings.duplicate_fields
        self.emails: dict[str, int] = {}
        self.phones: dict[str, int] = {}
        self.names: dict[tuple[str, str], int] = {}
        if self.fields:
            rows = session.execute(select(Candidate.id, Candidate.email, Candidate.phone, Candidate.first_name,
                                          Candidate.last_name))
            for cid, email, phone, first, last in rows:
                self.remember(cid, email, phone, first, last)

    def remember(self, cid: int, email: str, phone: str, first: str, last: str) -> None:
        if "email" in self.fields and email:
            self.emails.setdefault(email.lower(), cid)
        if "phone" in self.fields and phone:
            self.phones.setdefault(phone, cid)
        if "name" in self.fields and last:
            self.names.setdefault((first.lower(), last.lower()), cid)

    def duplicate_of(self, values: dict[str, Any]) -> tuple[str, int] | None:
        if "email" in self.fields and values["email"] and values["email"].lower() in self.emails:
            return "email", self.emails[values["email"].lower()]
        if "phone" in self.fields and values["phone"] and values["phone"] in self.phones:
            return "phone", self.phones[values["phone"]]
        key = (values["first_name"].lower(), values["last_name"].lower())
        if "name" in self.fields and values["last_name"] and key in self.names:
            return "last_name", self.names[key]
        return None


@dataclass(frozen=True)
class _Options:
    date_format: str
    country: str
    default_status: int
    default_source: int | None
    now: datetime  # in the landlord's time zone: "in the future" means after their today


def _parse_row(cells: dict[str, str], lookups: _Lookups, opts: _Options) -> tuple[dict[str, Any], list[str], list[tuple[str, str]]]:
    """One row → (column values, tags, errors as (field, message))."""
    errors: list[tuple[str, str]] = []
    get = lambda name: (cells.get(name) or "").strip()  # noqa: E731
    for name, limit in (("first_name", 100), ("last_name", 100), ("notes", 5000), ("lost_reason", 200)):
        if len(get(name)) > limit:
            errors.append((name, _("At most {limit} characters.").format(limit=limit)))
    values: dict[str, Any] = {
        "first_name": get("first_name")[:100], "last_name": get("last_name")[:100], "email": "", "phone": "",
        "notes": get("notes")[:5000], "lost_reason": get("lost_reason")[:200], "source_id": opts.default_source,
        "status_id": opts.default_status, "assigned_to_id": None, "property_id": None, "budget": None,
        "move_in": None, "last_contact": None, "created_at": opts.now, "updated_at": opts.now,
    }

    def check(name: str, parse: Callable[[str], Any]) -> Any:
        try:
            return parse(get(name))
        except (ValueError, ValidationError) as exc:
            errors.append((name, str(exc)))
            return None

    values["email"] = check("email", validation.email) or ""
    values["phone"] = check("phone", lambda v: validation.phone(v, opts.country)) or ""
    if not (values["first_name"] or values["last_name"] or values["email"] or values["phone"]) and not errors:
        errors.append(("last_name", _("No name, e-mail or phone on this row.")))
    for name in _DATE_FIELDS:
        if get(name):
            parsed = check(name, lambda v: validation.date_in_format(v, opts.date_format))
            if parsed is not None and not date(1900, 1, 1) <= parsed <= date(2100, 12, 31):
                errors.append((name, _("{value} is out of range.").format(value=get(name))))
                parsed = None
            if parsed is not None and name in ("created", "last_contact") and parsed > opts.now.date():
                errors.append((name, _("{value} is in the future.").format(value=get(name))))
                parsed = None
            if name == "created" and parsed is not None:
                values["created_at"] = datetime.combine(parsed, time(12), tzinfo=UTC)
            elif parsed is not None:
                values[name] = parsed
    if get("budget"):
        budget = check("budget", _money_before)
        if budget is not None and budget < 0:
            errors.append(("budget", _("A budget cannot be negative.")))
        values["budget"] = budget
    if get("source"):
        values["source_id"] = lookups.sources.get(get("source").lower())
        if values["source_id"] is None:
            errors.append(("source", _("Unknown source \"{value}\" (known: {known}).").format(
                value=get("source"), known=", ".join(lookups.source_names) or "—")))
    if get("status"):
        status = lookups.statuses.get(get("status").lower())
        if status is None:
            errors.append(("status", _("Unknown status \"{value}\".").format(value=get("status"))))
        elif status.kind == "won":
            errors.append(("status", _("A candidate becomes \"{value}\" by being converted, not imported.").format(
                value=status.name)))
        elif status.kind == "lost" and not values["lost_reason"]:
            errors.append(("lost_reason", _("Say why the candidate was lost (status \"{value}\").").format(
                value=status.name)))
        else:
            values["status_id"] = status.id
    if get("assigned_to"):
        values["assigned_to_id"] = lookups.staff.get(get("assigned_to").lower())
        if values["assigned_to_id"] is None:
            errors.append(("assigned_to", _("No active staff member \"{value}\".").format(value=get("assigned_to"))))
    if get("property"):
        values["property_id"] = lookups.properties.get(get("property").lower())
        if values["property_id"] is None:
            errors.append(("property", _("Unknown property \"{value}\".").format(value=get("property"))))
    # One tag per spelling, case and spaces aside ("VIP, vip" is one tag, spelt as first written).
    tags = list({fold(t): " ".join(t.split()) for t in reversed(get("tags").replace("|", ",").split(","))
                 if t.strip()}.values())[::-1]
    if any(len(t) > 60 for t in tags):
        errors.append(("tags", _("A tag has at most {limit} characters.").format(limit=60)))
    return values, tags, errors


def _records(csv_file: CsvFile, mapping: list[str | None]) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, cells by field); the header is row 1, blank rows are skipped."""
    reader = csv.reader(io.StringIO(csv_file.text, newline=""), delimiter=csv_file.delimiter, strict=True)
    next(reader, None)
    columns = [(i, name) for i, name in enumerate(mapping) if name]
    number = 1
    try:
        for row in reader:
            number += 1
            if not any(cell.strip() for cell in row):
                continue
            # "'=…" is how our own exports protect a cell from spreadsheet formulas: imported as it was
            yield number, {name: unprotect(row[i]) for i, name in columns if i < len(row)}
    except csv.Error as exc:
        raise ImportError_(_("This file cannot be read as CSV near row {row}: {error}.").format(
            row=number + 1, error=csv_error_text(exc)), field="file") from None


@dataclass(frozen=True)
class PreviewRow:
    line: int
    shown: dict[str, str]  # field → the value as it will be stored, in words
    errors: list[tuple[str, str]]


def _shown(values: dict[str, Any], tags: list[str], lookups: _Lookups, cells: dict[str, str],
           opts: _Options) -> dict[str, str]:
    """Each value as it will be stored, written the French way (dates in the file's format, 1 234,50)."""
    from homecrm.render.formatting import format_date

    names = {**lookups.labels, "assigned_to": lookups.staff_names}
    out = {}
    for name in FIELDS:
        if name in names:
            ident = values.get(f"{name}_id")
            out[name] = names[name].get(ident, "") if ident is not None and (cells.get(name) or "").strip() else ""
        elif name == "tags":
            out[name] = ", ".join(tags)
        elif name == "created":
            out[name] = format_date(values["created_at"].date(), opts.date_format) if (cells.get(name) or "").strip() \
                else ""
        else:
            value = values.get(name)
            if value is None:
                out[name] = ""
            elif isinstance(value, date):
                out[name] = format_date(value, opts.date_format)
            elif name == "budget":
                out[name] = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
            else:
                out[name] = str(value)
    return out


def _options(session: Session, date_format: str | None) -> tuple[CandidateSettings, _Options]:
    from homecrm.crm.candidates import default_source_id, default_status_id

    settings = load_section(session, CandidateSettings)
    fmt = date_format or load_section(session, LocalizationSettings).date_format
    try:
        fmt = validation.normalise_date_format(fmt)
    except ValueError as exc:
        raise ImportError_(str(exc), field="date_format") from None
    default_source = default_source_id(session, settings)
    return settings, _Options(fmt, load_section(session, ClientSettings).default_country,
                              default_status_id(session, settings), default_source,
                              clock.now().astimezone(ZoneInfo(load_section(session, LocalizationSettings).timezone)))


def _may_import(session: Session, actor: Principal, settings: CandidateSettings) -> None:
    require(session, actor, "candidates", "create")
    if not (actor.is_admin or actor.is_system) and not settings.staff_can_import:
        raise PermissionDenied(_("Only administrators may import candidates (Settings > Candidates)."))


def preview(session: Session, *, actor: Principal, csv_file: CsvFile, mapping: list[str | None],
            date_format: str | None = None, limit: int = 20) -> list[PreviewRow]:
    """The first rows as they would be imported, with their errors (nothing is written)."""
    check_mapping(csv_file, mapping)
    settings, opts = _options(session, date_format)
    _may_import(session, actor, settings)
    lookups = _Lookups(session, settings)
    out = []
    for line, cells in _records(csv_file, mapping):
        values, tags, errors = _parse_row(cells, lookups, opts)
        out.append(PreviewRow(line, _shown(values, tags, lookups, cells, opts), errors))
        if len(out) >= limit:
            break
    return out


def import_candidates(session: Session, *, actor: Principal, csv_file: CsvFile,
                      mapping: list[str | None] | None = None, mode: Literal["valid", "all"] = "valid",
                      dry_run: bool = False, date_format: str | None = None,
                      progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Check every row, then insert the accepted ones in the caller's transaction.

    ``mode="all"``: a single refused row or duplicate and nothing is written (the caller's
    transaction is left untouched). ``dry_run``: everything is checked, nothing is written.
    """
    mapping = auto_mapping(csv_file.headers) if mapping is None else list(mapping)
    check_mapping(csv_file, mapping)
    settings, opts = _options(session, date_format)
    _may_import(session, actor, settings)
    if mode not in ("valid", "all"):
        raise ValueError(f"unknown import mode {mode!r}")
    report = ImportReport(csv_file.encoding, csv_file.delimiter, dry_run=dry_run, mode=mode,
                          ignored_columns=ignored_columns(csv_file, mapping))
    lookups = _Lookups(session, settings)
    write = not dry_run and mode == "valid"
    # "all or nothing" checks the whole file first, then reads it again to write: nothing is
    # inserted unless every row passed, and memory stays bounded either way.
    batch: list[tuple[dict[str, Any], list[str]]] = []
    tag_ids: dict[str, int] = {}

    def flush() -> None:
        if batch:
            _insert(session, batch, tag_ids, actor.user_id)
            report.imported += len(batch)
            batch.clear()

    for line, cells in _records(csv_file, mapping):
        report.total += 1
        values, tags, errors = _parse_row(cells, lookups, opts)
        if errors:
            report.error_rows += 1
            for name, message in errors:
                report.add(RowError(line, name, message))
        else:
            match = lookups.duplicate_of(values)
            if match is not None:
                report.duplicates += 1
                report.add(RowError(line, match[0], _duplicate_text(session, actor, match[1]), duplicate=True))
            else:
                lookups.remember(-line, values["email"], values["phone"], values["first_name"], values["last_name"])
                if write:
                    batch.append((values, tags))
                    if len(batch) >= BATCH:
                        flush()
        if progress and report.total % 500 == 0:
            progress(report.total, csv_file.rows)
    flush()
    if mode == "all" and not dry_run and not report.skipped:
        lookups = _Lookups(session, settings)
        for _line, cells in _records(csv_file, mapping):
            values, tags, _errors = _parse_row(cells, lookups, opts)
            batch.append((values, tags))
            if len(batch) >= BATCH:
                flush()
            if progress and report.imported % 500 == 0:
                progress(report.imported, csv_file.rows)
        flush()
    if progress:
        progress(csv_file.rows, csv_file.rows)
    report.committed = report.imported > 0
    if report.imported:
        from homecrm.security import audit

        audit.record(session, action="import", entity="candidate", summary=_("{count} candidates imported").format(
            count=report.imported), changes={"rows": report.total, "refused": report.error_rows,
                                             "duplicates": report.duplicates, "encoding": report.encoding})
    return report


def _duplicate_text(session: Session, actor: Principal, match: int) -> str:
    if match < 0:
        return _("Duplicate of row {line} of this file.").format(line=-match)
    if actor.visibility("candidates") == "all" or actor.is_system:
        return _("Duplicate of candidate #{id}.").format(id=match)
    owner = session.execute(select(Candidate.created_by_id, Candidate.assigned_to_id).where(Candidate.id == match)).one()
    if actor.user_id in owner:
        return _("Duplicate of candidate #{id}.").format(id=match)
    return _("Duplicate of a candidate already known (not one of yours).")


def refused_rows_csv(csv_file: CsvFile, report: ImportReport) -> bytes:
    """The refused rows as they are in the file, with a "Problem" column: fix them and import again."""
    from homecrm.csv_export import csv_bytes

    reader = csv.reader(io.StringIO(csv_file.text, newline=""), delimiter=csv_file.delimiter, strict=True)
    header = next(reader, [])
    rows, number = [[_("Row"), *header, _("Problem")]], 1
    for row in reader:
        number += 1
        if number in report.refused:
            rows.append([number, *row, report.refused[number]])
    return csv_bytes(rows)


def _insert(session: Session, batch: list[tuple[dict[str, Any], list[str]]], tag_ids: dict[str, int],
            by_id: int | None) -> None:
    rows = [{**values, "created_by_id": by_id} for values, _tags in batch]
    ids = list(session.scalars(insert(Candidate).returning(Candidate.id, sort_by_parameter_order=True), rows))
    session.execute(insert(CandidateStatusChange), [
        {"candidate_id": cid, "status_id": row["status_id"], "at": row["created_at"], "by_id": by_id}
        for cid, row in zip(ids, rows, strict=True)])
    taggings = []
    for cid, (_values, tags) in zip(ids, batch, strict=True):
        for name in tags:  # already one per folded spelling
            taggings.append({"tag_id": _tag_id(session, name, tag_ids), "entity": "candidate", "entity_id": cid})
    if taggings:
        session.execute(insert(Tagging), taggings)


def _tag_id(session: Session, name: str, cache: dict[str, int]) -> int:
    key = fold(name)
    if key not in cache:
        tag = session.scalar(select(Tag).where(same_text(Tag.name, name)))
        if tag is None:
            tag = Tag(name=" ".join(name.split()))
            session.add(tag)
            session.flush()
        cache[key] = tag.id
    return cache[key]


def csv_error_text(exc: csv.Error) -> str:
    """Python's csv messages are English and technical: the usual ones said in the user's words."""
    text = str(exc)
    if "expected after" in text:
        return _("a quotation mark (\") opens a cell that is not closed properly")
    if "field larger than field limit" in text:
        return _("a cell is far too long (a quotation mark left open?)")
    if "new-line character seen in unquoted field" in text:
        return _("a line break inside a cell that has no quotation marks")
    if "NUL" in text:
        return _("the file contains binary data")
    return text


def load(data: bytes) -> CsvFile:
    """``read`` with its errors turned into the one message the page and the CLI show."""
    try:
        return read(data)
    except csv.Error as exc:
        raise ImportError_(_("This file cannot be read as CSV: {error}.").format(error=csv_error_text(exc)),
                           field="file") from None
