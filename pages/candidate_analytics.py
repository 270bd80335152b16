"""Analyse des candidats: which sources bring candidates who sign (for analysts)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from homecrm.billing.periods import Month
from homecrm.crm.candidate_analytics import analytics, to_csv
from homecrm.crm.candidate_board import board_choices
from homecrm.i18n import _
from homecrm.ui.db import read
from homecrm.ui.formats import current_formats, today
from homecrm.ui.page import page_setup
from homecrm.ui.widgets import date_format_of

actor = page_setup("reports", "view")
fmt = current_formats()
now = today()
st.title(_("Candidate analytics"))
st.caption(_("Candidates created in the period: where they come from, how many became tenants and how fast."))
choices = read(board_choices)

cols = st.columns([1, 1, 2, 2])
first = cols[0].date_input(_("From"), value=Month.of(now).shift(-11).first, key="leads.from", format=date_format_of(fmt))
last = cols[1].date_input(_("To"), value=now, key="leads.to", format=date_format_of(fmt))
property_id = cols[2].selectbox(_("Property wanted"), [None, *choices.properties], key="leads.property",
                                format_func=lambda k: choices.properties.get(k, _("All")))
source_id = cols[3].selectbox(_("Source"), [None, *choices.sources], key="leads.source",
                              format_func=lambda k: choices.sources.get(k, _("All")))
if first > last:
    st.warning(_("\"From\" is after \"To\": the two dates are swapped."))
    first, last = last, first
figures = read(lambda s: analytics(s, actor=actor, first=first, last=last, property_id=property_id,
                                   source_id=source_id))

metrics = st.columns(4)
metrics[0].metric(_("Candidates"), figures.total)
metrics[1].metric(_("Became tenants"), figures.converted)
metrics[2].metric(_("Conversion rate"), f"{fmt.number(figures.rate, 1)} %")
metrics[3].metric(_("Median days to conversion"),
                  fmt.number(figures.median_days, 1) if figures.median_days is not None else "—")
st.download_button(_("Export CSV"), data=to_csv(figures, date_format=fmt.date_format), file_name="analyse-candidats.csv", mime="text/csv",
                   key="leads.csv", icon=":material/download:")
if not figures.total:
    st.info(_("No candidate created in this period."))
    st.stop()

# Charts: plotly needs floats; every figure printed in the tables is exact.
LAYOUT = dict(height=360, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h"))
charts = st.columns(2)
per_month = go.Figure()
month_labels = [fmt.short_month(Month.parse(m).first) for m in figures.by_month]  # French, categorical axis
for source in [f.source for f in figures.sources]:
    per_month.add_bar(name=source, x=month_labels, y=[figures.by_month[m].get(source, 0) for m in figures.by_month])
per_month.update_xaxes(type="category")
per_month.update_layout(barmode="stack", title=_("Candidates per month, by source"), **LAYOUT)
charts[0].plotly_chart(per_month, width="stretch")
rates = go.Figure(go.Bar(x=[f.source for f in figures.sources], y=[float(f.rate) for f in figures.sources],
                         text=[f"{fmt.number(f.rate, 1)} %" for f in figures.sources], marker_color="#1b7f3a"))
rates.update_layout(title=_("Conversion rate per source (%)"), **LAYOUT)
charts[1].plotly_chart(rates, width="stretch")

charts = st.columns(2)
funnel = go.Figure(go.Funnel(y=[s.status for s in figures.funnel], x=[s.reached for s in figures.funnel],
                             marker={"color": [s.color for s in figures.funnel]}, textinfo="value+percent initial"))
funnel.update_layout(title=_("Funnel: candidates who reached each stage"), **LAYOUT)
charts[0].plotly_chart(funnel, width="stretch")
if figures.lost_reasons:
    lost = go.Figure(go.Bar(x=[count for _reason, count in figures.lost_reasons],
                            y=[reason for reason, _count in figures.lost_reasons], orientation="h",
                            marker_color="#b3261e"))
    lost.update_layout(title=_("Why candidates were lost"), **LAYOUT)
    lost.update_yaxes(autorange="reversed")
    charts[1].plotly_chart(lost, width="stretch")
else:
    charts[1].info(_("No lost candidate in this period."))

st.subheader(_("Per source"))
st.dataframe(pd.DataFrame({
    _("Source"): [f.source for f in figures.sources],
    _("Candidates"): [f.candidates for f in figures.sources],
    _("Became tenants"): [f.converted for f in figures.sources],
    _("Lost"): [f.lost for f in figures.sources],
    _("Conversion rate"): [f"{fmt.number(f.rate, 1)} %" for f in figures.sources],
    _("Median days to conversion"): [fmt.number(f.median_days, 1) if f.median_days is not None else "—"
                                     for f in figures.sources],
}), hide_index=True, width="stretch")
