"""The document's online payment link (Stripe): shown, created when missing, or why there is none."""

from __future__ import annotations

import streamlit as st

from homecrm.billing.documents import get_document
from homecrm.billing.exports import ensure_links_for_printing
from homecrm.errors import HomecrmError
from homecrm.i18n import _
from homecrm.payments.stripe_gateway import current_link, ensure_payment_link, key_unreadable, plan_for
from homecrm.security.principal import Principal
from homecrm.settings import load_section
from homecrm.settings.sections import StripeSettings
from homecrm.ui.db import reading, writing
from homecrm.ui.feedback import run_action
from homecrm.ui.formats import current_formats


def unreadable_key_warning() -> None:
    st.warning(_("The stored Stripe secret key cannot be decrypted with this installation's secret key: no "
                 "payment link can be created nor card payment fetched until it is typed again in "
                 "Settings > Payment gateways."), icon=":material/key_off:")


def payment_link_box(actor: Principal, document_id: int) -> str | None:
    """Draw the link box; returns the link printed on the PDF (None when there is none).

    With card payment activated, a document that owes something and has no link for that amount
    gets one now, before it is printed (once per amount and session; a failure leaves the button).
    """
    fmt = current_formats()
    with reading() as session:
        settings = load_section(session, StripeSettings)
        if not settings.enabled:
            return None
        unreadable = key_unreadable(session)
        doc = get_document(session, document_id, actor=actor)
        plan = plan_for(doc, settings)
        link = current_link(session, doc, plan)
        url = link.url if link is not None else None  # read now: the session expires its objects on leaving
    if unreadable:
        unreadable_key_warning()
    if not plan.available:
        st.caption(_("No online payment link: {reason}").format(reason=plan.reason))
        return None
    attempt = f"stripe.link.auto.{document_id}.{plan.charge}"
    if url is None and not unreadable and not st.session_state.get(attempt):
        st.session_state[attempt] = True
        try:
            with writing() as session:
                ensure_links_for_printing(session, actor=actor, document_ids=[document_id])
                doc = get_document(session, document_id, actor=actor)
                link = current_link(session, doc, plan_for(doc, settings))
                url = link.url if link is not None else None
        except HomecrmError as exc:
            st.caption(str(exc))
    if url is not None:
        st.markdown(_("Online payment link ({amount}): {url}").format(amount=fmt.money(plan.charge, plan.currency),
                                                                      url=url))
        return url
    st.button(
        _("Create the Stripe payment link ({amount})").format(amount=fmt.money(plan.charge, plan.currency)),
        key=f"stripe.link.{document_id}", on_click=run_action,
        args=(lambda s: ensure_payment_link(s, actor=actor, document_id=document_id),),
        kwargs={"success": _("Payment link created: it is printed on the PDF.")},
        disabled=not actor.can("documents", "edit") or unreadable,
    )
    return None
