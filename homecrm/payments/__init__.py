"""Online payments: fees, Stripe payment links, reconciliation, webhook receiver."""

from homecrm.billing.money import to_minor_units
from homecrm.payments.fees import charge_with_fee

__all__ = ["charge_with_fee", "to_minor_units"]
