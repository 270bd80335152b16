"""Settings: validated by their model, stored in the DB, nothing saved when anything is wrong."""

import pytest
from sqlalchemy import func, select

from homecrm.errors import ValidationError
from homecrm.settings import all_sections, get_section, load_section, parse_cli_value, save_section
from homecrm.settings.sections import (
    ClientSettings,
    CompanySettings,
    FinanceSettings,
    GeneralSettings,
    LocalizationSettings,
    PdfSettings,
)
from homecrm.store.models import Setting
from tests.factories import ACTOR


def test_defaults_without_any_stored_value(db):
    with db.read() as session:
        for cls in all_sections():
            load_section(session, cls)  # every section loads with its defaults
        assert load_section(session, LocalizationSettings).timezone == "Europe/Paris"


def test_save_persists_and_reloads(db):
    with db.write() as session:
        save_section(session, CompanySettings, {"name": "SCI Test", "siren": "732 829 320", "phone": "04 72 00 00 00"}, actor=ACTOR)
    with db.read() as session:
        company = load_section(session, CompanySettings)
        assert (company.name, company.siren, company.phone) == ("SCI Test", "732829320", "+33472000000")


def test_every_wrong_field_is_reported_and_nothing_is_written(db):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        save_section(session, CompanySettings, {
            "name": "SCI Test", "siren": "732829321", "vat_number": "FR00123", "phone": "12",
            "info_format": "{company_name} {iban}",
        }, actor=ACTOR)
    assert set(excinfo.value.errors) == {"siren", "vat_number", "phone", "info_format"}
    assert "{iban}" in excinfo.value.errors["info_format"]
    with db.read() as session:
        assert session.scalar(select(func.count(Setting.id)).where(Setting.section != "installation")) == 0


def test_vat_must_belong_to_the_siren(db):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        save_section(session, CompanySettings, {"vat_number": "FR40303265045", "siren": "732829320"}, actor=ACTOR)
    assert excinfo.value.field == "siren"


@pytest.mark.parametrize(
    "cls, changes, field",
    [
        (PdfSettings, {"table_header_bg": "blue"}, "table_header_bg"),
        (PdfSettings, {"font_size": 40}, "font_size"),
        (PdfSettings, {"font": "comic-sans"}, "font"),
        (PdfSettings, {"link_url": "file:///etc/passwd"}, "link_url"),
        (GeneralSettings, {"website": "www.example.fr"}, "website"),
        (LocalizationSettings, {"timezone": "Mars/Olympus"}, "timezone"),
        (ClientSettings, {"default_country": "XX"}, "default_country"),
        (FinanceSettings, {"default_tax": 999}, "default_tax"),
    ],
)
def test_bad_values_name_their_field(db, cls, changes, field):
    with pytest.raises(ValidationError) as excinfo, db.write() as session:
        save_section(session, cls, changes, actor=ACTOR)
    assert field in excinfo.value.errors


def test_separators_must_differ(db):
    with pytest.raises(ValidationError), db.write() as session:
        save_section(session, FinanceSettings, {"decimal_separator": ",", "thousands_separator": ","}, actor=ACTOR)


def test_cli_values_are_parsed_like_the_form(db):
    cls = get_section("finance")
    assert parse_cli_value(cls, "amount_in_words", "non") is False
    assert parse_cli_value(cls, "amount_in_words", "Oui") is True
    with pytest.raises(ValidationError):
        parse_cli_value(cls, "amount_in_words", "peut-être")
    with pytest.raises(ValidationError):
        parse_cli_value(cls, "nope", "1")
    with pytest.raises(ValidationError):
        get_section("nope")


def test_unreadable_stored_value_falls_back_to_default(db):
    with db.write() as session:
        session.add(Setting(section="pdf", name="font_size", value='"huge"'))
    with db.read() as session:
        assert load_section(session, PdfSettings).font_size == 10
