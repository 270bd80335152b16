"""Sign-in, sign-out, session timeout and page guards for the Streamlit app.

The session keeps only the user's id and the time of the last action; rights are re-read from the
database on every run, so a role change or a deactivation applies at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import streamlit as st

from homecrm import clock
from homecrm.errors import HomecrmError, ValidationError
from homecrm.i18n import _
from homecrm.security.accounts import (
    AuthenticationError,
    LockedOut,
    authenticate,
    create_admin,
    has_admin,
    load_principal,
    password_changed_at,
    principal_by_email,
)
from homecrm.security.principal import PermissionDenied, Principal
from homecrm.settings import load_section
from homecrm.settings.sections import SecuritySettings
from homecrm.ui.db import reading, writing
from homecrm.ui.feedback import clear_field_errors, flash, set_field_errors, show_field_error, show_flashes

USER_KEY = "auth.user_id"
SEEN_KEY = "auth.last_seen"
SINCE_KEY = "auth.password_stamp"  # the account's password_changed_at when this session signed in
_RUN_CACHE = "auth._principal"


def client_address() -> str:
    """Where this browser connects from (see homecrm.security.client_address)."""
    from homecrm.security.client_address import client_address as resolve

    try:
        peer = st.context.ip_address
        headers = st.context.headers
    except AttributeError:
        return ""
    if peer is not None and not isinstance(peer, str):
        return ""  # AppTest hands back a mock
    try:
        headers = dict(headers.items()) if headers is not None else {}
    except (AttributeError, TypeError):
        headers = {}
    return resolve(peer, {k: v for k, v in headers.items() if isinstance(k, str) and isinstance(v, str)})


def sign_in(principal: Principal) -> None:
    st.session_state[USER_KEY] = principal.user_id
    st.session_state[SEEN_KEY] = clock.now()
    st.session_state.pop(SINCE_KEY, None)  # taken from the account on the next check


def _stamp(value) -> str:
    return value.isoformat() if value is not None else ""


def renew_session() -> None:
    """After this session changed its own password: it stays signed in (the others must sign in again)."""
    with reading() as session:
        st.session_state[SINCE_KEY] = _stamp(password_changed_at(session, st.session_state[USER_KEY]))


def _password_changed_elsewhere(session, user_id: int) -> bool:
    """Compared with the value read when this session began (not with a time: clocks may differ)."""
    current = _stamp(password_changed_at(session, user_id))
    return st.session_state.setdefault(SINCE_KEY, current) != current


def sign_out(message: str | None = None) -> None:
    for key in (USER_KEY, SEEN_KEY, SINCE_KEY):
        st.session_state.pop(key, None)
    if message:
        flash("info", message)
    if _oidc_configured():
        try:
            if st.user.is_logged_in:
                st.logout()
        except Exception:  # noqa: BLE001 - no OIDC session to close
            pass


def current_actor() -> Principal | None:
    """The signed-in staff member, or None (timed out, deactivated, or never signed in)."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return _oidc_principal()
    with reading() as session:
        principal = load_principal(session, user_id)
        timeout = load_section(session, SecuritySettings).session_timeout_minutes
        password_changed = principal is not None and _password_changed_elsewhere(session, user_id)
    now = clock.now()
    last = st.session_state.get(SEEN_KEY)
    if principal is None:
        sign_out(_("Your account is no longer active."))
        return None
    if password_changed:
        sign_out(_("Your password was changed: please sign in again."))
        return None
    if last is not None and now - last > timedelta(minutes=timeout):
        sign_out(_("Your session expired after {minutes} minutes without activity.").format(minutes=timeout))
        return None
    st.session_state[SEEN_KEY] = now
    return principal


def dialog_actor(close: Callable[[], None]) -> Principal:
    """At the top of a dialog: a dialog reruns alone (Streamlit fragment), without the page's
    sign-in check. The session ended (deactivated, timed out, password changed elsewhere) or the
    account lost the right to what the dialog shows: close it and run the whole app again (the
    sign-in page, or the page with the reason)."""
    actor = current_actor()
    if actor is None:
        close()
        st.rerun(scope="app")
    return actor


