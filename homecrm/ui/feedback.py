"""Messages that survive the rerun after an action, and running an action from a callback.

Writes happen in widget callbacks (DESIGN.md); a callback cannot draw where the page wants, so
it leaves a message here and the page shows it on the rerun.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from homecrm.errors import HomecrmError, ValidationError
from homecrm.ui.db import writing
from homecrm.ui.text import md

T = TypeVar("T")
_FLASH_KEY = "_flash_messages"
_ERRORS_KEY = "_field_errors"
_DRAWN_KEY = "_field_errors_drawn"


def flash(kind: str, text: str) -> None:
    """Queue a message for the next place that shows them; the same message is queued once."""
    waiting = st.session_state.setdefault(_FLASH_KEY, [])
    if (kind, text) not in waiting:
        waiting.append((kind, text))


def show_flashes(*, unless_open: str | None = None) -> None:
    """Show the waiting messages here.

    A page with a dialog passes the dialog's state key as ``unless_open``: while the dialog is open
    its messages (a refused save, a conflict) are shown inside it, not on the page hidden behind it.
    """
    if unless_open and st.session_state.get(unless_open):
        return
    # Messages may quote user text (a tenant's name): shown literally, never as Markdown.
    for kind, text in st.session_state.pop(_FLASH_KEY, []):
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(md(text))


def set_field_errors(form: str, errors: dict[str, str]) -> None:
    st.session_state.setdefault(_ERRORS_KEY, {})[form] = errors


def field_errors(form: str) -> dict[str, str]:
    return st.session_state.get(_ERRORS_KEY, {}).get(form, {})


def clear_field_errors(form: str) -> None:
    st.session_state.get(_ERRORS_KEY, {}).pop(form, None)


_PAGE_KEY = "_field_errors_page"


def forget_errors_on_page_change(page: str) -> None:
    """Field errors belong to what the form showed when it was sent: another page opened since, the
    form comes back as stored (a refused date, an unsaved server), so its old errors go."""
    if st.session_state.get(_PAGE_KEY) != page:
        st.session_state.pop(_ERRORS_KEY, None)
        st.session_state[_PAGE_KEY] = page


def forget_errors_on_change(scope: str, value: object) -> None:
    """Field errors belong to the record the forms showed: another record chosen (``value`` of the
    ``scope`` selection changed), they go."""
    key = f"_field_errors_on.{scope}"
    if key in st.session_state and st.session_state[key] != value:
        st.session_state.pop(_ERRORS_KEY, None)
    st.session_state[key] = value


def show_field_error(form: str, field: str) -> None:
    # Remembered: when this form is submitted, an error on this field is shown here only, not twice.
    st.session_state.setdefault(_DRAWN_KEY, {}).setdefault(form, set()).add(field)
    message = field_errors(form).get(field)
    if message:
        st.error(md(message), icon=":material/error:")


def _shown_by_the_form(form: str | None, errors: dict[str, str]) -> bool:
    drawn = st.session_state.get(_DRAWN_KEY, {}).get(form or "", set())
    return bool(errors) and set(errors) <= drawn


def run_action(
    action: Callable[[Session], T],
    *,
    success: str | Callable[[T], str] | None = None,
    form: str | None = None,
) -> T | None:
    """Run ``action`` in one transaction; report success or the error (nothing half-written).

    Refused without running when the session expired since the page was drawn; the service itself
    re-checks the account's current rights.
    """
    from homecrm.ui.auth import session_still_valid

    if not session_still_valid():
        return None
    try:
        with writing() as session:
            result = action(session)
    except ValidationError as exc:
        errors = exc.errors or {exc.field or "__all__": str(exc)}
        if form:
            set_field_errors(form, errors)
        if not (form and _shown_by_the_form(form, errors)):
            flash("error", str(exc))
        return None
    except HomecrmError as exc:
        flash("error", str(exc))
        return None
    # Saved: errors left on this or any other form were about submissions now behind the user.
    st.session_state.pop(_ERRORS_KEY, None)
    if success:
        flash("success", success(result) if callable(success) else success)
    return result


def confirm_button(
    label: str,
    *,
    key: str,
    question: str,
    action: Callable[[Session], T],
    success: str | Callable[[T], str] | None = None,
    disabled: bool = False,
) -> None:
    """A destructive action behind a confirmation: the button opens a popover asking first."""
    from homecrm.i18n import _

    with st.popover(label, disabled=disabled):
        st.markdown(md(question))
        st.button(_("Confirm"), key=key, type="primary", on_click=run_action, args=(action,), kwargs={"success": success})
