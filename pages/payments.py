"""Paiements: what came in, how and when, what is owed by age — for analysts (filters, charts, exports)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from homecrm import clock
from homecrm.billing.payment_reports import (
    AGEING_BUCKETS,
    ageing,
    collected_by_month_and_mode,
    document_label,
    filter_choices,
    mode_label,
    payment_rows,
    punctuality,
    to_csv,
    to_excel,
)
from homecrm.billing.payments import PAYMENT_MODE_LABELS, RECEIVED_MODES, list_available_credits
from homecrm.billing.periods import Month
from homecrm.i18n import _
from homecrm.ui.currency import currency_choice
from homecrm.ui.db import read
from homecrm.ui.feedback import show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.page import page_setup
from homecrm.ui.stripe_sync import sync_button
from homecrm.ui.widgets import date_format_of

actor = page_setup("payments", "view_own")
fmt = current_formats()
today = clock.today(fmt.timezone)
st.title(_("Payments"))
show_flashes()
sync_button(actor)

properties, tenants = read(lambda s: filter_choices(s, actor=actor))
cols = st.columns([3, 3, 4, 4, 3, 3])
# The last twelve months, this one included: from the first day of the month eleven months ago.
first = cols[0].date_input(_("From"), value=Month.of(today).shift(-11).first, key="payments.from", format=date_format_of(fmt))
last = cols[1].date_input(_("To"), value=today, key="payments.to", format=date_format_of(fmt))
property_id = cols[2].selectbox(_("Property"), [None, *properties], format_func=lambda p: properties.get(p, _("All")),
                                key="payments.property")
customer_id = cols[3].selectbox(_("Tenant"), [None, *tenants], format_func=lambda c: tenants.get(c, _("All")),
                                key="payments.tenant")
mode = cols[4].selectbox(_("Mode"), [None, *RECEIVED_MODES],
                         format_func=lambda m: _(PAYMENT_MODE_LABELS[m]) if m else _("All"), key="payments.mode")
timing = cols[5].selectbox(_("Status"), [None, "on_time", "late"],
                           format_func=lambda t: {None: _("All"), "on_time": _("On time"), "late": _("Late")}[t],
                           key="payments.timing")

currency = currency_choice("payments.currency")
rows = read(lambda s: payment_rows(s, actor=actor, first=first, last=last, property_id=property_id,
                                   customer_id=customer_id, mode=mode, timing=timing, currency=currency))
buckets = read(lambda s: ageing(s, actor=actor, today=today, property_id=property_id, customer_id=customer_id,
                                currency=currency))
on_time = punctuality(rows)
total = sum((r.amount for r in rows), start=on_time.on_time * 0)

metrics = st.columns(4)
metrics[0].metric(_("Collected"), fmt.money(total, currency),
                  help=_("Money actually received, including the part kept as tenants' credit, minus what was "
                         "refunded to tenants (listed below as negative amounts)."))
metrics[1].metric(_("Payments"), str(sum(1 for r in rows if r.kind != "refund")))
metrics[2].metric(_("Paid late"), f"{fmt.number(on_time.late_share, 1)} %")
metrics[3].metric(_("Still owed (overdue)"), fmt.money(sum(buckets.values(), start=total * 0), currency))

exports = st.columns(2)
exports[0].download_button(_("Export CSV"), data=to_csv(rows), file_name="paiements.csv", mime="text/csv",
                           key="payments.csv", icon=":material/download:")
exports[1].download_button(_("Export Excel"), data=lambda: to_excel(rows), file_name="paiements.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="payments.xlsx", icon=":material/table:")

# Charts: plotly needs floats for its axes; every figure printed above is an exact Decimal.
# Months are given as French labels (categories, not dates plotly would name in English) and the
# axes use the French separators ("10 000", "1 234,5").
SEPARATORS = fmt.decimal_separator + ("\u202f" if fmt.thousands_separator == "space" else fmt.thousands_separator[:1] or " ")
chart_cols = st.columns(2)
by_month = collected_by_month_and_mode(rows)
month_labels = [fmt.short_month(Month.parse(m).first) for m in by_month]
figure = go.Figure()
for code in RECEIVED_MODES:
    values = [float(by_month[m].get(code, 0)) for m in by_month]
    if any(values):
        figure.add_bar(name=_(PAYMENT_MODE_LABELS[code]), x=month_labels, y=values)
figure.update_layout(barmode="stack", title=_("Collected per month, by mode"), height=340, separators=SEPARATORS,
                     margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h"),
                     xaxis=dict(type="category"), yaxis=dict(tickformat=",.0f"))
chart_cols[0].plotly_chart(figure, width="stretch")
share = go.Figure(go.Pie(labels=[_("On time"), _("Late")], values=[float(on_time.on_time), float(on_time.late)], hole=0.5))
share.update_layout(title=_("On time vs late (amounts)"), height=340, margin=dict(l=10, r=10, t=40, b=10),
                    separators=SEPARATORS)
chart_cols[1].plotly_chart(share, width="stretch")
age = go.Figure(go.Bar(x=[_("{bucket} days").format(bucket=b) for b in AGEING_BUCKETS],
                       y=[float(buckets[b]) for b in AGEING_BUCKETS], marker_color="#b3261e"))
age.update_layout(title=_("Overdue balances by age"), height=320, margin=dict(l=10, r=10, t=40, b=10),
                  separators=SEPARATORS, yaxis=dict(tickformat=",.0f"))
st.plotly_chart(age, width="stretch")

if rows:
    st.dataframe(
        pd.DataFrame({
            _("Date"): [fmt.date(r.paid_on) for r in rows],
            _("Tenant"): [r.tenant for r in rows],
            _("Property"): [r.property for r in rows],
            _("Document"): [document_label(r) for r in rows],
            _("Mode"): [mode_label(r.mode) for r in rows],
            _("Amount"): [fmt.money(r.amount, r.currency) for r in rows],
            _("Days late"): [r.days_late for r in rows],
        }),
        hide_index=True, width="stretch",
    )
else:
    st.info(_("No payment for these filters."))

credits = read(lambda s: list_available_credits(s, actor=actor))
if credits:
    st.subheader(_("Tenants' credit"))
    st.caption(_("Money received that no document has used yet (an excess, a sum on account, a card payment of a "
                 "document cancelled or already paid). It pays the tenant's next documents automatically."))
    st.dataframe(
        pd.DataFrame({
            _("Received on"): [fmt.date(c.received_on) for c in credits],
            _("Tenant"): [c.tenant for c in credits],
            _("Origin"): [c.note for c in credits],
            _("Mode"): [mode_label(c.mode) if c.mode else "" for c in credits],
            _("Reference"): [c.reference for c in credits],
            _("Available"): [fmt.money(c.remaining, c.currency) for c in credits],
        }),
        hide_index=True, width="stretch",
    )
