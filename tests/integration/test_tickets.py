"""Support tickets: every Paramètres > Support setting flipped and observed, notifications by real SMTP."""

from __future__ import annotations

import email
from email import policy

import pytest
from sqlalchemy import func, select

from homecrm import attachments
from homecrm.crm.customers import add_contact, create_customer
from homecrm.errors import ConflictError, ValidationError
from homecrm.notify.staff import deliver_queued
from homecrm.security.accounts import create_user, principal_for, save_department
from homecrm.security.principal import PermissionDenied
from homecrm.settings import save_section
from homecrm.settings.sections import SmtpSettings, SupportSettings
from homecrm.statuses import list_statuses
from homecrm.store.models import Attachment, MessageLog, Role, Ticket, TicketStatus
from homecrm.support import tickets as tk
from tests.factories import ACTOR
from tests.smtp_server import start_server

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def world(db):
    """Two departments with one staff member each, a tenant with a contact."""
    with db.write() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "Gestionnaire"))
        tech = save_department(session, actor=ACTOR, name="Technique", email="technique@example.fr")
        admin_dept = save_department(session, actor=ACTOR, name="Administratif")
        users = {}
        for name, dept in (("Lea", tech), ("Tom", admin_dept)):
            user = create_user(session, actor=ACTOR, data={"name": name, "email": f"{name.lower()}@example.fr",
                                                           "role_id": role_id, "department_ids": [dept.id]},
                               password="a-long-password-1")
            users[name] = principal_for(user)
        tenant = create_customer(session, actor=ACTOR, data={"first_name": "Marie", "last_name": "Dupont",
                                                             "email": "marie@example.fr"})
        contact = add_contact(session, actor=ACTOR, customer_id=tenant.id, data={"last_name": "Dupont",
                                                                                  "email": "conjoint@example.fr"})
        return {"users": users, "tech": tech.id, "admin": admin_dept.id, "tenant": tenant.id, "contact": contact.id}


@pytest.fixture
def mailbox(db):
    controller, box = start_server()
    with db.write() as session:
        save_section(session, SmtpSettings, {"encryption": "none", "host": "127.0.0.1", "port": controller.port,
                                             "sender_email": "crm@example.fr"}, actor=ACTOR)
    yield box
    controller.stop()


def status(session, kind: str) -> int:
    return next(s.id for s in list_statuses(session, TicketStatus) if s.kind == kind)


def open_one(db, world, actor=ACTOR, **extra):
    with db.write() as session:
        return tk.open_ticket(session, actor=actor, data={
            "subject": "Fuite sous l'évier", "body": "Ça goutte depuis hier.", "customer_id": world["tenant"],
            "department_id": world["tech"], **extra}).id


def sent_to(db) -> list[tuple[str, str]]:
    deliver_queued(db.factory)
    with db.read() as session:
        return [(m.kind, m.recipient) for m in session.scalars(select(MessageLog).order_by(MessageLog.id))]


def test_new_ticket_notifies_the_department_or_only_the_assignee(db, world, mailbox):
    open_one(db, world)
    assert sent_to(db) == [("ticket_new", "technique@example.fr"), ("ticket_new", "lea@example.fr")]
    message = email.message_from_bytes(mailbox.messages[0].data, policy=policy.default)
    assert "Fuite sous l'évier" in message["Subject"] and "Marie Dupont" in message.get_content()
    with db.write() as session:
        save_section(session, SupportSettings, {"notify_assignee_only": True}, actor=ACTOR)
    open_one(db, world, assigned_to_id=world["users"]["Tom"].user_id)
    assert sent_to(db)[2:] == [("ticket_new", "tom@example.fr")]
    with db.write() as session:
        save_section(session, SupportSettings, {"notify_new_ticket": False}, actor=ACTOR)
    open_one(db, world)
    assert len(sent_to(db)) == 3


def test_no_smtp_no_notification_queued(db, world):
    open_one(db, world)
    with db.read() as session:
        assert session.scalar(select(func.count(MessageLog.id))) == 0


def test_customer_reply_notifies_and_reopens_a_closed_ticket(db, world, mailbox):
    ticket_id = open_one(db, world)
    with db.write() as session:
        tk.change_status(session, actor=ACTOR, ticket_id=ticket_id, status_id=status(session, "closed"))
        with pytest.raises(ConflictError, match="reopen|rouvrez"):
            tk.staff_reply(session, actor=world["users"]["Lea"], ticket_id=ticket_id, body="Le plombier passe lundi.")
        tk.customer_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Toujours une fuite !")
        ticket = session.get(Ticket, ticket_id)
        assert ticket.status.kind == "open" and ticket.closed_at is None
    assert ("ticket_customer_reply", "lea@example.fr") in sent_to(db)
    with db.write() as session:
        save_section(session, SupportSettings, {"notify_customer_reply": False}, actor=ACTOR)
        before = session.scalar(select(func.count(MessageLog.id)))
        tk.customer_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Merci")
        assert session.scalar(select(func.count(MessageLog.id))) == before


