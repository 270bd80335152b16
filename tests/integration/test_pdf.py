"""What the tenant reads on the PDF, and every PDF-related setting's visible effect.

PDFs are real WeasyPrint output read back with pypdf.
"""

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from homecrm.assets import store_image
from homecrm.billing.documents import generate_month
from homecrm.billing.exports import document_pdf
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.billing.taxes import create_tax
from homecrm.crm.customers import update_customer
from homecrm.settings import save_section
from homecrm.settings.sections import (
    ClientSettings,
    CompanySettings,
    FinanceSettings,
    GeneralSettings,
    LocalizationSettings,
    PdfFormatSettings,
    PdfSettings,
)
from homecrm.store.models import RentDocument
from tests.factories import make_lease
from tests.helpers import fonts_used, page_content, pdf_reader, pdf_text, text_positions
from tests.factories import ACTOR


@pytest.fixture
def docs(db, frozen_today):
    """A residential document (730,00 €) and a commercial one with VAT (2 340,00 €), March 2026."""
    with db.write() as session:
        vat = create_tax(session, data={"name": "TVA", "rate": "20"}, actor=ACTOR)
        save_section(session, FinanceSettings, {"default_tax": vat.id}, actor=ACTOR)
        save_section(session, CompanySettings, {"name": "SCI Les Tilleuls", "address": "3 place Bellecour",
                                                 "zip_code": "69002", "city": "Lyon", "siren": "812345676"}, actor=ACTOR)
        make_lease(session, name="Dupont")
        make_lease(session, unit="Local", rent="1800.00", charges="150.00", regime="commercial", vat_option=True,
                   customer={"kind": "company", "company_name": "Boulangerie Dupain SARL", "vat_number": "FR80522194414"})
        generate_month(session, month=Month(2026, 3), on=date(2026, 2, 25), actor=ACTOR)
        ids = {doc.lease.regime: doc.id for doc in session.scalars(select(RentDocument))}
    return ids


def pdf(db, doc_id) -> bytes:
    with db.read() as session:
        return document_pdf(session, document_id=doc_id, actor=ACTOR)[1]


def change(db, cls, **values):
    with db.write() as session:
        save_section(session, cls, values, actor=ACTOR)


def pay(db, doc_id, amount, day=date(2026, 3, 6), mode="virement"):
    with db.write() as session:
        record_payment(session, document_id=doc_id, data={"amount": amount, "paid_on": day, "mode": mode}, actor=ACTOR)


# legal content -------------------------------------------------------------------------------


def test_unpaid_is_an_avis_d_echeance(db, docs):
    text = pdf_text(pdf(db, docs["residential"]))
    assert "Avis d'échéance" in text and "Quittance de loyer" not in text
    assert "N° QUI-000001" in text
    assert "Loyer hors charges – mars 2026 650,00 €" in text
    assert "Provision sur charges – mars 2026 80,00 €" in text
    assert "730,00 € (sept cent trente euros)" in text
    assert "au plus tard le 05/03/2026" in text and "Cet avis ne vaut pas quittance" in text
    assert "TVA" not in text  # residential rent shows no VAT
    assert "Page 1 / 1" in text


def test_partly_paid_is_a_recu_never_a_quittance(db, docs):
    pay(db, docs["residential"], "300")
    text = pdf_text(pdf(db, docs["residential"]))
    assert text.startswith("Reçu") or " Reçu " in f" {text} "
    assert "Quittance de loyer" not in text and "donne quittance" not in text
    assert "la somme de 300,00 € (trois cents euros)" in text
    assert "Reste dû : 430,00 €" in text
    assert "Ce reçu ne vaut pas quittance" in text
    assert "06/03/2026 Virement 300,00 €" in text


def test_fully_paid_is_a_quittance_with_words_and_payment_dates(db, docs):
    pay(db, docs["residential"], "300", date(2026, 3, 5))
    pay(db, docs["residential"], "430", date(2026, 3, 9), "chèque")
    text = pdf_text(pdf(db, docs["residential"]))
    assert "Quittance de loyer" in text
    assert "BAILLEUR" in text and "SCI Les Tilleuls" in text and "LOCATAIRE" in text and "Mme Marie Dupont" in text
    assert "Résidence Test – Apt 1, 12 rue des Lilas, 69003 Lyon" in text  # adresse du logement
    assert "du 01/03/2026 au 31/03/2026" in text
    assert "la somme de 730,00 € (sept cent trente euros)" in text and "donne quittance" in text
    assert "05/03/2026 Virement 300,00 €" in text and "09/03/2026 Chèque 430,00 €" in text
    assert "Fait à Lyon, le 09/03/2026" in text


def test_commercial_document_shows_vat(db, docs):
    text = pdf_text(pdf(db, docs["commercial"]))
    assert "Total HT 1 950,00 €" in text and "TVA 20 % 390,00 €" in text and "Total TTC 2 340,00 €" in text
    assert "deux mille trois cent quarante euros" in text


