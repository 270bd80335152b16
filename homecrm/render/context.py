"""Everything a batch of documents needs from the settings, loaded once, picklable.

``DocumentContext`` travels to the PDF worker processes; it holds settings models and the logo
as a ``data:`` URI, never ORM objects or a session.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import Session

from homecrm.i18n import normalize_language
from homecrm.settings import load_section
from homecrm.settings.sections import (
    BankTransferSettings,
    ClientSettings,
    CreditNoteSettings,
    CompanySettings,
    FinanceSettings,
    GeneralSettings,
    LocalizationSettings,
    PdfFormatSettings,
    PdfSettings,
    PdfSignatureSettings,
    StripeSettings,
)
from homecrm.settings.sections.pdf import PDF_FONTS
from homecrm.store.models import Asset

PAGE_SIZES = {
    "A4-portrait": "A4 portrait",
    "A4-landscape": "A4 landscape",
    "Letter-portrait": "letter portrait",
    "Letter-landscape": "letter landscape",
}


def css_string(text: str) -> Markup:
    """A CSS string literal safe inside <style> (no quote or tag can break out)."""
    cleaned = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return Markup(f'"{cleaned}"')


def asset_data_uri(session: Session, asset_id: int | None) -> str | None:
    if asset_id is None:
        return None
    asset = session.get(Asset, asset_id)
    if asset is None:
        return None
    return f"data:{asset.content_type};base64,{base64.b64encode(asset.data).decode('ascii')}"


@dataclass(frozen=True)
class DocumentContext:
    general: GeneralSettings
    company: CompanySettings
    clients: ClientSettings
    finance: FinanceSettings
    localization: LocalizationSettings
    pdf: PdfSettings
    formats: PdfFormatSettings
    logo_uri: str | None
    stripe: StripeSettings
    bank: BankTransferSettings
    credit_notes: CreditNoteSettings
    signature: PdfSignatureSettings
    signature_uri: str | None

    @classmethod
    def load(cls, session: Session) -> DocumentContext:
        general = load_section(session, GeneralSettings)
        pdf = load_section(session, PdfSettings)
        signature = load_section(session, PdfSignatureSettings)
        return cls(
            general=general,
            company=load_section(session, CompanySettings),
            clients=load_section(session, ClientSettings),
            finance=load_section(session, FinanceSettings),
            localization=load_section(session, LocalizationSettings),
            pdf=pdf,
            formats=load_section(session, PdfFormatSettings),
            logo_uri=asset_data_uri(session, pdf.custom_logo or general.logo),
            stripe=load_section(session, StripeSettings),
            bank=load_section(session, BankTransferSettings),
            credit_notes=load_section(session, CreditNoteSettings),
            signature=signature,
            signature_uri=asset_data_uri(session, signature.image),
        )

    def language_for(self, customer_language: str | None) -> str:
        if self.localization.pdf_in_client_language and customer_language:
            return normalize_language(customer_language)
        return self.localization.default_language

    def signature_view(self, wanted: bool) -> dict | None:
        """The signature image to print under "Done at …", when one is set and this document wants it."""
        if not (wanted and self.signature_uri):
            return None
        return {"uri": self.signature_uri, "width": self.signature.width}

    @property
    def landlord_name(self) -> str:
        return self.company.name or self.general.company_name

    def page_view(self, page_format: str) -> dict:
        """The part of a document's view shared by every document of the batch."""
        font = PDF_FONTS[self.pdf.font]
        footer_parts = [p for p in (self.landlord_name, self.general.website) if p]
        return {
            "author": self.general.company_name or self.landlord_name,
            "page_size": PAGE_SIZES[page_format],
            "font_css": Markup(f"'HC {font}', 'HC DejaVu Sans'"),
            "font_size": self.pdf.font_size,
            "header_bg": self.pdf.table_header_bg,
            "header_text": self.pdf.table_header_text,
            "swap": self.pdf.swap_company_client,
            "logo_uri": self.logo_uri,
            "logo_width": self.pdf.logo_width,
            "link_url": self.pdf.link_url,
            "show_status": self.pdf.show_status,
            "show_page_numbers": self.pdf.show_page_numbers,
            "footer": " · ".join(footer_parts),
        }
