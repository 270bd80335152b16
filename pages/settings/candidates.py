"""Paramètres > Candidats: board, defaults, duplicate checks, import and conversion rules; statuses and sources."""

from homecrm.settings.sections import CandidateSettings
from homecrm.ui.candidate_pipeline import sources_editor, statuses_editor
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

actor = page_setup("settings", "view")
settings_page(CandidateSettings, actor)
statuses_editor(actor)
sources_editor(actor)
