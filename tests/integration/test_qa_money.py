"""Regression tests for the QA round on payments, credit notes, Stripe and staff accounts.

Each test names the finding it covers (findings 1–14 of the QA report).
"""

import io
import json
import socket
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from homecrm.billing.credit_notes import cancel_document, create_credit_note
from homecrm.billing.documents import generate_month, get_document
from homecrm.billing.exports import document_pdf, statement_pdf
from homecrm.billing.payment_reports import payment_rows, to_csv, to_excel
from homecrm.billing.payments import (
    DuplicateSubmission,
    available_credit,
    delete_payment,
    money_received,
    record_payment,
    record_payment_on_account,
)
from homecrm.billing.periods import Month
from homecrm.billing.statements import tenant_statement
from homecrm.cli import main
from homecrm.errors import ValidationError
from homecrm.payments.stripe_gateway import sync_payments
from homecrm.payments.stripe_gateway import test_connection as check_connection
from homecrm.render.formatting import Formats
from homecrm.settings import save_section
from homecrm.settings.sections import StripeSettings
from homecrm.store.models import CustomerCredit, Payment, RentDocument, StripePaymentLink
from tests.factories import ACTOR, make_lease
from tests.helpers import pdf_text
from tests.integration.test_stripe import _event, _post, _session_for, _signed

DUPONT = "Mme Marie Dupont"


def _deactivations(fake_stripe) -> list[str]:
    return [r.path.rsplit("/", 1)[1] for r in fake_stripe.requests
            if r.method == "POST" and r.path.startswith("/v1/payment_links/") and r.form.get("active") == "false"]


def _link(db, doc_id) -> SimpleNamespace | None:
    """The document's active link, as plain values."""
    with db.read() as session:
        link = session.scalar(select(StripePaymentLink).where(StripePaymentLink.document_id == doc_id,
                                                              StripePaymentLink.active.is_(True)))
        return SimpleNamespace(link_id=link.link_id, amount_minor=link.amount_minor, url=link.url) if link else None


# 1 — money Stripe received is never dropped -------------------------------------------------------------------


def test_card_payment_of_a_cancelled_document_becomes_credit_and_the_link_is_turned_off(db, docs, fake_stripe, receiver):
    doc_id = docs[DUPONT]
    link = _link(db, doc_id)  # Stripe is on: the link was created when the document was issued
    assert link is not None and link.amount_minor == 73000
    with db.write() as session:
        cancel_document(session, actor=ACTOR, document_id=doc_id)
    assert link.link_id in _deactivations(fake_stripe)
    assert _link(db, doc_id) is None

    # The tenant had the PDF and paid the link before it was turned off.
    checkout = {**_session_for("QUI-000001", 73000, intent="pi_8"), "payment_link": link.link_id}
    status, body = _post_json(receiver, *_signed(_event("evt_cancelled", "checkout.session.completed", checkout)))
    assert status == 200 and body["status"] == "credited" and "annulé" in body["detail"]
    with db.read() as session:
        credit = session.scalar(select(CustomerCredit).where(CustomerCredit.reference == "pi_8"))
        assert (credit.amount, credit.mode) == (Decimal("730.00"), "card")
        assert "QUI-000001" in credit.note
        assert session.scalar(select(func.count(Payment.id))) == 0
        rows = payment_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 3, 31))
    assert [(r.kind, r.amount, r.reference) for r in rows] == [("credit", Decimal("730.00"), "pi_8")]


def test_card_payment_of_a_document_paid_meanwhile_becomes_credit(db, docs, fake_stripe, capsys):
    doc_id = docs[DUPONT]
    link = _link(db, doc_id)
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "730", "paid_on": date(2026, 3, 5)})
    assert link.link_id in _deactivations(fake_stripe)  # fully paid: the link is turned off at Stripe

    fake_stripe.sessions.append(_session_for("QUI-000001", 73000, intent="pi_9"))
    assert main(["payments", "sync"]) == 0  # as the scheduled-jobs account, like cron
    out, err = capsys.readouterr()
    assert "1 porté(s) au crédit du locataire" in out and "730,00\u00a0€" in out
    assert "QUI-000001" in err and "crédit" in err  # said on stderr too, so that cron mails it
    with db.read() as session:
        assert available_credit(session, actor=ACTOR, customer_id=get_document(session, doc_id, actor=ACTOR).customer_id) \
            == Decimal("730.00")
    # Synced again: still once.
    with db.write() as session:
        again = sync_payments(session, actor=ACTOR)
    assert again.recorded == [] and again.credited == []


