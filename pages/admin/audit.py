"""Journal d'audit: who changed what and when, with filters and a CSV export (administrators)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from homecrm.i18n import _
from homecrm.security.audit import ACTION_LABELS, actors, list_entries, recorded_kinds, reference_names, to_csv
from homecrm.security.audit_labels import actor_label, describe_changes, entity_label
from homecrm.ui.db import reading
from homecrm.ui.feedback import show_flashes
from homecrm.ui.formats import current_formats, today
from homecrm.ui.page import page_setup
from homecrm.ui.widgets import date_format_of

actor = page_setup(admin=True)
fmt = current_formats()
st.title(_("Audit trail"))
show_flashes()

with reading() as session:
    who_options = ["", *actors(session)]
    entities, action_codes = recorded_kinds(session)
    names = reference_names(session)
ACTIONS = {"": _("All"), **{code: _(ACTION_LABELS[code]) if code in ACTION_LABELS else code for code in action_codes}}
cols = st.columns(5)
since = cols[0].date_input(_("From"), value=today() - timedelta(days=30), key="audit.since", format=date_format_of(fmt))
until = cols[1].date_input(_("To"), value=today(), key="audit.until", format=date_format_of(fmt))
who = cols[2].selectbox(_("Who"), who_options, format_func=lambda w: actor_label(w) if w else _("All"), key="audit.who")
entity = cols[3].selectbox(_("Record"), ["", *sorted(entities, key=entity_label)],
                           format_func=lambda e: entity_label(e) if e else _("All"), key="audit.entity")
action = cols[4].selectbox(_("Action"), list(ACTIONS), format_func=ACTIONS.get, key="audit.action")
search = st.text_input(_("Search"), key="audit.search",
                       help=_("Looks in the label, the account that made the change and the record number."))

with reading() as session:
    rows = list_entries(session, actor=actor, since=since, until=until, who=who or None, entity=entity or None,
                        action=action or None, search=search)

st.download_button(_("Export CSV"), data=to_csv(rows, fmt, names), file_name="journal-audit.csv", mime="text/csv",
                   key="audit.csv", icon=":material/download:")
if not rows:
    st.info(_("Nothing recorded for these filters."))
else:
    st.dataframe(
        pd.DataFrame(
            {
                _("When"): [fmt.datetime(r.at) for r in rows],
                _("Who"): [actor_label(r.actor) for r in rows],
                _("Action"): [ACTIONS.get(r.action, r.action) for r in rows],
                _("Record"): [_("{record} no. {id}").format(record=entity_label(r.entity), id=r.entity_id) for r in rows],
                _("Label"): [r.summary for r in rows],
                _("Changes (before → after)"): [describe_changes(r.entity, r.changes, fmt, names) for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
