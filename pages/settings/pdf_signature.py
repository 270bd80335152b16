from homecrm.settings.sections import PdfSignatureSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page

actor = page_setup("settings", "view")
settings_page(PdfSignatureSettings, actor)
