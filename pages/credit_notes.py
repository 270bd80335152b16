"""Notes de crédit: every credit note, its PDF, and deletion where the settings allow it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm.billing.credit_notes import delete_credit_note, list_credit_notes
from homecrm.billing.exports import credit_note_pdf
from homecrm.i18n import _
from homecrm.ui.choice import keep_choice
from homecrm.ui.db import read
from homecrm.ui.feedback import confirm_button, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.page import page_setup

actor = page_setup("credit_notes")
fmt = current_formats()
st.title(_("Credit notes"))
st.caption(_("Credit notes are issued from a document on the Rent receipts page (tab \"Credit note\")."))
show_flashes()

rows = read(lambda s: list_credit_notes(s, actor=actor))
if not rows:
    st.info(_("No credit note yet."))
    st.stop()
st.dataframe(
    pd.DataFrame({
        _("Number"): [r.number or _("Draft") for r in rows],
        _("Date"): [fmt.date(r.issued_on) for r in rows],
        _("Document"): [r.document_number for r in rows],
        _("Tenant"): [r.tenant for r in rows],
        _("Amount"): [fmt.money(r.amount, r.currency) for r in rows],
        _("Deducted"): [fmt.money(r.applied, r.currency) for r in rows],
        _("Refunded"): [fmt.money(r.refunded, r.currency) for r in rows],
        _("To credit"): [fmt.money(r.to_credit, r.currency) for r in rows],
        _("Reason"): [r.reason for r in rows],
    }),
    hide_index=True, width="stretch",
)
by_id = {r.id: r for r in rows}
keep_choice("credit_notes.selected", list(by_id))
selected = st.selectbox(_("Credit note"), list(by_id), key="credit_notes.selected",
                        format_func=lambda i: f"{by_id[i].number or _('Draft')} — {by_id[i].tenant}")
if selected in by_id:
    cols = st.columns(2)
    name, pdf = read(lambda s: credit_note_pdf(s, actor=actor, credit_note_id=selected))
    cols[0].download_button(_("Download the PDF"), data=pdf, file_name=name, mime="application/pdf",
                            key="credit_notes.pdf", type="primary", icon=":material/download:")
    with cols[1]:
        confirm_button(
            _("Delete"), key=f"credit_notes.delete.{selected}",
            question=_("Delete {number}? Only a draft, or the very last credit note when \"decrement on delete\" is on, "
                       "can be deleted.").format(number=by_id[selected].number or _("Draft")),
            action=lambda s: delete_credit_note(s, actor=actor, credit_note_id=selected),
            success=_("Credit note deleted."), disabled=not actor.can("credit_notes", "delete"),
        )
    if by_id[selected].state == "issued":
        from homecrm.settings import settings_version
        from homecrm.ui.document_email import credit_note_email_box

        with st.expander(_("E-mail it to the tenant"), icon=":material/mail:"):
            credit_note_email_box(actor, selected, f"{by_id[selected].number}|{read(settings_version)}")
