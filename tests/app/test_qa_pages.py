"""Regression tests for the QA round on payments and staff accounts, through the pages (AppTest)."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from homecrm import clock
from homecrm.security.accounts import update_user
from homecrm.store.models import AuditEntry, CustomerCredit, Payment, RentDocument, Role, StaffUser
from tests.app.conftest import button, no_exception, plain
from tests.factories import ACTOR

STAFF = "gestion@demo.homecrm.fr"


def _unpaid(db):
    with db.read() as session:
        doc = session.scalar(select(RentDocument).where(RentDocument.payment_status == "unpaid",
                                                        RentDocument.state == "issued").order_by(RentDocument.id))
        return doc.id, doc.balance


def _payments(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(Payment.id)))


def _open_payment_form(page, db, user=STAFF):
    doc_id, _balance = _unpaid(db)
    at = page("pages/receipts.py", user=user, **{"receipts.month": None, "receipts.document": doc_id})
    no_exception(at)
    at.text_input(key=f"payment-{doc_id}.amount").input("4,00")
    return at, doc_id


# 3 — a page drawn before a change of rights cannot act after it ------------------------------------------------


def test_a_role_change_applies_to_the_next_click(demo_db, page):
    at, _doc = _open_payment_form(page, demo_db)
    before = _payments(demo_db)
    with demo_db.write() as session:  # meanwhile, the administrator makes the account read-only
        user = session.scalar(select(StaffUser).where(StaffUser.email == STAFF))
        user.role_id = session.scalar(select(Role.id).where(Role.name == "Lecture seule"))
    button(at, "Enregistrer le paiement").click()
    at.run()
    assert _payments(demo_db) == before
    assert any("n'a pas le droit" in plain(e.value) for e in at.error)


def test_a_deactivated_account_cannot_delete_a_payment(demo_db, page):
    with demo_db.read() as session:
        payment = session.scalar(select(Payment).order_by(Payment.id))
        payment_id, doc_id = payment.id, payment.document_id
    at = page("pages/receipts.py", user=STAFF, **{"receipts.month": None, "receipts.document": doc_id})
    no_exception(at)
    with demo_db.write() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == STAFF))
        update_user(session, actor=ACTOR, user_id=user.id, data={"email": user.email, "name": user.name,
                                                                 "role_id": user.role_id, "active": False})
    at.button(key=f"receipts.payment.delete.{payment_id}").click()
    at.run()
    with demo_db.read() as session:
        assert session.get(Payment, payment_id) is not None
    assert any("connecter" in plain(w.value) for w in at.warning)  # and the page asks to sign in again


def test_an_expired_session_records_nothing(demo_db, page):
    at, _doc = _open_payment_form(page, demo_db)
    before = _payments(demo_db)
    at.session_state["auth.last_seen"] = clock.now() - timedelta(minutes=61)  # idle longer than the timeout
    button(at, "Enregistrer le paiement").click()
    at.run()
    assert _payments(demo_db) == before
    # Signed out; the sign-in page shows why.
    assert any("rien n'a été enregistré" in text for _kind, text in at.session_state["_flash_messages"])


# 10 — a double click records one payment -----------------------------------------------------------------------


def test_a_double_click_records_one_payment(demo_db, page):
    at, doc_id = _open_payment_form(page, demo_db)
    before = _payments(demo_db)
    button(at, "Enregistrer le paiement").click()
    at.run()
    # The second click of a double click carries the same form values as the first.
    at.text_input(key=f"payment-{doc_id}.amount").input("4,00")
    button(at, "Enregistrer le paiement").click()
    at.run()
    no_exception(at)
    assert _payments(demo_db) == before + 1
    assert any("déjà été envoyé" in plain(e.value) for e in at.error)
    # Submitted once more on purpose, the same payment is recorded a second time.
    at.text_input(key=f"payment-{doc_id}.amount").input("4,00")
    button(at, "Enregistrer le paiement").click()
    at.run()
    assert _payments(demo_db) == before + 2


def test_the_payment_message_says_what_became_credit(demo_db, page):
    doc_id, balance = _unpaid(demo_db)
    at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
    at.text_input(key=f"payment-{doc_id}.amount").input(str(balance + 70).replace(".", ","))
    button(at, "Enregistrer le paiement").click()
    at.run()
    message = plain(at.success[0].value)
    # the excess is the tenant's credit, which at once pays their other unpaid document: said so
    assert message.startswith("Paiement enregistré.")
    assert "70,00\u00a0€ portés au crédit du locataire" in message or re.search(r"70,00\u00a0€ sur QUI-\d+\.$", message)


# Credit-note tab: only what fits the document --------------------------------------------------------------------


def test_credit_note_choices_on_a_fully_paid_document(demo_db, page):
    with demo_db.read() as session:
        doc_id = session.scalar(select(RentDocument.id).where(RentDocument.payment_status == "paid",
                                                              RentDocument.state == "issued").order_by(RentDocument.id))
    at = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
    no_exception(at)
    kind = at.radio(key=f"credit-{doc_id}.kind")
    assert kind.options == ["Conserver les sommes payées en crédit du locataire", "Rembourser des sommes déjà payées"]
    assert kind.value == "credit"
    assert not [s for s in at.selectbox if s.key == f"credit-{doc_id}.refund_mode"]
    kind.set_value("refund")
    at.run()
    assert at.selectbox(key=f"credit-{doc_id}.refund_mode").value == "transfer"


# Paiements: money received, tenants' credit, French figures -----------------------------------------------------


def test_payments_page_counts_the_excess_and_lists_tenants_credit(demo_db, page):
    doc_id, balance = _unpaid(demo_db)
    at = page("pages/payments.py")
    collected = at.metric[0].value
    receipts = page("pages/receipts.py", **{"receipts.month": None, "receipts.document": doc_id})
    receipts.text_input(key=f"payment-{doc_id}.amount").input(str(balance + 70).replace(".", ","))
    button(receipts, "Enregistrer le paiement").click()
    receipts.run()
    with demo_db.read() as session:
        kept = session.scalar(select(func.sum(CustomerCredit.amount)))
    assert kept == 70
    at = page("pages/payments.py")
    no_exception(at)
    amount = lambda text: float(text.replace("\u202f", "").replace("\u00a0€", "").replace(",", "."))  # noqa: E731
    assert round(amount(at.metric[0].value) - amount(collected), 2) == round(float(balance) + 70, 2)
    assert at.selectbox(key="payments.tenant").proto.placeholder == "Choisissez…"


# Placeholders in French --------------------------------------------------------------------------------------------


def test_select_boxes_say_it_in_french(db, page):
    at = page("pages/admin/users.py")
    no_exception(at)
    departments = [m for m in at.multiselect if not m.options]
    assert departments and all(m.proto.placeholder == "Aucune option" for m in departments)
    assert all(s.proto.placeholder in ("Choisissez…", "Aucune option") for s in at.selectbox)


# 4 — a secret that cannot be decrypted ---------------------------------------------------------------------------


def test_pages_survive_an_unreadable_stripe_key(demo_db, page, monkeypatch):
    from cryptography.fernet import Fernet

    from homecrm.settings import save_section
    from homecrm.settings.sections import StripeSettings
    from tests.stripe_server import GOOD_KEY

    with demo_db.write() as session:
        save_section(session, StripeSettings, {"enabled": True, "secret_key": GOOD_KEY}, actor=ACTOR)
    monkeypatch.setenv("HOMECRM_SECRET_KEY", Fernet.generate_key().decode())  # the key was lost
    doc_id, _balance = _unpaid(demo_db)
    for path, state in (("pages/payments.py", {}), ("pages/settings/gateways.py", {}),
                        ("pages/receipts.py", {"receipts.month": None, "receipts.document": doc_id})):
        at = page(path, **state)
        no_exception(at)
        assert any("ne peut pas être déchiffrée" in plain(w.value) for w in at.warning), path
    at = page("pages/settings/gateways.py")
    at.text_input(key="settings.stripe.secret_key.0").input(GOOD_KEY)
    button(at, "Enregistrer les réglages").click()
    at.run()
    assert any("enregistrés" in plain(s.value) for s in at.success)
    at = page("pages/settings/gateways.py")
    assert not any("déchiffrée" in plain(w.value) for w in at.warning)


# Settings: amounts written the French way ----------------------------------------------------------------------------


def test_fee_fields_show_a_decimal_comma(db, page):
    at = page("pages/settings/gateways.py")
    assert at.text_input(key="settings.stripe.fixed_fee").value == "0,00"
    at.text_input(key="settings.stripe.fixed_fee").input("0,50")
    buttons = [b for b in at.button if b.label == "Enregistrer les réglages"]
    buttons[0].click()
    at.run()
    at = page("pages/settings/gateways.py")
    assert at.text_input(key="settings.stripe.fixed_fee").value == "0,50"


# Demo banner ---------------------------------------------------------------------------------------------------------


def test_demo_banner_disappears_once_the_demo_passwords_are_changed(demo_db, page):
    from homecrm.demo import DEMO_ADMIN, DEMO_STAFF
    from homecrm.security.passwords import hash_password

    at = page("app.py", user=None)
    assert any(DEMO_ADMIN[0] in i.value and DEMO_STAFF[0] in i.value for i in at.info)
    with demo_db.write() as session:
        admin = session.scalar(select(StaffUser).where(StaffUser.email == DEMO_ADMIN[0]))
        admin.password_hash = hash_password("a brand new admin password")
    at = page("app.py", user=None)
    assert not any(DEMO_ADMIN[0] in i.value for i in at.info)
    assert any(DEMO_STAFF[0] in i.value for i in at.info)
    with demo_db.write() as session:
        staff = session.scalar(select(StaffUser).where(StaffUser.email == DEMO_STAFF[0]))
        staff.password_hash = hash_password("a brand new staff password")
    at = page("app.py", user=None)
    assert not any("démo" in i.value.lower() for i in at.info)


# Audit trail in French -----------------------------------------------------------------------------------------------


def test_audit_trail_reads_in_french(db, page):
    at = page("pages/settings/gateways.py")
    at.text_input(key="settings.stripe.currencies").input("EUR,JPY")
    [b for b in at.button if b.label == "Enregistrer les réglages"][0].click()
    at.run()
    login = page("app.py", user=None)  # a sign-in is not a change anyone made
    login.text_input(key="login.email").input("admin@test.fr")
    login.text_input(key="login.password").input("correct horse battery")
    button(login, "Se connecter").click()
    login.run()
    with db.read() as session:
        assert not session.scalars(select(AuditEntry).where(AuditEntry.changes.like("%last_login_at%"))).all()
    audit = page("pages/admin/audit.py")
    no_exception(audit)
    table = audit.dataframe[0].value
    row = next(i for i, label in enumerate(table.iloc[:, 4]) if label == "stripe.currencies")
    assert table.iloc[row, 3].startswith("Réglage n°")
    assert table.iloc[row, 5] == "Valeur : EUR,JPY"
    assert table.iloc[row, 1] == "admin@test.fr"
    assert "Tâches planifiées" not in " ".join(table.iloc[:, 1])


def test_statement_page_words_a_negative_balance(demo_db, page):
    from homecrm.billing.payments import record_payment_on_account

    with demo_db.write() as session:
        customer_id = session.scalar(select(RentDocument.customer_id).order_by(RentDocument.id))
        record_payment_on_account(session, actor=ACTOR, customer_id=customer_id,
                                  data={"amount": "20000", "paid_on": clock.today()})
    at = page("pages/statements.py", **{"statements.tenant": customer_id})
    no_exception(at)
    assert at.metric[3].label == "Solde final" and "€" in at.metric[3].value
    assert "En faveur du locataire." in [c.value for c in at.caption]


def test_a_saved_secret_leaves_the_field_empty(db, page):
    """After a save the password field is a new, empty one: the saved secret cannot be revealed with
    the eye icon; only its mask is shown."""
    at = page("pages/settings/smtp.py")
    at.text_input(key="settings.smtp.password.0").input("SuperSecretSmtp-9876")
    button(at, "Enregistrer les réglages").click()
    at.run()
    no_exception(at)
    assert any("enregistrés" in plain(s.value) for s in at.success)
    field = at.text_input(key="settings.smtp.password.1")
    assert field.value == "" and field.placeholder == "****9876"
    assert not any(t.value == "SuperSecretSmtp-9876" for t in at.text_input)


def test_a_field_error_goes_once_another_document_is_chosen_or_something_is_saved(demo_db, page):
    from datetime import date

    at, doc_id = _open_payment_form(page, demo_db)
    at.date_input(key=f"payment-{doc_id}.date").set_value(date(2020, 1, 1))
    button(at, "Enregistrer le paiement").click()
    at.run()
    assert [e for e in at.error if "antérieure" in plain(e.value)], [plain(e.value) for e in at.error]
    with demo_db.read() as session:
        other = session.scalar(select(RentDocument.id).where(RentDocument.id != doc_id, RentDocument.state == "issued"))
    at.selectbox(key="receipts.document").set_value(other)
    at.run()
    at.selectbox(key="receipts.document").set_value(doc_id)
    at.run()
    no_exception(at)
    assert not [e for e in at.error if "antérieure" in plain(e.value)]
