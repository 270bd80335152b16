"""Paramètres > PDF (Général) and PDF > Formats des documents."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from homecrm import validation
from homecrm.i18n import N_
from homecrm.settings.base import SettingsSection, setting

# Bundled fonts (assets/fonts); all cover € Œ œ and the narrow no-break space of French amounts.
PDF_FONTS: dict[str, str] = {
    "dejavu-sans": "DejaVu Sans",
    "dejavu-sans-condensed": "DejaVu Sans Condensed",
    "dejavu-serif": "DejaVu Serif",
    "liberation-sans": "Liberation Sans",
    "liberation-serif": "Liberation Serif",
}
PAGE_FORMATS: dict[str, str] = {
    "A4-portrait": N_("A4 portrait"),
    "A4-landscape": N_("A4 landscape"),
    "Letter-portrait": N_("Letter portrait"),
    "Letter-landscape": N_("Letter landscape"),
}
PageFormat = Literal["A4-portrait", "A4-landscape", "Letter-portrait", "Letter-landscape"]


class PdfSettings(SettingsSection):
    section = "pdf"
    title = N_("PDF")
    intro = N_("Appearance of every generated PDF document.")
    order = 80

    font: Literal[
        "dejavu-sans", "dejavu-sans-condensed", "dejavu-serif", "liberation-sans", "liberation-serif"
    ] = setting("dejavu-sans", label=N_("PDF font"), widget="select", choices=PDF_FONTS)
    font_size: int = setting(10, label=N_("Default font size"), help=N_("In points, from 7 to 16."), ge=7, le=16)
    swap_company_client: bool = setting(
        False,
        label=N_("Swap company and client details"),
        help=N_("Yes: your details on the right and the tenant's on the left."),
    )
    table_header_bg: str = setting(
        "#1f4e79", label=N_("Items table heading colour"), widget="color"
    )
    table_header_text: str = setting(
        "#ffffff", label=N_("Items table heading text colour"), widget="color"
    )
    custom_logo: int | None = setting(
        None,
        label=N_("Custom logo for PDF documents"),
        help=N_("PNG, JPG or SVG, 1 MB at most. Replaces the company logo on documents only."),
        widget="image",
        asset_kind="pdf_logo",
    )
    logo_width: int = setting(150, label=N_("Logo width (pixels)"), ge=20, le=600)
    link_url: str = setting(
        "",
        label=N_("Link URL for PDF documents"),
        help=N_("The logo and company name become a link to this address."),
    )
    show_status: bool = setting(
        True,
        label=N_("Show the document status on the PDF"),
        help=N_("Yes: \"Payé\", \"Partiellement payé\", \"Non payé\" or \"Annulé\" is printed prominently."),
    )
    show_payment_link: bool = setting(
        True,
        label=N_("Show the payment link on PDF documents"),
        help=N_("Yes: a \"Pay online\" link (Stripe) is printed on documents that can be paid by card."),
    )
    show_payments: bool = setting(
        True,
        label=N_("Show payments (transactions) on PDF documents"),
        help=N_("Yes: payments received, with their date and mode, and the balance are listed on each document."),
    )
    show_page_numbers: bool = setting(
        True, label=N_("Show page numbers on the PDF"), help=N_("Yes: \"Page 1 / 2\" at the bottom of each page.")
    )

    @field_validator("table_header_bg", "table_header_text")
    @classmethod
    def _color(cls, v: str) -> str:
        return validation.hex_color(v)

    @field_validator("link_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return validation.http_url(v)


class PdfFormatSettings(SettingsSection):
    section = "pdf_formats"
    title = N_("PDF: document formats")
    intro = N_("Paper size and orientation of each kind of document.")
    order = 81

    receipt: PageFormat = setting(
        "A4-portrait",
        label=N_("Rent documents (quittance, reçu, avis d'échéance)"),
        widget="select",
        choices=PAGE_FORMATS,
    )
    credit_note: PageFormat = setting(
        "A4-portrait", label=N_("Credit notes"), widget="select", choices=PAGE_FORMATS
    )
    statement: PageFormat = setting(
        "A4-portrait", label=N_("Tenant statements (relevé de compte)"), widget="select", choices=PAGE_FORMATS
    )


class PdfSignatureSettings(SettingsSection):
    """Spec "PDF > Signature". Estimates, contracts and proposals do not exist yet: their switches are not shown."""

    section = "pdf_signature"
    title = N_("PDF: signature")
    intro = N_("Your signature, printed under the \"Done at …\" line of the documents you choose.")
    order = 82

    image: int | None = setting(
        None,
        label=N_("Signature image"),
        help=N_("PNG, JPG or SVG, 1 MB at most; a transparent background prints best."),
        widget="image",
        asset_kind="signature",
    )
    width: int = setting(160, label=N_("Signature width (pixels)"), ge=40, le=400)
    on_rent_documents: bool = setting(
        True,
        label=N_("Show the signature on rent documents"),
        help=N_("Quittances and reçus only: a notice of rent due (avis d'échéance) acknowledges no payment "
                "and is never signed, nor is a cancelled document."),
    )
    on_credit_notes: bool = setting(True, label=N_("Show the signature on credit notes"))
