"""Gateway fees (spec: fixed fee + percentage of the amount) and the consumer-protection rule.

fee = fixed + percent × amount, rounded half-up to the cent. With gross-up, the charge is chosen
so that after the gateway takes percent + fixed the landlord nets the amount (rounded up to the
cent). EU law forbids surcharging consumers for card payments (PSD2, art. 62(4); French Code
monétaire et financier L112-12): a tenant who is a person is never charged a fee.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from homecrm.billing.money import as_decimal, quantize


def fee_for(amount: Decimal, *, fixed: Decimal, percent: Decimal) -> Decimal:
    return quantize(as_decimal(fixed) + as_decimal(amount) * as_decimal(percent) / 100)


def charge_with_fee(amount: Decimal, *, fixed: Decimal, percent: Decimal, gross_up: bool = False) -> Decimal:
    """What to charge so the fee is covered: 100 + (0.50 + 2 %) = 102.50; gross-up 100 @ 0.30 + 2.9 % = 103.30."""
    amount, fixed, percent = as_decimal(amount), as_decimal(fixed), as_decimal(percent)
    if fixed == 0 and percent == 0:
        return quantize(amount)
    if gross_up:
        charge = (amount + fixed) / (1 - percent / 100)
        return charge.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return quantize(amount + fee_for(amount, fixed=fixed, percent=percent))


def may_charge_fee(customer_kind: str) -> bool:
    """Only businesses may be charged a payment fee (no surcharge on consumers)."""
    return customer_kind == "company"
