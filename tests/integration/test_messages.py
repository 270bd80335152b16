"""Sending documents by e-mail and SMS through real protocol peers; the log of what was sent."""

import email
import ssl
from datetime import date
from email import policy

import pytest
from sqlalchemy import select

from homecrm.billing.documents import generate_month
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.errors import ValidationError
from homecrm.notify.messages import message_history, record_consent, send_document_email
from homecrm.notify.smtp import CAFILE_ENV, SmtpError
from homecrm.notify.twilio_gateway import API_BASE_ENV, SmsError, send_sms
from homecrm.settings import load_section, save_section
from homecrm.settings.sections import SmsGatewaySettings, SmtpSettings
from homecrm.store.models import MessageLog
from tests.factories import ACTOR, make_lease
from tests.helpers import pdf_text
from tests.smtp_server import self_signed, start_server
from tests.twilio_server import ACCOUNT_SID, AUTH_TOKEN, INVALID_NUMBER, UNVERIFIED_NUMBER, start_fake_twilio


@pytest.fixture
def mailbox(db):
    controller, box = start_server()
    with db.write() as session:
        save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                             "sender_email": "bailleur@exemple.fr", "sender_name": "SCI Les Tilleuls",
                                             "bcc_all": "archive@exemple.fr", "signature": "Cordialement,\nSCI"},
                     actor=ACTOR)
    yield box
    controller.stop()


@pytest.fixture
def doc(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, customer={"civility": "Mme", "first_name": "Hélène", "last_name": "Dupré",
                                              "email": "helene@exemple.fr", "phone": "06 12 34 56 78"})
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
    return {"id": doc_id, "customer": lease.customer_id}


def test_document_email_with_pdf_bcc_utf8_subject_and_signature(db, mailbox, doc):
    with db.write() as session:
        sent = send_document_email(session, actor=ACTOR, document_id=doc["id"])
    entry = sent.entry
    received = mailbox.messages[0]
    assert received.recipients == ["helene@exemple.fr", "archive@exemple.fr"]
    message = email.message_from_bytes(received.data, policy=policy.default)
    assert message["Subject"] == "Avis d'échéance QUI-000001" and message["To"] == "helene@exemple.fr"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Bonjour Mme Hélène Dupré" in body and body.rstrip().endswith("Cordialement,\nSCI")
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "avis-QUI-000001.pdf"
    assert "Avis d'échéance" in pdf_text(attachment.get_content())
    assert entry.status == "sent" and entry.provider_id == message["Message-ID"]
    with db.read() as session:
        history = message_history(session, actor=ACTOR, customer_id=doc["customer"])
    # The hidden copy is no recipient: said apart; the server's answer is text, not Python bytes.
    assert [(h.channel, h.status, h.recipient) for h in history] == [("email", "sent", "helene@exemple.fr")]
    assert "b'" not in history[0].result and history[0].result.startswith("250")
    assert sent.report() == "E-mail envoyé à helene@exemple.fr. Copie cachée à archive@exemple.fr."


def test_a_quittance_needs_the_tenants_consent(db, mailbox, doc):
    with db.write() as session:
        record_payment(session, actor=ACTOR, document_id=doc["id"], data={"amount": "730", "paid_on": date(2026, 3, 5)})
    with pytest.raises(ValidationError, match="89-462"), db.write() as session:
        send_document_email(session, actor=ACTOR, document_id=doc["id"])
    assert mailbox.messages == []
    with db.write() as session:
        record_consent(session, actor=ACTOR, customer_id=doc["customer"], on=date(2026, 1, 10), channel="Clause du bail")
        send_document_email(session, actor=ACTOR, document_id=doc["id"])
    message = email.message_from_bytes(mailbox.messages[0].data, policy=policy.default)
    assert message["Subject"] == "Quittance de loyer QUI-000001"


def test_wrong_smtp_host_is_explained_and_nothing_is_marked_sent(db, doc):
    with db.write() as session:
        save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": 9,
                                             "sender_email": "bailleur@exemple.fr"}, actor=ACTOR)
    with pytest.raises(SmtpError, match="(?i)refus"):
        with db.write() as session:  # as the page and the CLI do: the error rolls their transaction back
            send_document_email(session, actor=ACTOR, document_id=doc["id"])
    with db.read() as session:  # the failure is still in the log
        assert [(m.status, m.recipient) for m in session.scalars(select(MessageLog))] == [("failed", "helene@exemple.fr")]


def test_no_database_lock_is_held_while_the_smtp_server_answers(db, doc, monkeypatch):
    """Another user may save while an e-mail is on its way (SQLite: one writer at a time)."""
    import threading

    from homecrm.notify import smtp
    from homecrm.settings.sections import ReceiptSettings

    controller, box = start_server()
    in_smtp, saved = threading.Event(), threading.Event()
    real_send = smtp.send_email

    def slow_send(settings, message):
        in_smtp.set()
        assert saved.wait(timeout=20), "a write could not go through while the e-mail was being sent"
        return real_send(settings, message)

    monkeypatch.setattr("homecrm.notify.messages.send_email", slow_send)

    def other_user():
        in_smtp.wait(timeout=20)
        with db.write() as session:
            save_section(session, ReceiptSettings, {"prefix": "Q-"}, actor=ACTOR)
        saved.set()

    try:
        with db.write() as session:
            save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                                 "sender_email": "bailleur@exemple.fr"}, actor=ACTOR)
        thread = threading.Thread(target=other_user)
        thread.start()
        with db.write() as session:
            send_document_email(session, actor=ACTOR, document_id=doc["id"])
        thread.join(timeout=30)
    finally:
        controller.stop()
    assert saved.is_set() and len(box.messages) == 1
    with db.read() as session:
        assert [m.status for m in session.scalars(select(MessageLog))] == ["sent"]