def test_card_payment_over_the_balance_records_the_rest_as_credit(db, docs, fake_stripe):
    doc_id = docs[DUPONT]
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "30", "paid_on": date(2026, 3, 5)})
    fake_stripe.sessions.append(_session_for("QUI-000001", 73000, intent="pi_over"))  # the old 730 € link
    with db.write() as session:
        result = sync_payments(session, actor=ACTOR)
    outcome = result.recorded[0]
    assert (outcome.amount, outcome.credit) == (Decimal("730.00"), Decimal("30.00"))
    assert "dont 30,00\u00a0€ portés au crédit du locataire" in outcome.line(Formats())
    with db.read() as session:
        assert get_document(session, doc_id, actor=ACTOR).payment_status == "paid"
        credit = session.scalar(select(CustomerCredit))
        assert (credit.amount, credit.mode, credit.reference) == (Decimal("30.00"), "card", "pi_over")


def _post_json(url: str, payload: bytes, header: str) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Stripe-Signature": header, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


# 2 — "Test the Stripe connection" with a good key ------------------------------------------------------------


def test_connection_test_with_the_right_key(db, docs):
    with db.read() as session:
        assert check_connection(session, actor=ACTOR) == "Connecté à Stripe (mode test)."


# 5 — a Checkout Session without payment intent is recorded once ----------------------------------------------


def test_session_without_payment_intent_is_recorded_once(db, docs, fake_stripe, receiver):
    checkout = {**_session_for("QUI-000001", 10000, intent="x"), "id": "cs_7", "payment_intent": None}
    fake_stripe.sessions.append(checkout)
    with db.write() as session:
        assert len(sync_payments(session, actor=ACTOR).recorded) == 1
    for event_id, kind in (("evt_a", "checkout.session.completed"), ("evt_b", "checkout.session.async_payment_succeeded")):
        assert _post(receiver, *_signed(_event(event_id, kind, checkout))) == 200
    with db.read() as session:
        assert [(p.amount, p.external_id) for p in session.scalars(select(Payment))] == [(Decimal("100.00"), "cs_7")]


# 13 — links follow the amount owed ---------------------------------------------------------------------------


def test_a_part_payment_replaces_the_link_and_issuing_creates_one(db, docs, fake_stripe):
    doc_id = docs[DUPONT]
    old = _link(db, doc_id)
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "7", "paid_on": date(2026, 3, 5)})
    assert old.link_id in _deactivations(fake_stripe)
    new = _link(db, doc_id)
    assert new.link_id != old.link_id and new.amount_minor == 72300
    created = fake_stripe.form_of("/v1/payment_links")[-1]
    assert created["line_items[0][price_data][unit_amount]"] == "72300"
    with db.read() as session:
        text = pdf_text(document_pdf(session, actor=ACTOR, document_id=doc_id)[1])
    assert new.url.split("?")[0] in text.replace(" ", "") and old.url.split("?")[0] not in text.replace(" ", "")


