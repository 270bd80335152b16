"""Staff accounts: creation, passwords, sign-in with lockout, roles and departments.

Sign-in failures are counted per e-mail and per client address since the last success, over the
last hour. From ``max_failed_logins`` failures on, sign-in is refused for ``lockout_minutes``,
doubling with each further failure (capped at one hour). Messages never tell whether an e-mail
exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from homecrm import clock, validation
from homecrm.errors import ConflictError, HomecrmError, NotFoundError, ValidationError
from homecrm.i18n import _
from homecrm.inputs import InputModel, parse_input
from homecrm.security.passwords import (
    check_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from homecrm.security.principal import MODULES, RIGHTS, Principal, require_admin
from homecrm.settings import load_section
from homecrm.settings.sections import SecuritySettings
from homecrm.store.models import (
    Department,
    LoginAttempt,
    Role,
    RolePermission,
    StaffUser,
)
from homecrm.store.text import same_text


class AuthenticationError(HomecrmError):
    """Wrong e-mail or password (deliberately vague)."""


class LockedOut(HomecrmError):
    """Too many failures: sign-in refused for a while."""

    def __init__(self, message: str, retry_after: timedelta):
        super().__init__(message)
        self.retry_after = retry_after


def principal_for(user: StaffUser) -> Principal:
    permissions = frozenset((p.module, p.right) for p in (user.role.permissions if user.role else []))
    return Principal(
        user_id=user.id,
        email=user.email,
        name=user.name,
        is_admin=user.is_admin,
        permissions=permissions,
        departments=frozenset(d.id for d in user.departments),
        must_change_password=user.must_change_password,
        is_system=user.is_system,
    )


def load_principal(session: Session, user_id: int) -> Principal | None:
    """The current rights of an active user (re-read on every page run: changes apply at once)."""
    user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        return None
    return principal_for(user)


def password_changed_at(session: Session, user_id: int):
    """When the account's password was last set (a session opened before that must sign in again)."""
    return session.scalar(select(StaffUser.password_changed_at).where(StaffUser.id == user_id))


def principal_by_email(session: Session, email: str) -> Principal | None:
    user = session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))
    if user is None or not user.active:
        return None
    return principal_for(user)


def has_admin(session: Session) -> bool:
    return bool(
        session.scalar(
            select(func.count(StaffUser.id)).where(StaffUser.is_admin.is_(True), StaffUser.active.is_(True))
        )
    )


# sign-in -----------------------------------------------------------------------------------


def _failures_since(session: Session, column, value: str, since: datetime, *,
                    reset_on_success: bool) -> tuple[int, datetime | None]:
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(column == value, LoginAttempt.succeeded.is_(True))
    ) if reset_on_success else None
    start = max(since, last_success) if last_success else since
    count, latest = session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > start
        )
    ).one()
    return count, latest


def lockout_remaining(session: Session, *, email: str, client_address: str, now: datetime | None = None) -> timedelta:
    """How long sign-in stays refused for this e-mail or address (zero when allowed)."""
    now = now or clock.now()
    settings = load_section(session, SecuritySettings)
    since = now - timedelta(hours=1)
    worst = timedelta(0)
    # An account's count restarts after its owner signs in; an address's does not, so an attacker
    # holding one valid account cannot sign in now and then to keep guessing other accounts.
    checks = [(LoginAttempt.email, email.strip().lower(), True)]
    if client_address:
        checks.append((LoginAttempt.client_address, client_address, False))
    for column, value, reset in checks:
        count, latest = _failures_since(session, column, value, since, reset_on_success=reset)
        if count >= settings.max_failed_logins and latest is not None:
            minutes = min(settings.lockout_minutes * 2 ** (count - settings.max_failed_logins), 60)
            worst = max(worst, latest + timedelta(minutes=minutes) - now)
    return worst


def authenticate(
    session: Session, *, email: str, password: str, client_address: str = "", now: datetime | None = None
) -> Principal:
    now = now or clock.now()
    email_key = (email or "").strip().lower()
    wait = lockout_remaining(session, email=email_key, client_address=client_address, now=now)
    if wait > timedelta(0):
        minutes = max(1, int(wait.total_seconds() + 59) // 60)
        raise LockedOut(
            _("Too many failed attempts. Try again in {minutes} minute(s).").format(minutes=minutes), wait
        )
    user = session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email_key))
    valid = verify_password(user.password_hash if user else None, password or "")
    ok = bool(user and valid and user.active and not user.is_system)
    session.add(LoginAttempt(email=email_key, client_address=client_address or "", succeeded=ok, at=now))
    if not ok:
        session.flush()
        raise AuthenticationError(_("Wrong e-mail or password."))
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return principal_for(user)


