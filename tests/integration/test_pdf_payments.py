"""PDF settings of the payments issue: payments listed, payment link, bank details, page formats."""

from datetime import date

import pytest

from homecrm.billing.credit_notes import create_credit_note
from homecrm.billing.documents import generate_month
from homecrm.billing.exports import credit_note_pdf, document_pdf, statement_pdf
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.errors import ValidationError
from homecrm.payments.stripe_gateway import API_BASE_ENV, ensure_payment_link
from homecrm.settings import save_section
from homecrm.settings.sections import BankTransferSettings, PdfFormatSettings, PdfSettings, StripeSettings
from tests.factories import ACTOR, make_lease
from tests.helpers import pdf_reader, pdf_text
from tests.stripe_server import GOOD_KEY, start_fake_stripe

IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture
def doc(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session)
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "300", "paid_on": date(2026, 3, 5)})
    return {"id": doc_id, "customer": lease.customer_id}


def pdf(db, doc_id) -> str:
    with db.read() as session:
        return pdf_text(document_pdf(session, actor=ACTOR, document_id=doc_id)[1])


def test_show_payments_setting(db, doc):
    text = pdf(db, doc["id"])
    assert "PAIEMENT REÇU 05/03/2026 Virement 300,00 €" in text and "Reste dû 430,00 €" in text
    with db.write() as session:
        save_section(session, PdfSettings, {"show_payments": False}, actor=ACTOR)
    text = pdf(db, doc["id"])
    assert "PAIEMENT REÇU" not in text and "Montant reçu" not in text
    assert "Paiement reçu le 05/03/2026" in text  # the legal mention of the payment date stays


def test_bank_details_and_payment_link_and_their_order(db, doc, monkeypatch):
    with db.write() as session:
        save_section(session, BankTransferSettings, {"iban": IBAN, "bic": "BNPAFRPP", "account_holder": "SCI Test"},
                     actor=ACTOR)
    text = pdf(db, doc["id"])
    assert f"IBAN : {IBAN}" in text and "BIC : BNPAFRPP" in text and "Référence : QUI-000001" in text
    server, _state = start_fake_stripe()
    monkeypatch.setenv(API_BASE_ENV, f"http://127.0.0.1:{server.server_address[1]}")
    try:
        with db.write() as session:
            save_section(session, StripeSettings, {"enabled": True, "secret_key": GOOD_KEY, "label": "Carte bancaire"},
                         actor=ACTOR)
            link = ensure_payment_link(session, actor=ACTOR, document_id=doc["id"])
        text = pdf(db, doc["id"])
        assert link.url in text and text.index("Carte bancaire") < text.index("IBAN")
        with db.read() as session:
            annots = pdf_reader(document_pdf(session, actor=ACTOR, document_id=doc["id"])[1]).pages[0].get("/Annots")
        assert any(a.get_object()["/A"]["/URI"] == link.url for a in annots)
        with db.write() as session:
            save_section(session, StripeSettings, {"default_selected": False}, actor=ACTOR)
        text = pdf(db, doc["id"])
        assert text.index("IBAN") < text.index("Carte bancaire")
        with db.write() as session:
            save_section(session, PdfSettings, {"show_payment_link": False}, actor=ACTOR)
        assert link.url not in pdf(db, doc["id"])
    finally:
        server.shutdown()


def test_invalid_stripe_and_bank_settings(db):
    for cls, changes, field in (
        (StripeSettings, {"description": "Loyer {invoice_number} {iban}"}, "description"),
        (StripeSettings, {"currencies": "EUR,EURO"}, "currencies"),
        (StripeSettings, {"secret_key": "pk_live_wrong"}, "__all__"),
        (BankTransferSettings, {"iban": "FR76 3000 6000 0112 3456 7890 188"}, "iban"),
        (BankTransferSettings, {"bic": "XYZ"}, "bic"),
    ):
        with pytest.raises(ValidationError) as excinfo, db.write() as session:
            save_section(session, cls, changes, actor=ACTOR)
        assert field in excinfo.value.errors, (changes, excinfo.value.errors)


@pytest.mark.parametrize("which", ["credit_note", "statement"])
def test_page_formats_of_credit_notes_and_statements(db, doc, which):
    with db.write() as session:
        save_section(session, PdfFormatSettings, {which: "Letter-landscape"}, actor=ACTOR)
        note = create_credit_note(session, actor=ACTOR, document_id=doc["id"], data={"amount": "10"})
    with db.read() as session:
        if which == "credit_note":
            data = credit_note_pdf(session, actor=ACTOR, credit_note_id=note.id)[1]
        else:
            data = statement_pdf(session, actor=ACTOR, customer_id=doc["customer"], first=date(2026, 1, 1),
                                 last=date(2026, 3, 31))[1]
    box = pdf_reader(data).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
