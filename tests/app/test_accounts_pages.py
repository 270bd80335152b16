"""Sign-in, set-up, guards and the administration pages, through AppTest."""

from datetime import timedelta

from sqlalchemy import func, select

from homecrm import clock
from homecrm.security.accounts import create_admin, create_user, principal_for
from homecrm.security.principal import Principal
from homecrm.store.models import AuditEntry, Role, StaffUser
from homecrm.ui.shell import PAGES
from tests.app.conftest import PASSWORD, button, no_exception, plain


def make_staff(db, email="julie@test.fr", role="Gestionnaire"):
    with db.write() as session:
        admin = session.scalar(select(StaffUser).where(StaffUser.is_admin.is_(True))) or create_admin(
            session, email="admin@test.fr", name="Admin", password=PASSWORD)
        role_id = session.scalar(select(Role.id).where(Role.name == role))
        user = create_user(session, actor=principal_for(admin), password=PASSWORD,
                           data={"email": email, "name": "Julie", "role_id": role_id})
        user.must_change_password = False
        return user.id


def test_first_run_shows_the_set_up_page_until_an_admin_exists(db, page):
    at = page("app.py", user=None)
    assert at.title[0].value == "Bienvenue dans homecrm"
    at.text_input(key="setup.name").input("Claire")
    at.text_input(key="setup.email").input("claire@test.fr")
    at.text_input(key="setup.password").input(PASSWORD)
    at.text_input(key="setup.password2").input(PASSWORD)
    button(at, "Créer l'administrateur").click()
    at.run()
    no_exception(at)
    assert at.title[0].value == "Tableau de bord"
    again = page("app.py", user=None)
    assert again.title[0].value == "Se connecter"


def test_sign_in_wrong_then_right_then_sign_out(db, page):
    make_staff(db)
    at = page("app.py", user=None)
    assert at.title[0].value == "Se connecter"
    at.text_input(key="login.email").input("julie@test.fr")
    at.text_input(key="login.password").input("wrong password!")
    button(at, "Se connecter").click()
    at.run()
    assert any(plain(e.value) == "E-mail ou mot de passe incorrect." for e in at.error)
    at.text_input(key="login.password").input(PASSWORD)
    button(at, "Se connecter").click()
    at.run()
    no_exception(at)
    assert at.title[0].value == "Tableau de bord"
    at.button(key="auth.sign_out").click()
    at.run()
    assert at.title[0].value == "Se connecter"


def test_lockout_message_after_repeated_failures(db, page):
    make_staff(db)
    at = page("app.py", user=None)
    for _ in range(5):
        at.text_input(key="login.email").input("julie@test.fr")
        at.text_input(key="login.password").input("wrong password!")
        button(at, "Se connecter").click()
        at.run()
    at.text_input(key="login.password").input(PASSWORD)
    button(at, "Se connecter").click()
    at.run()
    assert any("Trop de tentatives" in e.value for e in at.error)
    assert at.title[0].value == "Se connecter"


def test_session_times_out(db, page):
    at = page("app.py", **{"auth.last_seen": clock.now() - timedelta(hours=3)})
    assert at.title[0].value == "Se connecter"
    assert any("expir" in i.value for i in at.info)


def test_a_deactivated_account_is_signed_out_with_one_message(db, page):
    user_id = make_staff(db)
    at = page("app.py", user="julie@test.fr")
    assert at.title[0].value == "Tableau de bord"
    with db.write() as session:
        session.get(StaffUser, user_id).active = False
    at.run()
    assert at.title[0].value == "Se connecter"
    notices = [i.value for i in at.info if "plus actif" in i.value]
    assert len(notices) == 1, notices


def test_demo_mode_shows_the_demo_accounts(demo_db, page):
    at = page("app.py", user=None)
    assert any("admin@demo.homecrm.fr" in i.value for i in at.info)


def test_staff_cannot_open_settings_or_admin_pages(db, page):
    make_staff(db)
    for path in ("pages/settings/pdf.py", "pages/admin/users.py", "pages/admin/audit.py", "pages/settings/security.py"):
        at = page(path, user="julie@test.fr")
        no_exception(at)
        assert any("pas accès à cette page" in e.value for e in at.error), path
        assert not at.button and not at.text_input


def test_navigation_only_lists_allowed_pages():
    staff = Principal(user_id=1, email="j", permissions=frozenset({("documents", "view"), ("tenants", "view")}))
    allowed = {p.path for p in PAGES if p.allowed(staff)}
    assert "pages/receipts.py" in allowed and "pages/tenants.py" in allowed
    assert not any(p.startswith(("pages/settings", "pages/admin")) for p in allowed)
    assert {p.path for p in PAGES if p.allowed(Principal.system())} == {p.path for p in PAGES}


def test_read_only_settings_for_a_viewer(db, page):
    with db.write() as session:
        from homecrm.security.accounts import save_role

        admin = create_admin(session, email="admin@test.fr", name="Admin", password=PASSWORD)
        save_role(session, actor=principal_for(admin), name="Lecteur réglages", permissions={("settings", "view")})
    make_staff(db, email="lecteur@test.fr", role="Lecteur réglages")
    at = page("pages/settings/pdf.py", user="lecteur@test.fr")
    assert button(at, "Enregistrer les réglages").disabled


