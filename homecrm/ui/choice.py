"""Selections that survive reruns: a list's chosen record stays chosen when labels change.

A select box whose option labels change (a status in the label, a new balance) may be seen by
Streamlit as a new widget and fall back to the first option — the next action would then apply
to another record. The chosen value is kept in session state under the widget's key and
re-asserted before the widget is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


_UNSET = object()


def keep_choice(key: str, options: Sequence[T], default: T = _UNSET) -> None:
    """Call before ``st.selectbox(..., key=key)``: keep the current choice if still offered,
    else choose ``default`` (the first option when not given). The choice is also kept apart from
    the widget, which Streamlit forgets when another page is opened: coming back, it is still chosen."""
    state = st.session_state
    kept = f"{key}.__kept"
    if not options:
        state.pop(key, None)
        state.pop(kept, None)
        return
    if key not in state and kept in state and state[kept] in options:
        state[key] = state[kept]
    elif key not in state or state[key] not in options:
        state[key] = options[0] if default is _UNSET else default
    state[kept] = state[key]
