from homecrm.settings.sections import SmtpSettings
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page
from homecrm.ui.smtp import test_email_box

actor = page_setup("settings", "view")
settings_page(SmtpSettings, actor)
test_email_box(actor)
