"""Import a CSV of candidates, move a card on the board, drag one, convert it — in a real browser."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from homecrm.crm.candidate_pipeline import list_statuses
from homecrm.security.accounts import create_admin
from homecrm.store.models import Candidate, Customer
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, choose, sign_in

pytestmark = pytest.mark.browser

CSV = ("Prénom;Nom;E-mail;Téléphone;Source;Budget;Date d'emménagement\r\n"
       "Zoé;Martin;zoe.martin@example.fr;06 12 34 56 78;Leboncoin;850,00;01/04/2026\r\n"
       "Hugo;Petit;hugo.petit@example.fr;06 98 76 54 32;PAP;1 200;15/05/2026\r\n")


def test_import_move_drag_and_convert(db, app_server, browser_page, tmp_path):
    with db.write() as session:
        create_admin(session, email=ADMIN_EMAIL, name="Admin", password=ADMIN_PASSWORD)
        statuses = {s.name: s.id for s in list_statuses(session)}
    file = tmp_path / "candidats.csv"
    file.write_bytes(CSV.encode("cp1252"))
    base = app_server(db, now="2026-03-12T10:00:00+01:00")
    page = browser_page
    sign_in(page, base)

    page.get_by_role("link", name="Importer des candidats").click()
    page.locator("input[type=file]").set_input_files(str(file))
    page.get_by_text("2 lignes lues").wait_for()
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("2 candidat(s) importé(s)").wait_for()
    with db.read() as session:
        ids = {c.last_name: c.id for c in session.scalars(select(Candidate))}
    assert set(ids) == {"Martin", "Petit"}

    # move a card from its select box
    page.locator("a[href$='/candidats']").click()
    page.get_by_text("Zoé Martin").first.wait_for()
    choose(page, page.locator(f".st-key-card-{ids['Martin']}-move").get_by_role("combobox"), "Visite planifiée")
    page.get_by_text("Passé en Visite planifiée.").wait_for()
    with db.read() as session:
        assert session.get(Candidate, ids["Martin"]).status_id == statuses["Visite planifiée"]

    # drag a card into another column
    page.get_by_role("radio", name="Glisser-déposer").click()
    frame = page.frame_locator("iframe[title*='sortable']").first
    item = frame.get_by_text(f"Hugo Petit · #{ids['Petit']}")
    target = frame.locator(".sortable-container").nth(1)  # "Contacté"
    item.wait_for()
    box, goal = item.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(box["x"] + (goal["x"] + goal["width"] / 2 - box["x"]) * step / 15,
                        box["y"] + (goal["y"] + 40 - box["y"]) * step / 15)
    page.mouse.up()
    page.get_by_text("Passé en Contacté.").wait_for()
    with db.read() as session:
        assert session.get(Candidate, ids["Petit"]).status_id == statuses["Contacté"]

    # convert from the card
    page.get_by_role("radio", name="Tableau").click()
    convert = page.locator(f".st-key-card-{ids['Martin']}-convert").get_by_role("button", name="Convertir")
    expect(convert).to_have_count(1)  # the previous run's elements are gone
    convert.click()
    page.get_by_text("créé à partir du candidat").wait_for()
    with db.read() as session:
        customer = session.scalar(select(Customer))
        assert (customer.first_name, customer.last_name, customer.email) == ("Zoé", "Martin", "zoe.martin@example.fr")
        assert session.get(Candidate, ids["Martin"]).customer_id == customer.id
    page.get_by_role("link", name="Locataires", exact=True).click()
    page.get_by_text(f"Converti à partir du candidat n° {ids['Martin']}").wait_for()


def test_an_open_dialog_whose_account_is_deactivated_signs_out(db, app_server, browser_page):
    """A dialog reruns alone (without the page's sign-in check): saving from it once the account
    was deactivated must sign out, not show Streamlit's English crash screen."""
    from homecrm.crm.candidates import create_candidate
    from homecrm.security.accounts import create_user, principal_for, save_role
    from homecrm.store.models import StaffUser

    with db.write() as session:
        admin = principal_for(create_admin(session, email=ADMIN_EMAIL, name="Admin", password=ADMIN_PASSWORD))
        role = save_role(session, actor=admin, name="Leads", description="",
                         permissions=[("candidates", r) for r in ("view", "create", "edit")])
        user = create_user(session, actor=admin, data={"name": "Sam", "email": "sam@test.fr", "role_id": role.id},
                           password=ADMIN_PASSWORD)
        user.must_change_password = False
        user_id = user.id
        cid = create_candidate(session, actor=admin, data={"first_name": "Léa", "last_name": "Ouvert"}).id
    base = app_server(db, now="2026-03-12T10:00:00+01:00")
    page = browser_page
    sign_in(page, base, email="sam@test.fr")  # the board is this role's only page
    page.locator(f".st-key-card-{cid}-edit").get_by_role("button").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Notes").fill("Rappeler lundi")
    with db.write() as session:
        session.get(StaffUser, user_id).active = False
    dialog.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Votre compte n'est plus actif.").wait_for()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    with db.read() as session:
        assert session.get(Candidate, cid).notes == ""
