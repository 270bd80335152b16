"""Regression tests for the QA round on issue 5 (e-mail): charset, refused recipients, double
submissions, rights, literal braces, Date header, credit notes and statements previewed first."""

import email
from datetime import date
from email import policy
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from homecrm.billing.credit_notes import create_credit_note
from homecrm.billing.documents import generate_month
from homecrm.billing.payments import DuplicateSubmission
from homecrm.billing.periods import Month
from homecrm.crm.customers import add_contact, create_customer
from homecrm.errors import ValidationError
from homecrm.notify.account_emails import (
    draft_credit_note_email,
    draft_statement_email,
    send_credit_note_email,
    send_statement_email,
)
from homecrm.notify.messages import draft_document_email, message_history, send_document_email
from homecrm.notify.smtp import SmtpError
from homecrm.security.principal import PermissionDenied
from homecrm.settings import save_section
from homecrm.settings.sections import EmailTemplateSettings, SmtpSettings
from homecrm.store.models import MessageLog
from tests.factories import ACTOR, make_lease, make_staff
from tests.smtp_server import start_server

REFUSED = "refuse@exemple.fr"


@pytest.fixture
def server(db):
    controller, box = start_server(refuse=(REFUSED,))
    with db.write() as session:
        save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                             "sender_email": "bailleur@exemple.fr", "bcc_all": "archive@exemple.fr"},
                     actor=ACTOR)
    yield box
    controller.stop()


@pytest.fixture
def doc(db, frozen_today):
    with db.write() as session:
        lease = make_lease(session, customer={"first_name": "Camille", "last_name": "Roux", "email": "camille@exemple.fr"})
        doc_id = generate_month(session, actor=ACTOR, month=Month(2026, 3), on=date(2026, 3, 1)).created[0]
    return {"id": doc_id, "customer": lease.customer_id}


def _received(box, index=-1):
    return email.message_from_bytes(box.messages[index].data, policy=policy.default)


def _body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


# 1 — ISO-8859-1 cannot write € or "—": that message goes out in UTF-8 instead of crashing


def test_iso_8859_1_falls_back_to_utf8_for_a_message_it_cannot_write(db, server, doc):
    with db.write() as session:
        save_section(session, SmtpSettings, {"charset": "iso-8859-1"}, actor=ACTOR)
        save_section(session, EmailTemplateSettings, {"document_body": "Montant : {amount} — merci."}, actor=ACTOR)
        send_document_email(session, actor=ACTOR, document_id=doc["id"])
        save_section(session, EmailTemplateSettings, {"document_body": "Bonjour, ci-joint l'avis."}, actor=ACTOR)
        send_document_email(session, actor=ACTOR, document_id=doc["id"])
    with_euro, plain_latin = _received(server, 0), _received(server, 1)
    assert with_euro.get_body(("plain",)).get_content_charset() == "utf-8"
    assert "730,00\u00a0€ — merci." in _body(with_euro)
    assert plain_latin.get_body(("plain",)).get_content_charset() == "iso-8859-1"
    assert "ci-joint l'avis" in _body(plain_latin)


# 2 — a recipient refused by the server is reported, never listed as a recipient


def test_a_refused_recipient_is_reported_and_not_logged_as_a_recipient(db, server, doc):
    with db.write() as session:
        add_contact(session, actor=ACTOR, customer_id=doc["customer"],
                    data={"first_name": "Refus", "last_name": "Test", "email": REFUSED})
        sent = send_document_email(session, actor=ACTOR, document_id=doc["id"])
    assert server.messages[0].recipients == ["camille@exemple.fr", "archive@exemple.fr"]
    assert sent.entry.recipient == "camille@exemple.fr"
    assert sent.refused == {REFUSED: "550 5.1.1 No such user here"}
    assert f"Le serveur a refusé : {REFUSED} (550 5.1.1 No such user here)." in sent.report()
    with db.read() as session:
        row = message_history(session, actor=ACTOR, customer_id=doc["customer"])[0]
    assert REFUSED in row.result and "550" in row.result


def test_all_visible_recipients_refused_is_a_failure(db, server, doc):
    with pytest.raises(SmtpError, match=REFUSED), db.write() as session:
        send_document_email(session, actor=ACTOR, document_id=doc["id"], to=[REFUSED])


# 4 — the same form submitted twice (double click) sends once


def test_a_double_submission_sends_one_email(db, server, doc):
    with db.write() as session:
        send_document_email(session, actor=ACTOR, document_id=doc["id"], submission="token-1")
    with pytest.raises(DuplicateSubmission, match="une seule fois"), db.write() as session:
        send_document_email(session, actor=ACTOR, document_id=doc["id"], submission="token-1")
    assert len(server.messages) == 1
    with db.read() as session:
        assert len(session.scalars(select(MessageLog)).all()) == 1


