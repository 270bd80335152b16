"""QA round on issue 5 through the pages: a double click sends once, a read-only role cannot send,
credit notes are previewed and edited before sending."""

import pytest
from sqlalchemy import func, select

from homecrm.settings import save_section
from homecrm.settings.sections import SmtpSettings
from homecrm.store.models import MessageLog, RentDocument
from tests.app.conftest import button, no_exception, plain
from tests.factories import ACTOR, make_staff
from tests.smtp_server import start_server


@pytest.fixture
def mailbox(demo_db):
    controller, box = start_server()
    with demo_db.write() as session:
        save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                             "sender_email": "bailleur@exemple.fr"}, actor=ACTOR)
    yield box
    controller.stop()


def _unpaid(db) -> int:
    with db.read() as session:
        return session.scalar(select(RentDocument.id).where(RentDocument.payment_status == "unpaid",
                                                            RentDocument.state == "issued").order_by(RentDocument.id))


def _logged(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(MessageLog.id)).where(MessageLog.channel == "email"))


def test_a_double_click_on_send_sends_one_email(demo_db, page, mailbox):
    doc_id = _unpaid(demo_db)
    at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
    before = _logged(demo_db)
    button(at, "Envoyer l'e-mail").click()
    at.run()
    button(at, "Envoyer l'e-mail").click()  # the second click of a double click: same form values
    at.run()
    no_exception(at)
    assert len(mailbox.messages) == 1 and _logged(demo_db) == before + 1
    assert any("une seule fois" in plain(e.value) for e in at.error)
    button(at, "Envoyer l'e-mail").click()  # clicked again on purpose: sent again
    at.run()
    assert len(mailbox.messages) == 2


def test_a_read_only_role_sees_the_email_but_cannot_send(demo_db, page, mailbox):
    with demo_db.write() as session:
        make_staff(session, email="lecture@exemple.fr",
                   permissions={("documents", "view"), ("tenants", "view"), ("payments", "view")})
    doc_id = _unpaid(demo_db)
    at = page("pages/receipts.py", user="lecture@exemple.fr", **{"receipts.month": None, "receipts.document": doc_id})
    no_exception(at)
    assert button(at, "Envoyer l'e-mail").disabled
    assert any("pas de l'envoyer" in c.value for c in at.caption)


def test_a_credit_note_is_previewed_and_edited_before_sending(demo_db, page, mailbox):
    from homecrm.billing.credit_notes import create_credit_note

    with demo_db.write() as session:
        note = create_credit_note(session, actor=ACTOR, document_id=_unpaid(demo_db),
                                  data={"amount": "10", "kind": "applied", "reason": "Geste"})
        note.customer.email = note.customer.email or "locataire@exemple.fr"
        note_id, number = note.id, note.number
    at = page("pages/credit_notes.py", **{"credit_notes.selected": note_id})
    no_exception(at)
    form = f"email-credit-{note_id}"
    assert number in at.text_input(key=f"{form}.subject").value
    at.text_input(key=f"{form}.subject").input(f"Avoir {number} corrigé")
    button(at, "Envoyer l'e-mail").click()
    at.run()
    no_exception(at)
    assert len(mailbox.messages) == 1, [e.value for e in at.error]
    assert any("E-mail envoyé à" in plain(s.value) for s in at.success)
