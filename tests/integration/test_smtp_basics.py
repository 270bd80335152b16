"""SMTP settings and the test e-mail: a real SMTP conversation; the password never leaks."""

import email
import logging
from email import policy

import pytest

from homecrm.notify.smtp import SmtpError, send_test_email
from homecrm.settings import save_section
from homecrm.settings.sections import SmtpSettings
from tests.factories import ACTOR
from tests.smtp_server import free_port, start_server

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
