"""Importing candidates from CSV files as spreadsheets save them: encodings, delimiters, strict values."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homecrm.crm import candidate_import as ci
from homecrm.crm.candidates import create_candidate
from homecrm.errors import ValidationError
from homecrm.security.principal import PermissionDenied
from homecrm.settings import save_section
from homecrm.settings.sections import CandidateSettings, LocalizationSettings
from homecrm.store.models import AuditEntry, Candidate, CandidateSource, Tag, Tagging
from tests.factories import ACTOR, make_staff

HEADER = ["Prénom", "Nom", "E-mail", "Téléphone", "Source", "Budget", "Date d'emménagement", "Étiquettes", "Notes"]
ROWS = [
    ["Zoé", "Lefèvre", "zoe.lefevre@example.fr", "06 12 34 56 78", "Leboncoin", "1 234,50", "05/01/2024",
     "urgent|étudiant", "Préfère le 2ᵉ étage"],
    ["Léon", "Müller", "leon@example.de", "+49 30 901820", "SeLoger", "850", "31/12/2024", "", ""],
    ["Ana", "García", "", "0612345679", "", "", "", "", "Appel « très » motivée"],
]


def csv_bytes(delimiter: str, encoding: str, rows=ROWS, header=HEADER, bom: bool = False) -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value or '"' in value else value

    lines = [delimiter.join(cell(v) for v in row) for row in [header, *rows]]
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def run(db, data: bytes, **kwargs):
    with db.write() as session:
        report = ci.import_candidates(session, actor=kwargs.pop("actor", ACTOR), csv_file=ci.load(data), **kwargs)
    return report


def records(db) -> list[tuple]:
    with db.read() as session:
        rows = session.scalars(select(Candidate).order_by(Candidate.id)).all()
        sources = {s.id: s.name for s in session.scalars(select(CandidateSource))}
        from homecrm.crm.tags import tags_of

        tags = tags_of(session, "candidate", [c.id for c in rows])
        return [(c.first_name, c.last_name, c.email, c.phone, sources.get(c.source_id), c.budget, c.move_in,
                 tuple(tags[c.id]), c.notes) for c in rows]


@pytest.mark.parametrize(("delimiter", "encoding", "bom", "detected"), [
    (";", "utf-8", True, "UTF-8 (BOM)"),
    (";", "cp1252", False, "Windows-1252"),
    (",", "utf-8", False, "UTF-8"),
    ("\t", "utf-8", False, "UTF-8"),
])
def test_three_spreadsheet_flavours_import_identical_records(db, delimiter, encoding, bom, detected):
    rows = [[v.replace("ᵉ", "e") for v in row] for row in ROWS] if encoding == "cp1252" else ROWS
    data = csv_bytes(delimiter, encoding, rows=rows, bom=bom)
    csv_file = ci.load(data)
    assert (csv_file.encoding, csv_file.delimiter, csv_file.rows) == (detected, delimiter, 3)
    report = run(db, data)
    assert (report.imported, report.error_rows, report.duplicates) == (3, 0, 0)
    expected_notes = "Préfère le 2e étage" if encoding == "cp1252" else "Préfère le 2ᵉ étage"
    assert records(db) == [
        ("Zoé", "Lefèvre", "zoe.lefevre@example.fr", "+33612345678", "Leboncoin", Decimal("1234.50"),
         date(2024, 1, 5), ("urgent", "étudiant"), expected_notes),
        ("Léon", "Müller", "leon@example.de", "+4930901820", "SeLoger", Decimal("850.00"), date(2024, 12, 31), (), ""),
        ("Ana", "García", "", "+33612345679", None, None, None, (), "Appel « très » motivée"),
    ]


def test_header_mapping_recognises_french_and_english_and_ignores_unknown_columns():
    mapping = ci.auto_mapping(["First Name", "LAST NAME", "Courriel", "Mobile", "Couleur préférée", "Nom"])
    assert mapping == ["first_name", "last_name", "email", "phone", None, None]


def test_dates_follow_the_configured_format_without_guessing(db):
    header = ["Nom", "Emménagement"]
    data = csv_bytes(";", "utf-8", header=header, rows=[["A", "05/01/2024"], ["B", "31/02/2024"], ["C", "2024-01-05"],
                                                         ["D", "5/1/24"]])
    report = run(db, data)
    assert report.imported == 1
    assert [(e.line, e.field) for e in report.errors] == [(3, "move_in"), (4, "move_in"), (5, "move_in")]
    assert "n'existe pas" in report.errors[0].message
    assert "JJ/MM/AAAA" in report.errors[1].message
    with db.write() as session:
        save_section(session, LocalizationSettings, {"date_format": "m/d/Y"}, actor=ACTOR)
    report = run(db, csv_bytes(";", "utf-8", header=header, rows=[["E", "05/01/2024"]]))
    with db.read() as session:
        assert session.scalar(select(Candidate.move_in).where(Candidate.last_name == "E")) == date(2024, 5, 1)
    # the CLI's --date-format overrides the setting
    run(db, csv_bytes(";", "utf-8", header=header, rows=[["F", "2024-01-05"]]), date_format="%Y-%m-%d")
    with db.read() as session:
        assert session.scalar(select(Candidate.move_in).where(Candidate.last_name == "F")) == date(2024, 1, 5)


def test_amounts_french_style_and_bad_ones_named(db):
    data = csv_bytes(";", "utf-8", header=["Nom", "Budget"], rows=[
        ["A", "1\u00a0234,50"], ["B", "1\u202f234,5 €"], ["C", "12,345"], ["D", "-5"], ["E", "douze"], ["F", "1234.5"]])
    report = run(db, data)
    assert report.imported == 3
    assert [(e.line, e.field) for e in report.errors] == [(4, "budget"), (5, "budget"), (6, "budget")]
    with db.read() as session:
        assert session.scalars(select(Candidate.budget).order_by(Candidate.id)).all() == [
            Decimal("1234.50"), Decimal("1234.50"), Decimal("1234.50")]


def test_bad_emails_and_phones_reported_by_line(db):
    data = csv_bytes(";", "utf-8", header=["Nom", "E-mail", "Téléphone"], rows=[
        ["A", "pas-un-email", ""], ["B", "b@example.fr", "12"], ["C", "c@example.fr", "612345678"]])
    report = run(db, data)
    assert [(e.line, e.field) for e in report.errors] == [(2, "email"), (3, "phone")]
    assert "pas-un-email" in report.errors[0].message
    with db.read() as session:  # a phone saved by Excel without its leading 0 is still French
        assert session.scalar(select(Candidate.phone)) == "+33612345678"


def test_duplicates_follow_the_setting_against_the_database_and_within_the_file(db):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"last_name": "Existing", "email": "dup@example.fr",
                                                     "phone": "0611111111"})
    rows = [["A", "dup@example.fr", ""], ["B", "new@example.fr", "06 11 11 11 11"], ["C", "same@example.fr", ""],
            ["D", "SAME@example.fr", ""]]
    report = run(db, csv_bytes(";", "utf-8", header=["Nom", "E-mail", "Téléphone"], rows=rows), dry_run=True)
    assert report.duplicates == 3
    assert [(e.line, e.field, e.duplicate) for e in report.errors] == [
        (2, "email", True), (3, "phone", True), (5, "email", True)]
    assert "ligne 4" in report.errors[2].message
    with db.write() as session:
        save_section(session, CandidateSettings, {"duplicate_fields": ["name"]}, actor=ACTOR)
    report = run(db, csv_bytes(";", "utf-8", header=["Nom", "E-mail", "Téléphone"], rows=rows))
    assert (report.imported, report.duplicates) == (4, 0)


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(db):
    rows = [["A", "a@example.fr"], ["B", "faux"], ["C", "c@example.fr"]]
    data = csv_bytes(";", "utf-8", header=["Nom", "E-mail"], rows=rows)
    report = run(db, data, mode="all")
    assert (report.imported, report.error_rows, report.committed) == (0, 1, False)
    assert records(db) == []
    assert "Nothing imported" in report.summary() or "Rien" in report.summary()
    report = run(db, data, mode="valid")
    assert (report.imported, report.committed) == (2, True)
    fixed = csv_bytes(";", "utf-8", header=["Nom", "E-mail"], rows=[["D", "d@example.fr"], ["E", "e@example.fr"]])
    assert run(db, fixed, mode="all").imported == 2


def test_dry_run_writes_nothing(db):
    report = run(db, csv_bytes(";", "utf-8"), dry_run=True)
    assert (report.total, report.imported) == (3, 0)
    assert records(db) == []


@pytest.mark.parametrize(("data", "needle"), [
    (b"", "vide"),
    (b"   \r\n", "vide"),
    (b"%PDF-1.7\x00\x01\x02binary", "binaire"),
    ("Prénom;Nom;E-mail\r\n".encode(), "noms de colonnes"),
    (b"Couleur;Taille\r\nrouge;12\r\n", "Aucune colonne"),
])
def test_unusable_files_are_refused_with_a_clear_message(db, data, needle):
    with pytest.raises(ValidationError) as exc, db.write() as session:
        ci.import_candidates(session, actor=ACTOR, csv_file=ci.load(data))
    assert needle in str(exc.value)


def test_more_than_the_row_limit_is_refused_before_reading_further(monkeypatch):
    monkeypatch.setattr(ci, "MAX_ROWS", 5)
    data = csv_bytes(";", "utf-8", header=["Nom"], rows=[[f"N{i}"] for i in range(6)])
    with pytest.raises(ValidationError, match="6 lignes"):
        ci.load(data)


def test_unknown_source_status_staff_and_won_status_are_row_errors(db):
    data = csv_bytes(";", "utf-8", header=["Nom", "Source", "Statut", "Responsable"], rows=[
        ["A", "Minitel", "", ""], ["B", "", "Inconnu", ""], ["C", "", "Converti", ""], ["D", "", "", "nobody@x.fr"],
        ["E", "pap", "contacté", ""]])
    report = run(db, data)
    assert [(e.line, e.field) for e in report.errors] == [(2, "source"), (3, "status"), (4, "status"), (5, "assigned_to")]
    assert "Leboncoin" in report.errors[0].message  # the known sources are listed
    assert report.imported == 1


def test_tags_are_created_once_and_audit_has_one_import_entry(db):
    rows = [["A", "VIP, garant"], ["B", "vip"], ["C", "Garant|Étudiant"]]
    run(db, csv_bytes(";", "utf-8", header=["Nom", "Tags"], rows=rows))
    with db.read() as session:
        assert sorted(session.scalars(select(Tag.name))) == ["VIP", "garant", "Étudiant"]
        assert session.scalar(select(func.count(Tagging.id))) == 5
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
        assert len(entries) == 1 and "3" in entries[0].summary


def test_staff_import_needs_the_setting(db):
    with db.write() as session:
        staff = make_staff(session, email="sam@example.fr", permissions={("candidates", "create"), ("candidates", "view")})
    with pytest.raises(PermissionDenied):
        run(db, csv_bytes(";", "utf-8"), actor=staff)
    with db.write() as session:
        save_section(session, CandidateSettings, {"staff_can_import": True}, actor=ACTOR)
    assert run(db, csv_bytes(";", "utf-8"), actor=staff).imported == 3


def test_progress_is_reported_up_to_the_total(db):
    seen = []
    data = csv_bytes(";", "utf-8", header=["Nom"], rows=[[f"N{i}"] for i in range(1200)])
    run(db, data, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (500, 1200) and seen[-1] == (1200, 1200)


# QA findings ------------------------------------------------------------------------------------


def test_one_cell_repeating_a_tag_in_another_case_gives_one_tag(db):
    data = csv_bytes(";", "utf-8", header=["Nom", "E-mail", "Étiquettes"], rows=[
        ["Casse", "casse1@exemple.fr", "VIP, vip"], ["Espace", "e@exemple.fr", "Garant Visale, Garant  Visale"],
        ["Accent", "a@exemple.fr", "Étudiant, ÉTUDIANT"]])
    assert run(db, data).imported == 3
    with db.read() as session:
        assert sorted(session.scalars(select(Tag.name))) == ["Garant Visale", "VIP", "Étudiant"]
        assert session.scalar(select(func.count(Tagging.id))) == 3


def test_two_columns_with_the_same_name_first_one_used_and_remapping_by_position(db):
    data = csv_bytes(";", "utf-8", header=["Nom", "E-mail", "E-mail"], rows=[["Dupont", "a1@exemple.fr", "b1@exemple.fr"]])
    csv_file = ci.load(data)
    assert ci.auto_mapping(csv_file.headers) == ["last_name", "email", None]
    with db.write() as session:
        ci.import_candidates(session, actor=ACTOR, csv_file=csv_file, mapping=["last_name", None, "email"])
    with db.read() as session:
        assert session.scalar(select(Candidate.email)) == "b1@exemple.fr"


def test_an_unclosed_quote_is_refused_not_swallowed(db):
    data = 'Prénom;Nom;E-mail\n"Jean;Dupont;uq1@exemple.fr\nAnne;Martin;uq2@exemple.fr\n'.encode()
    with pytest.raises(ValidationError, match="CSV"):
        ci.load(data)


def test_utf16_files_from_excel_are_read():
    text = "Nom\tE-mail\nZoé\tz@exemple.fr\n"
    csv_file = ci.load(text.encode("utf-16"))
    assert (csv_file.encoding, csv_file.delimiter, csv_file.rows) == ("UTF-16", "\t", 1)


def test_too_long_names_future_dates_and_non_ascii_digits_are_refused(db, frozen_today):
    data = csv_bytes(";", "utf-8", header=["Nom", "Date de création", "Dernier contact", "Emménagement"], rows=[
        ["X" * 101, "", "", ""], ["A", "31/12/2030", "", ""], ["B", "", "01/01/2027", ""],
        ["C", "", "", "٠٥/٠١/٢٠٢٤"], ["D", "", "", "01/01/9999"], ["E", "01/02/2026", "", "01/01/2027"]])
    report = run(db, data)
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "last_name"), (3, "created"), (4, "last_contact"), (5, "move_in"), (6, "move_in")]
    assert report.imported == 1  # a move-in date in the future is normal


def test_the_list_export_imports_back(db):
    from homecrm.crm.candidate_board import cards_csv, list_candidates
    from homecrm.crm.candidates import create_candidate
    from homecrm.security.accounts import create_user

    with db.write() as session:
        user = create_user(session, actor=ACTOR, data={"name": "Léa Martin", "email": "lea@example.fr"},
                           password="a-long-password-1")
        create_candidate(session, actor=ACTOR, data={"first_name": "Zoé", "last_name": "Roux", "email": "z@e.fr",
                                                     "move_in": date(2026, 9, 1), "assigned_to_id": user.id,
                                                     "budget": "1 200,50", "tags": ["VIP"], "notes": "Appel"})
        exported = cards_csv(session, list_candidates(session, actor=ACTOR))
        session.execute(Tagging.__table__.delete())
        session.execute(Candidate.__table__.delete())
    csv_file = ci.load(exported)
    assert ci.ignored_columns(csv_file, ci.auto_mapping(csv_file.headers)) == ["Converti le"]
    assert run(db, exported).imported == 1
    with db.read() as session:
        cand = session.scalar(select(Candidate))
        assert (cand.move_in, cand.assigned_to_id, str(cand.budget), cand.notes) == (
            date(2026, 9, 1), user.id, "1200.50", "Appel")


def test_refused_rows_file_holds_the_rows_as_written(db):
    data = csv_bytes(";", "utf-8", header=["Nom", "E-mail"], rows=[["A", "faux"], ["B", "b@e.fr"], ["C", "aussi faux"]])
    csv_file = ci.load(data)
    with db.write() as session:
        report = ci.import_candidates(session, actor=ACTOR, csv_file=csv_file)
    text = ci.refused_rows_csv(csv_file, report).decode("utf-8-sig").splitlines()
    assert text[0] == "Ligne;Nom;E-mail;Problème"
    assert text[1].startswith("2;A;faux;") and text[2].startswith("4;C;aussi faux;")


def test_nothing_imported_exits_2_on_the_command_line(db, tmp_path):
    from homecrm.cli import main

    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(";", "utf-8", header=["Nom", "E-mail"], rows=[["A", "faux"]]))
    assert main(["--db", db.url, "leads", "import", str(path), "--refused", str(tmp_path / "r.csv")]) == 2
    assert (tmp_path / "r.csv").read_bytes().decode("utf-8-sig").startswith("Ligne;Nom;E-mail;Problème")


def test_a_lost_row_needs_a_reason(db):
    data = csv_bytes(";", "utf-8", header=["Nom", "Statut", "Motif de perte"],
                     rows=[["Sans", "Perdu", ""], ["Avec", "Perdu", "Budget trop court"]])
    report = run(db, data)
    assert report.imported == 1
    assert [(e.line, e.field) for e in report.errors] == [(2, "lost_reason")]


def test_leads_cli_dry_run_date_format_all_or_nothing_and_json_listing(db, tmp_path, capsys):
    from homecrm.cli import main

    good = tmp_path / "leads.csv"
    good.write_bytes(csv_bytes(";", "cp1252", header=["Prénom", "Nom", "Date d'emménagement"],
                               rows=[["Zoé", "Lefèvre", "2024-01-05"], ["Léon", "Müller", "2024-12-31"]]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(";", "utf-8", header=["Nom", "E-mail"], rows=[["Un", "un@example.fr"], ["Deux", "pas-un-email"]]))

    assert main(["leads", "import", str(good), "--dry-run", "--date-format", "Y-m-d"]) == 0
    assert records(db) == []
    assert main(["leads", "import", str(bad), "--all-or-nothing"]) == 2
    assert records(db) == []
    assert main(["leads", "import", str(good), "--date-format", "%Y-%m-%d"]) == 0
    capsys.readouterr()
    assert main(["leads", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted((c["last_name"], c["move_in"]) for c in listed) == [("Lefèvre", "2024-01-05"), ("Müller", "2024-12-31")]
    assert {"property", "notes", "lost_reason", "tenant_id", "converted_on"} <= set(listed[0])
    assert main(["leads", "list"]) == 0
    assert "Lefèvre" in capsys.readouterr().out


def test_cells_our_exports_protected_come_back_as_they_were(db):
    """The list export writes "=cmd" as "'=cmd" (no spreadsheet formula); imported again, it is "=cmd"."""
    from homecrm.csv_export import safe_cell

    rows = [[safe_cell("=cmd|' /C calc'!A0"), "Formule", "", "", "", "", "", "", safe_cell("+ rappeler lundi")],
            ["'Alain", "Apostrophe", "", "", "", "", "", "", "'-5"]]  # a number is never protected: stays as typed
    run(db, csv_bytes(";", "utf-8", rows=rows))
    got = {r[1]: r for r in records(db)}
    assert got["Formule"][0] == "=cmd|' /C calc'!A0" and got["Formule"][8] == "+ rappeler lundi"
    assert got["Apostrophe"][0] == "'Alain" and got["Apostrophe"][8] == "'-5"


def test_leads_cli_says_file_problems_in_french_with_the_field_in_words(db, tmp_path, capsys):
    from homecrm.cli import main

    broken = tmp_path / "broken.csv"
    broken.write_bytes('Nom;E-mail\n"Martin" x;m@example.fr\nDurand;d@example.fr\n'.encode())
    assert main(["leads", "import", str(broken), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "guillemet" in err and "expected" not in err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["leads", "import", str(empty), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "Le fichier est vide." in err and "file :" not in err  # a field is named in words, never "file"
    one = tmp_path / "one.csv"
    one.write_bytes(b"Nom,E-mail\nMartin,m@example.fr\n")
    assert main(["leads", "import", str(one), "--dry-run"]) == 0
    assert "séparateur « , », 1 ligne." in capsys.readouterr().out
