"""Paramètres > Informations Compte: the landlord's legal identity printed on documents."""

from __future__ import annotations

from pydantic import ValidationInfo, field_validator

from homecrm import validation
from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, setting, template_field

COMPANY_PLACEHOLDERS = (
    "company_name",
    "address",
    "zip_code",
    "city",
    "state",
    "country",
    "country_code",
    "phone",
    "vat_number",
    "siren",
)

DEFAULT_COMPANY_FORMAT = (
    "{company_name}\n{address}\n{zip_code} {city}\n{phone}\nSIREN : {siren}\nTVA : {vat_number}"
)


class CompanySettings(SettingsSection):
    section = "company"
    title = N_("Company information")
    intro = N_(
        "The landlord's legal and tax details, printed on rent documents. Check them against "
        "your official registration."
    )
    order = 20

    name: str = setting("", label=N_("Company name (legal)"), help=N_("The landlord (bailleur) named on receipts."), max_length=200)
    address: str = setting("", label=N_("Address"), widget="textarea", max_length=300)
    zip_code: str = setting("", label=N_("Postcode"), max_length=20)
    city: str = setting("", label=N_("City"), max_length=100)
    state: str = setting("", label=N_("Region / department"), max_length=100)
    country: str = setting("FR", label=N_("Country"), widget="select", choices="countries")
    phone: str = setting("", label=N_("Phone"), help=N_("Stored in international format (+33…)."))
    vat_number: str = setting("", label=N_("VAT number"), help=N_("Intra-community VAT number, e.g. FR40303265045; the key is checked."))
    siren: str = setting("", label=N_("SIREN"), help=N_("9 digits; the check digit is verified."))
    info_format: str = setting(
        DEFAULT_COMPANY_FORMAT,
        label=N_("Company information format (PDF)"),
        help=N_("How your details are laid out on documents. Empty lines are left out."),
        widget="template",
        placeholders=COMPANY_PLACEHOLDERS,
    )

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return validation.country_code(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str, info: ValidationInfo) -> str:
        return validation.phone(v, info.data.get("country") or "FR")

    @field_validator("vat_number")
    @classmethod
    def _vat(cls, v: str) -> str:
        return validation.vat_number(v)

    @field_validator("siren")
    @classmethod
    def _siren(cls, v: str, info: ValidationInfo) -> str:
        siren = validation.siren(v)
        vat = info.data.get("vat_number") or ""
        if siren and vat.startswith("FR") and vat[4:] != siren:
            raise ValueError(
                _("The VAT number {vat} does not belong to SIREN {siren}.").format(vat=vat, siren=siren)
            )
        return siren

    @field_validator("info_format")
    @classmethod
    def _format(cls, v: str) -> str:
        return template_field(v, COMPANY_PLACEHOLDERS)
