"""Tasks board, task dialog, timesheets and support pages through AppTest."""

from __future__ import annotations

from sqlalchemy import func, select

from homecrm.crm.customers import create_customer
from homecrm.settings import save_section
from homecrm.settings.sections import SupportSettings, TaskSettings
from homecrm.statuses import list_statuses
from homecrm.store.models import Task, TaskStatus, Ticket, TicketReply, TicketStatus, TimeEntry
from homecrm.support import tickets as tk
from homecrm.tasks.tasks import create_task, update_task
from tests.app.conftest import button, dialog_blocks, no_exception, plain
from tests.factories import ACTOR


def _status(db, model, name):
    with db.read() as session:
        return next(s.id for s in list_statuses(session, model) if s.name == name)


def test_board_moves_a_task_and_records_completion(db, page):
    with db.write() as session:
        task_id = create_task(session, actor=ACTOR, data={"title": "Chaudière"}).id
    done = _status(db, TaskStatus, "Terminé")
    at = page("pages/tasks.py")
    no_exception(at)
    at.selectbox(key=f"task.{task_id}.move").set_value(done)
    at.run()
    no_exception(at)
    assert any("Terminé" in plain(s.value) for s in at.success)
    with db.read() as session:
        task = session.get(Task, task_id)
        assert task.status_id == done and task.completed_at is not None


def test_board_limit_and_show_more(db, page):
    with db.write() as session:
        save_section(session, TaskSettings, {"kanban_limit": 2}, actor=ACTOR)
        for i in range(3):
            create_task(session, actor=ACTOR, data={"title": f"T{i}"})
    at = page("pages/tasks.py")
    assert len([m for m in at.markdown if "hc-card" in m.value]) == 2
    more = [b for b in at.button if b.key and b.key.startswith("tasks.more.")]
    more[0].click()
    at.run()
    assert len([m for m in at.markdown if "hc-card" in m.value]) == 3


def test_timer_from_the_card_then_stop_from_the_banner(db, page):
    with db.write() as session:
        task_id = create_task(session, actor=ACTOR, data={"title": "Peinture"}).id
    at = page("pages/tasks.py")  # signed in as an administrator (a real staff account)
    at.button(key=f"task.{task_id}.timer").click()
    at.run()
    no_exception(at)
    assert any("Peinture" in plain(i.value) for i in at.info)  # the running-timer banner
    with db.read() as session:
        assert session.get(Task, task_id).status.name == "En cours"
        entry_id = session.scalar(select(TimeEntry.id))
    at.button(key=f"tasks.stop.{entry_id}").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.get(TimeEntry, entry_id).minutes >= 1


def test_create_a_task_in_the_dialog_with_a_bad_date_then_fixed(db, page):
    import datetime as dt

    at = page("pages/tasks.py")
    at.button(key="tasks.new").click()
    at.run()
    at.text_input(key="task.title").input("Visite d'entrée")
    at.date_input(key="task.start_date").set_value(dt.date(2026, 3, 10))
    at.date_input(key="task.due_date").set_value(dt.date(2026, 3, 1))
    button(at, "Créer la tâche").click()
    at.run()
    no_exception(at)
    assert at.error
    with db.read() as session:
        assert session.scalar(select(func.count(Task.id))) == 0
    at.date_input(key="task.due_date").set_value(dt.date(2026, 3, 20))
    button(at, "Créer la tâche").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.scalar(select(Task.title)) == "Visite d'entrée"


def test_task_dialog_checklist_comment_and_logged_time(db, page):
    with db.write() as session:
        task_id = create_task(session, actor=ACTOR, data={"title": "État des lieux"}).id
    at = page("pages/tasks.py", **{"tasks.dialog": ("edit", task_id)})
    no_exception(at)
    at.text_input(key="task.checklist.text").input("Relevé des compteurs")
    button(at, "Ajouter").click()
    at.run()
    at.text_area(key="task.comment.body").input("Clés remises")
    button(at, "Commenter").click()
    at.run()
    at.text_input(key="task.log.duration").input("1:30")
    button(at, "Enregistrer ce temps").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        task = session.get(Task, task_id)
        assert [i.text for i in task.checklist] == ["Relevé des compteurs"]
        assert [c.body for c in task.comments] == ["Clés remises"]
        assert [e.minutes for e in task.time_entries] == [90]


def test_timesheets_page_totals(db, page, frozen_today):
    from homecrm.tasks import timers

    with db.write() as session:
        task = create_task(session, actor=ACTOR, data={"title": "Chaudière"})
        from homecrm.security.accounts import create_admin, principal_for

        admin = create_admin(session, email="time@test.fr", name="Chronos", password="correct horse battery")
        timers.log_time(session, actor=principal_for(admin), task_id=task.id, minutes=75, on=frozen_today)
    at = page("pages/timesheets.py", user="time@test.fr")
    no_exception(at)
    assert at.metric[0].value == "1 h 15"


