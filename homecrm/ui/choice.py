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
    else choose ``default`` (the first option when not given)."""
    if not options:
        st.session_state.pop(key, None)
        return
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = options[0] if default is _UNSET else default