def test_stale_links_are_turned_off_by_the_next_sync_when_stripe_was_unreachable(db, docs, fake_stripe, monkeypatch):
    from homecrm.payments.stripe_gateway import API_BASE_ENV

    doc_id = docs[DUPONT]
    link = _link(db, doc_id)
    base = __import__("os").environ[API_BASE_ENV]
    monkeypatch.setenv(API_BASE_ENV, f"http://127.0.0.1:{_closed_port()}")  # Stripe cannot be reached
    with db.write() as session:  # the payment is recorded all the same
        record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "730", "paid_on": date(2026, 3, 5)})
    assert _link(db, doc_id) is not None  # not confirmed turned off: kept to retry
    monkeypatch.setenv(API_BASE_ENV, base)
    with db.write() as session:
        sync_payments(session, actor=ACTOR)
    assert link.link_id in _deactivations(fake_stripe) and _link(db, doc_id) is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_prints_a_document_with_its_link_created_first(db, frozen_today, fake_stripe, tmp_path, monkeypatch):
    from tests.stripe_server import GOOD_KEY

    with db.write() as session:
        make_lease(session)
        generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1))  # Stripe still off
        save_section(session, StripeSettings, {"enabled": True, "secret_key": GOOD_KEY}, actor=ACTOR)
    out = tmp_path / "avis.pdf"
    assert main(["receipts", "pdf", "QUI-000001", "-o", str(out)]) == 0
    assert "buy.stripe.com" in pdf_text(out.read_bytes()).replace(" ", "")


# 12 — currencies are ISO 4217 codes --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["EUR,XYZ", "", " , ", "FRF", "XTS"])
def test_stripe_currencies_must_be_iso_4217(db, value):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        save_section(session, StripeSettings, {"currencies": value}, actor=ACTOR)
    assert excinfo.value.field == "currencies"
    with db.write() as session:
        assert save_section(session, StripeSettings, {"currencies": "eur, chf,JPY"}, actor=ACTOR).currencies == "EUR,CHF,JPY"


# 6 — what was received, in messages, figures and exports -----------------------------------------------------


@pytest.fixture
def dupont(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, start=date(2026, 1, 1))
        ids = [generate_month(session, actor=ACTOR, month=Month(2026, m), on=date(2026, m, 1)).created[0] for m in (1, 2, 3)]
        return lease.customer_id, ids


def test_an_excess_is_shown_and_counted_as_received(db, dupont):
    customer_id, (jan, feb, mar) = dupont
    with db.write() as session:
        for doc_id in (jan, feb):
            record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "730", "paid_on": date(2026, 3, 2)})
        payment = record_payment(session, actor=ACTOR, document_id=mar,
                                 data={"amount": "1 000,50", "paid_on": date(2026, 3, 5), "mode": "chèque"})
        received = money_received(session, payment)
    assert (received.received, received.credit) == (Decimal("1000.50"), Decimal("270.50"))
    assert received.summary(Formats()) == ("1\u202f000,50\u00a0€ reçus : 730,00\u00a0€ sur QUI-000003, "
                                           "270,50\u00a0€ portés au crédit du locataire.")
    with db.read() as session:
        rows = payment_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 3, 31))
    assert sum(r.amount for r in rows) == Decimal("2460.50")  # 730 + 730 + 1 000,50: all that came in
    credit_row = next(r for r in rows if r.kind == "credit")
    assert (credit_row.mode, credit_row.property) == ("cheque", "Résidence Test")
    # April uses the credit: that moves no money, the total does not change.
    with db.write() as session:
        generate_month(session, actor=ACTOR, month=Month(2026, 4), on=date(2026, 3, 12))
    with db.read() as session:
        rows = payment_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 4, 30))
    assert sum(r.amount for r in rows) == Decimal("2460.50")

    lines = to_csv(rows).decode("utf-8-sig").splitlines()
    assert lines[0] == ("Date de paiement;Montant;Devise;Mode;Référence;Locataire;Bien;Document;Date d'échéance;"
                        "Jours de retard")
    assert "05/03/2026;270,50;EUR;Chèque;;Mme Marie Dupont;Résidence Test;Porté au crédit du locataire;;0" in lines
    assert any(line.startswith("02/03/2026;730,00;EUR;Virement;") for line in lines)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(to_excel(rows))).active
    assert [c.value for c in sheet[1]][:4] == ["Date de paiement", "Montant", "Devise", "Mode"]
    assert sheet["D2"].value == "Virement"