def test_first_staff_reply_assigns_sets_status_and_emails_the_tenant(db, world, mailbox):
    ticket_id = open_one(db, world, contact_id=world["contact"])
    with db.write() as session:
        save_section(session, SupportSettings, {"status_after_staff_reply": status(session, "answered")}, actor=ACTOR)
        tk.staff_reply(session, actor=world["users"]["Lea"], ticket_id=ticket_id, body="Le plombier passe lundi.")
        ticket = session.get(Ticket, ticket_id)
        assert ticket.assigned_to_id == world["users"]["Lea"].user_id and ticket.status.kind == "answered"
        tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Je confirme.")
        assert ticket.assigned_to_id == world["users"]["Lea"].user_id  # only the first replier
    assert ("ticket_reply_tenant", "conjoint@example.fr") in sent_to(db)
    other = open_one(db, world)
    with db.write() as session:
        save_section(session, SupportSettings, {"assign_first_replier": False, "status_after_staff_reply": None},
                     actor=ACTOR)
        tk.staff_reply(session, actor=world["users"]["Lea"], ticket_id=other, body="Vu.", email_tenant=False)
        ticket = session.get(Ticket, other)
        assert ticket.assigned_to_id is None and ticket.status.kind == "open"


def test_staff_see_only_their_departments_unless_the_setting_is_off(db, world):
    tech_ticket = open_one(db, world)
    open_one(db, world, department_id=None, subject="Sans service")
    with db.read() as session:
        tom = world["users"]["Tom"]
        assert [t.subject for t in tk.list_tickets(session, actor=tom)] == ["Sans service"]
        with pytest.raises(PermissionDenied):
            tk.get_ticket(session, tech_ticket, actor=tom)
        assert tk.open_count(session, actor=tom) == 1
    with db.write() as session:
        save_section(session, SupportSettings, {"staff_only_own_departments": False}, actor=ACTOR)
    with db.read() as session:
        assert len(tk.list_tickets(session, actor=world["users"]["Tom"])) == 2


def test_staff_may_open_tickets_for_any_tenant_only_when_allowed(db, world):
    with db.write() as session:
        role = session.scalar(select(Role).where(Role.name == "Gestionnaire"))
        from homecrm.security.accounts import save_role

        own = save_role(session, actor=ACTOR, name="Suivi", description="",
                        permissions={("tickets", r) for r in ("view", "create", "edit")}
                        | {("tenants", "view_own"), ("tenants", "create")})
        user = create_user(session, actor=ACTOR, data={"name": "Sam", "email": "sam@example.fr", "role_id": own.id},
                           password="a-long-password-1")
        sam = principal_for(user)
        assert role is not None
    open_one(db, world, actor=sam)  # allowed by default
    with db.write() as session:
        save_section(session, SupportSettings, {"staff_open_for_any_contact": False}, actor=ACTOR)
    with pytest.raises(PermissionDenied):
        open_one(db, world, actor=sam)
    with db.write() as session:
        mine = create_customer(session, actor=sam, data={"last_name": "Locataire de Sam"})
        tk.open_ticket(session, actor=sam, data={"subject": "OK", "body": "Pour mon locataire", "customer_id": mine.id})


def test_deleting_tickets_replies_and_attachments_follows_the_settings(db, world):
    ticket_id = open_one(db, world)
    lea = world["users"]["Lea"]
    with db.write() as session:
        reply = tk.staff_reply(session, actor=lea, ticket_id=ticket_id, body="Photo jointe", files=[("fuite.png", PNG)])
        reply_id = reply.id
        attachment_id = session.scalar(select(Attachment.id))
    with pytest.raises(PermissionDenied), db.write() as session:
        attachments.remove(session, actor=lea, attachment_id=attachment_id)
    with pytest.raises(PermissionDenied), db.write() as session:
        tk.delete_reply(session, actor=lea, reply_id=reply_id)
    with db.write() as session:
        save_section(session, SupportSettings, {"staff_delete_attachments": True, "staff_delete_tickets": True},
                     actor=ACTOR)
    with db.write() as session:
        attachments.remove(session, actor=lea, attachment_id=attachment_id)
        tk.delete_reply(session, actor=lea, reply_id=reply_id)
        tk.delete_ticket(session, actor=lea, ticket_id=ticket_id)
        assert session.scalar(select(func.count(Ticket.id))) == 0


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("virus.exe", b"MZ\x90\x00", "pas accepté|not accepted"),
    ("facture.pdf", b"MZ\x90\x00rest", "programme|program"),
    ("page.pdf", b"<html><script>alert(1)</script>", "programme|program"),
    ("photo.bmp", b"BM" + b"\x00" * 10, "pas accepté|not accepted"),
    ("vide.pdf", b"", "vide|empty"),
    ("gros.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024), "trop|too large"),
])
def test_attachments_refused_with_the_reason_and_nothing_stored(db, world, name, data, needle):
    with pytest.raises(ValidationError, match=needle), db.write() as session:
        tk.open_ticket(session, actor=ACTOR, data={"subject": "Pièce jointe", "body": "Voir le fichier",
                                                   "customer_id": world["tenant"]}, files=[(name, data)])
    with db.read() as session:
        assert session.scalar(select(func.count(Attachment.id))) == 0
        assert session.scalar(select(func.count(Ticket.id))) == 0


