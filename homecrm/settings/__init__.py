"""Settings: one pydantic model per section of the spec, stored in the database."""

from homecrm.settings.base import (
    SECTIONS,
    SettingsSection,
    all_sections,
    get_section,
    load_section,
    parse_cli_value,
    save_section,
    settings_version,
    validate_section,
)

__all__ = [
    "SECTIONS",
    "SettingsSection",
    "all_sections",
    "get_section",
    "load_section",
    "parse_cli_value",
    "save_section",
    "settings_version",
    "validate_section",
]
