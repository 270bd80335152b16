"""PDF > Signature: the landlord's signature image on what acknowledges money received."""

import io
from datetime import date

from PIL import Image

from homecrm.assets import store_image
from homecrm.billing.credit_notes import create_credit_note
from homecrm.billing.exports import credit_note_pdf, document_pdf
from homecrm.billing.payments import record_payment
from homecrm.settings import save_section
from homecrm.settings.sections import PdfSignatureSettings
from tests.factories import ACTOR
from tests.helpers import page_content, pdf_reader
from tests.integration.test_pdf import docs  # noqa: F401 - the fixture

SIGNATURE_SIZE = (200, 80)


def _signature(db) -> int:
    buffer = io.BytesIO()
    Image.new("RGBA", SIGNATURE_SIZE, (20, 20, 90, 255)).save(buffer, "PNG")
    with db.write() as session:
        asset = store_image(session, kind="signature", filename="signature.png", data=buffer.getvalue())
        save_section(session, PdfSignatureSettings, {"image": asset.id}, actor=ACTOR)
        return asset.id


def _images(data: bytes) -> list[tuple[int, int]]:
    return [image.image.size for page in pdf_reader(data).pages for image in page.images]


def _document(db, doc_id) -> bytes:
    with db.read() as session:
        return document_pdf(session, actor=ACTOR, document_id=doc_id)[1]


def test_signature_on_quittance_and_recu_never_on_an_avis(db, docs):
    doc_id = docs["residential"]
    assert _images(_document(db, doc_id)) == []
    _signature(db)
    assert _images(_document(db, doc_id)) == [], "an avis d'échéance acknowledges nothing: never signed"
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "100", "paid_on": date(2026, 3, 1)})
    assert _images(_document(db, doc_id)) == [SIGNATURE_SIZE]  # reçu
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "630", "paid_on": date(2026, 3, 2)})
    quittance = _document(db, doc_id)
    assert _images(quittance) == [SIGNATURE_SIZE]
    with db.write() as session:
        save_section(session, PdfSignatureSettings, {"width": 100}, actor=ACTOR)
    narrow = _document(db, doc_id)
    # Drawn 160 then 100 CSS px wide (200 × 80 image: heights 64 and 40).
    assert b"160 0 0 -64 " in page_content(quittance) and b"100 0 0 -40 " in page_content(narrow)
    with db.write() as session:
        save_section(session, PdfSignatureSettings, {"on_rent_documents": False}, actor=ACTOR)
    assert _images(_document(db, doc_id)) == []


def test_signature_on_credit_notes_follows_its_switch(db, docs):
    _signature(db)
    with db.write() as session:
        note = create_credit_note(session, actor=ACTOR, document_id=docs["residential"],
                                  data={"amount": "50", "reason": "Geste commercial"})
        note_id = note.id

    def note_pdf() -> bytes:
        with db.read() as session:
            return credit_note_pdf(session, actor=ACTOR, credit_note_id=note_id)[1]

    assert _images(note_pdf()) == [SIGNATURE_SIZE]
    with db.write() as session:
        save_section(session, PdfSignatureSettings, {"on_credit_notes": False}, actor=ACTOR)
    assert _images(note_pdf()) == []


def test_a_recu_with_bank_details_and_a_signature_stays_on_one_page(db, docs):
    """The bank details sit beside the signature: "Fait à …" and the signature never end up alone
    on a second page (the reçu of a partly paid month with transfer details, A4 portrait)."""
    from homecrm.settings.sections import BankTransferSettings, PdfSettings

    doc_id = docs["residential"]
    _signature(db)
    with db.write() as session:
        save_section(session, BankTransferSettings, {"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP",
                                                     "account_holder": "SCI Les Tilleuls"}, actor=ACTOR)
        save_section(session, PdfSettings, {"show_payments": True}, actor=ACTOR)
        for day, amount in ((1, "100"), (2, "50"), (3, "25")):
            record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": amount, "paid_on": date(2026, 3, day)})
    reader = pdf_reader(_document(db, doc_id))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "IBAN" in text and "Fait à Lyon" in text and reader.pages[0].images
