from homecrm.settings.sections import ReceiptSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

page_setup()
settings_page(ReceiptSettings)
