"""SMTP settings and the test e-mail: a real SMTP conversation; the password never leaks."""

import email
import logging
import ssl
from email import policy

import pytest

from homecrm.notify import smtp
from homecrm.notify.smtp import SmtpError, send_test_email
from homecrm.settings import save_section
from homecrm.settings.sections import SmtpSettings
from tests.factories import ACTOR
from tests.smtp_server import free_port, self_signed, start_server

PASSWORD = "Tr3s-s3cret-SMTP!"


@pytest.fixture
def server():
    controller, mailbox = start_server(username="bailleur@exemple.fr", password=PASSWORD)
    yield controller, mailbox
    controller.stop()


def configure(db, controller, **changes):
    with db.write() as session:
        save_section(session, SmtpSettings, {
            "encryption": "none", "host": "127.0.0.1", "port": controller.port, "sender_email": "bailleur@exemple.fr",
            "sender_name": "SCI Les Tilleuls", "username": "bailleur@exemple.fr", "password": PASSWORD,
            "signature": "Cordialement,\nSCI Les Tilleuls", "bcc_all": "archive@exemple.fr", **changes}, actor=ACTOR)


def test_test_email_is_delivered_with_bcc_signature_and_utf8_subject(db, server):
    controller, mailbox = server
    configure(db, controller)
    with db.read() as session:
        sent = send_test_email(session, actor=ACTOR, to="marie@exemple.fr")
    assert sent.message_id
    received = mailbox.messages[0]
    assert received.recipients == ["marie@exemple.fr", "archive@exemple.fr"]
    message = email.message_from_bytes(received.data, policy=policy.default)
    assert "é à ç €" in message["Subject"] and "Bcc" not in message
    assert "Cordialement,\r\nSCI Les Tilleuls" in message.get_content()


def test_wrong_password_is_explained_and_never_logged(db, server, caplog):
    controller, _mailbox = server
    configure(db, controller, password="wrong-" + PASSWORD)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SmtpError) as excinfo, db.read() as session:
        send_test_email(session, actor=ACTOR, to="marie@exemple.fr")
    assert "mot de passe" in str(excinfo.value)
    for text in (caplog.text, str(excinfo.value), repr(excinfo.value)):
        assert PASSWORD not in text


@pytest.mark.parametrize(
    "changes, needle",
    [
        ({"port": None}, "refus"),  # nothing listens there
        ({"encryption": "ssl"}, "chiffrement"),  # SSL against a plain server
        ({"encryption": "tls"}, "STARTTLS"),
    ],
)
def test_failures_say_what_went_wrong(db, server, changes, needle):
    controller, _mailbox = server
    if changes.get("port", 0) is None:
        changes = {"port": free_port()}
    configure(db, controller, **changes)
    with pytest.raises(SmtpError) as excinfo, db.read() as session:
        send_test_email(session, actor=ACTOR, to="marie@exemple.fr")
    assert needle.lower() in str(excinfo.value).lower()


# QA round on issue 5: each failure named for what it is ---------------------------------------------------------


def _server_context(tmp_path):
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def _failure(db) -> str:
    with pytest.raises(SmtpError) as excinfo, db.read() as session:
        send_test_email(session, actor=ACTOR, to="marie@exemple.fr")
    return str(excinfo.value)


def test_a_user_name_on_a_server_without_auth_says_auth_is_not_offered(db):
    controller, _mailbox = start_server()  # no AUTH extension at all
    try:
        configure(db, controller)
        message = _failure(db)
    finally:
        controller.stop()
    assert "AUTH" in message and "STARTTLS" not in message


def test_no_encryption_on_a_server_requiring_starttls_says_so(db, tmp_path):
    _cert, context = _server_context(tmp_path)
    controller, mailbox = start_server(tls_context=context, require_starttls=True)
    try:
        configure(db, controller, username="")
        message = _failure(db)
    finally:
        controller.stop()
    assert "chiffrée" in message and "TLS (STARTTLS" in message and "expéditeur" not in message
    assert mailbox.messages == []


def test_an_untrusted_certificate_is_named(db, tmp_path):
    _cert, context = _server_context(tmp_path)
    controller, _mailbox = start_server(ssl_context=context)  # SSL from the first byte, like port 465
    try:
        configure(db, controller, encryption="ssl", username="")
        message = _failure(db)
    finally:
        controller.stop()
    assert "certificat" in message and "auto-signé" in message


def test_starttls_on_an_ssl_port_is_a_timeout_not_a_disconnection(db, tmp_path, monkeypatch):
    _cert, context = _server_context(tmp_path)
    controller, _mailbox = start_server(ssl_context=context)
    monkeypatch.setattr(smtp, "TIMEOUT_SECONDS", 1)  # the setting, not the behaviour: keep the test short
    try:
        configure(db, controller, encryption="tls", username="")
        message = _failure(db)
    finally:
        controller.stop()
    assert "à temps" in message and "SSL" in message and "coupé" not in message


def test_a_refused_recipient_is_named_with_the_servers_answer(db):
    controller, mailbox = start_server(refuse=("marie@exemple.fr",))
    try:
        configure(db, controller, username="", bcc_all="")
        message = _failure(db)
    finally:
        controller.stop()
    assert "marie@exemple.fr (550 5.1.1 No such user here)" in message
    assert mailbox.messages == []


def test_an_accented_address_on_a_server_without_smtputf8_is_explained(db):
    controller, mailbox = start_server(enable_SMTPUTF8=False)  # as `python -m aiosmtpd` and many relays
    try:
        configure(db, controller, username="", password="")
        with db.read() as session, pytest.raises(SmtpError) as failed:
            send_test_email(session, actor=ACTOR, to="élodie@exemple.fr")
    finally:
        controller.stop()
    assert "lettres accentuées" in str(failed.value) and "SMTPUTF8" in str(failed.value)
    assert not mailbox.messages
