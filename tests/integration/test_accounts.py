"""Staff accounts: sign-in with lockout, passwords, administrators."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from homecrm.errors import ConflictError, ValidationError
from homecrm.security.accounts import (
    AuthenticationError,
    LockedOut,
    authenticate,
    change_password,
    create_admin,
    create_user,
    principal_for,
    reset_password,
    system_principal,
    update_user,
)
from homecrm.settings import save_section
from homecrm.settings.sections import SecuritySettings
from homecrm.store.models import LoginAttempt, Role, StaffUser
from tests.factories import ACTOR

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def users(db):
    with db.write() as session:
        admin = create_admin(session, email="admin@test.fr", name="Admin", password=PASSWORD)
        role = session.scalar(select(Role).where(Role.name == "Gestionnaire"))
        staff = create_user(session, actor=principal_for(admin), password=PASSWORD,
                            data={"email": "Julie@Test.fr", "name": "Julie", "role_id": role.id})
        return principal_for(admin), staff.id


def sign_in(db, email, password, address="10.0.0.1", at=T0):
    with db.write() as session:
        try:
            return authenticate(session, email=email, password=password, client_address=address, now=at)
        except (AuthenticationError, LockedOut) as exc:
            return exc


def test_sign_in_is_case_insensitive_and_records_attempts(db, users):
    principal = sign_in(db, "JULIE@test.fr", PASSWORD)
    assert principal.email == "julie@test.fr" and not principal.is_admin
    assert principal.can("documents", "create") and not principal.can("settings", "edit")
    with db.read() as session:
        assert session.scalar(select(LoginAttempt.succeeded)) is True


def test_wrong_password_and_unknown_email_get_the_same_message(db, users):
    wrong = sign_in(db, "julie@test.fr", "nope nope nope")
    unknown = sign_in(db, "nobody@test.fr", PASSWORD)
    assert isinstance(wrong, AuthenticationError) and str(wrong) == str(unknown)
    assert "julie" not in str(wrong).lower()


def test_lockout_per_account_grows_and_success_resets(db, users):
    for i in range(5):
        assert isinstance(sign_in(db, "julie@test.fr", "bad", at=T0 + timedelta(seconds=i)), AuthenticationError)
    locked = sign_in(db, "julie@test.fr", PASSWORD, at=T0 + timedelta(seconds=10))
    assert isinstance(locked, LockedOut) and locked.retry_after <= timedelta(minutes=1)
    # after the first lockout, one more failure doubles the wait
    assert isinstance(sign_in(db, "julie@test.fr", "bad", at=T0 + timedelta(minutes=2)), AuthenticationError)
    locked = sign_in(db, "julie@test.fr", PASSWORD, at=T0 + timedelta(minutes=2, seconds=5))
    assert isinstance(locked, LockedOut) and timedelta(minutes=1) < locked.retry_after <= timedelta(minutes=2)
    ok = sign_in(db, "julie@test.fr", PASSWORD, at=T0 + timedelta(minutes=5))
    assert not isinstance(ok, Exception)
    assert isinstance(sign_in(db, "julie@test.fr", "bad", at=T0 + timedelta(minutes=6)), AuthenticationError)


def test_lockout_per_client_address_across_emails(db, users):
    for i in range(5):
        sign_in(db, f"guess{i}@test.fr", "bad", address="203.0.113.9", at=T0 + timedelta(seconds=i))
    assert isinstance(sign_in(db, "julie@test.fr", PASSWORD, address="203.0.113.9", at=T0 + timedelta(seconds=9)), LockedOut)
    assert not isinstance(sign_in(db, "julie@test.fr", PASSWORD, address="10.9.9.9", at=T0 + timedelta(seconds=9)), Exception)


def test_signing_in_with_one_valid_account_does_not_reset_the_address_count(db, users):
    """An attacker holding one account cannot interleave successes to keep guessing others."""
    address, at = "203.0.113.7", T0
    for i in range(4):
        at += timedelta(seconds=1)
        sign_in(db, f"victim{i}@test.fr", "bad", address=address, at=at)
        at += timedelta(seconds=1)
        assert not isinstance(sign_in(db, "julie@test.fr", PASSWORD, address=address, at=at), Exception)
    sign_in(db, "victim9@test.fr", "bad", address=address, at=at + timedelta(seconds=1))
    assert isinstance(sign_in(db, "julie@test.fr", PASSWORD, address=address, at=at + timedelta(seconds=2)), LockedOut)


def test_lockout_threshold_setting(db, users):
    with db.write() as session:
        save_section(session, SecuritySettings, {"max_failed_logins": 3}, actor=ACTOR)
    for i in range(3):
        sign_in(db, "julie@test.fr", "bad", at=T0 + timedelta(seconds=i))
    assert isinstance(sign_in(db, "julie@test.fr", PASSWORD, at=T0 + timedelta(seconds=5)), LockedOut)


def test_inactive_and_system_accounts_cannot_sign_in(db, users):
    admin, staff_id = users
    with db.write() as session:
        update_user(session, actor=admin, user_id=staff_id, data={"email": "julie@test.fr", "name": "Julie", "active": False})
    assert isinstance(sign_in(db, "julie@test.fr", PASSWORD), AuthenticationError)
    assert isinstance(sign_in(db, "cron@localhost", ""), AuthenticationError)


def test_password_policy_change_and_admin_reset(db, users):
    admin, staff_id = users
    for weak in ("short", " " * 12, "aaaaaaaaaaaa", "ab ab ab ab ab"):  # too short, or long but guessed at once
        with pytest.raises(ValidationError) as excinfo, db.write() as session:
            reset_password(session, actor=admin, user_id=staff_id, new_password=weak)
        assert excinfo.value.field == "password"
    with db.write() as session:
        reset_password(session, actor=admin, user_id=staff_id, new_password="temporary password 1")
    julie = sign_in(db, "julie@test.fr", "temporary password 1")
    assert julie.must_change_password
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        change_password(session, actor=julie, current="wrong one here", new="my own new password")
    assert excinfo.value.field == "current"
    with db.write() as session:
        change_password(session, actor=julie, current="temporary password 1", new="my own new password")
    assert not sign_in(db, "julie@test.fr", "my own new password").must_change_password


def test_the_last_administrator_stays(db, users):
    admin, _staff = users
    with pytest.raises(ValidationError), db.write() as session:
        update_user(session, actor=admin, user_id=admin.user_id, data={"email": "admin@test.fr", "name": "A", "is_admin": False})
    with pytest.raises(ConflictError), db.write() as session:
        create_admin(session, email="second@test.fr", name="B", password=PASSWORD, first_only=True)


def test_only_administrators_manage_accounts(db, users):
    from homecrm.security.principal import PermissionDenied

    julie = sign_in(db, "julie@test.fr", PASSWORD)
    with pytest.raises(PermissionDenied), db.write() as session:
        create_user(session, actor=julie, password=PASSWORD, data={"email": "x@test.fr", "name": "X"})


def test_system_principal_has_its_own_limited_role(db):
    with db.read() as session:
        cron = system_principal(session)
    assert cron.email == "cron@localhost" and not cron.is_admin
    assert cron.can("documents", "create") and cron.can("payments", "create")
    assert not cron.can("settings", "edit") and not cron.can("tenants", "delete")


def test_passwords_are_argon2id_hashes(db, users):
    with db.read() as session:
        hashes = session.scalars(select(StaffUser.password_hash).where(StaffUser.is_system.is_(False))).all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
