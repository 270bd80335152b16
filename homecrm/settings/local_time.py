"""Today's date where the landlord lives (Paramètres > Localisation > time zone).

Services decide with it what "today" is: an issue date, a numbering year, a payment "in the future".
A landlord in Nouméa or Montréal must not get Paris's date around midnight or New Year's Eve.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from homecrm import clock


def local_timezone(session: Session) -> str:
    from homecrm.settings.base import load_section
    from homecrm.settings.sections import LocalizationSettings

    return load_section(session, LocalizationSettings).timezone


def local_today(session: Session) -> date:
    return clock.today(local_timezone(session))


def local_date_text(session: Session, value: date) -> str:
    """A date in a message, written as the landlord chose (Paramètres > Localisation > date format)."""
    from homecrm.render.formatting import format_date
    from homecrm.settings.base import load_section
    from homecrm.settings.sections import LocalizationSettings

    return format_date(value, load_section(session, LocalizationSettings).date_format)