def test_attachment_count_limit_covers_replies(db, world):
    with db.write() as session:
        save_section(session, SupportSettings, {"max_attachments": 2}, actor=ACTOR)
    ticket_id = open_one(db, world)
    with db.write() as session:
        tk.add_files(session, actor=ACTOR, ticket_id=ticket_id, files=[("a.png", PNG)])
        tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="b", files=[("b.png", PNG)])
    with pytest.raises(ValidationError, match="2"), db.write() as session:
        tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="c", files=[("c.png", PNG)])
    with db.read() as session:
        assert session.scalar(select(func.count(Attachment.id))) == 2
        assert len(session.get(Ticket, ticket_id).replies) == 2  # the refused reply is not half-written


def test_module_switch_reply_order_and_bad_status(db, world):
    ticket_id = open_one(db, world)
    with db.write() as session:
        tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Deuxième")
        ticket = session.get(Ticket, ticket_id)
        assert [r.body for r in tk.thread(session, ticket)] == ["Ça goutte depuis hier.", "Deuxième"]
        save_section(session, SupportSettings, {"reply_order": "desc"}, actor=ACTOR)
        assert [r.body for r in tk.thread(session, ticket)] == ["Deuxième", "Ça goutte depuis hier."]
        with pytest.raises(ValidationError) as exc:
            tk.change_status(session, actor=ACTOR, ticket_id=ticket_id, status_id=999)
        assert exc.value.field == "status_id"
        save_section(session, SupportSettings, {"enabled": False}, actor=ACTOR)
    with pytest.raises(tk.SupportDisabled):
        open_one(db, world)


def test_extension_setting_validation(db):
    with pytest.raises(ValidationError) as exc, db.write() as session:
        save_section(session, SupportSettings, {"allowed_extensions": ".pdf,.exe"}, actor=ACTOR)
    assert "allowed_extensions" in (exc.value.errors or {exc.value.field: ""})
    with db.write() as session:
        save_section(session, SupportSettings, {"allowed_extensions": "pdf; .PNG"}, actor=ACTOR)
    with db.read() as session:
        from homecrm.settings import load_section

        assert load_section(session, SupportSettings).allowed_extensions == ".pdf,.png"


@pytest.mark.parametrize("search", ["²", "١٢", "123456789012345678901234567890", "#", "  "])
def test_odd_searches_find_nothing_and_never_fail(db, world, search):
    open_one(db, world)
    with db.read() as session:
        assert len(tk.list_tickets(session, actor=ACTOR, search=search)) == (1 if not search.strip() else 0)


def test_search_by_number_with_or_without_hash(db, world):
    ticket_id = open_one(db, world)
    with db.read() as session:
        assert [t.id for t in tk.list_tickets(session, actor=ACTOR, search=f"#{ticket_id}")] == [ticket_id]
        assert [t.id for t in tk.list_tickets(session, actor=ACTOR, search=str(ticket_id))] == [ticket_id]
        assert [t.id for t in tk.list_tickets(session, actor=ACTOR, search="évier")] == [ticket_id]


def test_the_files_of_a_staff_reply_go_with_its_email_to_the_tenant(db, world, mailbox):
    ticket_id = open_one(db, world)
    with db.write() as session:
        reply = tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Voici la facture du plombier.",
                               files=[("facture plombier.png", PNG), ("Quittance été « 2026 ».pdf", b"%PDF-1.4 x")])
        assert reply.email_report == ("Réponse enregistrée et envoyée par e-mail à marie@example.fr "
                                      "avec 2 pièce(s) jointe(s).")
    assert ("ticket_reply_tenant", "marie@example.fr") in sent_to(db)
    to_tenant = next(m for m in (email.message_from_bytes(raw.data, policy=policy.default) for raw in mailbox.messages)
                     if m["To"] == "marie@example.fr")
    files = {part.get_filename(): part.get_content() for part in to_tenant.iter_attachments()}
    assert files == {"facture plombier.png": PNG, "Quittance été « 2026 ».pdf": b"%PDF-1.4 x"}
    assert "Voici la facture du plombier." in to_tenant.get_body(("plain",)).get_content()
    with db.read() as session:
        logged = session.scalar(select(MessageLog).where(MessageLog.kind == "ticket_reply_tenant"))
        assert logged.attachment == "facture plombier.png, Quittance été « 2026 ».pdf"
