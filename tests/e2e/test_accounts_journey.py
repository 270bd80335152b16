"""Staff and administrator in a real browser: settings are out of a staff member's reach, and an
administrator's change shows up in the audit trail."""

import pytest
from sqlalchemy import select

from homecrm.security.accounts import create_admin, create_user, principal_for
from homecrm.store.models import Role
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, sign_in

pytestmark = pytest.mark.browser
STAFF_EMAIL, STAFF_PASSWORD = "julie@test.fr", "julie's long password"


def test_staff_cannot_reach_settings_admin_changes_one_and_audits_it(db, app_server, browser_page):
    with db.write() as session:
        admin = create_admin(session, email=ADMIN_EMAIL, name="Claire Admin", password=ADMIN_PASSWORD)
        role_id = session.scalar(select(Role.id).where(Role.name == "Gestionnaire"))
        staff = create_user(session, actor=principal_for(admin), password=STAFF_PASSWORD,
                            data={"email": STAFF_EMAIL, "name": "Julie", "role_id": role_id})
        staff.must_change_password = False
    base = app_server(db)
    page = browser_page

    sign_in(page, base, STAFF_EMAIL, STAFF_PASSWORD)
    page.get_by_role("heading", name="Tableau de bord").wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("Paramètres", exact=True).count() == 0
    assert sidebar.get_by_role("link", name="PDF", exact=True).count() == 0
    page.goto(f"{base}/parametres-pdf")  # typing the address does not help (a reload asks to sign in again)
    page.get_by_role("heading", name="Se connecter").wait_for()
    page.get_by_label("E-mail").fill(STAFF_EMAIL)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Accès refusé").wait_for()
    assert page.get_by_role("button", name="Enregistrer les réglages").count() == 0
    page.get_by_role("button", name="Se déconnecter").click()

    page.get_by_role("heading", name="Se connecter").wait_for()
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # Signed in again on the same address, the administrator lands on the page that was refused.
    page.get_by_role("heading", name="PDF").wait_for()
    size = page.get_by_role("spinbutton", name="Taille de police par défaut")
    size.fill("12")
    size.press("Tab")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    page.get_by_text("Réglages enregistrés.").wait_for()

    page.get_by_role("link", name="Journal d'audit").click()
    page.get_by_role("heading", name="Journal d'audit").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Exporter en CSV").click()
    csv_text = open(info.value.path(), encoding="utf-8-sig").read()
    line = next(line for line in csv_text.splitlines() if "pdf.font_size" in line)
    assert ADMIN_EMAIL in line and "12" in line


def test_failures_lock_the_address_for_every_account(db, app_server, browser_page):
    """The browser connects from this machine (Streamlit reports no address): the per-address
    lockout still counts, so guessing one account's password locks the others too."""
    with db.write() as session:
        create_admin(session, email=ADMIN_EMAIL, name="Claire Admin", password=ADMIN_PASSWORD)
    base = app_server(db)
    page = browser_page
    page.goto(base)
    for attempt in range(5):
        page.get_by_label("E-mail").fill(f"guess{attempt}@test.fr")
        page.get_by_label("Mot de passe").fill("not the password")
        page.get_by_role("button", name="Se connecter").click()
        _wait_for_attempts(db, attempt + 1)
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Trop de tentatives").wait_for()
    assert page.get_by_role("heading", name="Tableau de bord").count() == 0


def _wait_for_attempts(db, count: int) -> None:
    """Until the server has recorded ``count`` sign-in attempts (each click is one)."""
    import time

    from sqlalchemy import func

    from homecrm.store.models import LoginAttempt

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db.read() as session:
            addresses = session.scalars(select(LoginAttempt.client_address)).all()
            if session.scalar(select(func.count(LoginAttempt.id))) >= count:
                assert set(addresses) == {"127.0.0.1"}
                return
        time.sleep(0.2)
    raise AssertionError(f"{count} sign-in attempts not recorded")
