"""Every page runs; settings save and refuse bad input; the monthly job works from the page."""


import pytest
from sqlalchemy import func, select

from homecrm.settings import load_section
from homecrm.settings.sections import CompanySettings, LocalizationSettings, PdfSettings
from homecrm.store.models import Customer, Payment, RentDocument, Setting
from tests.app.conftest import ROOT, button, no_exception, plain
from tests.factories import ACTOR

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").rglob("*.py"))


@pytest.mark.parametrize("path", ["app.py", *PAGES])
def test_every_page_runs_on_the_demo(demo_db, page, path):
    at = page(path)
    no_exception(at)
    assert at.title, "each page has a title"


@pytest.mark.parametrize("path", ["app.py", *PAGES])
def test_every_page_runs_on_an_empty_database(db, page, path):
    no_exception(page(path))


def test_navigation_lists_management_and_settings(demo_db, page):
    at = page("app.py")
    assert at.title[0].value == "Tableau de bord"
    assert any(sb.label == "Langue" for sb in at.sidebar.selectbox)


def test_language_menu_hidden_when_languages_are_disabled(demo_db, page):
    from homecrm.settings import save_section

    with demo_db.write() as session:
        save_section(session, LocalizationSettings, {"disable_language_choice": True, "default_language": "en"}, actor=ACTOR)
    at = page("app.py", ui_language="fr")
    assert not any(sb.label in ("Langue", "Language") for sb in at.sidebar.selectbox)
    assert at.title[0].value == "Dashboard"  # the default language wins


def test_settings_are_saved_and_persist(db, page):
    at = page("pages/settings/company.py")
    at.text_input(key="settings.company.name").input("SCI Les Lilas")
    at.text_input(key="settings.company.siren").input("732 829 320")
    button(at, "Enregistrer les réglages").click()
    at.run()
    no_exception(at)
    assert at.success and "enregistr" in at.success[0].value.lower()
    with db.read() as session:
        company = load_section(session, CompanySettings)
        assert (company.name, company.siren) == ("SCI Les Lilas", "732829320")
    again = page("pages/settings/company.py")
    assert again.text_input(key="settings.company.name").value == "SCI Les Lilas"


def test_invalid_settings_show_errors_and_save_nothing(db, page):
    at = page("pages/settings/company.py")
    at.text_input(key="settings.company.name").input("SCI Les Lilas")
    at.text_input(key="settings.company.vat_number").input("FR00000000000")
    at.text_area(key="settings.company.info_format").input("{company_name} {iban}")
    button(at, "Enregistrer les réglages").click()
    at.run()
    no_exception(at)
    messages = plain(" ".join(e.value for e in at.error))
    assert "FR00000000000" in messages and "{iban}" in messages
    with db.read() as session:
        assert session.scalar(select(func.count(Setting.id)).where(Setting.section != "installation")) == 0


def test_pdf_settings_toggle_and_number(db, page):
    at = page("pages/settings/pdf.py")
    at.toggle(key="settings.pdf.swap_company_client").set_value(True)
    at.number_input(key="settings.pdf.font_size").set_value(12)
    button(at, "Enregistrer les réglages").click()
    at.run()
    with db.read() as session:
        pdf = load_section(session, PdfSettings)
        assert pdf.swap_company_client is True and pdf.font_size == 12


def test_pdf_signature_settings_page(db, page):
    from homecrm.settings.sections import PdfSignatureSettings

    at = page("pages/settings/pdf_signature.py")
    no_exception(at)
    assert at.title[0].value == "PDF : signature"
    at.toggle(key="settings.pdf_signature.on_credit_notes").set_value(False)
    at.number_input(key="settings.pdf_signature.width").set_value(120)
    button(at, "Enregistrer les réglages").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        saved = load_section(session, PdfSignatureSettings)
        assert (saved.on_credit_notes, saved.width, saved.on_rent_documents) == (False, 120, True)


def test_receipts_generate_and_record_partial_then_full_payment(db, page, frozen_today):
    from tests.factories import make_lease

    with db.write() as session:
        make_lease(session)
    at = page("pages/receipts.py")
    no_exception(at)
    at.button(key="receipts.generate").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        doc_id = session.scalar(select(RentDocument.id))
    assert doc_id is not None
    assert any("1 document" in s.value for s in at.success)
    form = f"payment-{doc_id}"
    at.text_input(key=f"{form}.amount").input("300,00")
    button(at, "Enregistrer le paiement").click()
    at.run()
    no_exception(at)
    assert any("Reçu" in s.value for s in at.subheader)
    at.text_input(key=f"{form}.amount").input("430,00")
    button(at, "Enregistrer le paiement").click()
    at.run()
    assert any("Quittance de loyer" in s.value for s in at.subheader)
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 2


