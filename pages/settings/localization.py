from homecrm.settings.sections import LocalizationSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

page_setup()
settings_page(LocalizationSettings)
