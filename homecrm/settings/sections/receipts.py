"""Paramètres > Facturation > Quittances: numbering of rent documents."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator
from sqlalchemy.orm import Session

from homecrm.billing import numbering
from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, setting
from homecrm.settings.local_time import local_today

RECEIPT_SERIES = "receipts"



class ReceiptSettings(SettingsSection):
    section = "receipts"
    title = N_("Billing: receipts")
    intro = N_(
        "Numbering of rent documents (quittances, reçus, avis d'échéance). A document gets its "
        "number when it is issued."
    )
    order = 50

    prefix: str = setting("QUI-", label=N_("Receipt prefix"), max_length=20)
    next_number: int = setting(
        1,
        label=N_("Next receipt number"),
        help=N_("Number given to the next issued document (this year's counter for yearly formats)."),
        stored=False,
        ge=1,
    )
    padding: int = setting(
        6,
        label=N_("Zero padding of numbers"),
        help=N_("With 3, number 25 is printed 025. A wider number keeps all its digits."),
        ge=0,
        le=12,
    )
    number_format: Literal["number", "year/number", "number-yy", "number/mm/yyyy"] = setting(
        "number",
        label=N_("Number format"),
        help=N_("A new format continues from the next number; formats with the year restart at 1 each January."),
        widget="select",
        choices=numbering.NUMBER_FORMATS,
    )

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if any(ch.isspace() for ch in v) or "/" in v:
            raise ValueError(_("The prefix cannot contain spaces or slashes."))
        return v

    @classmethod
    def load_computed(cls, session: Session, values: dict[str, Any]) -> None:
        fmt = values.get("number_format", "number")
        period = numbering.counter_period(fmt, local_today(session))
        values["next_number"] = numbering.peek_next(session, RECEIPT_SERIES, period)

    def check_in_db(self, session: Session, before: SettingsSection) -> dict[str, str]:
        from homecrm.store.models import RentDocument

        period = numbering.counter_period(self.number_format, local_today(session))
        if self.next_number != before.next_number:
            used = numbering.highest_used(session, RentDocument, RECEIPT_SERIES, period)
            if self.next_number <= used:
                return {
                    "next_number": _(
                        "The next number must be greater than {used}, the last number already issued."
                    ).format(used=used)
                }
        return {}

    def save_computed(self, session: Session, before: ReceiptSettings) -> None:
        from homecrm.store.models import RentDocument

        numbering.save_next_number(session, RentDocument, RECEIPT_SERIES, before_format=before.number_format,
                                   after_format=self.number_format, before_next=before.next_number,
                                   after_next=self.next_number, today=local_today(session))
