"""Forms that record money carry a one-time submission token, checked by the service.

A double click on "Record the payment" sends two submissions of the same form render; the
service accepts the token once and refuses the second (``DuplicateSubmission``). The token stays
the same for every run that comes from that submit button (so a second click always repeats the
first one's token), and changes on the first run after it was used that the user started
otherwise. A submission with other values than the one recorded (another amount, date…) is a new
one; an identical one is refused once, and goes through if the user submits it again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from homecrm.ui.feedback import run_action

T = TypeVar("T")


def _keys(form: str) -> tuple[str, str, str]:
    return f"{form}.__token", f"{form}.__token_used", f"{form}.__submit"


def _fingerprint_key(form: str) -> str:
    return f"{form}.__token_values"


def _done_key(form: str) -> str:
    return f"{form}.__done_at"


def just_done(form: str, seconds: float = 3.0) -> bool:
    """The form was recorded a moment ago: an empty submission now is the second click of a double
    click on a form that cleared itself (``clear_on_submit``), to be ignored rather than refused."""
    done = st.session_state.get(_done_key(form))
    return done is not None and time.monotonic() - done < seconds


def submit_key(form: str) -> str:
    """The key to give the form's submit button."""
    return _keys(form)[2]


def submission_token(form: str) -> str:
    """Call while drawing the form: the token its next submission will carry."""
    token_key, used_key, button_key = _keys(form)
    state = st.session_state
    triggered = bool(state.get(button_key))  # this run was started by the form's own submit button
    if token_key not in state or (state.get(used_key) == state[token_key] and not triggered):
        state[token_key] = uuid.uuid4().hex
    return state[token_key]


def run_once(form: str, values: object, action: Callable[[Session, str], T], **kwargs) -> T | None:
    """In the submit callback: run ``action(session, token)`` through ``run_action``; ``values``
    are the submitted values (what tells a repeat from a new submission)."""
    from homecrm.billing.payments import submission_used
    from homecrm.ui.db import reading

    token_key, used_key, _button = _keys(form)
    state = st.session_state
    fingerprint = repr(values)
    token = state.get(token_key) or uuid.uuid4().hex
    if state.get(used_key) == token and state.get(_fingerprint_key(form)) != fingerprint:
        token = state[token_key] = uuid.uuid4().hex  # not a repeat: other values than the recorded ones
    result = run_action(lambda session: action(session, token), form=form, **kwargs)
    if result is not None:
        state[used_key] = token
        state[_fingerprint_key(form)] = fingerprint
        state[_done_key(form)] = time.monotonic()
    else:
        with reading() as session:
            if submission_used(session, token):  # refused as a repeat: the next submission is new
                state[token_key] = uuid.uuid4().hex
    return result
