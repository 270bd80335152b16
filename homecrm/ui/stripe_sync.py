"""The "fetch card payments from Stripe" button (the same idempotent path as the webhook)."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.payments.stripe_gateway import SyncResult, key_unreadable, sync_payments
from homecrm.security.principal import Principal
from homecrm.settings import load_section
from homecrm.settings.sections import StripeSettings
from homecrm.ui.db import reading
from homecrm.ui.feedback import flash, run_action
from homecrm.ui.formats import current_formats


def _report(result: SyncResult) -> str:
    fmt = current_formats()
    for outcome in result.warnings:
        # Money Stripe received that no document could take: said loudly (kept as credit, or unknown here).
        flash("warning", outcome.line(fmt))
    lines = [outcome.line(fmt) for outcome in result.recorded]
    return "  \n".join([result.summary(), *lines])


def sync_button(actor: Principal) -> None:
    with reading() as session:
        if not load_section(session, StripeSettings).enabled:
            return
        unreadable = key_unreadable(session)
    if unreadable:
        from homecrm.ui.payment_link import unreadable_key_warning

        unreadable_key_warning()
    st.button(
        _("Fetch card payments from Stripe"), key="stripe.sync", icon=":material/sync:",
        on_click=run_action, args=(lambda s: sync_payments(s, actor=actor),),
        kwargs={"success": _report},
        disabled=not actor.can("payments", "create") or unreadable,
    )
