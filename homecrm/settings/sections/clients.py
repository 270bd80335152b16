"""Paramètres > Clients / Locataires: what a tenant record needs and how it is printed."""

from __future__ import annotations

from pydantic import field_validator

from homecrm import validation
from homecrm.i18n import N_
from homecrm.settings.base import SettingsSection, setting, template_field

TENANT_PLACEHOLDERS = (
    "client_name",
    "company_name",
    "first_name",
    "last_name",
    "address",
    "zip_code",
    "city",
    "country",
    "vat_number",
    "siren",
    "email",
    "phone",
)
DEFAULT_TENANT_FORMAT = "{client_name}\n{address}\n{zip_code} {city}\nTVA : {vat_number}"


class ClientSettings(SettingsSection):
    section = "clients"
    title = N_("Clients / tenants")
    intro = N_("Rules for tenant records and how tenants appear on documents.")
    order = 60

    default_country: str = setting(
        "FR",
        label=N_("Default country"),
        help=N_("Pre-selected for new tenants; phone numbers without +code are read in this country."),
        widget="select",
        choices="countries",
    )
    vat_required_for_companies: bool = setting(
        False,
        label=N_("Companies must give a VAT number"),
        help=N_("Yes: a tenant that is a company cannot be saved without a valid VAT number."),
    )
    info_format: str = setting(
        DEFAULT_TENANT_FORMAT,
        label=N_("Tenant information format (PDF)"),
        help=N_("How the tenant's details are laid out on documents. Empty lines are left out."),
        widget="template",
        placeholders=TENANT_PLACEHOLDERS,
    )

    @field_validator("default_country")
    @classmethod
    def _country(cls, v: str) -> str:
        return validation.country_code(v)

    @field_validator("info_format")
    @classmethod
    def _format(cls, v: str) -> str:
        return template_field(v, TENANT_PLACEHOLDERS)
