from homecrm.settings.sections import SecuritySettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

actor = page_setup(admin=True)
settings_page(SecuritySettings, actor)
