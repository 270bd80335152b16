"""A cancelled document is never titled quittance (loi 89-462 art. 21): nothing says its rent was paid."""

from datetime import date

import pytest

from homecrm.billing.credit_notes import cancel_document
from homecrm.billing.documents import document_title, get_document
from homecrm.billing.exports import document_pdf
from homecrm.billing.payments import record_payment
from tests.factories import ACTOR
from tests.helpers import pdf_reader, pdf_text
from tests.integration.test_pdf import docs  # noqa: F401 - the fixture


@pytest.mark.parametrize("paid_before", [None, "250"])
def test_a_cancelled_document_is_titled_as_such(db, docs, paid_before):
    doc_id = docs["residential"]
    with db.write() as session:
        if paid_before:
            record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": paid_before, "paid_on": date(2026, 3, 1)})
        cancel_document(session, actor=ACTOR, document_id=doc_id)
    with db.read() as session:
        assert document_title(get_document(session, doc_id, actor=ACTOR)) == "Cancelled document"
        name, data = document_pdf(session, actor=ACTOR, document_id=doc_id)
    text = pdf_text(data)
    assert name.startswith("annule-")
    assert text.startswith("SCI Les Tilleuls Document annulé") and "Quittance" not in text
    assert "annulé par une note de crédit" in text
    assert pdf_reader(data).metadata.title.startswith("Document annulé")


def test_two_payments_on_the_same_day_are_one_date(db, docs):
    doc_id = docs["residential"]
    with db.write() as session:
        for amount in ("300", "430"):
            record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": amount, "paid_on": date(2026, 3, 2)})
    with db.read() as session:
        text = pdf_text(document_pdf(session, actor=ACTOR, document_id=doc_id)[1])
    assert "Paiement reçu le 02/03/2026." in text
