"""Paramètres > Localisation: date and time formats, time zone, languages."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from homecrm import validation
from homecrm.i18n import N_
from homecrm.settings.base import SettingsSection, setting

DATE_FORMATS: dict[str, str] = {
    "d/m/Y": "31/12/2026",
    "d-m-Y": "31-12-2026",
    "d.m.Y": "31.12.2026",
    "Y-m-d": "2026-12-31",
    "Y/m/d": "2026/12/31",
    "m/d/Y": "12/31/2026",
    "m-d-Y": "12-31-2026",
}
TIME_FORMATS: dict[str, str] = {"24": N_("24 hours (17:30)"), "12": N_("12 hours (5:30 PM)")}


class LocalizationSettings(SettingsSection):
    section = "localization"
    title = N_("Localisation")
    intro = N_("Date and time formats, time zone and languages of the interface and of documents.")
    order = 30

    date_format: Literal["d/m/Y", "d-m-Y", "d.m.Y", "Y-m-d", "Y/m/d", "m/d/Y", "m-d-Y"] = setting(
        "d/m/Y", label=N_("Date format"), help=N_("Used on every page and document."), widget="select", choices=DATE_FORMATS
    )
    time_format: Literal["24", "12"] = setting(
        "24", label=N_("Time format"), widget="select", choices=TIME_FORMATS
    )
    timezone: str = setting(
        "Europe/Paris",
        label=N_("Time zone"),
        help=N_("Times are stored in UTC and shown in this time zone."),
        widget="select",
        choices="timezones",
    )
    default_language: Literal["fr", "en"] = setting(
        "fr", label=N_("Default language"), widget="select", choices="languages"
    )
    disable_language_choice: bool = setting(
        False,
        label=N_("Disable languages"),
        help=N_("Yes: everybody uses the default language and the language menu is hidden."),
    )
    pdf_in_client_language: bool = setting(
        False,
        label=N_("Export client PDF documents in the client's language"),
        help=N_("Yes: a tenant with a language of their own gets documents in that language."),
    )

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        return validation.timezone(v)
