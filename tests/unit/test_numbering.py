from datetime import date

import pytest

from homecrm.billing.numbering import counter_period, format_number
from tests.helpers import vectors


@pytest.mark.parametrize("case", vectors("numbering.json")["cases"], ids=lambda c: c["expected"])
def test_numbering_vectors(case):
    on = date.fromisoformat(case["date"])
    assert format_number(case["prefix"], case["number"], case["padding"], case["format"], on) == case["expected"]


def test_year_formats_restart_each_january_and_plain_numbers_never():
    assert counter_period("number", date(2026, 12, 31)) == counter_period("number", date(2027, 1, 1)) == ""
    for fmt in ("year/number", "number-yy", "number/mm/yyyy"):
        assert counter_period(fmt, date(2026, 12, 31)) == "2026"
        assert counter_period(fmt, date(2027, 1, 1)) == "2027"


def test_zero_padding_of_zero_keeps_the_bare_number():
    assert format_number("Q", 25, 0, "number", date(2026, 1, 1)) == "Q25"


def test_unknown_format_and_non_positive_numbers_are_programming_errors():
    with pytest.raises(ValueError):
        format_number("Q", 1, 6, "weird", date(2026, 1, 1))
    with pytest.raises(ValueError):
        format_number("Q", 0, 6, "number", date(2026, 1, 1))
