"""AppTest helpers: pages run for real against the test database (HOMECRM_DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def page():
    def load(path: str, **session_state) -> AppTest:
        at = AppTest.from_file(str(ROOT / path), default_timeout=60)
        for key, value in session_state.items():
            at.session_state[key] = value
        return at.run()

    return load


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]
