"""A landlord's month in a real browser: issue the documents, record a payment, download the PDF."""

import pytest

from homecrm.security.accounts import create_admin
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, settle, sign_in
from tests.factories import make_lease
from tests.helpers import pdf_text

pytestmark = pytest.mark.browser


def test_issue_month_record_payment_download_pdf(db, app_server, browser_page):
    with db.write() as session:
        create_admin(session, email=ADMIN_EMAIL, name="Admin", password=ADMIN_PASSWORD)
        make_lease(session, name="Dupont", unit="Apt 1")
        make_lease(session, name="Martin", unit="Apt 2", rent="480.00", charges="35.00")
    base = app_server(db, now="2026-03-12T10:00:00+01:00")
    page = browser_page
    sign_in(page, base)
    page.get_by_role("heading", name="Tableau de bord").wait_for()
    page.get_by_role("link", name="Quittances", exact=True).click()
    page.get_by_role("heading", name="Quittances").wait_for()

    page.get_by_role("button", name="Émettre les documents pour mars 2026").click()
    page.get_by_text("2 documents émis").wait_for()
    page.get_by_role("heading", name="Avis d'échéance QUI-000001").wait_for()
    settle(page)

    amount = page.get_by_label("Montant", exact=True).first
    amount.fill("300,00")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    page.get_by_text("Paiement enregistré.").wait_for()
    page.get_by_role("heading", name="Reçu QUI-000001").wait_for()
    settle(page)

    page.get_by_role("tab", name="PDF").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le PDF").click()
    download = info.value
    assert download.suggested_filename == "recu-QUI-000001.pdf"
    text = pdf_text(open(download.path(), "rb").read())
    assert "Reçu" in text and "Quittance de loyer" not in text
    assert "la somme de 300,00 € (trois cents euros)" in text and "Reste dû : 430,00 €" in text
