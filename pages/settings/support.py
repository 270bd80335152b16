"""Paramètres > Support: tickets settings and the ticket statuses."""

import streamlit as st

from homecrm.i18n import _
from homecrm.settings.sections import SupportSettings
from homecrm.store.models import TicketStatus
from homecrm.support.tickets import KINDS, delete_status, save_status
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page
from homecrm.ui.status_editor import status_editor

actor = page_setup("settings", "view")
settings_page(SupportSettings, actor)
st.caption(_("The tenant area does not exist yet: the settings about it (status changes by tenants, tickets of the "
             "signed-in contact, the public link) are stored now and will apply when it opens."))
status_editor(actor, prefix="ticket-status", model=TicketStatus, kinds=KINDS, save=save_status, delete=delete_status,
              title=_("Ticket statuses"),
              caption=_("A tenant's reply moves an answered, waiting or closed ticket back to the first \"open\" "
                        "status; \"closed\" tickets take no staff reply until reopened."),
              placeholder=_("e.g. Waiting for the contractor"))
