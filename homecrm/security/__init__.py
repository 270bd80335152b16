"""Identities and what they may do: staff accounts, roles, permissions, secrets, audit trail."""

from homecrm.security.principal import MODULES, RIGHTS, PermissionDenied, Principal, require
from homecrm.security import audit  # noqa: E402,F401 - installs the audit trail hook

__all__ = ["MODULES", "RIGHTS", "PermissionDenied", "Principal", "require"]
