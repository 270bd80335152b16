"""Money as ``Decimal``: minor units per currency, half-up rounding, strict parsing.

Rounding happens here and only here, at defined points (a line's amount, a tax, a fee).
Floats are refused everywhere: ``0.1 + 0.2`` is not an amount of money.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from homecrm.errors import ValidationError
from homecrm.i18n import _

# ISO 4217 minor units of the currencies a landlord is likely to use; Babel answers for others.
_MINOR_UNITS = {"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "CAD": 2, "XPF": 0, "JPY": 0, "MAD": 2}

ZERO = Decimal("0")


def check_currency(currency: str) -> str:
    code = (currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValidationError(_("Unknown currency code: {code}.").format(code=currency), field="currency")
    return code


def minor_units(currency: str) -> int:
    """Number of decimals of ``currency`` (EUR 2, JPY 0)."""
    code = check_currency(currency)
    if code in _MINOR_UNITS:
        return _MINOR_UNITS[code]
    return int(get_currency_precision(code))


def as_decimal(value: Decimal | int | str) -> Decimal:
    """Exact conversion to ``Decimal``; a float is a programming error and raises ``TypeError``."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(_("Not a valid amount."), field="amount")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_amount(value)
    raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")


def quantize(amount: Decimal | int, currency: str = "EUR") -> Decimal:
    """Round ``amount`` half-up to the minor units of ``currency``."""
    value = as_decimal(amount)
    return value.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def money(value: Decimal | int | str, currency: str = "EUR") -> Decimal:
    """An amount that must already be exact in ``currency`` (no rounding allowed)."""
    amount = as_decimal(value)
    exact = quantize(amount, currency)
    if exact != amount:
        raise ValidationError(
            _("{amount} has more decimals than {currency} allows.").format(amount=value, currency=currency),
            field="amount",
        )
    return exact


_SPACES = "\u00a0\u202f\u2009 '’"


def parse_amount(text: str) -> Decimal:
    """Parse an amount typed by a person: ``1 234,50``, ``1234.50``, ``1.234,50``, ``-12``, ``650 €``.

    The last ``,`` or ``.`` is the decimal separator when one or two digits follow it; when three
    follow, every separator groups thousands ("1.234.567"), except a lone one ("12,345" could
    mean two things). Anything ambiguous is refused rather than guessed.
    """
    if not isinstance(text, str):
        raise TypeError("parse_amount expects a string")
    error = ValidationError(_("\"{text}\" is not a valid amount.").format(text=text), field="amount")
    raw = text.strip()
    for token in ("€", "EUR", "eur"):
        raw = raw.replace(token, "").strip()
    if any(ch in raw for ch in _SPACES):
        # Spaces (and their narrow or no-break variants) may only group thousands: "1 234,50".
        grouped = re.sub(f"[{_SPACES}]", " ", raw)
        if not re.fullmatch(r"[+-]?\d{1,3}( \d{3})+([.,]\d+)?", grouped):
            raise error
        raw = grouped.replace(" ", "")
    sign = ""
    if raw[:1] in ("+", "-"):
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:]
    if not re.fullmatch(r"\d[\d.,]*", raw) or raw[-1] in ".,":
        raise error
    integer, decimals = raw, ""
    last = max(raw.rfind(","), raw.rfind("."))
    if last != -1:
        tail = raw[last + 1 :]
        if len(tail) in (1, 2):
            integer, decimals = raw[:last], tail
            if raw[last] in integer:  # the decimal mark cannot also group thousands
                raise error
        elif len(tail) != 3 or re.fullmatch(r"\d{1,3}[.,]\d{3}", raw):
            # "12,345" could be 12.345 or 12345: refuse rather than guess.
            raise error
    if re.search(r"[.,]", integer):
        if not re.fullmatch(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*", integer):
            raise error
        integer = re.sub(r"[.,]", "", integer)
    return Decimal(f"{sign}{integer}.{decimals}" if decimals else f"{sign}{integer}")


def to_minor_units(amount: Decimal | int | str, currency: str) -> int:
    """Integer amount in the currency's minor units (EUR 19.99 → 1999, JPY 5000 → 5000)."""
    exact = money(amount, currency)
    return int(exact.scaleb(minor_units(currency)))


def from_minor_units(units: int, currency: str) -> Decimal:
    if not isinstance(units, int) or isinstance(units, bool):
        raise TypeError("minor units must be an int")
    return quantize(Decimal(units).scaleb(-minor_units(currency)), currency)
