"""Paramètres > Général: brand name, logos and website."""

from __future__ import annotations

from pydantic import field_validator

from homecrm import validation
from homecrm.i18n import N_
from homecrm.settings.base import SettingsSection, setting


class GeneralSettings(SettingsSection):
    section = "general"
    title = N_("General")
    intro = N_("Your brand as it appears in the application and on documents.")
    order = 10

    company_name: str = setting(
        "",
        label=N_("Company name"),
        help=N_("Shown in the browser tab, the menu and as the author of generated PDFs."),
        max_length=200,
    )
    website: str = setting(
        "",
        label=N_("Website"),
        help=N_("Printed in the footer of documents and linked from the menu."),
        max_length=300,
    )
    logo: int | None = setting(
        None,
        label=N_("Company logo (light backgrounds)"),
        help=N_("PNG, JPG or SVG, 1 MB at most. Printed on documents and shown in the light theme."),
        widget="image",
        asset_kind="logo",
    )
    logo_dark: int | None = setting(
        None,
        label=N_("Company logo (dark backgrounds)"),
        help=N_("PNG, JPG or SVG, 1 MB at most. Shown in the menu when the application uses the dark theme."),
        widget="image",
        asset_kind="logo_dark",
    )

    @field_validator("website")
    @classmethod
    def _website(cls, v: str) -> str:
        return validation.http_url(v)
