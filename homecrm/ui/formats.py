"""Formats of the current run (settings + language), for pages."""

from __future__ import annotations

from homecrm.i18n import get_language
from homecrm.render.formatting import Formats
from homecrm.settings import load_section
from homecrm.settings.sections import FinanceSettings, LocalizationSettings
from homecrm.ui.db import reading


def current_formats() -> Formats:
    with reading() as session:
        finance = load_section(session, FinanceSettings)
        localization = load_section(session, LocalizationSettings)
    return Formats.from_settings(finance, localization, get_language())


def today():
    from homecrm import clock

    return clock.today(current_formats().timezone)
