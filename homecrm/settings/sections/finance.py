"""Paramètres > Facturation > Général: how amounts and taxes are printed."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from sqlalchemy.orm import Session

from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, setting
from homecrm.store.models import Tax

DECIMAL_SEPARATORS = {",": N_("Comma (1 234,50)"), ".": N_("Point (1,234.50)")}
THOUSANDS_SEPARATORS = {
    "space": N_("Space (1 234)"),
    ".": N_("Point (1.234)"),
    ",": N_("Comma (1,234)"),
    "'": N_("Apostrophe (1'234)"),
    "none": N_("None (1234)"),
}


class FinanceSettings(SettingsSection):
    section = "finance"
    title = N_("Billing: general")
    intro = N_("How amounts and taxes appear on documents.")
    order = 40

    decimal_separator: Literal[",", "."] = setting(
        ",", label=N_("Decimal separator"), widget="select", choices=DECIMAL_SEPARATORS
    )
    thousands_separator: Literal["space", ".", ",", "'", "none"] = setting(
        "space", label=N_("Thousands separator"), widget="select", choices=THOUSANDS_SEPARATORS
    )
    auto_assign_sale_agent: bool = setting(
        True,
        label=N_("Automatically assign the logged-in staff as sale agent"),
        help=N_("Yes: whoever issues a document becomes its agent. No: the agent is chosen by hand."),
    )
    number_padding: int = setting(
        6,
        label=N_("Zero padding of numbers"),
        help=N_("Digits of credit note numbers: with 3, number 25 is printed 025 (receipts have their own setting)."),
        ge=0,
        le=12,
    )
    show_tax_per_line: bool = setting(
        False,
        label=N_("Show tax per item line"),
        help=N_("Yes: a Tax column is added to each line of documents that carry VAT."),
    )
    remove_tax_name_from_line: bool = setting(
        False,
        label=N_("Remove the tax name from item lines"),
        help=N_("Yes: the tax column shows \"20 %\" instead of \"TVA 20 %\"."),
    )
    exclude_currency_symbol_from_lines: bool = setting(
        False,
        label=N_("Exclude the currency symbol from item amounts"),
        help=N_("Yes: line amounts are printed without €; totals keep it."),
    )
    default_tax: int | None = setting(
        None,
        label=N_("Default tax"),
        help=N_("Applied to commercial leases with the VAT option that have no tax of their own. Residential rent never carries VAT."),
        widget="select",
        choices="taxes",
    )
    remove_decimals_on_zero: bool = setting(
        False,
        label=N_("Remove decimals on numbers with zero decimals"),
        help=N_("Yes: 2,00 is printed 2; 2,25 stays 2,25."),
    )
    amount_in_words: bool = setting(
        True, label=N_("Amount in words"), help=N_("Print the total in words (e.g. \"deux cent cinquante euros\").")
    )
    amount_in_words_lowercase: bool = setting(
        True,
        label=N_("Show the amount in words in lowercase"),
        help=N_("No: only the first letter is a capital."),
    )

    @model_validator(mode="after")
    def _distinct_separators(self) -> FinanceSettings:
        if self.decimal_separator == self.thousands_separator:
            raise ValueError(_("The decimal and thousands separators must differ."))
        return self

    def check_in_db(self, session: Session, before: SettingsSection) -> dict[str, str]:
        if self.default_tax is not None and session.get(Tax, self.default_tax) is None:
            return {"default_tax": _("This tax does not exist any more.")}
        return {}
