import streamlit as st

from homecrm.i18n import _
from homecrm.settings.sections import BankTransferSettings, StripeSettings
from homecrm.ui.gateways import gateway_notes, test_connection_box
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

actor = page_setup("settings", "view")
st.title(_("Payment gateways"))
gateway_notes()
settings_page(StripeSettings, actor, heading="subheader")
test_connection_box(actor)
settings_page(BankTransferSettings, actor, heading="subheader")
