"""Gateway fees (spec: fixed fee + percentage of the amount) and the consumer-protection rule.

fee = fixed + percent × amount, rounded half-up to the currency's minor unit (the cent; the yen).
The fixed fee is read in the document's currency. With gross-up, the charge is chosen so that after
the gateway takes percent + fixed the landlord nets the amount (rounded up to the minor unit). EU law forbids surcharging consumers for card payments (PSD2, art. 62(4); French Code
monétaire et financier L112-12): a tenant who is a person is never charged a fee.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from homecrm.billing.money import as_decimal, minor_units, quantize


def fee_for(amount: Decimal, *, fixed: Decimal, percent: Decimal, currency: str = "EUR") -> Decimal:
    return quantize(as_decimal(fixed) + as_decimal(amount) * as_decimal(percent) / 100, currency)


def charge_with_fee(amount: Decimal, *, fixed: Decimal, percent: Decimal, gross_up: bool = False,
                    currency: str = "EUR") -> Decimal:
    """What to charge so the fee is covered: 100 + (0.50 + 2 %) = 102.50; gross-up 100 @ 0.30 + 2.9 % = 103.30."""
    amount, fixed, percent = as_decimal(amount), as_decimal(fixed), as_decimal(percent)
    if fixed == 0 and percent == 0:
        return quantize(amount, currency)
    if gross_up:
        charge = (amount + fixed) / (1 - percent / 100)
        return charge.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_CEILING)
    return quantize(amount + fee_for(amount, fixed=fixed, percent=percent, currency=currency), currency)


def may_charge_fee(customer_kind: str) -> bool:
    """Only businesses may be charged a payment fee (no surcharge on consumers)."""
    return customer_kind == "company"
