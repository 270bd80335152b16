"""Partial payment, reçu, credit note, tenant statement — in a real browser."""

import pytest
from playwright.sync_api import expect

from homecrm.security.accounts import create_admin
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, settle, sign_in
from tests.factories import make_lease
from tests.helpers import pdf_text

pytestmark = pytest.mark.browser


def test_partial_payment_credit_note_and_statement(db, app_server, browser_page):
    with db.write() as session:
        create_admin(session, email=ADMIN_EMAIL, name="Admin", password=ADMIN_PASSWORD)
        make_lease(session, name="Dupont", unit="Apt 1")
    base = app_server(db, now="2026-03-12T10:00:00+01:00")
    page = browser_page
    sign_in(page, base)
    page.get_by_role("link", name="Quittances", exact=True).click()
    page.get_by_role("button", name="Émettre les documents pour mars 2026").click()
    page.get_by_text("1 document émis").wait_for()

    amount = page.get_by_label("Montant", exact=True).first
    amount.fill("300,00")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    page.get_by_text("Paiement enregistré.").wait_for()
    page.get_by_role("heading", name="Reçu QUI-000001").wait_for()

    page.get_by_role("tab", name="Note de crédit").click()
    panel = page.get_by_role("tabpanel", name="Note de crédit")
    # A choice reruns the page and the "payment recorded" message above goes away: the tab stays.
    panel.get_by_text("Rembourser des sommes déjà payées").click()
    settle(page)
    expect(page.get_by_role("tab", name="Note de crédit")).to_have_attribute("aria-selected", "true")
    expect(panel.get_by_label("Mode de remboursement")).to_be_visible()
    panel.get_by_text("Déduire du reste dû").click()
    settle(page)
    expect(page.get_by_role("tab", name="Note de crédit")).to_have_attribute("aria-selected", "true")
    panel.get_by_label("Montant", exact=True).fill("50")
    panel.get_by_label("Motif").fill("Geste commercial")
    panel.get_by_role("button", name="Émettre la note de crédit").click()
    page.get_by_text("Note de crédit AV-000001 émise.").wait_for()

    page.get_by_role("link", name="Relevés de compte").click()
    page.get_by_role("heading", name="Relevés de compte").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le relevé (PDF)").click()
    text = pdf_text(open(info.value.path(), "rb").read())
    assert "Relevé de compte" in text and "QUI-000001" in text and "AV-000001" in text
    assert "300,00 €" in text and "50,00 €" in text and "380,00 €" in text  # 730 − 300 − 50