def test_a_failed_send_does_not_use_up_the_token(db, doc):
    with db.write() as session:
        save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": 9,
                                             "sender_email": "bailleur@exemple.fr"}, actor=ACTOR)
    with pytest.raises(SmtpError), db.write() as session:
        send_document_email(session, actor=ACTOR, document_id=doc["id"], submission="token-2")
    controller, box = start_server()
    try:
        with db.write() as session:
            save_section(session, SmtpSettings, {"port": controller.port}, actor=ACTOR)
            send_document_email(session, actor=ACTOR, document_id=doc["id"], submission="token-2")
    finally:
        controller.stop()
    assert len(box.messages) == 1


# 5 — reading a document is not sending it


def test_a_read_only_role_cannot_email_tenants(db, server, doc):
    with db.write() as session:
        reader = make_staff(session, email="lecture@exemple.fr",
                            permissions={("documents", "view"), ("credit_notes", "view"), ("tenants", "view")})
        assert draft_document_email(session, actor=reader, document_id=doc["id"]).to == ["camille@exemple.fr"]
    with pytest.raises(PermissionDenied), db.write() as session:
        send_document_email(session, actor=reader, document_id=doc["id"])
    with pytest.raises(PermissionDenied), db.write() as session:
        send_statement_email(session, actor=reader, customer_id=doc["customer"], first=date(2026, 1, 1),
                             last=date(2026, 3, 31))
    assert server.messages == []


# 9 — every message carries a Date and a Message-ID


def test_messages_carry_a_date_and_a_message_id(db, server, doc):
    with db.write() as session:
        sent = send_document_email(session, actor=ACTOR, document_id=doc["id"])
    message = _received(server)
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message["Message-ID"] == sent.entry.provider_id and message["Message-ID"].endswith("@exemple.fr>")


# 10 — a literal brace of the template survives the preview and the send


def test_literal_braces_survive_preview_and_send(db, server, doc):
    with db.write() as session:
        save_section(session, EmailTemplateSettings, {"document_body": "Référence {{LOC-{invoice_number}}}"},
                     actor=ACTOR)
        draft = draft_document_email(session, actor=ACTOR, document_id=doc["id"])
        assert draft.body == "Référence {LOC-QUI-000001}"
        send_document_email(session, actor=ACTOR, document_id=doc["id"], subject=draft.subject, body=draft.body)
        # Edited: merge fields left in the text are filled in, the literal brace stays.
        send_document_email(session, actor=ACTOR, document_id=doc["id"], subject=draft.subject,
                            body=draft.body + " pour {client_name}")
    assert _body(_received(server, 0)).startswith("Référence {LOC-QUI-000001}")
    assert _body(_received(server, 1)).startswith("Référence {LOC-QUI-000001} pour Camille Roux")
    with pytest.raises(ValidationError, match=r"\{iban\}") as excinfo, db.write() as session:
        send_document_email(session, actor=ACTOR, document_id=doc["id"], body=draft.body + " {iban}")
    assert excinfo.value.field == "body"


# 8 — credit notes and statements: preview, edit, then send; a tenant without address is named


def test_credit_note_and_statement_are_previewed_and_edited_before_sending(db, server, doc):
    with db.write() as session:
        note = create_credit_note(session, actor=ACTOR, document_id=doc["id"], data={"amount": "30", "kind": "applied",
                                                                                     "reason": "Geste"})
        draft = draft_credit_note_email(session, actor=ACTOR, credit_note_id=note.id)
        assert draft.to == ["camille@exemple.fr"] and draft.blocked is None and note.number in draft.subject
        send_credit_note_email(session, actor=ACTOR, credit_note_id=note.id, subject="Votre avoir",
                               body=draft.body + "\nMontant : {amount}")
        statement = draft_statement_email(session, actor=ACTOR, customer_id=doc["customer"], first=date(2026, 1, 1),
                                          last=date(2026, 3, 31))
        send_statement_email(session, actor=ACTOR, customer_id=doc["customer"], first=date(2026, 1, 1),
                             last=date(2026, 3, 31), subject=statement.subject, body="Relevé ci-joint.")
    credit, statement_mail = _received(server, 0), _received(server, 1)
    assert credit["Subject"] == "Votre avoir" and "Montant : 30,00\u00a0€" in _body(credit)
    assert next(credit.iter_attachments()).get_filename().endswith(".pdf")
    assert statement_mail["Subject"] == statement.subject and _body(statement_mail).startswith("Relevé ci-joint.")


def test_a_tenant_without_email_is_named(db, server, frozen_today):
    with db.write() as session:
        customer = create_customer(session, actor=ACTOR, data={"first_name": "Paul", "last_name": "Sansmail"})
        draft = draft_statement_email(session, actor=ACTOR, customer_id=customer.id, first=date(2026, 1, 1),
                                      last=date(2026, 3, 31))
        assert "Paul Sansmail n'a pas d'adresse e-mail" in draft.blocked
    with pytest.raises(ValidationError, match="Paul Sansmail n'a pas d'adresse e-mail"), db.write() as session:
        send_statement_email(session, actor=ACTOR, customer_id=customer.id, first=date(2026, 1, 1),
                             last=date(2026, 3, 31))
