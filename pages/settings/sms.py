import streamlit as st

from homecrm.i18n import _
from homecrm.settings.sections import SmsGatewaySettings
from homecrm.settings.sections.messaging import NOT_AVAILABLE_GATEWAYS
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

actor = page_setup("settings", "view")
settings_page(SmsGatewaySettings, actor)
st.caption(_("Not available yet: {names}.").format(names=", ".join(NOT_AVAILABLE_GATEWAYS)))
