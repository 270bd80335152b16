from homecrm.settings.sections import ClientSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

page_setup()
settings_page(ClientSettings)
