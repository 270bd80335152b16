from decimal import Decimal

import pytest

from homecrm.billing.money import from_minor_units, money, parse_amount, quantize, to_minor_units
from homecrm.errors import ValidationError
from tests.helpers import vectors


@pytest.mark.parametrize("case", vectors("money.json")["minor_units"], ids=lambda c: f"{c['amount']}{c['currency']}")
def test_minor_units_vectors(case):
    assert to_minor_units(Decimal(case["amount"]), case["currency"]) == case["expected"]
    assert from_minor_units(case["expected"], case["currency"]) == Decimal(case["amount"])


def test_quantize_is_half_up_not_bankers():
    assert quantize(Decimal("2.345")) == Decimal("2.35")
    assert quantize(Decimal("2.355")) == Decimal("2.36")
    assert quantize(Decimal("-2.345")) == Decimal("-2.35")
    assert quantize(Decimal("12.5"), "JPY") == Decimal("13")


@pytest.mark.parametrize("fn", [quantize, lambda v: money(v), lambda v: to_minor_units(v, "EUR")])
def test_float_is_refused(fn):
    with pytest.raises(TypeError):
        fn(19.99)


def test_money_refuses_more_decimals_than_the_currency():
    with pytest.raises(ValidationError):
        money(Decimal("1.005"))
    with pytest.raises(ValidationError):
        to_minor_units(Decimal("10.5"), "JPY")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 234,50", "1234.50"),
        ("1\u202f234,50", "1234.50"),
        ("1\u00a0234,5", "1234.5"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1234.50", "1234.50"),
        ("650", "650"),
        ("650 €", "650"),
        ("-12,30", "-12.30"),
        ("1.234.567", "1234567"),
        ("0,07", "0.07"),
    ],
)
def test_parse_amount_french_and_english(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.234.5", "12,345,67", "1.", "1,234,5", "01,234", "1.234,567", "1,234", "12.345"])
def test_parse_amount_refuses_ambiguous_input(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_amount(text)
    assert excinfo.value.field == "amount"