def session_still_valid() -> bool:
    """Checked by every action before it runs (callbacks run before the page, with the rights
    read by the previous run): refuse when the session expired or was signed out meanwhile."""
    if st.session_state.get(USER_KEY) is None:
        flash("error", _("Your session has ended: please sign in again."))
        return False
    with reading() as session:
        timeout = load_section(session, SecuritySettings).session_timeout_minutes
        password_changed = _password_changed_elsewhere(session, st.session_state[USER_KEY])
    if password_changed:
        sign_out(_("Your password was changed: please sign in again. Nothing was saved."))
        return False
    last = st.session_state.get(SEEN_KEY)
    now = clock.now()
    if last is not None and now - last > timedelta(minutes=timeout):
        sign_out(_("Your session expired after {minutes} minutes without activity: nothing was saved.").format(
            minutes=timeout))
        return False
    st.session_state[SEEN_KEY] = now
    return True


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets.toml at all
        return False


def _oidc_principal() -> Principal | None:
    """Sign-in through an OpenID Connect provider (st.login), mapped to a staff account by e-mail."""
    if not _oidc_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email") or ""
    except Exception:  # noqa: BLE001
        return None
    with reading() as session:
        principal = principal_by_email(session, email)
    if principal is None:
        flash("error", _("No active staff account uses {email}.").format(email=email))
        st.logout()
        return None
    sign_in(principal)
    return principal


def _do_login() -> None:
    state = st.session_state
    email, password = state.get("login.email", ""), state.get("login.password", "")
    error = None
    with writing() as session:
        try:
            principal = authenticate(session, email=email, password=password, client_address=client_address())
        except (AuthenticationError, LockedOut) as exc:
            error = exc  # caught inside: the failed attempt is committed and counts for the lockout
    state.pop("login.password", None)
    if error is not None:
        flash("error", str(error))
        return
    sign_in(principal)


def login_page() -> None:
    """The only page shown before sign-in."""
    from homecrm.demo import demo_accounts

    st.title(_("Sign in"))
    show_flashes()
    with st.form("login"):
        st.text_input(_("E-mail"), key="login.email", autocomplete="username")
        st.text_input(_("Password"), type="password", key="login.password", autocomplete="current-password")
        st.form_submit_button(_("Sign in"), type="primary", on_click=_do_login)
    if _oidc_configured():
        st.button(_("Sign in with your organisation's account"), on_click=st.login)
    with reading() as session:
        accounts = demo_accounts(session)
    if accounts:
        kinds = {"admin": _("administrator"), "staff": _("staff")}
        st.info(_("Demo mode — {accounts}").format(accounts=" · ".join(
            _("{kind}: {email} / {password}").format(kind=kinds[kind], email=email, password=password)
            for kind, email, password in accounts)))


def _do_setup() -> None:
    state = st.session_state
    if state.get("setup.password") != state.get("setup.password2"):
        set_field_errors("setup", {"password2": _("The two passwords differ.")})
        return
    try:
        with writing() as session:
            user = create_admin(session, email=state.get("setup.email", ""), name=state.get("setup.name", ""),
                                password=state.get("setup.password", ""), first_only=True)
            principal = load_principal(session, user.id)
    except ValidationError as exc:
        set_field_errors("setup", exc.errors or {exc.field or "__all__": str(exc)})
        if not {"name", "email", "password"} & set(exc.errors or {exc.field: ""}):
            flash("error", str(exc))
        return
    except HomecrmError as exc:
        flash("error", str(exc))
        return
    clear_field_errors("setup")
    sign_in(principal)
    flash("success", _("Welcome! Your administrator account is ready."))


def setup_page() -> None:
    """First run only: create the first administrator (the page disappears once one exists)."""
    st.title(_("Welcome to homecrm"))
    st.write(_("Create the administrator account. You will add your staff afterwards."))
    show_flashes()
    with st.form("setup"):
        st.text_input(_("Your name"), key="setup.name")
        show_field_error("setup", "name")
        st.text_input(_("E-mail"), key="setup.email")
        show_field_error("setup", "email")
        st.text_input(_("Password"), type="password", key="setup.password", help=_("At least 10 characters."))
        show_field_error("setup", "password")
        st.text_input(_("Password again"), type="password", key="setup.password2")
        show_field_error("setup", "password2")
        st.form_submit_button(_("Create the administrator"), type="primary", on_click=_do_setup)


def needs_setup() -> bool:
    with reading() as session:
        return not has_admin(session)


def guard(actor: Principal | None, module: str | None = None, right: str = "view_own", *, admin: bool = False) -> Principal:
    """Stop the page unless the signed-in user may open it."""
    if actor is None:
        st.warning(_("Please sign in."))
        st.stop()
    allowed = actor.is_admin if admin else (module is None or actor.can(module, right))
    if not allowed:
        st.error(str(PermissionDenied(_("You may not open this page."))))
        st.stop()
    return actor