def test_timesheets_page_bills_only_the_time_about_the_chosen_lease(db, page, frozen_today):
    """Time on another tenant's task is not offered for a lease's document (nor billable to it)."""
    from homecrm.store.models import RentDocumentLine
    from homecrm.tasks import timers
    from tests.factories import make_lease

    with db.write() as session:
        shop = make_lease(session, name="Boulangerie", regime="commercial", rent="1500.00")
        flat = make_lease(session, name="Durand", unit="Apt 2")
        save_section(session, TaskSettings, {"hourly_rate": "45"}, actor=ACTOR)
        ours = create_task(session, actor=ACTOR, data={"title": "Vitrine", "related_kind": "lease", "related_id": shop.id})
        theirs = create_task(session, actor=ACTOR, data={"title": "Visite Apt 2", "related_kind": "lease",
                                                         "related_id": flat.id})
        from homecrm.security.accounts import create_admin, principal_for

        admin = principal_for(create_admin(session, email="time@test.fr", name="Chronos", password="correct horse battery"))
        mine = timers.log_time(session, actor=admin, task_id=ours.id, minutes=60, on=frozen_today).id
        timers.log_time(session, actor=admin, task_id=theirs.id, minutes=330, on=frozen_today)
    at = page("pages/timesheets.py", user="time@test.fr")
    no_exception(at)
    offered = at.multiselect(key=f"time.bill.entries.{shop.id}")
    assert offered.options == [f"{frozen_today:%d/%m/%Y} · Vitrine · Chronos · 1 h 00"] and offered.value == [mine]
    at.button(key="time.bill").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.scalars(select(RentDocumentLine.description).where(RentDocumentLine.kind == "fee")).all() == [
            "Temps sur « Vitrine » : 1 h 00 × 45,00\u00a0€/h"]


def test_support_page_opens_a_ticket_replies_and_closes(db, page):
    with db.write() as session:
        tenant = create_customer(session, actor=ACTOR, data={"last_name": "Dupont"})
        tenant_id = tenant.id
    at = page("pages/tickets.py")
    no_exception(at)
    at.selectbox(key="ticket-new.customer_id").set_value(tenant_id)
    at.run()
    at.text_input(key="ticket-new.subject").input("Fuite")
    at.text_area(key="ticket-new.body").input("L'évier fuit.")
    button(at, "Ouvrir le ticket").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        ticket_id = session.scalar(select(Ticket.id))
    assert ticket_id is not None
    at.text_area(key=f"reply-{ticket_id}.body").input("Le plombier passe jeudi.")
    button(at, "Envoyer la réponse").click()
    at.run()
    no_exception(at)
    closed = _status(db, TicketStatus, "Fermé")
    at.selectbox(key=f"ticket.{ticket_id}.status").set_value(closed)
    at.run()
    no_exception(at)
    with db.read() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket.status_id == closed and ticket.assigned_to_id is not None  # first replier
        assert session.scalar(select(func.count(TicketReply.id))) == 2


def test_support_menu_badge_and_module_switch(db, page):
    with db.write() as session:
        tenant = create_customer(session, actor=ACTOR, data={"last_name": "Dupont"})
        tk.open_ticket(session, actor=ACTOR, data={"subject": "A", "body": "b", "customer_id": tenant.id})
    at = page("app.py")
    no_exception(at)
    with db.write() as session:
        save_section(session, SupportSettings, {"enabled": False}, actor=ACTOR)
    at = page("pages/tickets.py")
    no_exception(at)
    assert any("désactivé" in plain(i.value) or "switched off" in plain(i.value) for i in at.info)


def test_settings_pages_for_tasks_and_support(db, page):
    for path in ("pages/settings/tasks.py", "pages/settings/support.py"):
        at = page(path)
        no_exception(at)
    at = page("pages/settings/tasks.py")
    at.text_input(key="task-status-new.name").input("Devis demandé")
    button(at, "Ajouter le statut").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert "Devis demandé" in [s.name for s in list_statuses(session, TaskStatus)]


def test_a_conflict_in_the_task_dialog_is_shown_inside_it(db, page):
    with db.write() as session:
        task_id = create_task(session, actor=ACTOR, data={"title": "Chaudière"}).id
    at = page("pages/tasks.py", **{"tasks.dialog": ("edit", task_id)})
    with db.write() as session:  # another tab saves first
        update_task(session, actor=ACTOR, task_id=task_id, data={"title": "Chaudière (devis reçu)"})
    at.text_input(key="task.title").input("Chaudière à changer")
    button(at, "Enregistrer").click()
    at.run()
    no_exception(at)
    [dialog] = dialog_blocks(at)
    assert any("modifiée par quelqu'un d'autre" in e.value for e in dialog.error)
    assert not any("modifiée" in e.value for e in at.main.error if e not in list(dialog.error))
    with db.read() as session:
        assert session.get(Task, task_id).title == "Chaudière (devis reçu)"


