"""Small widgets shared by the boards and forms: a select box of records by id, a board column
header, the date widget's format for the Localisation setting."""

from __future__ import annotations

import html
from datetime import date

import streamlit as st

from homecrm.render.formatting import Formats


def id_select(container, label: str, options: dict[int, str], value: int | None, key: str, *,
              none_label: str | None = None, disabled: bool = False) -> None:
    """A select box of record ids shown by name, with an empty first choice."""
    keys = [None, *options]
    container.selectbox(label, keys, index=keys.index(value) if value in keys else 0, key=key, disabled=disabled,
                        format_func=lambda k: options.get(k, none_label or "—") if k is not None else (none_label or "—"))


def files_key(form: str) -> str:
    """The key of a form's file uploader: a new one after each saved submission (``empty_form``),
    since files chosen in an uploader cannot be removed by code."""
    return f"{form}.files.{st.session_state.get(f'{form}.files_gen', 0)}"


def empty_form(form: str, values: dict[str, object]) -> None:
    """In the submit callback, once the submission is saved: put the fields back to ``values`` and
    give the uploader a new key. Forms that may be refused are not ``clear_on_submit`` (the browser
    would empty them before the answer): a refused submission keeps what was typed and chosen."""
    state = st.session_state
    for key, value in values.items():
        state[key] = value
    state[f"{form}.files_gen"] = state.get(f"{form}.files_gen", 0) + 1


# Date fields take any date from here; the services say what is out of range (before the
# document, in the future) in the page's language. Streamlit's own min/max check would answer in
# English and silently keep the previous date in the form.
EARLIEST = date(2000, 1, 1)


def prefill(marker: str, version: str, values: dict[str, object]) -> None:
    """Put ``values`` (widget key → value) in the form when what it is about changed (``version``) —
    and when Streamlit forgot them: a keyed widget's value is dropped by the first run that does not
    draw it (a visit to another page), while ``marker`` stays; the form would come back empty."""
    state = st.session_state
    if state.get(marker) != version or any(key not in state for key in values):
        for key, value in values.items():
            state[key] = value
        state[marker] = version


def date_format_of(fmt: Formats) -> str:
    """Streamlit's date widget formats closest to the Localisation setting."""
    return {"d/m/Y": "DD/MM/YYYY", "d-m-Y": "DD-MM-YYYY", "d.m.Y": "DD.MM.YYYY", "Y-m-d": "YYYY-MM-DD",
            "Y/m/d": "YYYY/MM/DD", "m/d/Y": "MM/DD/YYYY", "m-d-Y": "MM-DD-YYYY"}.get(fmt.date_format, "DD/MM/YYYY")


def column_header(name: str, color: str, shown: int, total: int) -> None:
    count = f"{shown}/{total}" if shown < total else str(total)
    st.markdown(
        f'<div style="border-top:4px solid {html.escape(color)};padding-top:4px;font-weight:600">'
        f'{html.escape(name)} <span style="color:#6b7280;font-weight:400">({count})</span></div>',
        unsafe_allow_html=True,
    )
