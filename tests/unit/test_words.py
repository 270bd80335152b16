from decimal import Decimal

import pytest

from homecrm.billing import amount_in_words
from tests.helpers import vectors


@pytest.mark.parametrize(
    "case", vectors("amount_in_words.json")["cases"], ids=lambda c: f"{c['lang']}-{c['amount']}"
)
def test_amount_in_words_vectors(case):
    assert amount_in_words(Decimal(case["amount"]), case["currency"], case["lang"]) == case["expected"]


def test_an_int_means_whole_euros_not_cents():
    assert amount_in_words(250) == "deux cent cinquante euros"
    assert amount_in_words(1) == "un euro"


def test_a_float_raises():
    with pytest.raises(TypeError):
        amount_in_words(250.10)


@pytest.mark.parametrize(
    "amount, expected",
    [
        ("0.00", "zéro euro"),
        ("0.01", "zéro euro et un centime"),
        ("2000000.00", "deux millions d'euros"),
        ("1200000.00", "un million deux cent mille euros"),
        ("1000000.50", "un million d'euros et cinquante centimes"),
        ("71.00", "soixante et onze euros"),
        ("80.80", "quatre-vingts euros et quatre-vingts centimes"),
        ("1000.00", "mille euros"),
    ],
)
def test_french_grammar(amount, expected):
    assert amount_in_words(Decimal(amount)) == expected


def test_capitalisation_setting():
    assert amount_in_words(Decimal("250.00"), lowercase=False) == "Deux cent cinquante euros"
    assert amount_in_words(Decimal("250.00"), lowercase=True) == "deux cent cinquante euros"


def test_other_currencies():
    assert amount_in_words(Decimal("5000"), "JPY") == "cinq mille yens"
    assert amount_in_words(Decimal("1.50"), "USD", "en") == "one dollar and fifty cents"
    assert amount_in_words(Decimal("2000000"), "USD") == "deux millions de dollars"


def test_negative_amounts_say_minus():
    assert amount_in_words(Decimal("-3.00")) == "moins trois euros"


@pytest.mark.parametrize(("amount", "words"), [
    ("1.01", "une livre sterling et un penny"),
    ("21", "vingt et une livres sterling"),
    ("81", "quatre-vingt-une livres sterling"),
    ("1000000", "un million de livres sterling"),
    ("2.21", "deux livres sterling et vingt et un pence"),
])
def test_the_pound_is_feminine_in_french(amount, words):
    assert amount_in_words(Decimal(amount), "GBP", "fr") == words
