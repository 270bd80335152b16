"""The e-mail box of a rent document, a credit note or a statement: preview, edit, send — or why
it cannot be sent. The send carries a one-time token (``homecrm.ui.once``): a double click sends once.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from homecrm.i18n import _
from homecrm.notify.messages import DraftEmail, SentEmail, draft_document_email, may_send, send_document_email
from homecrm.security.principal import Principal
from homecrm.ui.db import read
from homecrm.ui.feedback import show_field_error
from homecrm.ui.once import run_once, submission_token, submit_key
from homecrm.ui.widgets import prefill


def email_box(actor: Principal, *, form: str, version: str, kind: str, draft: Callable[[Session], DraftEmail],
              send: Callable[..., SentEmail], consent_hint: bool = False) -> None:
    """``draft(session)`` gives the preview; ``send(session, to=, subject=, body=, submission=)`` sends it."""
    preview = read(draft)
    # A new state of the document (or a form Streamlit forgot): start again from the templates.
    prefill(f"{form}.__version", version, {f"{form}.to": ", ".join(preview.to), f"{form}.subject": preview.subject,
                                           f"{form}.body": preview.body})
    if preview.blocked:
        st.warning(preview.blocked)
        if consent_hint and ("89-462" in preview.blocked or "quittance" in preview.blocked.lower()):
            st.caption(_("The PDF can still be downloaded from the PDF tab and handed over."))
            return

    def _send() -> None:
        state = st.session_state
        to = [a.strip() for a in state.get(f"{form}.to", "").split(",") if a.strip()]
        values = {"to": to, "subject": state.get(f"{form}.subject"), "body": state.get(f"{form}.body")}
        run_once(form, values, lambda s, token: send(s, submission=token, **values),
                 success=lambda sent: sent.report())

    submission_token(form)
    allowed = may_send(actor, kind)
    with st.form(form):
        st.text_input(_("Recipients"), key=f"{form}.to", help=_("Several addresses separated by commas."))
        show_field_error(form, "to")
        st.text_input(_("Subject"), key=f"{form}.subject")
        show_field_error(form, "subject")
        st.text_area(_("Message"), key=f"{form}.body", height=200,
                     help=_("Already filled in; you may still use merge fields such as {invoice_number}."))
        show_field_error(form, "body")
        st.caption(_("Attachment: {name}").format(name=preview.attachment_name))
        st.form_submit_button(_("Send the e-mail"), type="primary", on_click=_send, key=submit_key(form),
                              disabled=not allowed)
    if not allowed:
        st.caption(_("Your role may read this document but not send it."))


def document_email_box(actor: Principal, document_id: int, version: str) -> None:
    email_box(actor, form=f"email-{document_id}", version=version, kind="document", consent_hint=True,
              draft=lambda s: draft_document_email(s, actor=actor, document_id=document_id),
              send=lambda s, **kw: send_document_email(s, actor=actor, document_id=document_id, **kw))


def credit_note_email_box(actor: Principal, credit_note_id: int, version: str) -> None:
    from homecrm.notify.account_emails import draft_credit_note_email, send_credit_note_email

    email_box(actor, form=f"email-credit-{credit_note_id}", version=version, kind="credit_note",
              draft=lambda s: draft_credit_note_email(s, actor=actor, credit_note_id=credit_note_id),
              send=lambda s, **kw: send_credit_note_email(s, actor=actor, credit_note_id=credit_note_id, **kw))


def statement_email_box(actor: Principal, customer_id: int, first, last, version: str,
                        currency: str | None = None) -> None:
    from homecrm.notify.account_emails import draft_statement_email, send_statement_email

    email_box(actor, form=f"email-statement-{customer_id}", version=f"{first}|{last}|{currency}|{version}",
              kind="statement",
              draft=lambda s: draft_statement_email(s, actor=actor, customer_id=customer_id, first=first, last=last,
                                                    currency=currency),
              send=lambda s, **kw: send_statement_email(s, actor=actor, customer_id=customer_id, first=first,
                                                        last=last, currency=currency, **kw))
