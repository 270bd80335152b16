from homecrm.settings.sections import FinanceSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page
from homecrm.ui.taxes import taxes_editor

page_setup()
settings_page(FinanceSettings)
taxes_editor()
