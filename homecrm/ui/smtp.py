"""The "Send a test e-mail" box under Paramètres > SMTP."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.notify.smtp import send_test_email
from homecrm.security.principal import Principal
from homecrm.ui.feedback import run_action

KEY = "smtp.test_to"


def _send(actor: Principal) -> None:
    to = st.session_state.get(KEY, "")
    run_action(
        lambda s: send_test_email(s, actor=actor, to=to),
        success=lambda sent: _("Test e-mail sent to {to} (message {id}).").format(to=to, id=sent.message_id),
        form="smtp-test",
    )


def test_email_box(actor: Principal) -> None:
    st.subheader(_("Send a test e-mail"))
    st.caption(_("The test uses the saved settings: save your changes above first."))
    st.caption(_("Microsoft OAuth 2.0 and Gmail OAuth 2.0 sign-in: not available yet."))
    cols = st.columns([3, 1])
    cols[0].text_input(_("Recipient"), key=KEY, placeholder="vous@exemple.fr")
    cols[1].button(_("Send"), key="smtp.test_send", on_click=_send, args=(actor,),
                   disabled=not actor.can("settings", "edit"))