def test_user_text_is_escaped_not_interpreted(db, docs):
    with db.write() as session:
        doc = session.get(RentDocument, docs["residential"])
        update_customer(session, customer_id=doc.customer_id,
                        data={"last_name": "<b>Dupont</b> <img src=x>", "first_name": "Marie"}, actor=ACTOR)
    assert "<b>Dupont</b> <img src=x>" in pdf_text(pdf(db, docs["residential"]))


# Finance settings ----------------------------------------------------------------------------


def test_separators_and_remove_decimals(db, docs):
    change(db, FinanceSettings, decimal_separator=".", thousands_separator=",")
    assert "Total TTC 2,340.00 €" in pdf_text(pdf(db, docs["commercial"]))
    change(db, FinanceSettings, decimal_separator=",", thousands_separator=".", remove_decimals_on_zero=True)
    assert "Total TTC 2.340 €" in pdf_text(pdf(db, docs["commercial"]))


def test_amount_in_words_on_off_and_capitalisation(db, docs):
    change(db, FinanceSettings, amount_in_words_lowercase=False)
    assert "(Sept cent trente euros)" in pdf_text(pdf(db, docs["residential"]))
    change(db, FinanceSettings, amount_in_words=False)
    text = pdf_text(pdf(db, docs["residential"]))
    assert "sept cent trente" not in text.lower() and "la somme de 730,00 €, correspondant" in text


def test_tax_column_tax_name_and_currency_symbol_on_lines(db, docs):
    base = pdf_text(pdf(db, docs["commercial"]))
    assert base.count("TVA 20 %") == 1 and " Taxe " not in base
    change(db, FinanceSettings, show_tax_per_line=True)
    text = pdf_text(pdf(db, docs["commercial"]))
    assert "Désignation Taxe Montant" in text
    assert "Loyer hors charges – mars 2026 TVA 20 % 1 800,00 €" in text
    change(db, FinanceSettings, remove_tax_name_from_line=True)
    assert "Loyer hors charges – mars 2026 20 % 1 800,00 €" in pdf_text(pdf(db, docs["commercial"]))
    change(db, FinanceSettings, exclude_currency_symbol_from_lines=True)
    text = pdf_text(pdf(db, docs["commercial"]))
    assert "Loyer hors charges – mars 2026 20 % 1 800,00 Provision" in text
    assert "Total TTC 2 340,00 €" in text


# Company, clients, general, localisation -------------------------------------------------------


def test_company_and_tenant_info_formats(db, docs):
    change(db, CompanySettings, info_format="{company_name} (SIREN {siren})\n{city}")
    change(db, ClientSettings, info_format="Client : {client_name} / {vat_number}")
    text = pdf_text(pdf(db, docs["commercial"]))
    assert "SCI Les Tilleuls (SIREN 812345676) Lyon" in text
    assert "Client : Boulangerie Dupain SARL / FR80522194414" in text


def test_general_brand_website_and_logo(db, docs):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "#1f4e79").save(buffer, "PNG")
    with db.write() as session:
        logo = store_image(session, kind="logo", filename="logo.png", data=buffer.getvalue())
        save_section(session, GeneralSettings, {"company_name": "Les Tilleuls Gestion",
                                                 "website": "https://tilleuls.example.fr", "logo": logo.id}, actor=ACTOR)
    data = pdf(db, docs["residential"])
    reader = pdf_reader(data)
    assert reader.metadata.author == "Les Tilleuls Gestion"
    assert "https://tilleuls.example.fr" in pdf_text(data)
    images = list(reader.pages[0].images)
    assert images and images[0].image.size == (120, 40)


def test_localisation_date_format_and_languages(db, docs):
    change(db, LocalizationSettings, date_format="Y-m-d")
    assert "du 2026-03-01 au 2026-03-31" in pdf_text(pdf(db, docs["residential"]))
    change(db, LocalizationSettings, default_language="en")
    text = pdf_text(pdf(db, docs["residential"]))
    assert "Rent due notice" in text and "seven hundred and thirty euros" in text
    change(db, LocalizationSettings, default_language="fr", pdf_in_client_language=True)
    with db.write() as session:
        doc = session.get(RentDocument, docs["residential"])
        update_customer(session, customer_id=doc.customer_id,
                        data={"last_name": "Dupont", "first_name": "Marie", "language": "en"}, actor=ACTOR)
    assert "Rent due notice" in pdf_text(pdf(db, docs["residential"]))
    assert "Avis d'échéance" in pdf_text(pdf(db, docs["commercial"]))
    change(db, LocalizationSettings, pdf_in_client_language=False)
    assert "Avis d'échéance" in pdf_text(pdf(db, docs["residential"]))


# PDF settings ------------------------------------------------------------------------------------


