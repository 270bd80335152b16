"""Paramètres > Tâches: board, visibility, comments, assignment, timers; the board's statuses."""

from homecrm.i18n import _
from homecrm.settings.sections import TaskSettings
from homecrm.store.models import TaskStatus
from homecrm.tasks.tasks import KINDS, delete_status, save_status
from homecrm.ui.page import page_setup
from homecrm.ui.settings_form import settings_page
from homecrm.ui.status_editor import status_editor

actor = page_setup("settings", "view")
settings_page(TaskSettings, actor)
status_editor(actor, prefix="task-status", model=TaskStatus, kinds=KINDS, save=save_status, delete=delete_status,
              title=_("Task statuses"),
              caption=_("One board column per status, in this order. The kind tells what a status means: a timer "
                        "moves \"to do\" tasks to the first \"in progress\" status; \"done\" records the completion."),
              placeholder=_("e.g. Quote requested"))
