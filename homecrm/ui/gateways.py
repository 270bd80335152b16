"""Helpers of the payment gateways settings page."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.payments.stripe_gateway import test_connection
from homecrm.security.principal import Principal
from homecrm.ui.feedback import run_action

NOT_AVAILABLE = ("PayPal", "PayPal Smart Checkout", "PayU Money", "2Checkout")


def gateway_notes() -> None:
    st.info(
        _("Card fees: EU law forbids charging consumers for paying by card (PSD2, art. 62(4)); the fixed and "
          "percentage fees below are only added for tenants that are companies.")
    )
    st.caption(_("Not available yet: {names}. Stripe iDEAL is offered inside Stripe Checkout (EUR only).").format(
        names=", ".join(NOT_AVAILABLE)))


def test_connection_box(actor: Principal) -> None:
    st.button(_("Test the Stripe connection"), key="stripe.test", on_click=run_action,
              args=(lambda s: test_connection(s, actor=actor),), kwargs={"success": lambda message: message},
              disabled=not actor.can("settings", "edit"))
