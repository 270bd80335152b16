"""Importer des candidats: a CSV file, its columns mapped, a preview, then all valid rows or nothing."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from homecrm.crm import candidate_import as ci
from homecrm.errors import HomecrmError
from homecrm.i18n import _, ngettext
from homecrm.settings import load_section
from homecrm.settings.sections import CandidateSettings, LocalizationSettings
from homecrm.settings.sections.localization import DATE_FORMATS
from homecrm.ui.db import read, writing
from homecrm.ui.feedback import show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.page import page_setup
from homecrm.ui.shell import page_link
from homecrm.ui.text import md
from homecrm.validation import date_format_hint

actor = page_setup("candidates", "create")
fmt = current_formats()
st.title(_("Import candidates"))
show_flashes()
settings = read(lambda s: load_section(s, CandidateSettings))
if not (actor.is_admin or settings.staff_can_import):
    st.info(_("Only administrators may import candidates (Settings > Candidates)."))
    st.stop()

st.caption(_("A CSV file saved by a spreadsheet: UTF-8 or Windows-1252 (French Excel), separated by ; , or tabs, "
             "with the column names on the first line. At most {rows} rows and {size} MB.").format(
    rows=fmt.number(ci.MAX_ROWS, 0), size=ci.MAX_BYTES // 1024 // 1024))
upload = st.file_uploader(_("CSV file"), type=["csv", "txt", "tsv"], key="import.file",
                          max_upload_size=ci.MAX_BYTES // 1024 // 1024)
if upload is None:
    st.stop()
data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()[:16]
try:
    csv_file = ci.load(data)
except HomecrmError as exc:
    st.error(md(str(exc)), icon=":material/error:")
    st.stop()
st.success(md(ngettext("{rows} row read: {encoding}, delimiter {delimiter}.",
                       "{rows} rows read: {encoding}, delimiter {delimiter}.", csv_file.rows).format(
    rows=fmt.number(csv_file.rows, 0), encoding=csv_file.encoding, delimiter=csv_file.delimiter_label)),
    icon=":material/check:")

# column mapping ------------------------------------------------------------------------------
st.subheader(_("Columns"))
st.caption(_("Each column of the file goes into a candidate field, recognised by its name; change it if needed."))
automatic = ci.auto_mapping(csv_file.headers)
field_keys = [None, *ci.FIELDS]
mapping: list[str | None] = []
grid = st.columns(3)
for index, header in enumerate(csv_file.headers):
    key = f"import.{digest}.map.{index}"
    if key not in st.session_state:
        st.session_state[key] = automatic[index]
    mapping.append(grid[index % 3].selectbox(
        header or _("(column {n} without a name)").format(n=index + 1), field_keys, key=key,
        placeholder=_("— ignore —"),
        format_func=lambda f: _(ci.FIELDS[f]) if f else _("— ignore —")))
local_format = read(lambda s: load_section(s, LocalizationSettings)).date_format
formats = list(DATE_FORMATS)
date_format = st.selectbox(_("Dates in the file"), formats, index=formats.index(local_format), key="import.date_format",
                           format_func=lambda f: f"{date_format_hint(f)} ({DATE_FORMATS[f]})",
                           help=_("Read strictly in this format: 05/01/2024 is 5 January with DD/MM/YYYY."))

try:
    ci.check_mapping(csv_file, mapping)
    preview = read(lambda s: ci.preview(s, actor=actor, csv_file=csv_file, mapping=mapping, date_format=date_format))
except HomecrmError as exc:
    st.error(md(str(exc)), icon=":material/error:")
    st.stop()

# preview ------------------------------------------------------------------------------------
st.subheader(_("Preview"))
shown = [f for f in ci.FIELDS if f in mapping]
st.dataframe(pd.DataFrame({
    _("Line"): [row.line for row in preview],
    **{_(ci.FIELDS[f]): [row.shown.get(f, "") for row in preview] for f in shown},
    _("Problems"): ["; ".join(message for _field, message in row.errors) for row in preview],
}), hide_index=True, width="stretch")

# import ---------------------------------------------------------------------------------------
modes = {"valid": _("Import the valid rows (the others are listed)"), "all": _("All or nothing")}
mode = st.radio(_("If some rows are refused"), list(modes), format_func=modes.get, key="import.mode", horizontal=True)
done_key = f"import.done.{digest}"
# A report belongs to the file *and* the choices that produced it: change one and it is gone.
report_key = (digest, tuple(mapping), date_format, mode)
cols = st.columns([1, 1, 3])
check = cols[0].button(_("Check the file"), key="import.check", icon=":material/rule:")
go = cols[1].button(_("Import"), key="import.run", type="primary", icon=":material/upload:")
if go and st.session_state.get(done_key) and not st.session_state.get("import.again"):
    st.warning(_("This file was already imported in this session. Tick the box below to import it again."))
    go = False
if st.session_state.get(done_key):
    st.checkbox(_("Import this file again"), key="import.again")

if check or go:
    bar = st.progress(0.0, text=_("Reading…"))

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=_("{done} / {total} rows").format(done=done, total=total))

    try:
        with writing() as session:
            report = ci.import_candidates(session, actor=actor, csv_file=csv_file, mapping=mapping, mode=mode,
                                          dry_run=bool(check), date_format=date_format, progress=progress)
            if not report.committed:
                session.rollback()
    except HomecrmError as exc:
        st.error(md(str(exc)), icon=":material/error:")
        st.stop()
    if go and report.committed:
        st.session_state[done_key] = True
        st.session_state.pop("import.again", None)
    st.session_state["import.report"] = (report_key, report)

saved = st.session_state.get("import.report")
if saved and saved[0] == report_key:
    report = saved[1]
    show = st.success if report.committed or (report.dry_run and not report.skipped) else st.warning
    show(md(report.summary()))
    if report.ignored_columns:
        st.caption(md(_("Ignored columns: {columns}").format(columns=", ".join(report.ignored_columns))))
    if report.errors:
        columns = [_("Row"), _("Field"), _("Problem")]
        rows = [[e.line, e.field_label, e.message] for e in report.errors]
        st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")
        if report.unlisted:
            st.caption(_("…and {count} more refused rows, all in the file below.").format(
                count=fmt.number(report.unlisted, 0)))
        st.download_button(_("Download the refused rows (CSV)"), key="import.errors_csv", icon=":material/download:",
                           file_name="lignes-refusees.csv", mime="text/csv",
                           data=lambda: ci.refused_rows_csv(csv_file, report),
                           help=_("The rows as they are in your file, with the problem of each: fix them and import "
                                  "this file again."))
    if report.committed:
        page_link("pages/candidates.py", _("Open the candidates board"), ":material/view_kanban:")
