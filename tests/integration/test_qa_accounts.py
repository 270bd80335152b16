"""Regression tests for the QA round on staff accounts, secrets, the audit trail and the CLI."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from homecrm.billing.documents import generate_month
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.cli import main
from homecrm.render.formatting import Formats
from homecrm.security.accounts import (
    AuthenticationError,
    LockedOut,
    authenticate,
    create_admin,
    principal_for,
    system_principal,
    update_user,
)
from homecrm.security.audit import list_entries
from homecrm.security.audit_labels import actor_label, describe_changes
from homecrm.security.client_address import client_address
from homecrm.security.principal import PermissionDenied, Principal
from homecrm.settings import load_section, save_section
from homecrm.settings.base import secret_value
from homecrm.settings.sections import SmsGatewaySettings, StripeSettings
from homecrm.store.models import AuditEntry, Payment, Role, StaffUser
from tests.factories import ACTOR, make_lease, make_staff

PASSWORD = "correct horse battery"
GOOD_KEY = "sk_test_homecrm_good_key"


# 3 — rights are re-read when a service checks them ---------------------------------------------------------------


@pytest.fixture
def world(db, frozen_today):
    with db.write() as session:
        make_lease(session)
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        role_id = session.scalar(select(Role.id).where(Role.name == "Comptable"))
        staff = make_staff(session, email="compta@test.fr", permissions=set())
        session.get(StaffUser, staff.user_id).role_id = role_id
        session.flush()
        staff = principal_for(session.get(StaffUser, staff.user_id))
    return staff, doc_id


def _pay(db, actor, doc_id):
    with db.write() as session:
        return record_payment(session, actor=actor, document_id=doc_id, data={"amount": "4", "paid_on": date(2026, 3, 5)})


def test_a_principal_read_before_a_role_change_is_refused(db, world):
    staff, doc_id = world
    _pay(db, staff, doc_id)  # allowed while the role allows it
    with db.write() as session:
        session.get(StaffUser, staff.user_id).role_id = session.scalar(select(Role.id).where(Role.name == "Lecture seule"))
    with pytest.raises(PermissionDenied, match="n'a pas le droit"):
        _pay(db, staff, doc_id)


def test_a_principal_read_before_a_deactivation_is_refused(db, world):
    staff, doc_id = world
    with db.write() as session:
        user = session.get(StaffUser, staff.user_id)
        update_user(session, actor=ACTOR, user_id=user.id, data={"email": user.email, "name": user.name,
                                                                 "role_id": user.role_id, "active": False})
    with pytest.raises(PermissionDenied, match="plus actif"):
        _pay(db, staff, doc_id)
    with db.read() as session:
        assert session.scalars(select(Payment)).all() == []


def test_narrowed_rights_refuse_what_the_old_page_decided(db, world):
    """Still allowed to record payments, but no longer to see every document: reload first."""
    staff, doc_id = world
    with db.write() as session:
        role = session.get(StaffUser, staff.user_id).role
        from homecrm.security.accounts import save_role

        save_role(session, actor=ACTOR, role_id=role.id, name=role.name,
                  permissions={(p.module, p.right) for p in role.permissions if (p.module, p.right) != ("tenants", "view")})
    with pytest.raises(PermissionDenied, match="rouvrez-la"):
        _pay(db, staff, doc_id)


def test_a_lost_administrator_flag_applies_at_once(db):
    with db.write() as session:
        create_admin(session, email="first@test.fr", name="First", password=PASSWORD)
        second = principal_for(create_admin(session, email="second@test.fr", name="Second", password=PASSWORD))
    with db.write() as session:
        session.get(StaffUser, second.user_id).is_admin = False
    with pytest.raises(PermissionDenied), db.write() as session:
        save_section(session, StripeSettings, {"label": "Carte"}, actor=second)


def test_the_cron_account_and_internal_principals_still_work(db, world):
    _staff, doc_id = world
    with db.read() as session:
        cron = system_principal(session)
    _pay(db, cron, doc_id)
    _pay(db, Principal.system(), doc_id)


# 9 — the per-address lockout, locally and behind the reverse proxy -----------------------------------------------


@pytest.mark.parametrize("peer, headers, expected", [
    (None, {}, "127.0.0.1"),  # Streamlit gives no address for localhost
    ("127.0.0.1", {}, "127.0.0.1"),
    (None, {"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"),  # nginx/Caddy on this machine
    ("::1", {"x-forwarded-for": "10.1.1.1, 203.0.113.9"}, "203.0.113.9"),  # rightmost: what our proxy saw
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9, 127.0.0.1"}, "203.0.113.9"),  # two local proxies
    ("127.0.0.1", {"X-Forwarded-For": "not an address"}, "127.0.0.1"),
    ("198.51.100.7", {"X-Forwarded-For": "203.0.113.9"}, "198.51.100.7"),  # from elsewhere: header not trusted
])
def test_client_address(peer, headers, expected):
    assert client_address(peer, headers) == expected


def test_failures_from_one_address_lock_every_account_there(db):
    with db.write() as session:
        create_admin(session, email="admin@test.fr", name="Admin", password=PASSWORD)
        make_staff(session, email="gestion@test.fr", permissions={("documents", "view")})
    t0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    local = client_address(None, {})
    for i in range(5):
        with db.write() as session, pytest.raises(AuthenticationError):
            authenticate(session, email="gestion@test.fr", password="bad", client_address=local, now=t0 + timedelta(seconds=i))
    with db.write() as session, pytest.raises(LockedOut):
        authenticate(session, email="admin@test.fr", password=PASSWORD, client_address=local, now=t0 + timedelta(seconds=9))


# 4 — secrets that cannot be decrypted ------------------------------------------------------------------------------


@pytest.fixture
def lost_key(db, monkeypatch):
    with db.write() as session:
        save_section(session, StripeSettings, {"enabled": True, "secret_key": GOOD_KEY}, actor=ACTOR)
        save_section(session, SmsGatewaySettings, {"active_gateway": "twilio", "twilio_account_sid": "AC" + "0123456789abcdef" * 2,
                                                   "twilio_auth_token": "token-1234567890", "twilio_from": "+33612345678"},
                     actor=ACTOR)
        create_admin(session, email="admin@test.fr", name="Admin", password=PASSWORD)
    monkeypatch.setenv("HOMECRM_SECRET_KEY", Fernet.generate_key().decode())  # restored without its key


def test_unreadable_secrets_read_as_empty_and_can_be_typed_again(db, lost_key, capsys, monkeypatch):
    with db.read() as session:
        stripe = load_section(session, StripeSettings)
        assert stripe.enabled and secret_value(stripe.secret_key) == ""
        assert load_section(session, SmsGatewaySettings).active_gateway == "twilio"
    assert main(["--as", "admin@test.fr", "settings", "show", "stripe"]) == 0
    out, err = capsys.readouterr()
    assert "stripe.enabled = true" in out and "stripe.secret_key ne peut pas être déchiffré" in err
    from homecrm.security.secrets import key_file

    assert f"({key_file()} perdu ou remplacé" in err  # where this installation's key file really is
    assert "cannot be decrypted" not in err  # the operator's log line stays out of the user's way
    assert main(["payments", "sync"]) == 2
    assert "saisissez-la à nouveau" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD_KEY + "\n"))
    assert main(["--as", "admin@test.fr", "settings", "set", "stripe.secret_key", "--stdin"]) == 0
    assert GOOD_KEY not in capsys.readouterr().out
    with db.read() as session:
        assert secret_value(load_section(session, StripeSettings).secret_key) == GOOD_KEY
    assert main(["--as", "admin@test.fr", "secrets", "rotate"]) == 0  # the other unreadable one is skipped, not fatal


def test_saving_another_field_asks_for_the_lost_secret(db, lost_key):
    from homecrm.errors import ValidationError

    with pytest.raises(ValidationError, match="clé secrète"), db.write() as session:
        save_section(session, StripeSettings, {"label": "Carte bancaire"}, actor=ACTOR)


# 14 — command line ------------------------------------------------------------------------------------------------


def test_create_admin_needs_an_administrator_when_acting_as_someone(db, capsys, monkeypatch):
    with db.write() as session:
        create_admin(session, email="admin@test.fr", name="Admin", password=PASSWORD)
        make_staff(session, email="gestion@test.fr", permissions={("documents", "view")})
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert main(["--as", "gestion@test.fr", "users", "create-admin", "--email", "x@test.fr", "--name", "X",
                 "--password-stdin"]) == 3
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "create-admin", "--email", "x@test.fr", "--name", "X", "--password-stdin"]) == 2
    assert main(["users", "create-admin", "--email", "x@test.fr", "--name", "X"]) == 2  # no terminal to type it
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert main(["users", "create-admin", "--email", "x@test.fr", "--name", "X", "--password-stdin"]) == 0
    with db.read() as session:
        actor = session.scalar(select(AuditEntry.actor).where(AuditEntry.entity == "user", AuditEntry.summary == "X <x@test.fr>"))
    assert actor == "cron@localhost"  # the command line, not "system"
    assert actor_label(actor) == "Tâches planifiées et ligne de commande (cron@localhost)"


def test_cli_names_fields_in_french(db, frozen_today, capsys):
    with db.write() as session:
        make_lease(session)
        generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))
    assert main(["receipts", "pay", "QUI-000001", "--amount", "0", "--date", "2026-03-05"]) == 2
    assert capsys.readouterr().err.startswith("homecrm: montant : ")
    assert main(["receipts", "pay", "QUI-000001", "--amount", "10", "--date", "2026-02-01"]) == 2
    assert capsys.readouterr().err.startswith("homecrm: date du paiement : ")
    assert main(["settings", "set", "receipts.prefix"]) == 2
    assert "valeur" in capsys.readouterr().err.lower()
    assert main(["receipts", "list"]) == 0
    out = capsys.readouterr().out
    assert "730,00\u00a0€" in out and "0,00\u00a0€" in out and "Non payé" in out


# Audit trail ---------------------------------------------------------------------------------------------------------


def test_audit_values_are_shown_plainly_and_sign_ins_are_not_changes(db):
    with db.write() as session:
        admin = principal_for(create_admin(session, email="admin@test.fr", name="Admin", password=PASSWORD))
        save_section(session, StripeSettings, {"currencies": "EUR,JPY", "fixed_fee": "0,50"}, actor=admin)
    with db.write() as session:
        authenticate(session, email="admin@test.fr", password=PASSWORD)
    with db.read() as session:
        rows = list_entries(session, actor=admin)
    assert not [r for r in rows if "last_login_at" in r.changes]
    fmt = Formats()
    texts = {r.summary: describe_changes(r.entity, r.changes, fmt) for r in rows if r.entity == "setting"}
    assert texts["stripe.currencies"] == "Valeur : EUR,JPY"
    assert texts["stripe.fixed_fee"] == "Valeur : 0,50"
    assert describe_changes("payment", {"amount": ["930.00", "1000.00"], "mode": ["transfer", "cheque"]}, fmt) == \
        "Montant : 930,00 → 1000,00 · Mode : Virement → Chèque"
    assert json.loads(json.dumps(rows[0].changes)) == rows[0].changes