def test_cli_pay_says_what_became_credit(db, dupont, capsys):
    assert main(["receipts", "pay", "QUI-000001", "--amount", "1000", "--date", "2026-03-05"]) == 0
    out = capsys.readouterr().out
    # the 270 € beyond March went at once to the tenant's older unpaid document: said so, not "kept as credit"
    assert "1\u202f000,00\u00a0€ reçus : 730,00\u00a0€ sur QUI-000001, 270,00\u00a0€ sur QUI-000002." in out


# 7 — credit pays the oldest debts first, whenever it appears ---------------------------------------------------


def test_credit_pays_older_unpaid_documents_first(db, dupont):
    customer_id, (jan, feb, mar) = dupont
    with db.write() as session:
        # February is paid too much; January, issued before that credit existed, is still unpaid.
        record_payment(session, actor=ACTOR, document_id=feb, data={"amount": "990,50", "paid_on": date(2026, 3, 5)})
    with db.read() as session:
        docs_now = {d.id: d for d in session.scalars(select(RentDocument))}
        assert (docs_now[jan].amount_paid, docs_now[jan].payment_status) == (Decimal("260.50"), "partial")
        assert docs_now[mar].amount_paid == Decimal("0.00")
        assert docs_now[jan].payments[0].mode == "credit"

    # Credit that arrives when nothing older is open waits, then pays the oldest when issued.
    with db.write() as session:
        record_payment_on_account(session, actor=ACTOR, customer_id=customer_id,
                                  data={"amount": "1199,50", "paid_on": date(2026, 3, 10)})
        assert available_credit(session, actor=ACTOR, customer_id=customer_id) == Decimal("0.00")
        assert {d.payment_status for d in session.scalars(select(RentDocument))} == {"paid"}


def test_a_credit_note_kept_as_credit_pays_the_oldest_debt(db, dupont):
    customer_id, (jan, feb, mar) = dupont
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=mar, data={"amount": "730", "paid_on": date(2026, 3, 5)})
        cancel_document(session, actor=ACTOR, document_id=mar, reason="Erreur")
        assert session.get(RentDocument, jan).payment_status == "paid"


# 8 — the statement counts each thing once, dated when it happened ----------------------------------------------


def test_statement_dates_documents_when_issued_and_never_counts_credit_twice(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, start=date(2026, 2, 1))
        feb = generate_month(session, actor=ACTOR, month=Month(2026, 2), on=date(2026, 2, 1)).created[0]
        record_payment(session, actor=ACTOR, document_id=feb, data={"amount": "730", "paid_on": date(2026, 2, 3)})
        # March's document is issued on the 3rd, due on the 5th; the tenant pays 980 on the 3rd.
        mar = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 3)).created[0]
        record_payment(session, actor=ACTOR, document_id=mar, data={"amount": "980", "paid_on": date(2026, 3, 3)})
        statement = tenant_statement(session, actor=ACTOR, customer_id=lease.customer_id, first=date(2026, 3, 1),
                                     last=date(2026, 3, 3))
    assert [(e.kind, e.on) for e in statement.entries] == [("document", date(2026, 3, 3)), ("payment", date(2026, 3, 3))]
    assert statement.closing == Decimal("-250.00") and statement.available_credit == Decimal("250.00")
    with db.read() as session:
        text = pdf_text(statement_pdf(session, actor=ACTOR, customer_id=lease.customer_id, first=date(2026, 3, 1),
                                      last=date(2026, 3, 31))[1])
    assert "Solde en votre faveur 250,00 €" in text and "en votre faveur" in text
    assert "Crédit disponible" not in text  # already in the balance: never a second figure
    assert "échéance le 05/03/2026" in text


# 10 — a form submitted twice records one payment -------------------------------------------------------------