def test_status_and_page_numbers(db, docs):
    text = pdf_text(pdf(db, docs["residential"]))
    assert "EN RETARD" in text and "Page 1 / 1" in text  # due 05/03, today 12/03
    pay(db, docs["residential"], "100")
    assert "PARTIELLEMENT PAYÉ" in pdf_text(pdf(db, docs["residential"]))
    change(db, PdfSettings, show_status=False, show_page_numbers=False)
    text = pdf_text(pdf(db, docs["residential"]))
    assert "PARTIELLEMENT PAYÉ" not in text and "Page 1" not in text


def test_font_family_and_size(db, docs):
    assert any("HC-DejaVu-Sans" in f for f in fonts_used(pdf(db, docs["residential"])))
    change(db, PdfSettings, font="liberation-serif", font_size=14)
    data = pdf(db, docs["residential"])
    assert any("HC-Liberation-Serif" in f for f in fonts_used(data))
    assert not any("DejaVu" in f for f in fonts_used(data))
    sizes = {round(size) for text, _x, _y, size in text_positions(data) if "Provision sur charges" in text}
    assert sizes == {14}


def test_swap_company_and_client(db, docs):
    def x_of(data, label):
        return next(x for text, x, _y, _s in text_positions(data) if text.upper() == label)

    data = pdf(db, docs["residential"])
    assert x_of(data, "BAILLEUR") < x_of(data, "LOCATAIRE")
    change(db, PdfSettings, swap_company_client=True)
    data = pdf(db, docs["residential"])
    assert x_of(data, "BAILLEUR") > x_of(data, "LOCATAIRE")


def test_table_header_colours(db, docs):
    change(db, PdfSettings, table_header_bg="#ff0000", table_header_text="#00ff00")
    content = page_content(pdf(db, docs["residential"]))
    assert b"1 0 0 rg" in content and b"0 1 0 rg" in content


def test_link_url_makes_the_brand_clickable(db, docs):
    change(db, PdfSettings, link_url="https://www.exemple.fr/")
    annotations = pdf_reader(pdf(db, docs["residential"])).pages[0].get("/Annots") or []
    uris = [a.get_object()["/A"]["/URI"] for a in annotations if "/A" in a.get_object()]
    assert "https://www.exemple.fr/" in uris


def test_custom_pdf_logo_and_width(db, docs):
    def png(size):
        buffer = io.BytesIO()
        Image.new("RGB", size, "#336699").save(buffer, "PNG")
        return buffer.getvalue()

    with db.write() as session:
        general_logo = store_image(session, kind="logo", filename="a.png", data=png((100, 50)))
        pdf_logo = store_image(session, kind="pdf_logo", filename="b.png", data=png((150, 30)))
        save_section(session, GeneralSettings, {"logo": general_logo.id}, actor=ACTOR)
    assert pdf_reader(pdf(db, docs["residential"])).pages[0].images[0].image.size == (100, 50)
    change(db, PdfSettings, custom_logo=pdf_logo.id, logo_width=80)
    narrow = pdf(db, docs["residential"])
    assert pdf_reader(narrow).pages[0].images[0].image.size == (150, 30)
    change(db, PdfSettings, logo_width=300)
    wide = pdf(db, docs["residential"])
    # The image is drawn 80 then 300 CSS px wide (the page is scaled 0.75 pt per px).
    assert b"80 0 0 -16 " in page_content(narrow) and b"300 0 0 -60 " in page_content(wide)


@pytest.mark.parametrize(
    "page_format, size",
    [("A4-portrait", (595, 842)), ("A4-landscape", (842, 595)), ("Letter-portrait", (612, 792)), ("Letter-landscape", (792, 612))],
)
def test_page_format_per_document_type(db, docs, page_format, size):
    change(db, PdfFormatSettings, receipt=page_format)
    box = pdf_reader(pdf(db, docs["residential"])).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_assets_outside_the_bundle_are_never_fetched(tmp_path):
    from homecrm.render.pdf import renderer

    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10)).save(secret)
    html = f'<html><body><img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">x</body></html>'
    data = renderer().render(html)
    assert not list(pdf_reader(data).pages[0].images)


def test_a_renamed_tenant_is_on_the_next_pdf_and_unchanged_documents_are_not_rendered_again(db, docs):
    """The renderer remembers recent PDFs by their HTML: a change that reaches the document gives a
    new PDF at once; the same document asked again is the remembered one."""
    from homecrm.render.pdf import renderer

    doc_id = docs["residential"]
    first = pdf(db, doc_id)
    assert pdf(db, doc_id) is first  # remembered, not rendered again
    with db.write() as session:
        session.get(RentDocument, doc_id).customer.first_name = "Hugo"
    text = pdf_text(pdf(db, doc_id))
    assert "Hugo Dupont" in text
    html = "<p>batch</p>"
    renderer().render(html, remember=False)
    assert renderer().render(html, remember=False) is not renderer().render(html, remember=False)
