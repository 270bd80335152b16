"""The "E-mail" tab of a rent document: preview, edit, send — or why it cannot be sent."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import _
from homecrm.notify.messages import draft_document_email, send_document_email
from homecrm.security.principal import Principal
from homecrm.ui.db import read
from homecrm.ui.feedback import run_action, show_field_error


def document_email_box(actor: Principal, document_id: int, version: str) -> None:
    draft = read(lambda s: draft_document_email(s, actor=actor, document_id=document_id))
    form = f"email-{document_id}"
    if st.session_state.get(f"{form}.__version") != version:
        # A new state of the document: start again from the templates.
        st.session_state[f"{form}.to"] = ", ".join(draft.to)
        st.session_state[f"{form}.subject"] = draft.subject
        st.session_state[f"{form}.body"] = draft.body
        st.session_state[f"{form}.__version"] = version
    if draft.blocked:
        st.warning(draft.blocked)
        if "89-462" in draft.blocked or "quittance" in draft.blocked.lower():
            st.caption(_("The PDF can still be downloaded from the PDF tab and handed over."))
            return

    def _send(doc_id: int = document_id) -> None:
        state = st.session_state
        to = [a.strip() for a in state.get(f"{form}.to", "").split(",") if a.strip()]
        run_action(lambda s: send_document_email(s, actor=actor, document_id=doc_id, to=to,
                                                 subject=state.get(f"{form}.subject"), body=state.get(f"{form}.body")),
                   success=lambda entry: _("E-mail sent to {to}.").format(to=entry.recipient), form=form)

    with st.form(form):
        st.text_input(_("Recipients"), key=f"{form}.to", help=_("Several addresses separated by commas."))
        show_field_error(form, "to")
        st.text_input(_("Subject"), key=f"{form}.subject")
        st.text_area(_("Message"), key=f"{form}.body", height=200,
                     help=_("Already filled in; you may still use merge fields such as {invoice_number}."))
        show_field_error(form, "body")
        st.caption(_("Attachment: {name}").format(name=draft.attachment_name))
        st.form_submit_button(_("Send the e-mail"), type="primary", on_click=_send,
                              disabled=not actor.can("documents", "view_own"))
