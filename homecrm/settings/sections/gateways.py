"""Paramètres > Passerelles de paiement: Stripe Checkout (and iDEAL) and bank transfer.

PayPal, PayPal Smart Checkout, PayU Money and 2Checkout are listed on the page as not available
yet; they have no settings here.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from pydantic import SecretStr, ValidationInfo, field_validator, model_validator

from homecrm.i18n import N_, _
from homecrm.inputs import MoneyInput
from homecrm.settings.base import SettingsSection, is_stored, secret_value, setting, template_field

DESCRIPTION_PLACEHOLDERS = ("invoice_number", "client_name", "period", "amount")


@lru_cache(maxsize=1)
def iso_currencies() -> frozenset[str]:
    """ISO 4217 codes of the currencies in use today in some country (CLDR data through Babel):
    no made-up codes, no withdrawn ones (FRF), no test codes (XTS, XXX)."""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    return frozenset(code for territory in get_global("territory_currencies")
                     for code in get_territory_currencies(territory))


class StripeSettings(SettingsSection):
    section = "stripe"
    title = N_("Payment gateways: Stripe")
    intro = N_("Card payments through Stripe Checkout, with a long-lived Stripe payment link on documents.")
    order = 70

    enabled: bool = setting(False, label=N_("Activate the Stripe Checkout gateway"))
    label: str = setting("Paiement par carte bancaire", label=N_("Label"), help=N_("What tenants see."), max_length=100)
    fixed_fee: MoneyInput = setting(Decimal("0.00"), label=N_("Fixed fee"), help=N_("Added per payment, e.g. 0,50 €."), ge=0)
    percent_fee: MoneyInput = setting(Decimal("0.00"), label=N_("Percentage fee"), help=N_("Percent of the amount, e.g. 2."),
                                      ge=0, le=20)
    gross_up: bool = setting(
        False,
        label=N_("Gross up the fee"),
        help=N_("Yes: the charge is computed so that you receive the full amount after the gateway's own fees."),
    )
    publishable_key: str = setting("", label=N_("Stripe publishable key"), help=N_("pk_live_… or pk_test_…"), max_length=200)
    secret_key: SecretStr = setting(SecretStr(""), label=N_("Stripe API secret key"), help=N_("sk_live_… or sk_test_…; stored encrypted."),
                                    widget="secret")
    webhook_secret: SecretStr = setting(SecretStr(""), label=N_("Webhook signing secret"),
                                        help=N_("whsec_…, only for installations reachable by Stripe (homecrm webhooks serve)."),
                                        widget="secret")
    description: str = setting(
        "Loyer {invoice_number}",
        label=N_("Gateway dashboard payment description"),
        help=N_("Shown in your Stripe dashboard."),
        widget="template",
        placeholders=DESCRIPTION_PLACEHOLDERS,
        max_length=300,
    )
    currencies: str = setting("EUR", label=N_("Currencies (comma separated)"),
                              help=N_("Documents in another currency get no payment link."), max_length=100)
    ideal: bool = setting(False, label=N_("Also offer Stripe iDEAL"), help=N_("Dutch bank payments, EUR only."))
    default_selected: bool = setting(True, label=N_("Selected by default on documents"),
                                     help=N_("Yes: card payment is offered first on documents."))

    @field_validator("description")
    @classmethod
    def _description(cls, v: str) -> str:
        return template_field(v, DESCRIPTION_PLACEHOLDERS)

    @field_validator("currencies")
    @classmethod
    def _currencies(cls, v: str) -> str:
        codes = [c.strip().upper() for c in v.split(",") if c.strip()]
        if not codes:
            raise ValueError(_("Give at least one currency, e.g. EUR."))
        bad = [c for c in codes if c not in iso_currencies()]
        if bad:
            raise ValueError(_("Not currency codes: {codes} (use EUR,USD,CAD…).").format(codes=", ".join(bad)))
        return ",".join(dict.fromkeys(codes))

    @field_validator("publishable_key")
    @classmethod
    def _publishable(cls, v: str) -> str:
        v = v.strip()
        if v and not v.startswith("pk_"):
            raise ValueError(_("A publishable key starts with pk_."))
        return v

    @model_validator(mode="after")
    def _secret_shape(self, info: ValidationInfo) -> StripeSettings:
        secret = secret_value(self.secret_key)
        if secret and not secret.startswith(("sk_", "rk_")):
            raise ValueError(_("The secret key starts with sk_ (or rk_ for a restricted key)."))
        if self.enabled and not secret and not is_stored(info):
            raise ValueError(_("Enter the secret key before activating Stripe."))
        return self

    @property
    def accepted_currencies(self) -> list[str]:
        return [c for c in self.currencies.split(",") if c]


class BankTransferSettings(SettingsSection):
    section = "bank_transfer"
    title = N_("Payment gateways: bank transfer")
    intro = N_("Your bank details, printed on documents for tenants who pay by transfer.")
    order = 71

    enabled: bool = setting(True, label=N_("Print bank transfer details on documents"))
    label: str = setting("Virement bancaire", label=N_("Label"), max_length=100)
    account_holder: str = setting("", label=N_("Account holder"), max_length=200)
    iban: str = setting("", label=N_("IBAN"), help=N_("Checked, including the French RIB key."))
    bic: str = setting("", label=N_("BIC"))

    @field_validator("iban")
    @classmethod
    def _iban(cls, v: str) -> str:
        from schwifty import IBAN
        from schwifty.exceptions import SchwiftyException

        v = v.strip()
        if not v:
            return ""
        try:
            return IBAN(v, validate_bban=True).formatted
        except SchwiftyException as exc:
            reasons = {
                "InvalidChecksumDigits": _("wrong check digits"),
                "InvalidBBANChecksum": _("wrong national key (clé RIB)"),
                "InvalidLength": _("wrong length"),
                "InvalidCountryCode": _("unknown country code"),
                "InvalidStructure": _("wrong format for this country"),
            }
            reason = reasons.get(type(exc).__name__, _("invalid"))
            raise ValueError(_("\"{value}\" is not a valid IBAN ({reason}).").format(value=v, reason=reason)) from None

    @field_validator("bic")
    @classmethod
    def _bic(cls, v: str) -> str:
        from schwifty import BIC
        from schwifty.exceptions import SchwiftyException

        v = v.strip().upper().replace(" ", "")
        if not v:
            return ""
        try:
            return str(BIC(v))
        except SchwiftyException:
            raise ValueError(_("\"{value}\" is not a valid BIC.").format(value=v)) from None

    @model_validator(mode="after")
    def _complete(self) -> BankTransferSettings:
        if self.enabled and self.iban and not self.account_holder:
            raise ValueError(_("Give the account holder printed with the IBAN."))
        return self
