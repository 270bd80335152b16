"""Quittances: issue the month's rent documents, record payments, print and download PDFs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm import clock
from homecrm.billing.documents import STATUS_LABELS, document_title, generate_month, get_document, list_documents
from homecrm.billing.exports import document_pdf, month_zip
from homecrm.billing.payments import PAYMENT_MODE_LABELS, delete_payment, record_payment
from homecrm.billing.periods import Month
from homecrm.i18n import _, ngettext
from homecrm.settings import settings_version
from homecrm.ui.db import database_url, read, reading
from homecrm.ui.feedback import run_action, show_field_error, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.page import page_setup
from homecrm.ui.text import md

actor = page_setup("documents")
fmt = current_formats()
today = clock.today(fmt.timezone)
st.title(_("Rent receipts"))
st.caption(
    _("Each month, issue one document per active lease. Its title follows what was paid: avis d'échéance "
      "(nothing paid), reçu (partly paid), quittance de loyer (fully paid).")
)
show_flashes()

current = Month.of(today)
months = [current.shift(offset) for offset in range(2, -13, -1)]
STATUS_FILTERS = ["", "unpaid", "partial", "paid", "overdue", "cancelled"]

top = st.columns([2, 2, 3])
month: Month = top[0].selectbox(
    _("Month"), months, index=2, key="receipts.month", format_func=lambda m: fmt.month(m.first).capitalize()
)
status = top[1].selectbox(
    _("Status"), STATUS_FILTERS, key="receipts.status",
    format_func=lambda s: _(STATUS_LABELS[s]) if s else _("All"),
)

with top[2]:
    st.write("")
    if st.button(
        _("Issue the documents of {month}").format(month=fmt.month(month.first)),
        type="primary",
        key="receipts.generate",
        icon=":material/playlist_add:",
        disabled=not actor.can("documents", "create"),
    ):
        bar = st.progress(0.0, text=_("Issuing documents…"))

        def _progress(done: int, total: int) -> None:
            bar.progress(done / total, text=_("Issuing documents… {done}/{total}").format(done=done, total=total))

        run_action(
            lambda s: generate_month(s, actor=actor, month=month, progress=_progress),
            success=lambda r: ngettext(
                "{count} document issued ({existing} already existed).",
                "{count} documents issued ({existing} already existed).",
                len(r.created),
            ).format(count=len(r.created), existing=r.existing),
        )
        st.rerun()

rows = read(lambda s: list_documents(s, actor=actor, month=month, status=status or None, today=today))
if not rows:
    st.info(_("No document for this month yet: issue them with the button above."))
    st.stop()

st.download_button(
    _("Download the month's PDFs (ZIP)"),
    data=lambda: read(lambda s: month_zip(s, actor=actor, month=month)),
    file_name=f"quittances-{month}.zip",
    mime="application/zip",
    key="receipts.zip",
    icon=":material/folder_zip:",
)


def _status_text(row) -> str:
    label = _(STATUS_LABELS[row.status])
    return f"{label} · {_(STATUS_LABELS['overdue'])}" if row.overdue else label


table = pd.DataFrame(
    {
        _("Number"): [r.number or _("Draft") for r in rows],
        _("Tenant"): [r.tenant for r in rows],
        _("Unit"): [r.unit for r in rows],
        _("Due date"): [fmt.date(r.due_date) for r in rows],
        _("Status"): [_status_text(r) for r in rows],
        _("Total"): [fmt.money(r.total, r.currency) for r in rows],
        _("Paid"): [fmt.money(r.paid, r.currency) for r in rows],
        _("Balance"): [fmt.money(r.balance, r.currency) for r in rows],
    }
)
st.dataframe(table, hide_index=True, width="stretch")

by_id = {r.id: r for r in rows}
selected_id = st.selectbox(
    _("Document"),
    list(by_id),
    key="receipts.document",
    format_func=lambda i: f"{by_id[i].number or _('Draft')} — {by_id[i].tenant} — {_status_text(by_id[i])}",
)
if selected_id not in by_id:
    st.stop()
row = by_id[selected_id]

with reading() as session:
    doc = get_document(session, selected_id, actor=actor)
    title = _(document_title(doc))
    payments = [(p.id, p.paid_on, p.mode, p.amount, p.reference) for p in doc.payments]
    version = f"{doc.updated_at}|{len(payments)}|{settings_version(session)}"
    issued_at = doc.issued_at

st.subheader(f"{title} {row.number or ''}")
if issued_at is not None:
    st.caption(_("Issued on {date} at {time} · period {start} – {end}").format(
        date=fmt.date(fmt.local(issued_at).date()), time=fmt.time(issued_at),
        start=fmt.date(row.period_start), end=fmt.date(row.period_end)))
metrics = st.columns(3)
metrics[0].metric(_("Total"), fmt.money(row.total, row.currency))
metrics[1].metric(_("Paid"), fmt.money(row.paid, row.currency))
metrics[2].metric(_("Balance"), fmt.money(row.balance, row.currency))

left, right = st.columns([1, 1])
with left:
    st.markdown("**" + _("Payments") + "**")
    if not payments:
        st.caption(_("No payment recorded yet."))
    for pid, paid_on, mode, amount, reference in payments:
        cols = st.columns([3, 1])
        cols[0].markdown(
            f"{fmt.date(paid_on)} · {_(PAYMENT_MODE_LABELS[mode])} · {md(fmt.money(amount, row.currency))}"
            + (f" · {md(reference)}" if reference else "")
        )
        cols[1].button(
            _("Delete"),
            key=f"receipts.payment.delete.{pid}",
            on_click=run_action,
            args=(lambda s, p=pid: delete_payment(s, actor=actor, payment_id=p),),
            kwargs={"success": _("Payment deleted.")},
            disabled=not actor.can("payments", "delete"),
        )

    if row.status in ("unpaid", "partial") and actor.can("payments", "create"):
        form = f"payment-{selected_id}"

        def _record() -> None:
            state = st.session_state
            data = {
                "amount": state[f"{form}.amount"],
                "paid_on": state[f"{form}.date"],
                "mode": state[f"{form}.mode"],
                "reference": state[f"{form}.reference"],
            }
            run_action(
                lambda s: record_payment(s, actor=actor, document_id=selected_id, data=data),
                success=_("Payment recorded."),
                form=form,
            )

        with st.form(form, clear_on_submit=True):
            st.markdown("**" + _("Record a payment") + "**")
            st.text_input(_("Amount"), value=fmt.number(row.balance), key=f"{form}.amount")
            show_field_error(form, "amount")
            st.date_input(_("Payment date"), value=today, max_value=today, key=f"{form}.date", format="DD/MM/YYYY")
            show_field_error(form, "paid_on")
            st.selectbox(
                _("Payment mode"), list(PAYMENT_MODE_LABELS), key=f"{form}.mode",
                format_func=lambda m: _(PAYMENT_MODE_LABELS[m]),
            )
            st.text_input(_("Reference"), key=f"{form}.reference", max_chars=100)
            st.form_submit_button(_("Record the payment"), type="primary", on_click=_record)


@st.cache_data(max_entries=64, show_spinner=False)
def _pdf(url: str, document_id: int, version: str) -> tuple[str, bytes]:
    # Only reached after get_document() above checked that this user may see the document.
    from homecrm.security.principal import Principal

    return read(lambda s: document_pdf(s, actor=Principal.system(), document_id=document_id))


with right:
    name, pdf = _pdf(database_url(), selected_id, version)
    st.download_button(
        _("Download the PDF"), data=pdf, file_name=name, mime="application/pdf",
        key="receipts.pdf", icon=":material/download:", type="primary",
    )
    if st.toggle(_("Show the PDF"), key="receipts.preview", value=True):
        st.pdf(pdf, height=700)