def test_admin_creates_a_staff_account(db, page):
    """A refused account keeps what was typed (only the password is to fix); a created one leaves an empty form."""
    at = page("pages/admin/users.py")
    no_exception(at)
    at.text_input(key="user-new-0.name").input("Paul")
    at.text_input(key="user-new-0.email").input("paul@test.fr")
    at.text_input(key="user-new-0.password").input("short")
    button(at, "Créer le compte").click()
    at.run()
    assert at.error
    with db.read() as session:
        assert not session.scalar(select(func.count(StaffUser.id)).where(StaffUser.email == "paul@test.fr"))
    assert at.text_input(key="user-new-0.name").value == "Paul"
    assert at.text_input(key="user-new-0.email").value == "paul@test.fr"
    at.text_input(key="user-new-0.password").input("a long temporary one")
    button(at, "Créer le compte").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.scalar(select(StaffUser.must_change_password).where(StaffUser.email == "paul@test.fr")) is True
    assert at.text_input(key="user-new-1.name").value == "" and at.text_input(key="user-new-1.password").value == ""


def test_roles_page_saves_a_permission_matrix(db, page):
    at = page("pages/admin/roles.py")
    no_exception(at)
    at.text_input(key="role-new.name").input("Stagiaire")
    at.checkbox(key="role-new.tenants.view").check()
    at.checkbox(key="role-new.documents.view_own").check()
    button(at, "Enregistrer le rôle").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        role = session.scalar(select(Role).where(Role.name == "Stagiaire"))
        assert {(p.module, p.right) for p in role.permissions} == {("tenants", "view"), ("documents", "view_own")}


def test_audit_page_lists_changes(db, page):
    at = page("pages/settings/company.py")
    at.text_input(key="settings.company.name").input("SCI Audit")
    button(at, "Enregistrer les réglages").click()
    at.run()
    audit = page("pages/admin/audit.py")
    no_exception(audit)
    table = audit.dataframe[0].value
    assert "company.name" in " ".join(map(str, table.iloc[:, 4]))
    with db.read() as session:
        assert session.scalar(select(AuditEntry.actor).where(AuditEntry.summary == "company.name")) == "admin@test.fr"


def test_forced_password_change(db, page):
    user_id = make_staff(db)
    with db.write() as session:
        session.get(StaffUser, user_id).must_change_password = True
    at = page("app.py", user="julie@test.fr")
    assert at.title[0].value == "Mon compte"
    at.text_input(key="password-change.current").input(PASSWORD)
    at.text_input(key="password-change.new").input("a brand new password")
    at.text_input(key="password-change.again").input("a brand new password")
    button(at, "Changer le mot de passe").click()
    at.run()
    no_exception(at)
    assert any("modifié" in s.value for s in at.success)
    assert page("app.py", user="julie@test.fr").title[0].value == "Tableau de bord"


def test_messages_of_actions_follow_the_chosen_language(db, page):
    """Callbacks run before the page sets the language: their messages still use the visitor's."""
    make_staff(db)
    at = page("app.py", user=None, ui_language="en")
    assert at.title[0].value == "Sign in"
    at.text_input(key="login.email").input("julie@test.fr")
    at.text_input(key="login.password").input("wrong password!")
    button(at, "Sign in").click()
    at.run()
    assert [plain(e.value) for e in at.error] == ["Wrong e-mail or password."]
    admin = page("pages/settings/security.py", ui_language="en")
    button(admin, "Save settings").click()
    admin.run()
    no_exception(admin)
    assert [plain(s.value) for s in admin.success] == ["Settings saved."]


def test_password_change_errors_and_other_sessions(db, page):
    make_staff(db)
    other_tab = page("pages/account.py", user="julie@test.fr")  # another browser, signed in earlier
    at = page("pages/account.py", user="julie@test.fr")
    at.text_input(key="password-change.current").input("not my password")
    at.text_input(key="password-change.new").input("a brand new password")
    at.text_input(key="password-change.again").input("a brand new password")
    button(at, "Changer le mot de passe").click()
    at.run()
    assert [plain(e.value) for e in at.error] == ["Le mot de passe actuel est incorrect."]  # once, under its field
    at.text_input(key="password-change.current").input(PASSWORD)
    at.text_input(key="password-change.new").input("a brand new password")
    at.text_input(key="password-change.again").input("another new password")
    button(at, "Changer le mot de passe").click()
    at.run()
    assert [plain(e.value) for e in at.error] == ["Les deux mots de passe ne sont pas identiques."]  # no stale error
    at.text_input(key="password-change.current").input(PASSWORD)
    at.text_input(key="password-change.new").input("a brand new password")
    at.text_input(key="password-change.again").input("a brand new password")
    button(at, "Changer le mot de passe").click()
    at.run()
    no_exception(at)
    assert any("modifié" in s.value for s in at.success)
    at.run()
    assert at.title[0].value == "Mon compte"  # this session stays signed in
    other_tab.run()
    assert "auth.user_id" not in other_tab.session_state  # the other one must sign in again


def test_set_up_page_names_the_wrong_field(db, page):
    at = page("app.py", user=None)
    at.text_input(key="setup.email").input("claire@test.fr")
    at.text_input(key="setup.password").input(PASSWORD)
    at.text_input(key="setup.password2").input(PASSWORD)
    button(at, "Créer l'administrateur").click()
    at.run()
    assert len(at.error) == 1
    labels = [w.label for w in at.text_input]
    assert labels[0] == "Votre nom"  # the error is drawn right under the name field
    with db.read() as session:
        assert session.scalar(select(func.count(StaffUser.id)).where(StaffUser.is_admin.is_(True))) == 0


def test_the_same_message_queued_twice_in_a_run_is_shown_once():
    """Two checks of one run (the shell's and the page's) may both sign out with the same reason."""
    from streamlit.testing.v1 import AppTest

    def script():
        from homecrm.ui.feedback import flash, show_flashes

        flash("info", "Votre compte n'est plus actif.")
        flash("info", "Votre compte n'est plus actif.")
        flash("info", "Autre chose.")
        show_flashes()

    at = AppTest.from_function(script).run()
    assert [plain(i.value) for i in at.info] == ["Votre compte n'est plus actif.", "Autre chose."]
