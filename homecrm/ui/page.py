"""Start of every page: the run's language (pages also run alone, e.g. under AppTest)."""

from __future__ import annotations

from homecrm.ui.shell import apply_language


def page_setup() -> str:
    return apply_language()
