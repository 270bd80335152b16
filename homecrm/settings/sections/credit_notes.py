"""Paramètres > Notes de crédit: numbering and default texts of credit notes (avoirs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator
from sqlalchemy.orm import Session

from homecrm.billing import numbering
from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, setting
from homecrm.settings.local_time import local_today

CREDIT_NOTE_SERIES = "credit_notes"



class CreditNoteSettings(SettingsSection):
    section = "credit_notes"
    title = N_("Credit notes")
    intro = N_("Numbering and default texts of credit notes. A credit note gets its number when it is issued.")
    order = 55

    prefix: str = setting("AV-", label=N_("Credit note prefix"), max_length=20)
    next_number: int = setting(
        1,
        label=N_("Next credit note number"),
        help=N_("Number given to the next issued credit note (this year's counter for yearly formats)."),
        stored=False,
        ge=1,
    )
    number_format: Literal["number", "year/number", "number-yy", "number/mm/yyyy"] = setting(
        "number",
        label=N_("Credit note number format"),
        help=N_("A new format continues from the next number; formats with the year restart at 1 each January."),
        widget="select",
        choices=numbering.NUMBER_FORMATS,
    )
    decrement_on_delete: bool = setting(
        False,
        label=N_("Decrement the credit note number after deletion"),
        help=N_(
            "Yes: the last issued credit note may be deleted (if nothing was issued after it) and its number is "
            "given back. No: issued credit notes are never deleted."
        ),
    )
    show_property_name: bool = setting(
        True,
        label=N_("Show the property (project) name on the credit note"),
    )
    default_client_note: str = setting(
        "", label=N_("Default client note"), help=N_("Printed on every new credit note; editable on each."),
        widget="textarea", max_length=2000,
    )
    default_terms: str = setting(
        "", label=N_("Default terms and conditions"), help=N_("E.g. refund terms, period of validity."),
        widget="textarea", max_length=4000,
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
        values["next_number"] = numbering.peek_next(session, CREDIT_NOTE_SERIES, numbering.counter_period(fmt, local_today(session)))

    def check_in_db(self, session: Session, before: SettingsSection) -> dict[str, str]:
        from homecrm.store.models import CreditNote

        if self.next_number != before.next_number:
            period = numbering.counter_period(self.number_format, local_today(session))
            used = numbering.highest_used(session, CreditNote, CREDIT_NOTE_SERIES, period)
            if self.next_number <= used:
                return {
                    "next_number": _(
                        "The next number must be greater than {used}, the last number already issued."
                    ).format(used=used)
                }
        return {}

    def save_computed(self, session: Session, before: CreditNoteSettings) -> None:
        from homecrm.store.models import CreditNote

        numbering.save_next_number(session, CreditNote, CREDIT_NOTE_SERIES, before_format=before.number_format,
                                   after_format=self.number_format, before_next=before.next_number,
                                   after_next=self.next_number, today=local_today(session))
