"""The acting user, passed to every service, and the permission check.

Rights per module: ``view`` (everything), ``view_own`` (only records the user created or is the
agent of), ``create``, ``edit``, ``delete``. Administrators may do everything. The check stamps the
session with the actor so the audit trail knows who made each change.

A ``Principal`` is a snapshot taken when a page ran or a command started. Before any right is
granted, the check re-reads the staff account from the database: a deactivated account, a lost
administrator flag or a narrowed role refuses the action at once, even when it comes from a page
drawn before the change. Principals without an account (``Principal.system()``, tests) are taken
as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from homecrm.errors import HomecrmError
from homecrm.i18n import N_, _

MODULES: dict[str, str] = {
    "tenants": N_("Tenants"),
    "leases": N_("Properties & leases"),
    "documents": N_("Rent documents"),
    "payments": N_("Payments"),
    "credit_notes": N_("Credit notes"),
    "candidates": N_("Candidates"),
    "tasks": N_("Tasks"),
    "tickets": N_("Support tickets"),
    "settings": N_("Settings"),
    "reports": N_("Reports"),
}
RIGHTS: dict[str, str] = {
    "view": N_("View (all)"),
    "view_own": N_("View (own)"),
    "create": N_("Create"),
    "edit": N_("Edit"),
    "delete": N_("Delete"),
}
Visibility = Literal["all", "own"] | None


class PermissionDenied(HomecrmError):
    """The acting user lacks the right (CLI exit code 3)."""


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    email: str
    name: str = ""
    is_admin: bool = False
    permissions: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    departments: frozenset[int] = field(default_factory=frozenset)
    must_change_password: bool = False
    is_system: bool = False  # the scheduled-jobs account (CLI without --as)

    @classmethod
    def system(cls) -> Principal:
        """Internal work (migrations, demo data): every right, recorded as "system"."""
        return cls(user_id=None, email="system", name="system", is_admin=True)

    @property
    def label(self) -> str:
        return self.email

    def can(self, module: str, right: str) -> bool:
        if self.is_admin:
            return True
        if right == "view_own":
            return (module, "view_own") in self.permissions or (module, "view") in self.permissions
        return (module, right) in self.permissions

    def visibility(self, module: str) -> Visibility:
        """``"all"``, ``"own"`` or None for what this user may see of ``module``."""
        if self.can(module, "view"):
            return "all"
        if self.can(module, "view_own"):
            return "own"
        return None

    def owns(self, *owner_ids: int | None) -> bool:
        return self.user_id is not None and self.user_id in owner_ids


def _refused(actor: Principal, module: str, right: str) -> PermissionDenied:
    return PermissionDenied(
        _("{user} may not {right} in {module}.").format(
            user=actor.label, right=_(RIGHTS[right]).lower(), module=_(MODULES[module])
        )
    )


def current_rights(session: Session, user_id: int) -> tuple[bool, bool, frozenset[tuple[str, str]]] | None:
    """(active, is_admin, permissions) of a staff account as stored now; None when it is gone."""
    from homecrm.store.models import StaffUser

    user = session.get(StaffUser, user_id)
    if user is None:
        return None
    permissions = frozenset((p.module, p.right) for p in (user.role.permissions if user.role else []))
    return user.active, user.is_admin, permissions


def _check_still_allowed(session: Session | None, actor: Principal, module: str | None, right: str | None) -> None:
    """Refuse a principal whose account changed since it was read (deactivated, fewer rights)."""
    if session is None or actor.user_id is None:
        return
    state = current_rights(session, actor.user_id)
    if state is None or not state[0]:
        raise PermissionDenied(_("Your account is no longer active."))
    _active, is_admin, permissions = state
    if is_admin:
        return
    if module is None:  # an administrator's action
        raise PermissionDenied(_("Only administrators may do this ({user}).").format(user=actor.label))
    fresh = Principal(user_id=actor.user_id, email=actor.email, permissions=permissions)
    if not fresh.can(module, right or "view"):
        raise _refused(actor, module, right or "view")
    if actor.is_admin or not actor.permissions <= permissions:
        # What the page decided (e.g. which records to show) rested on rights taken away since.
        raise PermissionDenied(_("Your rights changed since this page was opened: open it again from the menu."))


def require(session: Session | None, actor: Principal, module: str, right: str) -> Principal:
    """Refuse unless ``actor`` has ``right`` on ``module``; remember the actor for the audit trail."""
    if not isinstance(actor, Principal):
        raise TypeError("services need the acting Principal")
    if session is not None:
        session.info["actor"] = actor
    if not actor.can(module, right):
        raise _refused(actor, module, right)
    _check_still_allowed(session, actor, module, right)
    return actor


def may_see(actor: Principal, module: str, *owner_ids: int | None) -> bool:
    """May ``actor`` see one record of ``module`` owned by ``owner_ids`` ("view", or "view own" and an owner)?"""
    visibility = actor.visibility(module)
    return visibility == "all" or (visibility == "own" and actor.owns(*owner_ids))


def require_visible(actor: Principal, module: str, *owner_ids: int | None) -> None:
    """Refuse access to one record the actor may not see (view_own and not the owner)."""
    if may_see(actor, module, *owner_ids):
        return
    raise PermissionDenied(
        _("{user} may not see this record in {module}.").format(user=actor.label, module=_(MODULES[module]))
    )


def require_admin(session: Session | None, actor: Principal) -> Principal:
    if session is not None:
        session.info["actor"] = actor
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may do this ({user}).").format(user=actor.label))
    _check_still_allowed(session, actor, None, None)
    return actor