def test_starttls_with_a_certificate_we_trust(db, doc, tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller, box = start_server(tls_context=context, require_starttls=True)
    monkeypatch.setenv(CAFILE_ENV, str(cert))
    try:
        with db.write() as session:
            save_section(session, SmtpSettings, {"encryption": "tls", "host": "localhost", "port": controller.port,
                                                 "sender_email": "bailleur@exemple.fr"}, actor=ACTOR)
            send_document_email(session, actor=ACTOR, document_id=doc["id"])
        assert box.messages and box.messages[0].recipients == ["helene@exemple.fr"]
        with db.write() as session:  # SSL straight away on a STARTTLS port: explained
            save_section(session, SmtpSettings, {"encryption": "ssl"}, actor=ACTOR)
        with pytest.raises(SmtpError), db.write() as session:
            send_document_email(session, actor=ACTOR, document_id=doc["id"])
    finally:
        controller.stop()


@pytest.fixture
def twilio(db, monkeypatch):
    server, state = start_fake_twilio()
    monkeypatch.setenv(API_BASE_ENV, f"http://127.0.0.1:{server.server_address[1]}")
    with db.write() as session:
        save_section(session, SmsGatewaySettings, {"active_gateway": "twilio", "twilio_account_sid": ACCOUNT_SID,
                                                   "twilio_auth_token": AUTH_TOKEN, "twilio_from": "07 81 22 33 44"},
                     actor=ACTOR)
    yield state
    server.shutdown()


def test_twilio_receives_e164_body_and_sender(db, twilio):
    with db.read() as session:
        settings = load_section(session, SmsGatewaySettings)
    sent = send_sms(settings, to="+33612345678", body="Rappel : loyer de 650,00 € à régler.")
    assert sent.sid.startswith("SM")
    assert twilio.messages == [{"To": "+33612345678", "From": "+33781223344", "Body": "Rappel : loyer de 650,00 € à régler."}]


@pytest.mark.parametrize("to, fragment", [(INVALID_NUMBER, "pas valide"), (UNVERIFIED_NUMBER, "vérifiés")])
def test_twilio_errors_are_sentences(db, twilio, to, fragment):
    with db.read() as session:
        settings = load_section(session, SmsGatewaySettings)
    with pytest.raises(SmsError, match=fragment):
        send_sms(settings, to=to, body="x")


def test_twilio_authentication_error(db, twilio):
    with db.write() as session:
        save_section(session, SmsGatewaySettings, {"twilio_auth_token": "wrong"}, actor=ACTOR)
        settings = load_section(session, SmsGatewaySettings)
    with pytest.raises(SmsError, match="(?i)SID"):
        send_sms(settings, to="+33612345678", body="x")


def test_sms_settings_refuse_long_texts_and_unknown_fields(db):
    from homecrm.settings.sections import SmsTriggerSettings

    for text, fragment in (("x" * 1600, "10"), ("Loyer {iban}", "{iban}")):
        with pytest.raises(ValidationError) as excinfo, db.write() as session:
            save_section(session, SmsTriggerSettings, {"invoice_due": text}, actor=ACTOR)
        assert fragment in excinfo.value.errors["invoice_due"]
    with pytest.raises(ValidationError), db.write() as session:
        save_section(session, SmsGatewaySettings, {"active_gateway": "twilio"}, actor=ACTOR)


@pytest.mark.parametrize(("section", "field", "text"), [
    ("EmailTemplateSettings", "overdue_body", "Bonjour {client_name}, frais de relance : 15 €."),
    ("EmailTemplateSettings", "due_subject", "Loyer {period} — pénalité si retard"),
    ("SmsTriggerSettings", "invoice_overdue", "Loyer {invoice_number} impaye: penalite de retard 10%"),
])
def test_reminder_templates_cannot_ask_residential_tenants_for_fees(db, section, field, text):
    from homecrm.settings import sections

    cls = getattr(sections, section)
    with pytest.raises(ValidationError) as err, db.write() as session:
        save_section(session, cls, {field: text}, actor=ACTOR)
    assert err.value.field == field and "art. 4" in str(err.value)
    with db.write() as session:  # words that only look alike are fine
        save_section(session, cls, {field: "Bonjour {client_name}, merci de régler sans tarder."}, actor=ACTOR)


def test_twilio_sender_number_reads_national_numbers_in_the_default_country(db):
    from homecrm.settings.sections import ClientSettings

    with db.write() as session:
        save_section(session, ClientSettings, {"default_country": "BE"}, actor=ACTOR)
        saved = save_section(session, SmsGatewaySettings, {"twilio_from": "0470 12 34 56"}, actor=ACTOR)
    assert saved.twilio_from == "+32470123456"
    with db.read() as session:
        assert load_section(session, SmsGatewaySettings).twilio_from == "+32470123456"
