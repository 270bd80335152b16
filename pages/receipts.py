"""Quittances: issue the month's rent documents, record payments, credit notes, PDFs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm import clock
from homecrm.billing.credit_notes import cancel_document, create_credit_note
from homecrm.billing.documents import (
    STATUS_LABELS,
    assign_sale_agent,
    delete_draft,
    document_months,
    document_title,
    generate_month,
    get_document,
    issue_document,
    list_documents,
    remove_line,
)
from homecrm.billing.exports import document_pdf, ensure_links_for_printing, month_document_ids, month_zip
from homecrm.billing.payment_reports import mode_label
from homecrm.billing.payments import (
    PAYMENT_MODE_LABELS,
    RECEIVED_MODES,
    apply_credit,
    credit_for_document,
    delete_payment,
    money_received,
    money_returned,
    payments_shown,
    record_payment,
    sum_parts,
)
from homecrm.billing.money import minor_units
from homecrm.billing.periods import Month
from homecrm.i18n import _, ngettext
from homecrm.security.accounts import staff_names
from homecrm.settings import load_section, settings_version
from homecrm.settings.sections import CreditNoteSettings, StripeSettings
from homecrm.ui.choice import keep_choice
from homecrm.ui.db import read, reading, writing
from homecrm.ui.feedback import confirm_button, forget_errors_on_change, run_action, show_field_error, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.once import run_once, submission_token, submit_key
from homecrm.ui.page import page_setup
from homecrm.ui.tags import tag_filter, tags_editor
from homecrm.ui.text import md
from homecrm.ui.widgets import EARLIEST, date_format_of, prefill

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
window = {current.shift(offset) for offset in range(2, -13, -1)}
months = sorted(window | set(read(lambda s: document_months(s, actor=actor))), key=lambda m: (m.year, m.month),
                reverse=True)
ALL = None
STATUS_FILTERS = ["", "unpaid", "partial", "paid", "overdue", "cancelled"]

top = st.columns([2, 2, 2, 2, 3])
keep_choice("receipts.month", [*months, None], default=current)
month: Month | None = top[0].selectbox(
    _("Month"), [*months, ALL], key="receipts.month",
    format_func=lambda m: fmt.month(m.first).capitalize() if m else _("All months"),
)
status = top[1].selectbox(_("Status"), STATUS_FILTERS, key="receipts.status",
                          format_func=lambda s: _(STATUS_LABELS[s]) if s else _("All"))
search = top[2].text_input(_("Tenant"), key="receipts.search", placeholder=_("Name…"))
tag = tag_filter(top[3], "receipts.tag")

with top[4]:
    st.write("")
    issue = False
    if month is not None:
        label = _("Issue the documents of {month}").format(month=fmt.month(month.first))
        if month.first < current.first:
            # Numbered for good and late at once: a past month is issued only after saying so.
            with st.popover(label, icon=":material/playlist_add:", disabled=not actor.can("documents", "create")):
                st.markdown(md(_("{month} is over: its documents will be numbered now and be overdue at once. An issued "
                                 "document is never deleted, only cancelled by a credit note.").format(
                    month=fmt.month(month.first).capitalize())))
                issue = st.button(_("Issue them"), type="primary", key="receipts.generate")
        else:
            issue = st.button(label, type="primary", key="receipts.generate", icon=":material/playlist_add:",
                              disabled=not actor.can("documents", "create"))
    if issue:
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

all_rows = read(lambda s: list_documents(s, actor=actor, month=month, today=today, tag=tag))
rows = [r for r in all_rows if (not status or r.status == status or (status == "overdue" and r.overdue))
        and search.strip().lower() in r.tenant.lower()]
if not all_rows and not tag:
    if not month:
        st.info(_("No document yet."))
    elif actor.visibility("documents") == "own":  # others' documents may exist: only "yours" is known
        st.info(_("None of your documents for this month."))
    elif not actor.can("documents", "create"):
        st.info(_("No document for this month yet."))
    else:
        st.info(_("No document for this month yet: issue them with the button above."))
    st.stop()


def _month_zip(chosen: Month) -> bytes:
    """With card payment on, the documents get their payment links first (a write), then print."""
    if read(lambda s: load_section(s, StripeSettings).enabled):
        with writing() as session:
            ensure_links_for_printing(session, actor=actor,
                                      document_ids=month_document_ids(session, chosen, actor=actor))
    return read(lambda s: month_zip(s, actor=actor, month=chosen))


if month is not None:
    st.download_button(
        _("Download the month's PDFs (ZIP)"), data=lambda: _month_zip(month),
        file_name=f"quittances-{month}.zip", mime="application/zip", key="receipts.zip", icon=":material/folder_zip:",
    )
if not rows:
    st.info(_("No document matches these filters."))
    st.stop()


def _status_text(row) -> str:
    label = _(STATUS_LABELS[row.status])
    return f"{label} · {_(STATUS_LABELS['overdue'])}" if row.overdue else label


st.dataframe(
    pd.DataFrame(
        {
            _("Number"): [r.number or _("Draft") for r in rows],
            _("Tenant"): [r.tenant for r in rows],
            _("Period"): [fmt.month(r.period_start) for r in rows],
            _("Due date"): [fmt.date(r.due_date) for r in rows],
            _("Status"): [_status_text(r) for r in rows],
            _("Total"): [fmt.money(r.total, r.currency) for r in rows],
            _("Balance"): [fmt.money(r.balance, r.currency) for r in rows],
            _("Tags"): [", ".join(r.tags) for r in rows],
        }
    ),
    hide_index=True, width="stretch",
    column_config={_("Status"): st.column_config.TextColumn(width="medium")},
)

by_id = {r.id: r for r in rows}
keep_choice("receipts.document", list(by_id))
selected_id = st.selectbox(
    _("Document"), list(by_id), key="receipts.document",
    format_func=lambda i: f"{by_id[i].number or _('Draft')} — {by_id[i].tenant} — {fmt.month(by_id[i].period_start)}",
)
if selected_id not in by_id:
    st.stop()
forget_errors_on_change("receipts.document", selected_id)

with reading() as session:
    doc = get_document(session, selected_id, actor=actor)
    title = _(document_title(doc))
    payments = []
    for p in payments_shown(actor, doc):
        parts = sum_parts(session, p)  # one sum spread over several documents is deleted as a whole
        payments.append((p.id, p.paid_on, p.mode, p.amount, p.reference,
                         [x.document.number or "" for x in parts], sum(x.amount for x in parts)))
    returned = money_returned(actor, doc)
    version = f"{doc.updated_at}|{len(payments)}|{doc.amount_credited}|{settings_version(session)}"
    info = {"number": doc.number, "state": doc.state, "currency": doc.currency, "total": doc.total,
            "credited": doc.amount_credited, "paid": doc.net_paid, "balance": doc.balance, "issued_on": doc.issued_on,
            "issued_at": doc.issued_at, "customer_id": doc.customer_id, "status": doc.payment_status,
            "start": doc.period_start, "end": doc.period_end, "sale_agent_id": doc.sale_agent_id,
            "lines": [(line.id, line.kind, line.description, line.net, line.tax, line.total) for line in doc.lines]}
    credit_available = credit_for_document(session, actor=actor, doc=doc)
cur = info["currency"]

st.subheader(f"{title} {info['number'] or ''}")
if info["issued_on"] is not None:
    st.caption(_("Issued on {date} (recorded on {recorded} at {time}) · period {start} – {end}").format(
        date=fmt.date(info["issued_on"]), recorded=fmt.date(fmt.local(info["issued_at"]).date()),
        time=fmt.time(info["issued_at"]), start=fmt.date(info["start"]), end=fmt.date(info["end"])))
tags_editor(actor, "document", selected_id)
agent_names = read(staff_names)
agent_options = [None, *agent_names]
if info["sale_agent_id"] not in agent_options:
    agent_options.append(info["sale_agent_id"])  # an account deactivated since: still shown
agent_key = f"receipts.agent.{selected_id}"
st.session_state[agent_key] = info["sale_agent_id"]
st.selectbox(
    _("Sale agent"), agent_options, key=agent_key,
    format_func=lambda i: _("Nobody") if i is None else agent_names.get(i, _("Account #{id}").format(id=i)),
    disabled=not actor.can("documents", "edit"),
    help=_("The staff member in charge of this document; a \"view own\" account sees the documents it is agent of."),
    on_change=lambda: run_action(lambda s: assign_sale_agent(s, actor=actor, document_id=selected_id,
                                                             agent_id=st.session_state[agent_key]),
                                 success=_("Sale agent changed.")),
)
metrics = st.columns(4)
metrics[0].metric(_("Total"), fmt.money(info["total"], cur))
metrics[1].metric(_("Credit notes"), fmt.money(info["credited"], cur))
metrics[2].metric(_("Paid"), fmt.money(info["paid"], cur))
metrics[3].metric(_("Balance"), fmt.money(info["balance"], cur))

if info["state"] == "draft":
    st.info(_("Draft: not numbered yet. It is issued with the month's documents, or now with the button below."))
    for line_id, kind, description, net, tax, line_total in info["lines"]:
        lcols = st.columns([6, 2, 1])
        lcols[0].markdown(md(description))
        lcols[1].markdown(md(fmt.money(line_total, cur)))
        if kind in ("fee", "other"):
            lcols[2].button("✕", key=f"receipts.line.delete.{line_id}", help=_("Remove this line"),
                            disabled=not actor.can("documents", "edit"), on_click=run_action,
                            args=(lambda s, i=line_id: remove_line(s, actor=actor, line_id=i),),
                            kwargs={"success": _("Line removed.")})
    dcols = st.columns(2)
    dcols[0].button(_("Issue this document"), key=f"receipts.issue.{selected_id}", type="primary",
                    disabled=not actor.can("documents", "create"), on_click=run_action,
                    args=(lambda s: issue_document(s, actor=actor, document_id=selected_id),),
                    kwargs={"success": lambda d: _("Document {number} issued.").format(number=d.number)})
    with dcols[1]:
        confirm_button(_("Delete the draft"), key=f"receipts.draft.delete.{selected_id}",
                       question=_("Delete this draft? Time put on it becomes billable again."),
                       action=lambda s: delete_draft(s, actor=actor, document_id=selected_id),
                       success=_("Draft deleted."), disabled=not actor.can("documents", "delete"))
    st.stop()

tab_pay, tab_credit, tab_pdf, tab_email = st.tabs([_("Payments"), _("Credit note"), _("PDF"), _("E-mail")],
                                                    key="receipts.tabs")

with tab_pay:
    if not actor.can("payments", "view_own"):
        st.caption(_("Your role does not show payments."))
    elif not payments:
        st.caption(_("No payment recorded yet."))
    for pid, paid_on, mode, amount, reference, numbers, whole in payments:
        cols = st.columns([4, 1])
        cols[0].markdown(f"{fmt.date(paid_on)} · {_(PAYMENT_MODE_LABELS[mode])} · {md(fmt.money(amount, cur))}"
                         + (f" · {md(reference)}" if reference else ""))
        question = _("Delete this payment? The document's title will change accordingly.")
        if len(numbers) > 1:
            question = _("This payment is part of a sum of {amount} spread over {numbers}: the whole sum will be "
                         "deleted, and those documents' titles will change accordingly.").format(
                amount=md(fmt.money(whole, cur)), numbers=md(", ".join(numbers)))
        with cols[1]:
            confirm_button(
                _("Delete"), key=f"receipts.payment.delete.{pid}",
                question=question,
                action=lambda s, p=pid: delete_payment(s, actor=actor, payment_id=p),
                success=_("Payment deleted."), disabled=not actor.can("payments", "delete"),
            )
    for back in returned:  # money given back by credit notes
        if back.refunded > 0:
            st.markdown(md(_("{date} · Refunded by {note} ({mode}) · −{amount}").format(
                date=fmt.date(back.on), note=back.note, mode=mode_label(back.mode) if back.mode else "—",
                amount=fmt.money(back.refunded, cur))))
        if back.kept > 0:
            st.markdown(md(_("{date} · Kept as the tenant's credit by {note} · −{amount}").format(
                date=fmt.date(back.on), note=back.note, amount=fmt.money(back.kept, cur))))
    if credit_available and info["balance"] > 0 and actor.can("payments", "create"):
        st.button(
            _("Use the tenant's credit ({amount})").format(amount=fmt.money(credit_available, cur)),
            key=f"receipts.credit.{selected_id}", on_click=run_action,
            args=(lambda s: apply_credit(s, actor=actor, document_id=selected_id),),
            kwargs={"success": _("Credit applied.")},
        )
    if info["state"] == "issued" and info["balance"] > 0 and actor.can("payments", "create"):
        form = f"payment-{selected_id}"
        amount_key = f"{form}.amount"
        # A new balance (another payment, a credit note): propose it.
        prefill(f"{form}.__balance", str(info["balance"]), {amount_key: fmt.editable(info["balance"], minor_units(cur))})

        def _record(doc_id: int = selected_id) -> None:
            state = st.session_state
            data = {"amount": state[amount_key], "paid_on": state[f"{form}.date"], "mode": state[f"{form}.mode"],
                    "reference": state[f"{form}.reference"]}

            def action(s, token):
                payment = record_payment(s, actor=actor, document_id=doc_id, data=data, submission=token)
                return money_received(s, payment)

            run_once(form, data, action,
                     success=lambda r: _("Payment recorded. {summary}").format(summary=r.summary(fmt)))

        submission_token(form)
        with st.form(form):
            st.markdown("**" + _("Record a payment") + "**")
            st.text_input(_("Amount"), key=amount_key, help=_("More than the balance is kept as the tenant's credit."))
            show_field_error(form, "amount")
            st.date_input(_("Payment date"), value=today, min_value=EARLIEST,
                          key=f"{form}.date", format=date_format_of(fmt))
            show_field_error(form, "paid_on")
            st.selectbox(_("Payment mode"), list(RECEIVED_MODES), key=f"{form}.mode",
                         format_func=lambda m: _(PAYMENT_MODE_LABELS[m]))
            st.text_input(_("Reference"), key=f"{form}.reference", max_chars=100)
            st.form_submit_button(_("Record the payment"), type="primary", on_click=_record, key=submit_key(form))

with tab_credit:
    if info["state"] != "issued" or not actor.can("credit_notes", "create"):
        st.caption(_("No credit note can be issued on this document."))
    else:
        cform = f"credit-{selected_id}"
        # Only what fits this document: nothing owed → no deduction; nothing paid → no refund.
        kinds = {}
        if info["balance"] > 0:
            kinds["applied"] = _("Deduct from what is owed")
        if info["paid"] > 0:
            kinds["credit"] = _("Keep paid money as the tenant's credit")
            kinds["refund"] = _("Refund money already paid")
        kind_key = f"{cform}.kind"
        if st.session_state.get(kind_key) not in kinds:
            st.session_state[kind_key] = next(iter(kinds))
        st.radio(_("Credit"), list(kinds), format_func=kinds.get, key=kind_key)

        def _credit(doc_id: int = selected_id) -> None:
            state = st.session_state
            data = {"amount": state.get(f"{cform}.amount", ""), "kind": state.get(kind_key),
                    "reason": state.get(f"{cform}.reason", ""), "refund_mode": state.get(f"{cform}.refund_mode", "transfer"),
                    "refund_date": state.get(f"{cform}.refund_date"),
                    "client_note": state.get(f"{cform}.client_note", ""), "terms": state.get(f"{cform}.terms", "")}
            run_once(cform, data, lambda s, token: create_credit_note(s, actor=actor, document_id=doc_id, data=data,
                                                                      submission=token),
                     success=lambda n: _("Credit note {number} issued.").format(number=n.number))

        submission_token(cform)
        note_defaults = read(lambda s: load_section(s, CreditNoteSettings))  # editable for this credit note
        with st.form(cform, clear_on_submit=True):
            st.text_input(_("Amount"), key=f"{cform}.amount")
            show_field_error(cform, "amount")
            if st.session_state.get(kind_key) == "refund":
                st.selectbox(_("Refund mode"), list(RECEIVED_MODES), key=f"{cform}.refund_mode",
                             format_func=lambda m: _(PAYMENT_MODE_LABELS[m]))
                st.date_input(_("Refund date"), value=today, min_value=EARLIEST,
                              key=f"{cform}.refund_date", format=date_format_of(fmt))
                show_field_error(cform, "refund_date")
            st.text_input(_("Reason"), key=f"{cform}.reason", max_chars=300)
            st.text_area(_("Note to the tenant"), value=note_defaults.default_client_note, key=f"{cform}.client_note",
                         max_chars=2000, height=80)
            st.text_area(_("Terms and conditions"), value=note_defaults.default_terms, key=f"{cform}.terms",
                         max_chars=2000, height=80)
            st.form_submit_button(_("Issue the credit note"), on_click=_credit, key=submit_key(cform))
        confirm_button(
            _("Cancel this document"), key=f"receipts.cancel.{selected_id}",
            question=_("Cancel {number} with a credit note for all that remains of it? "
                       "Money already paid stays as the tenant's credit.").format(number=info["number"]),
            action=lambda s: cancel_document(s, actor=actor, document_id=selected_id),
            success=_("Document cancelled by a credit note."),
        )


with tab_pdf:
    from homecrm.ui.payment_link import payment_link_box

    payment_link_box(actor, selected_id)  # draws the box and makes the link the PDF prints
    # Made from the document as it is now (the renderer remembers the last PDFs by their HTML).
    name, pdf = read(lambda s: document_pdf(s, actor=actor, document_id=selected_id))
    st.download_button(_("Download the PDF"), data=pdf, file_name=name, mime="application/pdf",
                       key="receipts.pdf", icon=":material/download:", type="primary")
    if st.toggle(_("Show the PDF"), key="receipts.preview", value=True):
        st.pdf(pdf, height=900)

with tab_email:
    from homecrm.ui.document_email import document_email_box

    document_email_box(actor, selected_id, version)
