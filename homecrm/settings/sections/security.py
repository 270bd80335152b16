"""Paramètres > Sécurité: sessions and sign-in protection (administrators only)."""

from __future__ import annotations

from homecrm.i18n import N_
from homecrm.settings.base import SettingsSection, setting


class SecuritySettings(SettingsSection):
    section = "security"
    title = N_("Security")
    intro = N_("How long a session lasts and how sign-in is protected against password guessing.")
    order = 95
    admin_only = True

    session_timeout_minutes: int = setting(
        60,
        label=N_("Session timeout (minutes)"),
        help=N_("Without any action for this long, the user must sign in again."),
        ge=5,
        le=24 * 60,
    )
    max_failed_logins: int = setting(
        5,
        label=N_("Failed sign-ins before a lockout"),
        help=N_("Counted over the last hour per account (a successful sign-in starts the count again) and per client address (successes do not)."),
        ge=3,
        le=20,
    )
    lockout_minutes: int = setting(
        1,
        label=N_("First lockout (minutes)"),
        help=N_("Doubles with each further failure, up to one hour."),
        ge=1,
        le=60,
    )


class SystemSettings(SettingsSection):
    """Internal flags; no settings page."""

    section = "system"
    title = N_("System")
    hidden = True
    admin_only = True
    order = 999

    demo_mode: bool = setting(False, label=N_("Demo mode"), help=N_("Shows the demo accounts on the sign-in page."))
