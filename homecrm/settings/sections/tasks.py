"""Paramètres > Tâches: the board, who sees what, comments, auto-assignment and timers."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from sqlalchemy.orm import Session

from homecrm.i18n import N_, _
from homecrm.inputs import MoneyInput
from homecrm.settings.base import SettingsSection, setting
from homecrm.settings.sections.candidates import DIALOG_WIDTHS

PRIORITY_LABELS = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High"), "urgent": N_("Urgent")}
ROUNDING_STEPS = {0: N_("No rounding"), 5: N_("5 minutes"), 10: N_("10 minutes"), 15: N_("15 minutes"),
                  30: N_("30 minutes"), 60: N_("1 hour")}
ROUNDING_MODES = {"up": N_("Up (a started step counts in full)"), "down": N_("Down"), "nearest": N_("To the nearest")}


class TaskSettings(SettingsSection):
    section = "tasks"
    title = N_("Tasks")
    intro = N_("The tasks board, who sees which tasks, comments, automatic assignment and time tracking.")
    order = 66

    kanban_limit: int = setting(20, label=N_("Maximum cards per status on the board"),
                                help=N_("Beyond it, a \"show more\" button."), ge=1, le=500)
    all_staff_see_property_tasks: bool = setting(
        False, label=N_("All staff members may see all the tasks of a property (even when not on its team)"),
        help=N_("No: a staff member sees the tasks of properties whose team they are on, the tasks they are assigned "
                "to or follow, and those they created. Administrators see everything."))
    comment_edit_first_hour_only: bool = setting(
        True, label=N_("Authors may edit or delete their comments only during the first hour"),
        help=N_("Administrators excepted."))
    auto_assign_to: int | None = setting(None, label=N_("Automatically assign new tasks to"), widget="select",
                                         choices="staff", help=N_("When a task is created without an assignee."))
    creator_follows: bool = setting(True, label=N_("Add the creator of a task as a follower"))
    stop_other_timers: bool = setting(True, label=N_("Starting a timer stops the user's other running timers"))
    timer_moves_to_in_progress: bool = setting(
        True, label=N_("Starting a timer moves a \"to do\" task to \"in progress\""))
    billable_default: bool = setting(True, label=N_("New tasks are billable by default"))
    hourly_rate: MoneyInput = setting(Decimal("0"), label=N_("Hourly rate of billable time"), ge=0,
                                      help=N_("Used when time is added to a document; a task may have its own rate."))
    timer_rounding: Literal[0, 5, 10, 15, 30, 60] = setting(
        0, label=N_("Round timers to"), widget="select", choices=ROUNDING_STEPS)
    timer_rounding_mode: Literal["up", "down", "nearest"] = setting(
        "up", label=N_("Rounding direction"), widget="select", choices=ROUNDING_MODES,
        help=N_("Applied when a timer stops. Rounding down never gives less than one step."))
    default_status: int | None = setting(None, label=N_("Default status"), widget="select", choices="task_statuses")
    default_priority: Literal["low", "medium", "high", "urgent"] = setting(
        "medium", label=N_("Default priority"), widget="select", choices=PRIORITY_LABELS)
    dialog_width: Literal["modal-lg", "modal-xl", "modal-xxl"] = setting(
        "modal-lg", label=N_("Dialog width (modal-lg, modal-xl, modal-xxl)"), widget="select", choices=DIALOG_WIDTHS)

    def check_in_db(self, session: Session, before: SettingsSection) -> dict[str, str]:
        from homecrm.store.models import StaffUser, TaskStatus

        errors = {}
        if self.default_status is not None and session.get(TaskStatus, self.default_status) is None:
            errors["default_status"] = _("This status does not exist any more.")
        if self.auto_assign_to is not None:
            user = session.get(StaffUser, self.auto_assign_to)
            if user is None or not user.active or user.is_system:
                errors["auto_assign_to"] = _("Choose an active staff member.")
        return errors
