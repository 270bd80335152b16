"""Credit notes: numbering, the refusal rules, cancellation, decrement on delete, the PDF."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homecrm.billing.credit_notes import cancel_document, create_credit_note, delete_credit_note
from homecrm.billing.documents import generate_month, get_document
from homecrm.billing.exports import credit_note_pdf
from homecrm.billing.payments import available_credit, record_payment
from homecrm.billing.periods import Month
from homecrm.errors import ConflictError, NotFoundError, ValidationError
from homecrm.settings import save_section
from homecrm.settings.sections import CreditNoteSettings, FinanceSettings
from homecrm.store.models import CreditNote, NumberCounter, RentDocument
from tests.factories import ACTOR, make_lease
from tests.helpers import pdf_text


@pytest.fixture
def doc_id(db, frozen_today):
    with db.write() as session:
        make_lease(session)
        return generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]


def credit(db, doc_id, **data):
    with db.write() as session:
        return create_credit_note(session, actor=ACTOR, document_id=doc_id, data=data)


def test_applied_credit_note_reduces_what_is_owed_and_is_numbered(db, doc_id):
    note = credit(db, doc_id, amount="100", reason="Geste commercial")
    assert note.number == "AV-000001" and note.applied == Decimal("100.00")
    with db.read() as session:
        doc = session.get(RentDocument, doc_id)
        assert (doc.amount_due, doc.balance, doc.payment_status) == (Decimal("630.00"), Decimal("630.00"), "unpaid")
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "630", "paid_on": date(2026, 3, 5)})
        assert get_document(session, doc_id, actor=ACTOR).payment_status == "paid"


@pytest.mark.parametrize(
    "paid, data, field",
    [
        ("0", {"amount": "731"}, "amount"),  # more than the document
        ("300", {"amount": "500"}, "amount"),  # applied beyond what is still owed (430)
        ("300", {"amount": "301", "kind": "refund"}, "amount"),  # refund beyond what was paid
        ("300", {"amount": "10", "kind": "refund", "refund_date": date(2026, 2, 1)}, "refund_date"),
        ("0", {"amount": "0"}, "amount"),
        ("0", {"amount": "-5"}, "amount"),
    ],
)
def test_refusals(db, doc_id, paid, data, field):
    if paid != "0":
        with db.write() as session:
            record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": paid, "paid_on": date(2026, 3, 5)})
    with pytest.raises(ValidationError) as excinfo:
        credit(db, doc_id, **data)
    assert excinfo.value.field == field
    with db.read() as session:
        assert session.scalars(select(CreditNote)).all() == []
        assert session.scalar(select(NumberCounter.next_value).where(NumberCounter.series == "credit_notes")) in (None, 1)


def test_refund_gives_back_money_and_keeps_the_quittance(db, doc_id):
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "730", "paid_on": date(2026, 3, 5)})
    note = credit(db, doc_id, amount="80", kind="refund", reason="Trop-perçu de charges", refund_mode="virement")
    with db.read() as session:
        doc = session.get(RentDocument, doc_id)
        assert (doc.amount_due, doc.net_paid, doc.balance, doc.payment_status) == (
            Decimal("650.00"), Decimal("650.00"), Decimal("0.00"), "paid")
        assert note.refunded == Decimal("80.00")


def test_cancelling_a_partly_paid_document(db, doc_id):
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "300", "paid_on": date(2026, 3, 5)})
        note = cancel_document(session, actor=ACTOR, document_id=doc_id, reason="Erreur de loyer")
        doc = session.get(RentDocument, doc_id)
        assert (note.amount, note.applied, note.to_credit, note.cancels_document) == (
            Decimal("730.00"), Decimal("430.00"), Decimal("300.00"), True)
        assert doc.state == "cancelled" and doc.balance == Decimal("0.00")
        assert available_credit(session, actor=ACTOR, customer_id=doc.customer_id) == Decimal("300.00")
    with pytest.raises(ConflictError), db.write() as session:
        cancel_document(session, actor=ACTOR, document_id=doc_id)
    with db.read() as session:  # the cancelled document stays in the ledger
        assert session.get(RentDocument, doc_id).number == "QUI-000001"


def test_decrement_on_delete_only_gives_back_the_last_number(db, doc_id):
    first = credit(db, doc_id, amount="10")
    second = credit(db, doc_id, amount="20")
    with pytest.raises(ConflictError, match="(?i)décrément|decrement"), db.write() as session:
        delete_credit_note(session, actor=ACTOR, credit_note_id=second.id)  # option off
    with db.write() as session:
        save_section(session, CreditNoteSettings, {"decrement_on_delete": True}, actor=ACTOR)
    with pytest.raises(ConflictError), db.write() as session:
        delete_credit_note(session, actor=ACTOR, credit_note_id=first.id)  # not the last one
    with db.write() as session:
        delete_credit_note(session, actor=ACTOR, credit_note_id=second.id)
        assert get_document(session, doc_id, actor=ACTOR).amount_credited == Decimal("10.00")
    assert credit(db, doc_id, amount="5").number == "AV-000002"  # the number came back


def test_no_deletion_once_something_was_issued_after(db, doc_id):
    with db.write() as session:
        save_section(session, CreditNoteSettings, {"decrement_on_delete": True}, actor=ACTOR)
    note = credit(db, doc_id, amount="10")
    with db.write() as session:
        generate_month(session, actor=ACTOR, month=Month(2026, 4), on=date(2026, 3, 12))
    with pytest.raises(ConflictError), db.write() as session:
        delete_credit_note(session, actor=ACTOR, credit_note_id=note.id)


def test_numbering_settings_and_padding(db, doc_id):
    with db.write() as session:
        save_section(session, CreditNoteSettings, {"prefix": "NC-", "number_format": "year/number", "next_number": 7},
                     actor=ACTOR)
        save_section(session, FinanceSettings, {"number_padding": 3}, actor=ACTOR)
    assert credit(db, doc_id, amount="1").number == "NC-2026/007"


def test_pdf_says_note_de_credit_with_positive_amounts_and_words(db, doc_id):
    with db.write() as session:
        save_section(session, CreditNoteSettings, {"default_client_note": "Merci de votre confiance.",
                                                   "default_terms": "Remboursement sous 30 jours."}, actor=ACTOR)
    note = credit(db, doc_id, amount="200", reason="Travaux")
    with db.read() as session:
        name, data = credit_note_pdf(session, actor=ACTOR, credit_note_id=note.id)
    text = pdf_text(data)
    assert name == "note-de-credit-AV-000001.pdf"
    assert "Note de crédit" in text and "N° AV-000001" in text
    assert "QUI-000001 du 01/03/2026" in text and "Résidence Test – Apt 1" in text
    assert "200,00 €" in text and "-200" not in text and "moins" not in text
    assert "deux cents euros" in text
    assert "Merci de votre confiance." in text and "Remboursement sous 30 jours." in text
    with db.write() as session:
        save_section(session, CreditNoteSettings, {"show_property_name": False}, actor=ACTOR)
    with db.read() as session:
        assert "Résidence Test" not in pdf_text(credit_note_pdf(session, actor=ACTOR, credit_note_id=note.id)[1])


def test_a_payment_whose_money_was_given_back_cannot_be_deleted(db, doc_id):
    """A refund (or money kept as credit) came from the payments: deleting them would leave a
    negative payment and a PDF saying both "annulé" and "reste dû"."""
    from homecrm.billing.payments import delete_payment

    with db.write() as session:
        payment_id = record_payment(session, actor=ACTOR, document_id=doc_id,
                                    data={"amount": "10", "paid_on": date(2026, 3, 5)}).id
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "20", "paid_on": date(2026, 3, 6)})
        number = session.get(RentDocument, doc_id).number
    note = credit(db, doc_id, amount="25", kind="refund", refund_date=date(2026, 3, 7))
    with db.write() as session, pytest.raises(ConflictError) as refused:
        delete_payment(session, actor=ACTOR, payment_id=payment_id)  # 20 left < 25 refunded
    assert str(refused.value) == (f"25,00\u00a0€ payés sur {number} ont déjà été rendus par la note de crédit "
                                  f"{note.number} (remboursés ou gardés en crédit) : ce paiement ne peut pas être "
                                  "supprimé.")
    with db.read() as session:
        doc = session.get(RentDocument, doc_id)
        assert (doc.amount_paid, doc.amount_returned, len(doc.payments)) == (Decimal("30.00"), Decimal("25.00"), 2)
    with db.write() as session, pytest.raises(NotFoundError, match="n.existe plus"):
        delete_payment(session, actor=ACTOR, payment_id=999_999)
