"""The homecrm command line: what cron jobs and scripts rely on."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from homecrm.cli import main
from tests.helpers import pdf_text

HOMECRM = str(Path(sys.executable).with_name("homecrm"))


ADMIN = "admin@test.fr"


def run(capsys, *args, as_admin=True):
    code = main((["--as", ADMIN] if as_admin else []) + list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _admin_account(request):
    """An administrator to act as (the CLI acts as the limited system account by default)."""
    if "db" not in request.fixturenames:
        return
    from homecrm.security.accounts import create_admin

    db = request.getfixturevalue("db")
    with db.write() as session:
        create_admin(session, email=ADMIN, name="Admin", password="correct horse battery")


def test_console_script_end_to_end(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "HOMECRM_NOW": "2026-03-12T12:00:00+01:00"}
    subprocess.run([HOMECRM, "--db", url, "init"], check=True, env=env, capture_output=True)
    done = subprocess.run([HOMECRM, "demo", "--db", url], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    listing = subprocess.run([HOMECRM, "receipts", "list", "--month", "2026-03", "--json", "--db", url],
                             env=env, capture_output=True, text=True, check=True)
    rows = json.loads(listing.stdout)
    assert len(rows) == 12
    assert set(rows[0]) >= {"number", "tenant", "period", "status", "total", "paid", "balance"}
    bad = subprocess.run([HOMECRM, "receipts", "list", "--month", "2026-13", "--db", url],
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1 and "2026-13" in bad.stderr


def test_uninitialised_database_is_reported(db, tmp_path, capsys):
    code, _out, err = run(capsys, "receipts", "list", "--db", f"sqlite:///{tmp_path / 'nothing.db'}", as_admin=False)
    assert code == 2 and "homecrm init" in err


def test_generate_pay_pdf_and_export(db, capsys, tmp_path, frozen_today):
    from tests.factories import make_lease

    with db.write() as session:
        make_lease(session, name="Dupont", unit="1")
        make_lease(session, name="Martin", unit="2")
    code, out, _ = run(capsys, "receipts", "generate", "--month", "2026-03")
    assert code == 0 and "2" in out
    code, out, _ = run(capsys, "receipts", "generate", "--month", "2026-03")
    assert code == 0 and out.startswith("0 ")  # idempotent
    code, out, err = run(capsys, "receipts", "pay", "QUI-000001", "--amount", "300,00", "--date", "2026-03-12", "--mode", "virement")
    assert code == 0, err
    assert "Reçu" in out
    code, out, _ = run(capsys, "receipts", "pay", "QUI-000001", "--amount", "430.00", "--date", "2026-03-12", "--mode", "chèque")
    assert "Quittance de loyer" in out
    target = tmp_path / "out" / "q.pdf"
    code, _out, err = run(capsys, "receipts", "pdf", "QUI-000001", "-o", str(target))
    assert code == 2 and "n'existe pas" in err  # a mistyped folder is reported, not created
    target.parent.mkdir()
    assert run(capsys, "receipts", "pdf", "QUI-000001", "-o", str(target))[0] == 0
    text = pdf_text(target.read_bytes())
    assert "Quittance de loyer" in text and "sept cent trente euros" in text
    archive = tmp_path / "march.zip"
    assert run(capsys, "receipts", "export", "--month", "2026-03", "-o", str(archive))[0] == 0
    with zipfile.ZipFile(archive) as zf:
        names = sorted(zf.namelist())
        assert names == ["avis-QUI-000002.pdf", "quittance-QUI-000001.pdf"]
        assert zf.read(names[0]).startswith(b"%PDF")
    rows = json.loads(run(capsys, "receipts", "list", "--json")[1])
    assert {(r["number"], r["status"], r["paid"], r["balance"]) for r in rows} == {
        ("QUI-000001", "paid", "730.00", "0.00"), ("QUI-000002", "unpaid", "0.00", "730.00")}


@pytest.mark.parametrize(
    "args, needle",
    [
        (["receipts", "pay", "QUI-999999", "--amount", "10", "--date", "2026-03-12"], "QUI-999999"),
        (["receipts", "pay", "QUI-000001", "--amount", "-10", "--date", "2026-03-12"], ""),
        (["receipts", "pay", "QUI-000001", "--amount", "10", "--date", "2026-03-11"], "12/03/2026"),  # the issue date, written as the landlord writes dates
        (["receipts", "pay", "QUI-000001", "--amount", "10", "--date", "06/03/2026"], "06/03/2026"),
        (["receipts", "pay", "QUI-000001", "--amount", "10", "--date", "2026-03-12", "--mode", "troc"], "troc"),
        (["receipts", "generate", "--month", "march"], "march"),
        (["receipts", "pdf", "NOPE", "-o", "x.pdf"], "NOPE"),
        (["settings", "set", "pdf.font_size", "99"], "16"),
        (["settings", "set", "pdf.table_header_bg", "blue"], "blue"),
        (["settings", "set", "nope.field", "1"], "nope"),
        (["settings", "set", "receipts", "1"], "receipts.prefix"),
        (["settings", "show", "nope"], "nope"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(db, capsys, tmp_path, monkeypatch, frozen_today, args, needle):
    from tests.factories import make_lease

    with db.write() as session:
        make_lease(session)
    run(capsys, "receipts", "generate", "--month", "2026-03")
    before = json.loads(run(capsys, "receipts", "list", "--json")[1])
    settings_before = run(capsys, "settings", "show")[1]
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err
    assert not (tmp_path / "x.pdf").exists()
    assert json.loads(run(capsys, "receipts", "list", "--json")[1]) == before
    assert run(capsys, "settings", "show")[1] == settings_before


def test_settings_show_and_set(db, capsys):
    code, out, _ = run(capsys, "settings", "set", "receipts.prefix", "Q-")
    assert code == 0 and out.strip() == "receipts.prefix = Q-"
    run(capsys, "settings", "set", "finance.amount_in_words", "non")
    out = run(capsys, "settings", "show", "finance")[1]
    assert "finance.amount_in_words = false" in out
    lines = run(capsys, "settings", "show")[1].splitlines()
    assert all(" = " in line for line in lines)
    assert "company.info_format = {company_name}\\n{address}" in "\n".join(lines)


@pytest.mark.parametrize(("key", "value"), [("tasks.timer_rounding", "15"), ("tasks.timer_rounding", "0"),
                                            ("calendar.first_day", "0")])
def test_settings_set_takes_a_number_among_listed_choices(db, capsys, key, value):
    code, out, err = run(capsys, "settings", "set", key, value)
    assert code == 0, err
    assert out.strip() == f"{key} = {value}"
    code, _out, err = run(capsys, "settings", "set", key, "7")
    assert code == 2 and key in err


def test_a_command_group_alone_prints_its_help(db, capsys):
    for group in (("settings",), ("receipts",), ()):
        code, out, err = run(capsys, *group)
        assert code == 0 and err == "" and out.startswith("Usage: homecrm")


def test_a_cli_call_without_the_right_exits_3(db, capsys):
    # Without --as the CLI acts as the cron account, which may not change settings.
    code, out, err = run(capsys, "settings", "set", "receipts.prefix", "Q-", as_admin=False)
    assert code == 3 and out == "" and len(err.strip().splitlines()) == 1
    code, _out, err = run(capsys, "receipts", "list", as_admin=False)
    assert code == 0  # the cron account may read documents
    code, _out, err = run(capsys, "--as", "nobody@test.fr", "receipts", "list", as_admin=False)
    assert code == 3 and "nobody@test.fr" in err


def test_create_admin_from_the_cli(db, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("another strong password\n"))
    code, out, _ = run(capsys, "users", "create-admin", "--email", "boss@test.fr", "--name", "Boss", "--password-stdin",
                       as_admin=False)
    assert code == 0 and "boss@test.fr" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _out, err = run(capsys, "users", "create-admin", "--email", "b2@test.fr", "--name", "B", "--password-stdin",
                          as_admin=False)
    assert code == 2 and "10" in err
    code, out, _ = run(capsys, "users", "list")
    assert "boss@test.fr" in out and "cron@localhost" not in out


def test_a_secret_from_an_empty_pipe_is_refused_and_the_answer_is_masked_like_show(db, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("sk_test_abcdefghijklmnop1234\n"))
    code, out, _err = run(capsys, "settings", "set", "stripe.secret_key", "--stdin")
    assert code == 0 and out.strip() == "stripe.secret_key = ****1234"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a variable that was not set
    code, _out, err = run(capsys, "settings", "set", "stripe.secret_key", "--stdin")
    assert code == 2 and "rien n'a changé" in err.lower()
    assert "stripe.secret_key = ****1234" in run(capsys, "settings", "show", "stripe")[1]
    code, out, _err = run(capsys, "settings", "set", "stripe.secret_key", "")  # erasing is said on purpose
    assert code == 0 and out.strip() == "stripe.secret_key ="


def test_tasks_and_tickets_lists_print_priorities_in_french(db, capsys):
    from homecrm.crm.customers import create_customer
    from homecrm.security.accounts import principal_by_email
    from homecrm.support import tickets as tk
    from homecrm.tasks.tasks import create_task

    with db.write() as session:
        admin = principal_by_email(session, ADMIN)
        create_task(session, actor=admin, data={"title": "Chaudière", "priority": "high"})
        tenant = create_customer(session, actor=admin, data={"last_name": "Dupont"})
        tk.open_ticket(session, actor=admin, data={"subject": "Fuite", "customer_id": tenant.id, "body": "Vite",
                                                   "priority": "urgent"})
    out = run(capsys, "tasks", "list")[1]
    assert "Élevée" in out and " high " not in out, out
    out = run(capsys, "tickets", "list")[1]
    assert "Urgente" in out and "urgent " not in out, out
