"""Amounts in words, with French grammar that num2words leaves to us.

num2words reads an int as cents when asked for a currency, writes "et zéro centimes",
"zéro euros" and "un million euros". We only ask it for plain integers and add the currency
words ourselves: singular for 0 and 1 in French ("zéro euro", "un euro"), "d'euros" after an
exact million or billion, cents only when there are some, nothing rounded by a library.
"""

from __future__ import annotations

from decimal import Decimal

from num2words import num2words

from homecrm.billing.money import as_decimal, minor_units, quantize
from homecrm.i18n import normalize_language

# (unit singular, unit plural, minor singular, minor plural); minor is None for 0-decimal currencies.
_CURRENCY_WORDS: dict[str, dict[str, tuple[str, str, str | None, str | None]]] = {
    "fr": {
        "EUR": ("euro", "euros", "centime", "centimes"),
        "USD": ("dollar", "dollars", "cent", "cents"),
        "CAD": ("dollar canadien", "dollars canadiens", "cent", "cents"),
        "GBP": ("livre sterling", "livres sterling", "penny", "pence"),
        "CHF": ("franc suisse", "francs suisses", "centime", "centimes"),
        "JPY": ("yen", "yens", None, None),
    },
    "en": {
        "EUR": ("euro", "euros", "cent", "cents"),
        "USD": ("dollar", "dollars", "cent", "cents"),
        "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
        "GBP": ("pound sterling", "pounds sterling", "penny", "pence"),
        "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
        "JPY": ("yen", "yen", None, None),
    },
}
# Feminine currency names take "une": "une livre sterling", "vingt et une livres sterling".
_FEMININE_FR = {"livre sterling"}
_AND = {"fr": "et", "en": "and"}
_MINUS = {"fr": "moins", "en": "minus"}


def _plural(lang: str, n: int) -> bool:
    return n > 1 if lang == "fr" else n != 1


def _integer_words(n: int, lang: str) -> str:
    return num2words(n, lang=lang)


def _with_unit(n: int, lang: str, singular: str, plural: str) -> str:
    words = _integer_words(n, lang)
    unit = plural if _plural(lang, n) else singular
    if lang == "fr" and singular in _FEMININE_FR and (words == "un" or words.endswith((" un", "-un"))):
        words += "e"
    if lang == "fr" and n >= 1_000_000 and n % 1_000_000 == 0:
        # "un million d'euros", "deux milliards de dollars"
        return f"{words} d'{unit}" if unit[0] in "aeiouéè" else f"{words} de {unit}"
    return f"{words} {unit}"


def amount_in_words(
    amount: Decimal | int, currency: str = "EUR", lang: str = "fr", *, lowercase: bool = True
) -> str:
    """``amount`` written in words in ``lang``: 1234.56 → "mille deux cent trente-quatre euros et
    cinquante-six centimes". An int means whole units; a float raises ``TypeError``.

    ``lowercase=False`` capitalises the first letter only (setting "Afficher les lettres en
    minuscules" off).
    """
    if isinstance(amount, float):
        raise TypeError("amount_in_words needs a Decimal or an int, not a float")
    lang = normalize_language(lang)
    code = currency.upper()
    value = quantize(as_decimal(amount), code)
    names = _CURRENCY_WORDS[lang].get(code)
    negative = value < 0
    value = abs(value)
    digits = minor_units(code)
    units = int(value)
    minor = int((value - units).scaleb(digits)) if digits else 0
    if names is None:
        text = f"{_integer_words(units, lang)} {code}"
        if minor:
            text += f" {_AND[lang]} {_integer_words(minor, lang)}"
    else:
        singular, plural, minor_singular, minor_plural = names
        text = _with_unit(units, lang, singular, plural)
        if minor and minor_singular and minor_plural:
            text += f" {_AND[lang]} {_with_unit(minor, lang, minor_singular, minor_plural)}"
    if negative:
        text = f"{_MINUS[lang]} {text}"
    return text if lowercase else text[:1].upper() + text[1:]