# users -------------------------------------------------------------------------------------


class UserInput(InputModel):
    email: str
    name: str = Field(..., min_length=1, max_length=200)
    is_admin: bool = False
    active: bool = True
    role_id: int | None = None
    department_ids: list[int] = []

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return validation.email(v, required=True).lower()


def _apply_user(session: Session, user: StaffUser, parsed: UserInput) -> None:
    clash = session.scalar(
        select(StaffUser.id).where(func.lower(StaffUser.email) == parsed.email, StaffUser.id != (user.id or 0))
    )
    if clash:
        raise ValidationError(_("Another account already uses {email}.").format(email=parsed.email), field="email")
    if parsed.role_id is not None and session.get(Role, parsed.role_id) is None:
        raise ValidationError(_("This role does not exist."), field="role_id")
    departments = [session.get(Department, i) for i in parsed.department_ids]
    if any(d is None for d in departments):
        raise ValidationError(_("This department does not exist."), field="department_ids")
    user.email, user.name = parsed.email, parsed.name
    user.is_admin, user.active, user.role_id = parsed.is_admin, parsed.active, parsed.role_id
    user.departments = departments


def create_user(session: Session, *, actor: Principal, data: dict[str, Any], password: str) -> StaffUser:
    require_admin(session, actor)
    parsed = parse_input(UserInput, data)
    check_policy(password, email=parsed.email)
    user = StaffUser(password_hash=hash_password(password), password_changed_at=clock.now(), must_change_password=True)
    _apply_user(session, user, parsed)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, *, actor: Principal, user_id: int, data: dict[str, Any]) -> StaffUser:
    require_admin(session, actor)
    user = get_user(session, user_id)
    if user.is_system:
        raise ConflictError(_("The system account is managed by homecrm."))
    parsed = parse_input(UserInput, data)
    losing_admin = user.is_admin and user.active and not (parsed.is_admin and parsed.active)
    if losing_admin and _active_admins(session) <= 1:
        raise ValidationError(_("There must remain at least one active administrator."), field="is_admin")
    _apply_user(session, user, parsed)
    session.flush()
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count(StaffUser.id)).where(StaffUser.is_admin.is_(True), StaffUser.active.is_(True))
    )


def get_user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFoundError(_("Account #{id} does not exist.").format(id=user_id))
    return user


def staff_names(session: Session) -> dict[int, str]:
    """Active people (not the scheduled-jobs account) by id, by name: who can be given a job."""
    return {u.id: u.name for u in session.scalars(select(StaffUser).where(StaffUser.active.is_(True),
                                                                          StaffUser.is_system.is_(False))
                                                  .order_by(StaffUser.name))}


def list_users(session: Session, *, include_system: bool = False) -> list[StaffUser]:
    stmt = select(StaffUser).options(selectinload(StaffUser.departments)).order_by(StaffUser.name)
    if not include_system:
        stmt = stmt.where(StaffUser.is_system.is_(False))
    return list(session.scalars(stmt))


