"""Tableau de bord: this month's rent due and collected, who is late, the last twelve months."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from homecrm import clock
from homecrm.billing.periods import Month
from homecrm.billing.reports import last_months, month_figures, occupancy, overdue_documents
from homecrm.i18n import _, ngettext
from homecrm.ui.currency import currency_choice
from homecrm.ui.db import reading
from homecrm.ui.feedback import show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.page import page_setup

actor = page_setup("reports", "view")
fmt = current_formats()
today = clock.today(fmt.timezone)
month = Month.of(today)
st.title(_("Dashboard"))
show_flashes()
currency = currency_choice("dashboard.currency")

with reading() as session:
    figures = month_figures(session, month, actor=actor, currency=currency)
    history = last_months(session, actor=actor, until=month, count=12, currency=currency)
    late = [r for r in overdue_documents(session, actor=actor, today=today) if r.currency == currency]
    occ = occupancy(session, actor=actor, on=today)

cols = st.columns(4)
cols[0].metric(_("Due in {month}").format(month=fmt.month(month.first)), fmt.money(figures.due, currency))
cols[1].metric(_("Collected"), fmt.money(figures.collected, currency))
if figures.due:
    cols[1].caption(_("{rate} % of what is due this month").format(rate=fmt.number(figures.rate, 1)))
late_total = sum((r.balance for r in late), start=figures.due * 0)
cols[2].metric(_("Overdue"), fmt.money(late_total, currency))
cols[2].caption(ngettext("{n} document", "{n} documents", len(late)).format(n=len(late)))
cols[3].metric(_("Occupancy"), f"{occ.let} / {occ.units}")
cols[3].caption(_("units let today"))

if not figures.documents:
    st.info(_("This month's documents are not issued yet: open Rent receipts to issue them."))

st.subheader(_("Last 12 months"))
labels = [fmt.short_month(f.month.first) for f in history]
chart = go.Figure(
    data=[
        go.Bar(name=_("Due"), x=labels, y=[float(f.due) for f in history], marker_color="#9db4cf"),
        go.Bar(name=_("Collected"), x=labels, y=[float(f.collected) for f in history], marker_color="#1f4e79"),
    ]
)
# float() only feeds the chart's axis; every figure shown as text above comes from Decimal.
chart.update_layout(barmode="group", height=380, margin=dict(l=10, r=10, t=10, b=40), legend=dict(orientation="h"),
                    separators=fmt.decimal_separator + ("\u202f" if fmt.thousands_separator == "space" else
                                                        {"none": ""}.get(fmt.thousands_separator, fmt.thousands_separator)),
                    yaxis=dict(rangemode="tozero", tickformat=",.0f"), xaxis=dict(tickangle=0))
st.plotly_chart(chart, width="stretch")

st.subheader(_("Overdue documents"))
if not late:
    st.success(_("Nobody is late. 🎉"))
else:
    st.dataframe(
        pd.DataFrame(
            {
                _("Number"): [r.number for r in late],
                _("Tenant"): [r.tenant for r in late],
                _("Unit"): [r.unit for r in late],
                _("Due date"): [fmt.date(r.due_date) for r in late],
                _("Days late"): [(today - r.due_date).days for r in late],
                _("Balance"): [fmt.money(r.balance, r.currency) for r in late],
            }
        ),
        hide_index=True,
        width="stretch",
    )
