"""Numbers, amounts and dates as the settings say to print them.

Amounts are formatted from their exact ``Decimal`` digits: nothing here rounds (Babel would
round half-even). Dates use the PHP-style format of the Localisation settings (``d/m/Y``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.numbers import get_currency_symbol

from homecrm.billing.money import as_decimal, minor_units, quantize

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
_THOUSANDS = {"space": NARROW_NBSP, ".": ".", ",": ",", "'": "'", "none": ""}


@dataclass(frozen=True)
class Formats:
    """Everything needed to print numbers and dates; built once per page or batch."""

    lang: str = "fr"
    decimal_separator: str = ","
    thousands_separator: str = "space"
    remove_decimals_on_zero: bool = False
    date_format: str = "d/m/Y"
    time_format: str = "24"
    timezone: str = "Europe/Paris"

    @classmethod
    def from_settings(cls, finance, localization, lang: str | None = None) -> Formats:
        return cls(
            lang=lang or localization.default_language,
            decimal_separator=finance.decimal_separator,
            thousands_separator=finance.thousands_separator,
            remove_decimals_on_zero=finance.remove_decimals_on_zero,
            date_format=localization.date_format,
            time_format=localization.time_format,
            timezone=localization.timezone,
        )

    @classmethod
    def load(cls, session, lang: str | None = None) -> Formats:
        """From the stored Facturation and Localisation settings."""
        from homecrm.settings import load_section
        from homecrm.settings.sections import FinanceSettings, LocalizationSettings

        return cls.from_settings(load_section(session, FinanceSettings), load_section(session, LocalizationSettings),
                                 lang)

    # numbers -------------------------------------------------------------------------------
    def number(self, value: Decimal | int, decimals: int = 2) -> str:
        amount = as_decimal(value)
        negative = amount < 0
        text = f"{abs(amount):.{decimals}f}" if decimals else str(int(abs(amount)))
        integer, _, fraction = text.partition(".")
        sep = _THOUSANDS[self.thousands_separator]
        groups = []
        while len(integer) > 3:
            groups.insert(0, integer[-3:])
            integer = integer[:-3]
        groups.insert(0, integer)
        out = sep.join(groups)
        if fraction and not (self.remove_decimals_on_zero and set(fraction) == {"0"}):
            out += self.decimal_separator + fraction
        return ("-" if negative else "") + out

    def editable(self, value: Decimal | int, decimals: int = 2) -> str:
        """A number put in a field the user may submit as it is: never grouped (a "." or "," between
        thousands would read as ambiguous), decimals always shown, with the chosen decimal separator."""
        amount = as_decimal(value)
        text = f"{amount:.{decimals}f}" if decimals else str(int(amount))
        return text.replace(".", self.decimal_separator)

    def money(self, amount: Decimal | int, currency: str, *, symbol: bool = True) -> str:
        exact = quantize(as_decimal(amount), currency)
        digits = self.number(exact, minor_units(currency))
        if not symbol:
            return digits
        sign = get_currency_symbol(currency, locale=self.lang)
        if self.lang == "fr":
            return f"{digits}{NBSP}{sign}"
        if digits.startswith("-"):
            return f"-{sign}{digits[1:]}"
        return f"{sign}{digits}"

    def percent(self, rate: Decimal) -> str:
        exact = as_decimal(rate).normalize()
        decimals = max(0, -exact.as_tuple().exponent)
        text = self.number(exact, decimals) if decimals else self.number(int(exact), 0)
        return f"{text}{NBSP}%"

    # dates ---------------------------------------------------------------------------------
    def date(self, value: date | None) -> str:
        return format_date(value, self.date_format)

    def local(self, value: datetime) -> datetime:
        return value.astimezone(ZoneInfo(self.timezone))

    def time(self, value: datetime) -> str:
        local = self.local(value)
        if self.time_format == "12":
            hour = local.hour % 12 or 12
            return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
        return f"{local.hour:02d}:{local.minute:02d}"

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return f"{self.date(self.local(value).date())} {self.time(value)}"

    def long_date(self, value: date) -> str:
        """"1er mars 2026" / "1 March 2026"."""
        text = babel_format_date(value, "d MMMM y", locale=self.lang)
        if self.lang == "fr" and value.day == 1:
            text = "1er" + text[1:]
        return text

    def short_month(self, value: date) -> str:
        """"janv. 26" / "Jan 26" (chart axes)."""
        return babel_format_date(value, "MMM yy", locale=self.lang)

    def month(self, value: date) -> str:
        """"mars 2026" / "March 2026"."""
        return babel_format_date(value, "LLLL y", locale=self.lang)


def format_date(value: date | None, date_format: str) -> str:
    """``value`` in a Localisation date format such as ``d/m/Y`` ("" for no date)."""
    if value is None:
        return ""
    parts = {"d": f"{value.day:02d}", "m": f"{value.month:02d}", "Y": f"{value.year:04d}"}
    return "".join(parts.get(ch, ch) for ch in date_format)


def display_phone(e164: str, home_country: str = "FR") -> str:
    """"04 72 00 00 00" for a number of the landlord's country, "+32 471 23 45 67" otherwise."""
    if not e164:
        return ""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    same = phonenumbers.region_code_for_number(parsed) == (home_country or "").upper()
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)
