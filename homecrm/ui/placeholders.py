"""Streamlit's own select-box texts in the user's language, for every page at once.

``st.selectbox`` and ``st.multiselect`` show English placeholders ("Choose an option", "No options
to select") unless given ``placeholder``. Rather than repeat it on every call, the two methods are
wrapped once per process to pass the translated text when a page gives none. The wrapper reads the
language of the current run, so each user sees their own.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from homecrm.i18n import N_, _

_MARK = "_homecrm_placeholder"


def _has_options(options: Any) -> bool:
    try:
        return len(options) > 0
    except TypeError:
        return True  # an iterator: assume something to choose


def _wrap(method, choose: str, nothing: str):
    def wrapper(self, label, options=(), *args, **kwargs):
        if kwargs.get("placeholder") is None:
            if "options" in kwargs:
                options = kwargs.pop("options")
            kwargs["placeholder"] = _(choose) if _has_options(options) else _(nothing)
        return method(self, label, options, *args, **kwargs)

    wrapper.__doc__ = method.__doc__
    wrapper.__name__ = method.__name__
    setattr(wrapper, _MARK, True)
    return wrapper


def install_placeholders() -> None:
    """Idempotent: wrap DeltaGenerator.selectbox/multiselect and rebind ``st.selectbox``/``st.multiselect``."""
    if getattr(DeltaGenerator.selectbox, _MARK, False):
        return
    # The msgids are the English texts Streamlit would show.
    DeltaGenerator.selectbox = _wrap(DeltaGenerator.selectbox, N_("Choose an option"), N_("No options to select"))
    DeltaGenerator.multiselect = _wrap(DeltaGenerator.multiselect, N_("Choose options"), N_("No options to select"))
    main = st._main  # the module-level st.selectbox is bound to this object at import
    st.selectbox = main.selectbox
    st.multiselect = main.multiselect
