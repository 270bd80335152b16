"""Create a task, time it, finish it; open a ticket, reply, close it — in a real browser."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from homecrm.crm.customers import create_customer
from homecrm.security.accounts import create_admin, principal_for
from homecrm.store.models import Task, Ticket, TimeEntry
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, choose, settle, sign_in

pytestmark = pytest.mark.browser


def test_task_timer_and_ticket(db, app_server, browser_page):
    with db.write() as session:
        admin = create_admin(session, email=ADMIN_EMAIL, name="Admin", password=ADMIN_PASSWORD)
        create_customer(session, actor=principal_for(admin), data={"first_name": "Marie", "last_name": "Dupont"})
    base = app_server(db)
    page = browser_page
    sign_in(page, base)

    # a task: create, start and stop its timer, move it to "Terminé"
    page.locator("a[href$='/taches']").click()
    page.get_by_role("button", name="Nouvelle tâche").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Titre").fill("Réparer la chaudière")
    dialog.get_by_role("button", name="Créer la tâche").click()
    page.get_by_text("Tâche créée.").wait_for()
    with db.read() as session:
        task_id = session.scalar(select(Task.id))
    timer = page.locator(f".st-key-task-{task_id}-timer").get_by_role("button")
    timer.click()
    page.get_by_text("Minuteur démarré.").wait_for()
    page.get_by_text("Votre minuteur tourne sur Réparer la chaudière", exact=False).wait_for()
    expect(page.locator(f".st-key-task-{task_id}-timer").get_by_role("button")).to_have_count(1)
    page.locator(f".st-key-task-{task_id}-timer").get_by_role("button").click()
    page.get_by_text("Minuteur arrêté.").wait_for()
    choose(page, page.locator(f".st-key-task-{task_id}-move").get_by_role("combobox"), "Terminé")
    page.get_by_text("Passé en Terminé.").wait_for()
    with db.read() as session:
        task = session.get(Task, task_id)
        assert task.status.name == "Terminé" and task.completed_at is not None
        assert session.scalar(select(TimeEntry.minutes)) >= 1

    # a ticket: open, reply, close
    page.locator("a[href$='/support']").first.click()
    page.get_by_text("Nouveau ticket").click()
    choose(page, page.get_by_label("Locataire"), "Marie Dupont")
    page.get_by_label("Objet").fill("Fuite sous l'évier")
    page.get_by_label("Demande").fill("L'évier fuit depuis hier.")
    page.get_by_role("button", name="Ouvrir le ticket").click()
    page.get_by_text("Ticket ouvert.").wait_for()
    # a refused file: the error names it, and the reply typed stays in the form
    page.get_by_label("Votre réponse").fill("Le plombier passe jeudi.")
    reply_form = page.locator("[data-testid='stForm']").filter(has=page.get_by_label("Votre réponse"))
    reply_form.locator("input[type=file]").set_input_files(
        [{"name": "programme.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00 not a letter"}])
    settle(page)
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.get_by_text("ce type de fichier n'est pas accepté", exact=False).first.wait_for()
    expect(page.get_by_label("Votre réponse")).to_have_value("Le plombier passe jeudi.")
    reply_form.get_by_role("button", name="Remove programme.exe").click()  # Streamlit's own (English) label
    settle(page)
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.get_by_text("Réponse enregistrée").first.wait_for()  # not e-mailed: no SMTP in this test
    expect(page.get_by_label("Votre réponse")).to_have_value("")  # saved: the form is empty again
    with db.read() as session:
        ticket_id = session.scalar(select(Ticket.id))
    choose(page, page.locator(f".st-key-ticket-{ticket_id}-status").get_by_role("combobox"), "Fermé")
    page.get_by_text("Statut changé en Fermé.").wait_for()
    with db.read() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket.status.kind == "closed" and len(ticket.replies) == 2
