"""The "fetch card payments from Stripe" button (the same idempotent path as the webhook)."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.payments.stripe_gateway import sync_payments
from homecrm.security.principal import Principal
from homecrm.settings import load_section
from homecrm.settings.sections import StripeSettings
from homecrm.ui.db import reading
from homecrm.ui.feedback import run_action


def sync_button(actor: Principal) -> None:
    with reading() as session:
        if not load_section(session, StripeSettings).enabled:
            return
    st.button(
        _("Fetch card payments from Stripe"), key="stripe.sync", icon=":material/sync:",
        on_click=run_action, args=(lambda s: sync_payments(s, actor=actor),),
        kwargs={"success": lambda r: _("{seen} Stripe payment(s) checked, {recorded} recorded.").format(
            seen=r.seen, recorded=len(r.recorded))},
        disabled=not actor.can("payments", "create"),
    )