def test_receipts_bad_payment_shows_the_error(db, page, frozen_today):
    from tests.factories import make_lease

    with db.write() as session:
        make_lease(session)
    at = page("pages/receipts.py")
    at.button(key="receipts.generate").click()
    at.run()
    with db.read() as session:
        doc_id = session.scalar(select(RentDocument.id))
    at.text_input(key=f"payment-{doc_id}.amount").input("12,345")
    button(at, "Enregistrer le paiement").click()
    at.run()
    no_exception(at)
    assert any("12,345" in plain(e.value) for e in at.error)
    with db.read() as session:
        assert session.scalar(select(func.count(Payment.id))) == 0


def test_tenant_creation_with_errors_then_success(db, page):
    at = page("pages/tenants.py")
    at.text_input(key="tenant-new.last_name").input("Dupont")
    at.text_input(key="tenant-new.phone").input("12")
    button(at, "Créer le locataire").click()
    at.run()
    no_exception(at)
    assert any("12" in e.value for e in at.error)
    with db.read() as session:
        assert session.scalar(select(func.count(Customer.id))) == 0
    at.text_input(key="tenant-new.phone").input("06 12 34 56 78")
    button(at, "Créer le locataire").click()
    at.run()
    with db.read() as session:
        assert session.scalar(select(Customer.phone)) == "+33612345678"


def test_issue_time_follows_time_format_and_timezone(db, page, frozen_today):
    from homecrm.settings import save_section
    from tests.factories import make_lease

    with db.write() as session:
        make_lease(session)
    at = page("pages/receipts.py")
    at.button(key="receipts.generate").click()
    at.run()
    assert any("12:00" in c.value for c in at.caption)  # frozen at noon, Paris
    with db.write() as session:
        save_section(session, LocalizationSettings, {"time_format": "12", "timezone": "America/New_York"}, actor=ACTOR)
    at = page("pages/receipts.py")
    assert any("7:00 AM" in c.value for c in at.caption)


def test_script_and_sql_looking_text_is_shown_literally(db, page):
    from homecrm.crm.customers import add_contact, create_customer
    from tests.factories import ACTOR

    nasty = "<script>alert('x')</script> **gras** [lien](javascript:alert(1))"
    with db.write() as session:
        customer = create_customer(session, actor=ACTOR, data={"last_name": nasty})
        add_contact(session, actor=ACTOR, customer_id=customer.id, data={"last_name": nasty})
    at = page("pages/tenants.py", **{"tenants.search": "'; DROP TABLE customer; --"})
    no_exception(at)
    assert any("Aucun locataire" in i.value for i in at.info)
    at = page("pages/tenants.py")
    names = list(at.dataframe[0].value.iloc[:, 0])
    assert nasty in names
    markdown = " ".join(m.value for m in at.markdown)
    assert "\\<script\\>" in markdown and "\\*\\*gras\\*\\*" in markdown


def test_the_chosen_document_stays_chosen_across_payments(db, page, frozen_today):
    """QA: after a second payment the page jumped to another tenant's document."""
    from tests.factories import make_lease

    with db.write() as session:
        for name in ("Aubert", "Bernard", "Colin"):
            make_lease(session, name=name, unit=name)
    at = page("pages/receipts.py")
    at.button(key="receipts.generate").click()
    at.run()
    with db.read() as session:
        target = session.scalar(select(RentDocument.id).where(RentDocument.number == "QUI-000002"))
    at.selectbox(key="receipts.document").set_value(target)
    at.run()
    for amount in ("100", "50", "40"):
        at.text_input(key=f"payment-{target}.amount").input(amount)
        button(at, "Enregistrer le paiement").click()
        at.run()
        no_exception(at)
        assert at.selectbox(key="receipts.document").value == target
    with db.read() as session:
        assert {p.document_id for p in session.scalars(select(Payment))} == {target}
        assert session.get(RentDocument, target).amount_paid == 190
    # the amount field proposes the new balance
    assert at.text_input(key=f"payment-{target}.amount").value == "540,00"


def test_settings_form_only_saves_what_it_changed(db, page):
    from homecrm.settings import load_section

    tab_a = page("pages/settings/company.py")
    tab_b = page("pages/settings/company.py")
    tab_a.text_input(key="settings.company.city").input("Villeurbanne")
    button(tab_a, "Enregistrer les réglages").click()
    tab_a.run()
    tab_b.text_input(key="settings.company.zip_code").input("69100")
    button(tab_b, "Enregistrer les réglages").click()
    tab_b.run()
    with db.read() as session:
        company = load_section(session, CompanySettings)
    assert (company.city, company.zip_code) == ("Villeurbanne", "69100")


def test_a_past_month_is_issued_only_after_confirming(db, page, frozen_today):
    """A past month's documents are numbered for good and overdue at once: the button asks first."""
    from homecrm.billing.periods import Month
    from tests.factories import make_lease

    with db.write() as session:
        make_lease(session)
    past = Month.of(frozen_today).shift(-1)
    at = page("pages/receipts.py", **{"receipts.month": past})
    no_exception(at)
    # the button that issues is the popover's "Issue them", under the question
    assert at.button(key="receipts.generate").label == "Les émettre"
    assert any("numérotés maintenant" in plain(m.value) for m in at.markdown)
    at.button(key="receipts.generate").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.scalar(select(func.count(RentDocument.id))) == 1