def test_the_same_submission_is_recorded_once(db, dupont):
    _customer, (jan, _feb, _mar) = dupont
    data = {"amount": "7", "paid_on": date(2026, 3, 5)}
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=jan, data=data, submission="tok-1")
    with pytest.raises(DuplicateSubmission), db.write() as session:
        record_payment(session, actor=ACTOR, document_id=jan, data=data, submission="tok-1")
    with pytest.raises(DuplicateSubmission), db.write() as session:
        record_payment_on_account(session, actor=ACTOR, customer_id=_customer, data=data, submission="tok-1")
    with db.write() as session:  # a refused submission leaves its token free (nothing was written)
        with pytest.raises(ValidationError):
            record_payment(session, actor=ACTOR, document_id=jan, data={"amount": "-1", "paid_on": date(2026, 3, 5)},
                           submission="tok-2")
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=jan, data=data, submission="tok-2")
    with db.read() as session:
        assert [p.amount for p in session.scalars(select(Payment))] == [Decimal("7.00"), Decimal("7.00")]


# 11 — a reçu states what was received, and what became of it ---------------------------------------------------


def test_receipt_after_refund_and_transfer_to_credit(db, frozen_today):
    with db.write() as session:
        make_lease(session)
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
        record_payment(session, actor=ACTOR, document_id=doc_id,
                       data={"amount": "300", "paid_on": date(2026, 3, 5), "mode": "chèque"})
        for amount, kind in (("100", "applied"), ("50", "refund"), ("40", "credit")):
            create_credit_note(session, actor=ACTOR, document_id=doc_id,
                               data={"amount": amount, "kind": kind, "refund_date": date(2026, 3, 10)})
        doc = session.get(RentDocument, doc_id)
        # 730 − 190 credited = 540 due; 300 received − 90 given back = 210 kept for the period.
        assert (doc.payment_status, doc.net_paid, doc.balance) == ("partial", Decimal("210.00"), Decimal("330.00"))
    with db.read() as session:
        text = pdf_text(document_pdf(session, actor=ACTOR, document_id=doc_id)[1])
    assert "Reçu" in text
    assert "la somme de 300,00 €" in text and "210,00" not in text
    assert "Montant reçu 300,00 €" in text and "Remboursé -50,00 €" in text
    assert "Porté au crédit du locataire -40,00 €" in text and "Reste dû 330,00 €" in text
    assert "Sur les sommes reçues, 50,00 € ont été remboursés et 40,00 € ont été portés au crédit du locataire." in text
    assert "Remboursé (virement), note de crédit AV-000002" in text


# 14 — the smaller ones ---------------------------------------------------------------------------------------


def test_on_account_date_before_the_first_lease_is_refused(db, dupont):
    customer_id, _ids = dupont
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        record_payment_on_account(session, actor=ACTOR, customer_id=customer_id,
                                  data={"amount": "100", "paid_on": date(2020, 12, 3)})
    assert excinfo.value.field == "paid_on" and "01/01/2026" in str(excinfo.value)


def test_keeping_as_credit_on_an_unpaid_document_says_so(db, dupont):
    _customer, (jan, _feb, _mar) = dupont
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        create_credit_note(session, actor=ACTOR, document_id=jan, data={"amount": "10", "kind": "credit"})
    assert str(excinfo.value).startswith("Rien n'a été payé sur QUI-000001")


