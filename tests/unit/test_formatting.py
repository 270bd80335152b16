from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from homecrm.render.formatting import NARROW_NBSP, NBSP, Formats


def test_french_money_defaults():
    assert Formats().money(Decimal("1234.50"), "EUR") == f"1{NARROW_NBSP}234,50{NBSP}€"


@pytest.mark.parametrize(
    "decimal_sep, thousands, expected",
    [
        (",", "space", f"1{NARROW_NBSP}234{NARROW_NBSP}567,89"),
        (",", ".", "1.234.567,89"),
        (".", ",", "1,234,567.89"),
        (".", "'", "1'234'567.89"),
        (",", "none", "1234567,89"),
    ],
)
def test_separators(decimal_sep, thousands, expected):
    fmt = Formats(decimal_separator=decimal_sep, thousands_separator=thousands)
    assert fmt.number(Decimal("1234567.89")) == expected


def test_remove_decimals_on_zero():
    fmt = Formats(remove_decimals_on_zero=True)
    assert fmt.money(Decimal("2.00"), "EUR") == f"2{NBSP}€"
    assert fmt.money(Decimal("2.25"), "EUR") == f"2,25{NBSP}€"
    assert Formats().money(Decimal("2.00"), "EUR") == f"2,00{NBSP}€"


def test_without_symbol_and_english_placement():
    assert Formats().money(Decimal("5.00"), "EUR", symbol=False) == "5,00"
    english = Formats(lang="en", decimal_separator=".", thousands_separator=",")
    assert english.money(Decimal("-1234.5"), "EUR") == "-€1,234.50"


def test_no_rounding_in_formatting():
    # Babel would round 2.675 half-even; we quantize half-up before printing.
    assert Formats().money(Decimal("2.675"), "EUR") == f"2,68{NBSP}€"
    assert Formats().money(Decimal("5000"), "JPY").startswith(f"5{NARROW_NBSP}000")


@pytest.mark.parametrize(
    "pattern, expected",
    [("d/m/Y", "05/03/2026"), ("Y-m-d", "2026-03-05"), ("m/d/Y", "03/05/2026"), ("d.m.Y", "05.03.2026")],
)
def test_date_formats(pattern, expected):
    assert Formats(date_format=pattern).date(date(2026, 3, 5)) == expected


def test_time_format_and_timezone():
    moment = datetime(2026, 7, 1, 15, 30, tzinfo=UTC)  # 17:30 in Paris (summer time)
    assert Formats().time(moment) == "17:30"
    assert Formats(time_format="12").time(moment) == "5:30 PM"
    assert Formats(timezone="Asia/Tokyo").time(moment) == "00:30"
    assert Formats().datetime(moment) == "01/07/2026 17:30"


def test_long_dates_and_months():
    assert Formats().long_date(date(2026, 3, 1)) == "1er mars 2026"
    assert Formats().long_date(date(2026, 3, 2)) == "2 mars 2026"
    assert Formats(lang="en").month(date(2026, 3, 1)) == "March 2026"
    assert Formats().percent(Decimal("5.5000")) == f"5,5{NBSP}%"


def test_editable_numbers_read_back_whatever_the_separators():
    """A pre-filled amount must be accepted as it is: never grouped, decimals kept (1 010 € with "." thousands)."""
    from decimal import Decimal

    from homecrm.billing.money import parse_amount
    from homecrm.render.formatting import Formats

    for decimal_sep, thousands in ((",", "."), (".", ","), (",", "space"), (".", "'")):
        fmt = Formats(decimal_separator=decimal_sep, thousands_separator=thousands, remove_decimals_on_zero=True)
        for value, decimals in ((Decimal("1010.00"), 2), (Decimal("1234567.5"), 2), (Decimal("90000"), 0)):
            text = fmt.editable(value, decimals)
            assert parse_amount(text) == value, (decimal_sep, thousands, text)
