"""Payments, credit notes, statements and gateways, through AppTest on the demo."""

from sqlalchemy import func, select

from homecrm.store.models import CreditNote, CustomerCredit, Payment, RentDocument
from tests.app.conftest import button, no_exception, plain


def test_payments_page_filters_and_exports(demo_db, page):
    at = page("pages/payments.py")
    no_exception(at)
    assert at.metric[0].label == "Encaissé" and "€" in at.metric[0].value
    total_all = at.metric[1].value
    at.selectbox(key="payments.mode").set_value("cheque")
    at.run()
    no_exception(at)
    assert int(at.metric[1].value) < int(total_all)
    assert {d.label for d in at.get("download_button")} >= {"Exporter en CSV", "Exporter en Excel"}


def test_credit_note_and_cancellation_from_the_receipts_page(demo_db, page):
    with demo_db.read() as session:
        doc = session.scalar(select(RentDocument).where(RentDocument.payment_status == "unpaid",
                                                        RentDocument.state == "issued").order_by(RentDocument.id))
        doc_id, number = doc.id, doc.number
    at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
    no_exception(at)
    at.text_input(key=f"credit-{doc_id}.amount").input("50")
    at.text_input(key=f"credit-{doc_id}.reason").input("Geste commercial")
    button(at, "Émettre la note de crédit").click()
    at.run()
    no_exception(at)
    assert any("AV-" in plain(s.value) for s in at.success)
    at.button(key=f"receipts.cancel.{doc_id}").click()
    at.run()
    no_exception(at)
    with demo_db.read() as session:
        assert session.scalar(select(func.count(CreditNote.id))) == 2
        assert session.get(RentDocument, doc_id).state == "cancelled"
    notes = page("pages/credit_notes.py")
    no_exception(notes)
    assert number in " ".join(map(str, notes.dataframe[0].value.iloc[:, 2]))


def test_over_payment_from_the_page_becomes_credit(demo_db, page):
    with demo_db.read() as session:
        doc = session.scalar(select(RentDocument).where(RentDocument.payment_status == "unpaid",
                                                        RentDocument.state == "issued").order_by(RentDocument.id))
        doc_id, balance = doc.id, doc.balance
    at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
    at.text_input(key=f"payment-{doc_id}.amount").input(str(balance + 25).replace(".", ","))
    button(at, "Enregistrer le paiement").click()
    at.run()
    no_exception(at)
    with demo_db.read() as session:
        assert session.get(RentDocument, doc_id).payment_status == "paid"
        # The 25 € became the tenant's credit (at once used by their other unpaid documents, if any).
        assert session.scalar(select(func.sum(CustomerCredit.amount))) == 25
    message = plain(at.success[0].value)
    assert "Paiement enregistré" in message and "25,00\u00a0€ portés au crédit du locataire" in message


def test_statement_page_and_payment_on_account(demo_db, page):
    at = page("pages/statements.py")
    no_exception(at)
    assert at.dataframe
    def received(session):
        return session.scalar(select(func.count(Payment.id))) + session.scalar(select(func.count(CustomerCredit.id)))

    with demo_db.read() as session:
        before = received(session)
    at.text_input(key="on-account.amount").input("1 000,00")
    button(at, "Enregistrer la somme").click()
    at.run()
    no_exception(at)
    with demo_db.read() as session:
        assert received(session) > before


def test_gateways_page_validates_iban_and_lists_unavailable_gateways(db, page):
    at = page("pages/settings/gateways.py")
    no_exception(at)
    assert any("PayPal" in c.value for c in at.caption)
    at.text_input(key="settings.bank_transfer.iban").input("FR76 3000 6000 0112 3456 7890 188")
    at.text_input(key="settings.bank_transfer.account_holder").input("SCI Test")
    buttons = [b for b in at.button if b.label == "Enregistrer les réglages"]
    buttons[-1].click()
    at.run()
    assert any("IBAN" in plain(e.value) for e in at.error)
