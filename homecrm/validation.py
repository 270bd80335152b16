"""Checks shared by settings, forms and imports. Each returns the normalised value or raises
``ValueError`` with a translated sentence (pydantic turns it into a field error; services wrap
it into ``homecrm.errors.ValidationError`` with the field name)."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

import phonenumbers
from email_validator import EmailNotValidError
from email_validator import validate_email as _validate_email
from stdnum import luhn
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as fr_siren

from homecrm.i18n import _

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def hex_color(value: str) -> str:
    text = (value or "").strip()
    if not _HEX.fullmatch(text):
        raise ValueError(_("\"{value}\" is not a colour: use a hex value such as #1f4e79.").format(value=value))
    if len(text) == 4:
        text = "#" + "".join(ch * 2 for ch in text[1:])
    return text.lower()


def http_url(value: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text, flags=re.IGNORECASE):
        raise ValueError(_("\"{value}\" is not a web address: it must start with https:// or http://.").format(value=value))
    return text


def email(value: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValueError(_("An e-mail address is required."))
        return ""
    try:
        return _validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(_("\"{value}\" is not a valid e-mail address.").format(value=value)) from None


def phone(value: str, default_country: str = "FR") -> str:
    """E.164 form of a phone number; a number that does not parse is refused, never guessed."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, (default_country or "FR").upper())
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValueError(_("\"{value}\" is not a valid phone number.").format(value=value))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def siren(value: str) -> str:
    text = re.sub(r"[\s.\-]", "", value or "")
    if not text:
        return ""
    try:
        return fr_siren.validate(text)
    except StdnumError:
        if text.isdigit() and len(text) == 9 and not luhn.is_valid(text):
            raise ValueError(_("SIREN {value}: the check digit is wrong.").format(value=value)) from None
        raise ValueError(_("\"{value}\" is not a SIREN number (9 digits).").format(value=value)) from None


def vat_number(value: str) -> str:
    text = re.sub(r"[\s.\-]", "", value or "").upper()
    if not text:
        return ""
    try:
        return eu_vat.validate(text)
    except StdnumError:
        raise ValueError(
            _("\"{value}\" is not a valid EU VAT number (country code then number, key checked).").format(
                value=value
            )
        ) from None


def timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError(_("Unknown time zone: {value}.").format(value=value))
    return value


# ISO 3166 countries (phonenumbers knows every real one; Babel also lists regions such as ZZ, EU).
COUNTRY_CODES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def country_code(value: str) -> str:
    code = (value or "").strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError(_("Unknown country code: {value}.").format(value=value))
    return code


# Display of each date-format token for messages ("JJ/MM/AAAA" in French).
_DATE_TOKENS = {"d": r"([0-9]{1,2})", "m": r"([0-9]{1,2})", "Y": r"([0-9]{4})"}  # ASCII digits only


def date_format_hint(fmt: str) -> str:
    hints = {"d": _("DD"), "m": _("MM"), "Y": _("YYYY")}
    return "".join(hints.get(ch, ch) for ch in fmt)


def normalise_date_format(fmt: str) -> str:
    """``"%d/%m/%Y"`` or ``"d/m/Y"`` → ``"d/m/Y"``; any other token is refused."""
    text = (fmt or "").replace("%", "")
    if sorted(ch for ch in text if ch.isalpha()) != ["Y", "d", "m"] or any(ch.isdigit() for ch in text):
        raise ValueError(_("Unknown date format {value}: use d, m and Y, e.g. d/m/Y.").format(value=fmt))
    return text


def date_in_format(value: str, fmt: str):
    """Parse ``value`` strictly with ``fmt`` (tokens d, m, Y): "05/01/2024" with d/m/Y is 5 January.

    No guessing: another order or separator, a two-digit year or an impossible day (31/02) is refused.
    """
    from datetime import date

    text = (value or "").strip()
    pattern = "".join(_DATE_TOKENS.get(ch, re.escape(ch)) for ch in fmt)
    match = re.fullmatch(pattern, text)
    if match is None:
        raise ValueError(_("\"{value}\" is not a date in the format {format}.").format(
            value=value, format=date_format_hint(fmt)))
    parts = dict(zip([ch for ch in fmt if ch in _DATE_TOKENS], (int(g) for g in match.groups()), strict=True))
    try:
        return date(parts["Y"], parts["m"], parts["d"])
    except ValueError:
        raise ValueError(_("\"{value}\" does not exist in the calendar.").format(value=value)) from None
