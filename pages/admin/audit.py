"""Journal d'audit: who changed what and when, with filters and a CSV export (administrators)."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import streamlit as st

from homecrm.i18n import _
from homecrm.security.audit import AUDITED, actors, list_entries, to_csv
from homecrm.ui.db import reading
from homecrm.ui.feedback import show_flashes
from homecrm.ui.formats import current_formats, today
from homecrm.ui.page import page_setup

actor = page_setup(admin=True)
fmt = current_formats()
st.title(_("Audit trail"))
show_flashes()

ACTIONS = {"": _("All"), "create": _("Created"), "update": _("Changed"), "delete": _("Deleted")}
entities = sorted(set(AUDITED.values()))
with reading() as session:
    who_options = ["", *actors(session)]
cols = st.columns(5)
since = cols[0].date_input(_("From"), value=today() - timedelta(days=30), key="audit.since", format="DD/MM/YYYY")
until = cols[1].date_input(_("To"), value=today(), key="audit.until", format="DD/MM/YYYY")
who = cols[2].selectbox(_("Who"), who_options, format_func=lambda w: w or _("All"), key="audit.who")
entity = cols[3].selectbox(_("Record"), ["", *entities], format_func=lambda e: e or _("All"), key="audit.entity")
action = cols[4].selectbox(_("Action"), list(ACTIONS), format_func=ACTIONS.get, key="audit.action")
search = st.text_input(_("Search"), key="audit.search")

with reading() as session:
    rows = list_entries(session, actor=actor, since=since, until=until, who=who or None, entity=entity or None,
                        action=action or None, search=search)

st.download_button(_("Export CSV"), data=to_csv(rows), file_name="journal-audit.csv", mime="text/csv",
                   key="audit.csv", icon=":material/download:")
if not rows:
    st.info(_("Nothing recorded for these filters."))
else:
    st.dataframe(
        pd.DataFrame(
            {
                _("When"): [fmt.datetime(r.at) for r in rows],
                _("Who"): [r.actor for r in rows],
                _("Action"): [ACTIONS.get(r.action, r.action) for r in rows],
                _("Record"): [f"{r.entity} #{r.entity_id}" for r in rows],
                _("Label"): [r.summary for r in rows],
                _("Changes (before → after)"): [
                    "; ".join(f"{k}: {json.dumps(v[0], ensure_ascii=False)} → {json.dumps(v[1], ensure_ascii=False)}"
                              for k, v in r.changes.items())
                    for r in rows
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