def reset_password(session: Session, *, actor: Principal, user_id: int, new_password: str) -> None:
    """An administrator sets a temporary password; the user must change it at next sign-in."""
    require_admin(session, actor)
    user = get_user(session, user_id)
    check_policy(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    user.must_change_password = True
    session.flush()


def change_password(session: Session, *, actor: Principal, current: str, new: str) -> None:
    user = get_user(session, actor.user_id or 0)
    session.info["actor"] = actor
    if not verify_password(user.password_hash, current):
        raise ValidationError(_("The current password is wrong."), field="current")
    if current == new:
        raise ValidationError(_("Choose a password different from the current one."), field="password")
    check_policy(new, email=user.email)
    user.password_hash = hash_password(new)
    user.password_changed_at = clock.now()
    user.must_change_password = False
    session.flush()


def create_admin(session: Session, *, email: str, name: str, password: str, first_only: bool = False) -> StaffUser:
    """The first administrator (setup page, only while none exists) or a new one from the CLI."""
    if first_only and has_admin(session):
        raise ConflictError(_("An administrator already exists: sign in instead."))
    parsed = parse_input(UserInput, {"email": email, "name": name, "is_admin": True})
    check_policy(password, email=parsed.email)
    session.info.setdefault("actor", Principal.system())
    user = StaffUser(password_hash=hash_password(password), password_changed_at=clock.now())
    _apply_user(session, user, parsed)
    session.add(user)
    session.flush()
    return user


def system_principal(session: Session) -> Principal:
    """The account cron jobs and scripts act as when no --as is given (its own limited role)."""
    user = session.scalar(select(StaffUser).where(StaffUser.is_system.is_(True)).order_by(StaffUser.id))
    if user is None or not user.active:
        raise NotFoundError(_("No system account: run homecrm init."))
    return principal_for(user)


# roles and departments -----------------------------------------------------------------------


def _check_role(session: Session, name: str, permissions, role_id: int | None = None) -> None:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A role needs a name."), field="name")
    clash = session.scalar(select(Role.id).where(same_text(Role.name, name), Role.id != (role_id or 0)))
    if clash:
        raise ValidationError(_("A role named {name} already exists.").format(name=name), field="name")
    for module, right in permissions:
        if module not in MODULES or right not in RIGHTS:
            raise ValidationError(_("Unknown right {module}.{right}.").format(module=module, right=right), field="permissions")


def save_role(
    session: Session, *, actor: Principal, name: str, description: str = "",
    permissions: set[tuple[str, str]], role_id: int | None = None,
) -> Role:
    require_admin(session, actor)
    _check_role(session, name, permissions, role_id)
    role = session.get(Role, role_id) if role_id else Role()
    if role is None:
        raise NotFoundError(_("Role #{id} does not exist.").format(id=role_id))
    role.name, role.description = name.strip(), description.strip()
    wanted = set(permissions)
    role.permissions = [p for p in role.permissions if (p.module, p.right) in wanted]
    have = {(p.module, p.right) for p in role.permissions}
    role.permissions.extend(RolePermission(module=m, right=r) for m, r in sorted(wanted - have))
    session.add(role)
    session.flush()
    return role


def delete_role(session: Session, *, actor: Principal, role_id: int) -> None:
    require_admin(session, actor)
    role = session.get(Role, role_id)
    if role is None:
        raise NotFoundError(_("Role #{id} does not exist.").format(id=role_id))
    if session.scalar(select(func.count(StaffUser.id)).where(StaffUser.role_id == role_id)):
        raise ConflictError(_("{name} is given to staff members: change their role first.").format(name=role.name))
    session.delete(role)
    session.flush()


def list_roles(session: Session) -> list[Role]:
    return list(session.scalars(select(Role).options(selectinload(Role.permissions)).order_by(Role.name)))


def save_department(
    session: Session, *, actor: Principal, name: str, email: str = "", department_id: int | None = None
) -> Department:
    require_admin(session, actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A department needs a name."), field="name")
    try:
        email = validation.email(email)
    except ValueError as exc:
        raise ValidationError(str(exc), field="email") from None
    clash = session.scalar(select(Department.id).where(same_text(Department.name, name),
                                                      Department.id != (department_id or 0)))
    if clash:
        raise ValidationError(_("A department named {name} already exists.").format(name=name), field="name")
    department = session.get(Department, department_id) if department_id else Department()
    if department is None:
        raise NotFoundError(_("Department #{id} does not exist.").format(id=department_id))
    department.name, department.email = name, email
    session.add(department)
    session.flush()
    return department


def department_usage(session: Session, department_id: int) -> tuple[list[str], int]:
    """The staff members of a department and how many tickets it holds (what deleting it changes)."""
    from homecrm.store.models import Ticket

    department = session.get(Department, department_id)
    if department is None:
        return [], 0
    tickets = session.scalar(select(func.count(Ticket.id)).where(Ticket.department_id == department_id)) or 0
    return sorted(m.name for m in department.members), tickets


def delete_department(session: Session, *, actor: Principal, department_id: int) -> None:
    """Delete a department: its members lose it (and the tickets it let them see), its tickets are left
    without one; both are written in the audit trail."""
    from homecrm.security import audit

    require_admin(session, actor)
    department = session.get(Department, department_id)
    if department is None:
        raise NotFoundError(_("Department #{id} does not exist.").format(id=department_id))
    members, tickets = department_usage(session, department_id)
    if members or tickets:
        audit.record(session, action="update", entity="department", entity_id=str(department_id),
                     summary=department.name, changes={"members": [members, []], "tickets": [tickets, 0]})
    session.delete(department)
    session.flush()


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))
