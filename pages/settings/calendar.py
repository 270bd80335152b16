"""Paramètres > Calendrier > Général: what the calendar shows and how."""

from homecrm.settings.sections import CalendarSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

actor = page_setup("settings", "view")
settings_page(CalendarSettings, actor)
