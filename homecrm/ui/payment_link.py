"""The document's online payment link (Stripe): create it, show it, or say why there is none."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.payments.stripe_gateway import current_link, ensure_payment_link, plan_for
from homecrm.security.principal import Principal
from homecrm.settings import load_section
from homecrm.settings.sections import StripeSettings
from homecrm.billing.documents import get_document
from homecrm.ui.db import reading
from homecrm.ui.feedback import run_action
from homecrm.ui.formats import current_formats


def payment_link_box(actor: Principal, document_id: int) -> None:
    fmt = current_formats()
    with reading() as session:
        settings = load_section(session, StripeSettings)
        if not settings.enabled:
            return
        doc = get_document(session, document_id, actor=actor)
        plan = plan_for(doc, settings)
        link = current_link(session, doc, plan)
        url = link.url if link else None
    if not plan.available:
        st.caption(_("No online payment link: {reason}").format(reason=plan.reason))
        return
    if url:
        st.markdown(_("Online payment link ({amount}): {url}").format(amount=fmt.money(plan.charge, plan.currency), url=url))
        return
    st.button(
        _("Create the Stripe payment link ({amount})").format(amount=fmt.money(plan.charge, plan.currency)),
        key=f"stripe.link.{document_id}", on_click=run_action,
        args=(lambda s: ensure_payment_link(s, actor=actor, document_id=document_id),),
        kwargs={"success": _("Payment link created: it is printed on the PDF.")},
        disabled=not actor.can("documents", "edit"),
    )
