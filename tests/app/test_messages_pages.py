"""E-mail and SMS pages through AppTest: the SMS editor's live counts, sending, consent, reminders."""


from sqlalchemy import select

from homecrm.settings import save_section
from homecrm.settings.sections import SmtpSettings
from homecrm.store.models import Customer, MessageLog, RentDocument
from tests.app.conftest import button, no_exception, plain
from tests.factories import ACTOR
from tests.smtp_server import start_server

TEXT = "Bonjour {client_name}, votre loyer de {period} ({amount}) est du le {due_date}. Merci de votre reglement."


def test_sms_editor_counts_live_and_replaces_ucs2_characters(db, page):
    at = page("pages/settings/sms_triggers.py")
    no_exception(at)
    at.text_area(key="sms.invoice_due").input(TEXT)
    at.run()
    captions = [c.value for c in at.caption]
    assert any("GSM-7" in c and "1 segment" in c for c in captions)
    at.text_area(key="sms.invoice_due").input(TEXT.replace("est du", "est dû"))
    at.run()
    captions = [c.value for c in at.caption]
    assert any("UCS-2" in c and "2 segments" in c for c in captions)
    assert any("û" in c for c in captions)
    at.button(key="sms.invoice_due.gsm").click()
    at.run()
    assert "dû" not in at.text_area(key="sms.invoice_due").value
    at.text_area(key="sms.invoice_due").input("Loyer {iban}")
    at.button(key="sms.save").click()
    at.run()
    assert any("{iban}" in plain(e.value) for e in at.error)


def test_document_email_tab_sends_and_respects_consent(demo_db, page):
    controller, mailbox = start_server()
    try:
        with demo_db.write() as session:
            save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                                 "sender_email": "bailleur@exemple.fr"}, actor=ACTOR)
            unpaid = session.scalar(select(RentDocument).where(RentDocument.payment_status == "unpaid",
                                                               RentDocument.state == "issued").order_by(RentDocument.id))
            paid = session.scalar(select(RentDocument).where(RentDocument.payment_status == "paid").order_by(RentDocument.id))
            unpaid_id, paid_id = unpaid.id, paid.id
        at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": unpaid_id})
        no_exception(at)
        button(at, "Envoyer l'e-mail").click()
        at.run()
        no_exception(at)
        assert mailbox.messages, [e.value for e in at.error]
        at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": paid_id})
        assert any("89-462" in plain(w.value) for w in at.warning)
        with demo_db.read() as session:
            assert [m.status for m in session.scalars(select(MessageLog))] == ["sent"]
    finally:
        controller.stop()


def test_consent_is_recorded_on_the_tenant_page(demo_db, page):
    with demo_db.read() as session:
        customer_id = session.scalar(select(Customer.id).order_by(Customer.last_name))
    at = page("pages/tenants.py", **{"tenants.selected": customer_id})
    form = f"consent-{customer_id}"
    at.checkbox(key=f"{form}.agreed").check()
    at.text_input(key=f"{form}.channel").input("Clause du bail signé")
    button(at, "Enregistrer le consentement").click()
    at.run()
    no_exception(at)
    with demo_db.read() as session:
        customer = session.get(Customer, customer_id)
        assert customer.email_consent_on is not None and customer.email_consent_channel == "Clause du bail signé"


def test_reminders_page_shows_the_queue(demo_db, page):
    at = page("pages/reminders.py")
    no_exception(at)
    at.button(key="reminders.send").click()
    at.run()
    no_exception(at)
    assert at.success
