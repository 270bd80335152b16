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
    with demo_db.read() as session:
        left = session.scalar(select(func.sum(CustomerCredit.remaining)))
    # The message says where the 25 € went: the tenant's other unpaid document, or their credit.
    expected = "25,00\u00a0€ portés au crédit du locataire" if left else "25,00\u00a0€ sur QUI-"
    assert "Paiement enregistré" in message and expected in message


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


def test_dashboard_and_payments_total_one_currency_at_a_time(db, page, frozen_today):
    from datetime import date

    from homecrm.billing.documents import generate_month
    from homecrm.billing.periods import Month
    from tests.factories import ACTOR, make_lease

    with db.write() as session:
        make_lease(session, name="Dupont", rent="650.00", charges="80.00")
        make_lease(session, name="Tanaka", unit="Apt 2", rent="90000", charges="0", currency="JPY")
        generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))
    at = page("pages/dashboard.py")
    no_exception(at)
    assert at.selectbox(key="dashboard.currency").value == "EUR"
    assert "730,00" in at.metric[0].value and "€" in at.metric[0].value
    at.selectbox(key="dashboard.currency").set_value("JPY")
    at.run()
    no_exception(at)
    assert "90" in at.metric[0].value and "€" not in at.metric[0].value
    pay = page("pages/payments.py")
    no_exception(pay)
    assert pay.selectbox(key="payments.currency").value == "EUR"


def test_no_currency_picker_with_one_currency(demo_db, page):
    at = page("pages/dashboard.py")
    no_exception(at)
    assert not [s for s in at.selectbox if s.key == "dashboard.currency"]


def test_statement_page_offers_one_statement_per_currency(db, page, frozen_today):
    from tests.integration.test_currencies import _tenant_in_two_currencies

    with db.write() as session:
        tenant = _tenant_in_two_currencies(session)
    at = page("pages/statements.py", **{"statements.tenant": tenant})
    no_exception(at)
    assert at.selectbox(key=f"statements.currency.{tenant}").options == ["EUR", "JPY"]
    assert "730,00" in at.metric[3].value
    at.selectbox(key=f"statements.currency.{tenant}").set_value("JPY")
    at.run()
    no_exception(at)
    assert at.metric[3].value == "90\u202f000\u00a0JPY"
    at.text_input(key="on-account.amount").input("1000")
    button(at, "Enregistrer la somme").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        paid = session.scalars(select(Payment)).all()
        assert [(p.amount, p.document.currency) for p in paid] == [(1000, "JPY")]


def test_receipts_page_shows_an_existing_stripe_link_again(db, page, frozen_today, monkeypatch):
    """A link made earlier is read from the database on every later visit (it once crashed the PDF tab)."""
    from homecrm.billing.documents import generate_month
    from homecrm.billing.periods import Month
    from homecrm.payments.stripe_gateway import API_BASE_ENV, ensure_payment_link
    from homecrm.settings import save_section
    from homecrm.settings.sections import StripeSettings
    from tests.factories import ACTOR, make_lease
    from tests.stripe_server import GOOD_KEY, start_fake_stripe

    server, _state = start_fake_stripe()
    monkeypatch.setenv(API_BASE_ENV, f"http://127.0.0.1:{server.server_address[1]}")
    try:
        with db.write() as session:
            save_section(session, StripeSettings, {"enabled": True, "secret_key": GOOD_KEY}, actor=ACTOR)
            make_lease(session)
            from datetime import date

            doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
            url = ensure_payment_link(session, actor=ACTOR, document_id=doc_id).url
        at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
        no_exception(at)
        assert any(url in plain(m.value) for m in at.markdown)
        assert {d.label for d in at.get("download_button")} >= {"Télécharger le PDF"}
    finally:
        server.shutdown()


def test_pages_of_an_analyst_and_of_a_role_without_payments(db, page, frozen_today):
    """An analyst (payments only) filters payments by property; a role without payments has no statements."""
    from homecrm.billing.documents import generate_month
    from homecrm.billing.periods import Month
    from tests.factories import ACTOR, make_lease, make_staff

    with db.write() as session:
        make_lease(session)
        from datetime import date

        generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))
        make_staff(session, email="analyste@test.fr", permissions={("payments", "view")})
        make_staff(session, email="docs@test.fr", permissions={("documents", "view"), ("tenants", "view")})
        make_staff(session, email="own@test.fr", permissions={("payments", "view_own")})
    at = page("pages/payments.py", user="analyste@test.fr")
    no_exception(at)
    assert "Résidence Test" in at.selectbox(key="payments.property").options
    own = page("pages/payments.py", user="own@test.fr")  # "view own": the page, with their own book only
    no_exception(own)
    assert own.title[0].value == "Paiements" and "Résidence Test" not in own.selectbox(key="payments.property").options
    docs = page("pages/statements.py", user="docs@test.fr")
    no_exception(docs)
    assert not docs.dataframe and any("pas accès à cette page" in e.value for e in docs.error)


def test_statement_page_explains_a_period_that_ends_before_it_starts(demo_db, page):
    from datetime import date

    at = page("pages/statements.py", **{"statements.from": date(2026, 12, 31), "statements.to": date(2026, 1, 1)})
    no_exception(at)
    assert [plain(e.value) for e in at.error] == ["La fin de la période est antérieure à son début."]


def test_the_payments_tab_lists_money_given_back_by_a_credit_note(db, page, frozen_today):
    from datetime import date

    from homecrm.billing.credit_notes import create_credit_note
    from homecrm.billing.documents import generate_month
    from homecrm.billing.payments import record_payment
    from homecrm.billing.periods import Month
    from tests.factories import ACTOR, make_lease

    with db.write() as session:
        make_lease(session)
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "100", "paid_on": date(2026, 3, 5)})
        note = create_credit_note(session, actor=ACTOR, document_id=doc_id,
                                  data={"amount": "10", "kind": "refund", "refund_date": date(2026, 3, 7)}).number
    at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
    no_exception(at)
    lines = [plain(m.value) for m in at.markdown]
    assert f"07/03/2026 · Remboursé par {note} (Virement) · −10,00\u00a0€" in lines, lines
