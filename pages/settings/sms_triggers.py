from homecrm.ui.page import page_setup
from homecrm.ui.sms_editor import sms_triggers_editor

actor = page_setup("settings", "view")
sms_triggers_editor(actor)
