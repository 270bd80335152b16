"""Secrets at rest: encrypted in the database, masked when shown, rotated without loss."""

import json
import logging
import os
import stat

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from homecrm.cli import main
from homecrm.security import secrets
from homecrm.settings import load_section, save_section
from homecrm.settings.base import CLEAR, secret_value
from homecrm.settings.sections import SmtpSettings
from homecrm.store.models import Setting
from tests.factories import ACTOR

PASSWORD = "s3cr3t-SMTP-pa55"


def stored(db) -> str:
    with db.read() as session:
        return session.scalar(select(Setting.value).where(Setting.section == "smtp", Setting.name == "password"))


def test_round_trip_encrypted_at_rest_with_a_private_key_file(db):
    with db.write() as session:
        save_section(session, SmtpSettings, {"host": "smtp.example.fr", "password": PASSWORD}, actor=ACTOR)
    raw = stored(db)
    assert PASSWORD not in raw and "enc" in json.loads(raw)
    assert PASSWORD.encode() not in db.path.read_bytes()
    with db.read() as session:
        assert secret_value(load_section(session, SmtpSettings).password) == PASSWORD
    key_file = secrets.key_file()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_secret_only_replaced_when_a_value_is_typed(db):
    with db.write() as session:
        save_section(session, SmtpSettings, {"password": PASSWORD}, actor=ACTOR)
    token = stored(db)
    with db.write() as session:
        save_section(session, SmtpSettings, {"password": "", "sender_name": "SCI Les Lilas"}, actor=ACTOR)
        save_section(session, SmtpSettings, {"password": "****pa55"}, actor=ACTOR)
    assert stored(db) == token
    with db.write() as session:
        save_section(session, SmtpSettings, {"password": CLEAR}, actor=ACTOR)
        assert secret_value(load_section(session, SmtpSettings).password) == ""


@pytest.mark.parametrize("field, value", [("host", "smtp.attacker.example"), ("port", 2525),
                                          ("encryption", "none"), ("username", "someone@else.fr")])
def test_a_stored_password_never_follows_a_new_server(db, field, value):
    """Whoever may edit settings cannot send the stored SMTP password to a server of theirs."""
    from homecrm.errors import ValidationError

    with db.write() as session:
        save_section(session, SmtpSettings, {"host": "smtp.ionos.fr", "username": "bailleur@x.fr",
                                             "password": PASSWORD}, actor=ACTOR)
    token = stored(db)
    with db.write() as session, pytest.raises(ValidationError) as refused:
        save_section(session, SmtpSettings, {field: value, "password": ""}, actor=ACTOR)
    assert refused.value.field == "password"
    assert "saisissez à nouveau « Mot de passe SMTP »" in str(refused.value)
    assert stored(db) == token
    with db.write() as session:  # typing it again is fine
        save_section(session, SmtpSettings, {field: value, "password": "another-secret-1"}, actor=ACTOR)
        assert getattr(load_section(session, SmtpSettings), field) == value


def test_cli_shows_secrets_masked(db, capsys):
    from homecrm.security.accounts import create_admin

    with db.write() as session:
        create_admin(session, email="admin@test.fr", name="A", password="correct horse battery")
        save_section(session, SmtpSettings, {"password": PASSWORD}, actor=ACTOR)
    assert main(["--as", "admin@test.fr", "settings", "show", "smtp"]) == 0
    out = capsys.readouterr().out
    assert "smtp.password = ****pa55" in out and PASSWORD not in out
    # Pasting the masked value back is refused, not silently ignored while saying "done".
    assert main(["--as", "admin@test.fr", "settings", "set", "smtp.password", "****pa55NEW"]) == 2
    assert "****" in capsys.readouterr().err
    with db.read() as session:
        assert secret_value(load_section(session, SmtpSettings).password) == PASSWORD


def test_rotation_re_encrypts_and_drops_the_old_key(db, capsys):
    from homecrm.security.accounts import create_admin

    with db.write() as session:
        create_admin(session, email="admin@test.fr", name="A", password="correct horse battery")
        save_section(session, SmtpSettings, {"password": PASSWORD}, actor=ACTOR)
    old_key, old_token = secrets.key_file().read_text(), stored(db)
    assert main(["--as", "admin@test.fr", "secrets", "rotate"]) == 0
    assert "1" in capsys.readouterr().out
    new_key = secrets.key_file().read_text()
    assert new_key != old_key and len(new_key.split()) == 1
    assert stored(db) != old_token
    with pytest.raises(Exception):
        Fernet(old_key.strip().encode()).decrypt(json.loads(stored(db))["enc"].encode())
    with db.read() as session:
        assert secret_value(load_section(session, SmtpSettings).password) == PASSWORD


def test_key_from_the_environment_and_a_wrong_key(db, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="homecrm")  # the operator's log line (the user is told in French)
    monkeypatch.setenv(secrets.ENV_KEY, Fernet.generate_key().decode())
    with db.write() as session:
        save_section(session, SmtpSettings, {"password": PASSWORD}, actor=ACTOR)
    assert not secrets.key_file().exists()
    monkeypatch.setenv(secrets.ENV_KEY, Fernet.generate_key().decode())
    with db.read() as session:
        assert secret_value(load_section(session, SmtpSettings).password) == ""
    assert "cannot be decrypted" in caplog.text and PASSWORD not in caplog.text


def test_rotation_requires_an_administrator(db, capsys):
    assert main(["secrets", "rotate"]) == 3
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
