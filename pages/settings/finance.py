from homecrm.settings.sections import FinanceSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page
from homecrm.ui.taxes import taxes_editor

actor = page_setup("settings", "view")
settings_page(FinanceSettings, actor)
taxes_editor(actor)
