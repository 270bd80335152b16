"""Paramètres > Calendrier > Style: a colour per kind of event, with a preview of the legend."""

import streamlit as st

from homecrm.calendar.events import legend
from homecrm.i18n import _
from homecrm.settings.sections import CalendarStyleSettings
from homecrm.ui.calendar import legend_html
from homecrm.ui.db import read
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

actor = page_setup("settings", "view")
settings_page(CalendarStyleSettings, actor)
st.caption(_("Preview (text colour chosen for contrast):"))
st.markdown(legend_html(read(legend)), unsafe_allow_html=True)