def test_webhook_with_a_bad_content_length_gets_400(db, docs, receiver):
    from urllib.parse import urlparse

    url = urlparse(receiver)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(b"POST /stripe/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
        reply = sock.recv(1000)
    assert reply.startswith(b"HTTP/1.0 400") or reply.startswith(b"HTTP/1.1 400")


# Statement PDF: the totals never stand alone on a page ---------------------------------------------------------------


@pytest.mark.parametrize("lines", [15, 16])  # without the rule, these put the totals alone on page 2
def test_statement_totals_stay_with_the_last_lines(db, lines):
    from datetime import timedelta

    from homecrm.billing.statements import Statement, StatementEntry
    from homecrm.render.context import DocumentContext
    from homecrm.render.statement import statement_pdf as render
    from tests.helpers import normalise, pdf_reader

    with db.write() as session:
        customer = make_lease(session).customer
        statement = Statement(customer.id, customer.display_name, date(2025, 1, 1), date(2025, 12, 31), "EUR", Decimal("0"))
        for i in range(lines):
            statement.entries.append(StatementEntry(date(2025, 1, 1) + timedelta(days=i), "document", f"QUI-{i:06d}",
                                                    Decimal("730"), Decimal("0"), Decimal("730") * (i + 1),
                                                    period=date(2025, 1, 1), due_date=date(2025, 1, 5)))
        pdf = render(statement, customer, DocumentContext.load(session))
    pages = [normalise(page.extract_text()) for page in pdf_reader(pdf).pages]
    totals_page = next(text for text in pages if "Total des débits" in text)
    assert "QUI-" in totals_page


def test_excel_export_keeps_typed_text_as_text(db, dupont):
    """A reference such as =HYPERLINK(…) is shown as typed, never run as a formula (nor in the CSV)."""
    import zipfile

    from openpyxl import load_workbook

    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=dupont[1][2], data={
            "amount": "100", "paid_on": date(2026, 3, 5), "reference": '=HYPERLINK("http://x.example")'})
    with db.read() as session:
        rows = payment_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 3, 31))
    data = to_excel(rows)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["E2"].value == '=HYPERLINK("http://x.example")' and sheet["E2"].data_type == "s"
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert "'=HYPERLINK" in to_csv(rows).decode("utf-8-sig")


def test_deleting_part_of_a_sum_deletes_the_whole_sum(db, dupont):
    """1 000 € on account settle January and February and leave credit: it was received, or not, as a whole."""
    from homecrm.billing.payments import record_payment_on_account
    from homecrm.store.models import CustomerCredit, Payment

    customer_id, (jan, feb, mar) = dupont
    with db.write() as session:
        result = record_payment_on_account(session, actor=ACTOR, customer_id=customer_id,
                                           data={"amount": "2500", "paid_on": date(2026, 3, 10)})
        assert [a.amount for a in result.allocations] == [Decimal("730.00")] * 3
        assert result.credit == Decimal("310.00")
        march_part = session.scalar(select(Payment).where(Payment.document_id == mar))
    with db.write() as session:
        assert delete_payment(session, actor=ACTOR, payment_id=march_part.id) == ["QUI-000001", "QUI-000002", "QUI-000003"]
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0
        assert session.scalar(select(func.count(CustomerCredit.id))) == 0
        assert {get_document(session, i, actor=ACTOR).payment_status for i in (jan, feb, mar)} == {"unpaid"}


def test_deleting_a_payment_lets_waiting_credit_pay_the_document(db, dupont):
    from homecrm.billing.payments import receive_as_credit

    customer_id, (jan, feb, mar) = dupont
    with db.write() as session:
        paid = record_payment(session, actor=ACTOR, document_id=jan, data={"amount": "730", "paid_on": date(2026, 1, 5)})
        for doc_id in (feb, mar):
            record_payment(session, actor=ACTOR, document_id=doc_id, data={"amount": "730", "paid_on": date(2026, 3, 1)})
        receive_as_credit(session, actor=ACTOR, customer_id=customer_id, currency="EUR", amount=Decimal("100"),
                          received_on=date(2026, 3, 1), mode="virement")
    with db.write() as session:
        delete_payment(session, actor=ACTOR, payment_id=paid.id)
    with db.read() as session:
        doc = get_document(session, jan, actor=ACTOR)
        assert (doc.payment_status, doc.balance) == ("partial", Decimal("630.00"))  # the 100 € of credit paid it


def test_statement_says_which_documents_an_excess_paid(db, dupont):
    customer_id, (jan, feb, _mar) = dupont
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=jan, data={"amount": "1000", "paid_on": date(2026, 1, 5)})
    with db.read() as session:
        statement = tenant_statement(session, actor=ACTOR, customer_id=customer_id, first=date(2026, 1, 1),
                                     last=date(2026, 3, 31))
    payment = next(e for e in statement.entries if e.kind == "payment")
    assert payment.credit == Decimal("1000.00")
    assert payment.allocations == (("QUI-000001", Decimal("730.00")), ("QUI-000002", Decimal("270.00")))
    assert payment.kept_as_credit == 0
