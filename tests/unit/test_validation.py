import pytest

from homecrm import validation


def test_siren_luhn_and_vat_key():
    assert validation.siren("732 829 320") == "732829320"
    with pytest.raises(ValueError, match="check digit|clé|contrôle"):
        validation.siren("732829321")
    assert validation.vat_number("fr 40 303 265 045") == "FR40303265045"
    with pytest.raises(ValueError):
        validation.vat_number("FR41303265045")


def test_phone_normalised_to_e164_with_default_country():
    assert validation.phone("06 12 34 56 78") == "+33612345678"
    assert validation.phone("0471 23 45 67", "BE") == "+32471234567"
    assert validation.phone("+33 6 12 34 56 78", "BE") == "+33612345678"
    with pytest.raises(ValueError):
        validation.phone("12345")


def test_colours_urls_emails_timezones():
    assert validation.hex_color("#AbC") == "#aabbcc"
    for bad in ("red", "#12345", "123456"):
        with pytest.raises(ValueError):
            validation.hex_color(bad)
    assert validation.http_url("https://exemple.fr/x") == "https://exemple.fr/x"
    with pytest.raises(ValueError):
        validation.http_url("javascript:alert(1)")
    assert validation.email("Marie@Example.fr") == "Marie@example.fr"
    with pytest.raises(ValueError):
        validation.email("marie@")
    with pytest.raises(ValueError):
        validation.timezone("Europe/Lyon")