def test_new_task_billable_box_follows_the_setting_and_is_obeyed(db, page):
    with db.write() as session:
        save_section(session, TaskSettings, {"billable_default": False}, actor=ACTOR)
    at = page("pages/tasks.py", **{"tasks.dialog": ("new", None)})
    assert at.checkbox(key="task.billable").value is False
    at.text_input(key="task.title").input("Devis plombier")
    at.checkbox(key="task.billable").check()
    button(at, "Créer la tâche").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.scalar(select(Task.billable).where(Task.title == "Devis plombier")) is True


def test_the_server_accepts_the_largest_upload_a_setting_allows():
    import tomllib
    from pathlib import Path

    from homecrm.crm import candidate_import
    from homecrm.settings.sections import SupportSettings

    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())
    server_mb = config["server"]["maxUploadSize"]
    support_max = next(m.le for m in SupportSettings.model_fields["max_attachment_mb"].metadata if hasattr(m, "le"))
    assert server_mb >= support_max
    assert server_mb * 1024 * 1024 >= candidate_import.MAX_BYTES


def _ticket(db, email: str = "dupont@exemple.fr") -> int:
    with db.write() as session:
        tenant = create_customer(session, actor=ACTOR, data={"last_name": "Dupont", "email": email})
        return tk.open_ticket(session, actor=ACTOR, data={"subject": "Fuite", "customer_id": tenant.id,
                                                          "body": "L'évier fuit."}).id


def _replies(db) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(TicketReply.body).order_by(TicketReply.id)))


def test_a_double_clicked_reply_is_recorded_once_without_a_false_error(db, page):
    """The second click of a double click arrives on the emptied form: ignored, not "write the reply";
    the same submission sent twice is recorded once (one-time token)."""
    ticket_id = _ticket(db)
    at = page("pages/tickets.py", **{"tickets.selected": ticket_id})
    at.text_area(key=f"reply-{ticket_id}.body").input("Le plombier passe jeudi.")
    button(at, "Envoyer la réponse").click()
    at.run()
    button(at, "Envoyer la réponse").click()  # the form is empty now
    at.run()
    no_exception(at)
    assert _replies(db) == ["L'évier fuit.", "Le plombier passe jeudi."]
    assert not at.error, [e.value for e in at.error]
    with db.write() as session:  # the same form render submitted twice (token claimed once)
        tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Bis", submission="tok-1")
    import pytest

    from homecrm.billing.payments import DuplicateSubmission

    with pytest.raises(DuplicateSubmission), db.write() as session:
        tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Bis", submission="tok-1")
    assert _replies(db).count("Bis") == 1


def test_the_reply_says_whether_the_tenant_was_emailed(db, page):
    """E-mail not set up, or no address: the reply is saved and the page says it was not e-mailed."""
    ticket_id = _ticket(db)
    at = page("pages/tickets.py", **{"tickets.selected": ticket_id})
    at.text_area(key=f"reply-{ticket_id}.body").input("Bien reçu.")
    button(at, "Envoyer la réponse").click()
    at.run()
    no_exception(at)
    assert any("pas envoyée par e-mail" in plain(s.value) and "SMTP" in plain(s.value) for s in at.success), \
        [plain(s.value) for s in at.success]
    silent = _ticket(db, email="")
    with db.write() as session:
        reply = tk.staff_reply(session, actor=ACTOR, ticket_id=silent, body="Bien reçu.")
        assert "adresse e-mail" in reply.email_report
        unchecked = tk.staff_reply(session, actor=ACTOR, ticket_id=ticket_id, body="Noté.", email_tenant=False)
        assert unchecked.email_report == "Réponse enregistrée, pas envoyée par e-mail au locataire (case décochée)."


def test_a_double_clicked_comment_is_recorded_once_without_a_false_error(db, page):
    with db.write() as session:
        task_id = create_task(session, actor=ACTOR, data={"title": "État des lieux"}).id
    at = page("pages/tasks.py", **{"tasks.dialog": ("edit", task_id)})
    at.text_area(key="task.comment.body").input("Clés remises")
    button(at, "Commenter").click()
    at.run()
    button(at, "Commenter").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert [c.body for c in session.get(Task, task_id).comments] == ["Clés remises"]
    assert not at.error, [e.value for e in at.error]
