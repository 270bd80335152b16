"""Relevés de compte: a tenant's dues, payments and credits with a running balance; sums on account."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from homecrm import clock
from homecrm.billing.exports import statement_pdf
from homecrm.billing.payments import PAYMENT_MODE_LABELS, RECEIVED_MODES, record_payment_on_account
from homecrm.billing.statements import statement_currencies, tenant_statement
from homecrm.crm.customers import list_customers
from homecrm.errors import ValidationError
from homecrm.i18n import _
from homecrm.ui.choice import keep_choice
from homecrm.ui.db import read
from homecrm.ui.feedback import show_field_error, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.once import run_once, submission_token, submit_key
from homecrm.ui.page import page_setup
from homecrm.ui.text import md
from homecrm.ui.widgets import EARLIEST, date_format_of

actor = page_setup("documents", "view", also=(("payments", "view"), ("tenants", "view_own")))
fmt = current_formats()
today = clock.today(fmt.timezone)
st.title(_("Tenant statements"))
show_flashes()

tenants = {c.id: c.name for c in read(lambda s: list_customers(s, actor=actor))}
if not tenants:
    st.info(_("No tenant yet."))
    st.stop()
cols = st.columns([3, 1, 1])
keep_choice("statements.tenant", list(tenants))
customer_id = cols[0].selectbox(_("Tenant"), list(tenants), format_func=tenants.get, key="statements.tenant")
first = cols[1].date_input(_("From"), value=date(today.year, 1, 1), key="statements.from", format=date_format_of(fmt))
last = cols[2].date_input(_("To"), value=today, key="statements.to", format=date_format_of(fmt))

currencies = read(lambda s: statement_currencies(s, customer_id))
currency = currencies[0]
if len(currencies) > 1:
    keep_choice(f"statements.currency.{customer_id}", currencies)
    currency = st.selectbox(_("Currency"), currencies, key=f"statements.currency.{customer_id}",
                            help=_("This tenant has leases in several currencies: one statement per currency."))
try:
    statement = read(lambda s: tenant_statement(s, actor=actor, customer_id=customer_id, first=first, last=last,
                                                currency=currency))
except ValidationError as exc:  # e.g. the end of the period before its start
    st.error(md(str(exc)), icon=":material/error:")
    st.stop()
cur = statement.currency
top = st.columns(4)
top[0].metric(_("Opening balance"), fmt.money(statement.opening, cur))
top[1].metric(_("Debits"), fmt.money(statement.total_debit, cur))
top[2].metric(_("Credits"), fmt.money(statement.total_credit, cur))
if statement.closing < 0:
    # The words under the figure, not in it: a metric cuts what does not fit its column.
    top[3].metric(_("Closing balance"), fmt.money(-statement.closing, cur))
    top[3].caption(_("In the tenant's favour."))
else:
    top[3].metric(_("Closing balance"), fmt.money(statement.closing, cur), help=_("Owed by the tenant."))
if statement.available_credit:
    st.caption(_("Of which credit not yet used by a document: {amount} (already counted in the balance).").format(
        amount=fmt.money(statement.available_credit, cur)))

KINDS = {"document": _("Rent due"), "payment": _("Payment"), "credit_note": _("Credit note"), "refund": _("Refund")}
if statement.entries:
    st.dataframe(
        pd.DataFrame({
            _("Date"): [fmt.date(e.on) for e in statement.entries],
            _("Type"): [KINDS[e.kind] for e in statement.entries],
            _("Reference"): [e.reference for e in statement.entries],
            _("Settles"): [", ".join(n for n, _a in e.allocations) for e in statement.entries],
            _("Debit"): [fmt.money(e.debit, cur) if e.debit else "" for e in statement.entries],
            _("Credit"): [fmt.money(e.credit, cur) if e.credit else "" for e in statement.entries],
            _("Balance"): [fmt.money(e.balance, cur) for e in statement.entries],
        }),
        hide_index=True, width="stretch",
    )
else:
    st.caption(_("Nothing in this period."))

name, pdf = read(lambda s: statement_pdf(s, actor=actor, customer_id=customer_id, first=first, last=last,
                                         currency=currency))
buttons = st.columns(2)
buttons[0].download_button(_("Download the statement (PDF)"), data=pdf, file_name=name, mime="application/pdf",
                           key="statements.pdf", type="primary", icon=":material/download:")
with buttons[1].expander(_("E-mail it to the tenant"), icon=":material/mail:"):
    from homecrm.settings import settings_version
    from homecrm.ui.document_email import statement_email_box

    statement_email_box(actor, customer_id, first, last, f"{statement.closing}|{read(settings_version)}",
                        currency=currency)

if actor.can("payments", "create"):
    form = "on-account"

    def _record(tenant: int = customer_id, cur: str = currency) -> None:
        state = st.session_state
        data = {"amount": state.get(f"{form}.amount", ""), "paid_on": state.get(f"{form}.date"),
                "mode": state.get(f"{form}.mode"), "reference": state.get(f"{form}.reference", "")}
        run_once(form, (tenant, data), lambda s, token: record_payment_on_account(
            s, actor=actor, customer_id=tenant, data=data, submission=token, currency=cur),
            success=lambda r: _("Sum recorded. {summary}").format(summary=r.as_received().summary(fmt)))

    submission_token(form)
    with st.form(form, clear_on_submit=True):
        st.markdown("**" + _("Record a sum received on account") + "**")
        st.caption(_("Allocated to the oldest unpaid documents first; any remainder is kept as credit."))
        row = st.columns(4)
        row[0].text_input(_("Amount") + (f" ({currency})" if len(currencies) > 1 else ""), key=f"{form}.amount")
        row[1].date_input(_("Date"), value=today, min_value=EARLIEST, key=f"{form}.date", format=date_format_of(fmt))
        row[2].selectbox(_("Mode"), list(RECEIVED_MODES), key=f"{form}.mode", format_func=lambda m: _(PAYMENT_MODE_LABELS[m]))
        row[3].text_input(_("Reference"), key=f"{form}.reference")
        show_field_error(form, "amount")
        show_field_error(form, "paid_on")
        st.form_submit_button(_("Record the sum"), on_click=_record, key=submit_key(form))
