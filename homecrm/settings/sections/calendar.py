"""Paramètres > Calendrier: Général (what shows and how) and Style (a colour per kind of event)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from homecrm import validation
from homecrm.i18n import N_
from homecrm.settings.base import SettingsSection, setting

VIEWS = {"dayGridMonth": N_("Month"), "timeGridWeek": N_("Week"), "timeGridDay": N_("Day"), "listMonth": N_("List")}
WEEKDAYS = {1: N_("Monday"), 2: N_("Tuesday"), 3: N_("Wednesday"), 4: N_("Thursday"), 5: N_("Friday"),
            6: N_("Saturday"), 0: N_("Sunday")}


class CalendarSettings(SettingsSection):
    section = "calendar"
    title = N_("Calendar")
    intro = N_("What the calendar shows and how. Estimates and proposals do not exist yet: their switches are stored "
               "and will apply when those modules come.")
    order = 68

    event_limit: int = setting(4, label=N_("Events shown per day (month and week views)"),
                               help=N_("Beyond it, a \"+ n more\" link."), ge=1, le=50)
    default_view: Literal["dayGridMonth", "timeGridWeek", "timeGridDay", "listMonth"] = setting(
        "dayGridMonth", label=N_("Default view"), widget="select", choices=VIEWS)
    first_day: Literal[0, 1, 2, 3, 4, 5, 6] = setting(1, label=N_("First day of the week"), widget="select",
                                                      choices=WEEKDAYS)
    hide_reminders: bool = setting(False, label=N_("Hide reminders"),
                                   help=N_("Yes: no reminder at all on the calendar (they are still sent)."))
    show_candidate_reminders: bool = setting(True, label=N_("Show candidate reminders"))
    show_tenant_reminders: bool = setting(True, label=N_("Show tenant reminders"))
    show_estimate_reminders: bool = setting(True, label=N_("Show estimate reminders"))
    show_task_reminders: bool = setting(True, label=N_("Show task reminders"))
    show_invoices: bool = setting(True, label=N_("Show rent documents (by due date)"))
    show_estimates: bool = setting(True, label=N_("Show estimates"))
    show_proposals: bool = setting(True, label=N_("Show proposals"))
    show_contracts: bool = setting(True, label=N_("Show leases (start and end dates)"))
    show_credit_notes: bool = setting(True, label=N_("Show credit notes"))
    show_tasks: bool = setting(True, label=N_("Show tasks (start to due date)"))
    show_properties: bool = setting(True, label=N_("Show properties (\"projets\": their reminders and tasks)"))
    only_my_tasks: bool = setting(False, label=N_("Show only the tasks assigned to the signed-in staff member"))


COLOR_FIELDS = ("reminder_color", "rent_unpaid_color", "rent_partial_color", "rent_paid_color", "rent_overdue_color",
                "credit_note_color", "lease_color", "task_color", "estimate_color", "proposal_color")


class CalendarStyleSettings(SettingsSection):
    section = "calendar_style"
    title = N_("Calendar: style")
    intro = N_("A colour per kind of event; the text colour is chosen automatically to stay readable.")
    order = 69

    reminder_color: str = setting("#7b1fa2", label=N_("Calendar reminders"), widget="color")
    rent_unpaid_color: str = setting("#1f4e79", label=N_("Rent documents to be paid"), widget="color")
    rent_partial_color: str = setting("#e0a030", label=N_("Rent documents partly paid"), widget="color")
    rent_paid_color: str = setting("#1b7f3a", label=N_("Rent documents paid"), widget="color")
    rent_overdue_color: str = setting("#b3261e", label=N_("Rent documents overdue"), widget="color")
    credit_note_color: str = setting("#5b6b7b", label=N_("Credit notes"), widget="color")
    lease_color: str = setting("#00838f", label=N_("Leases (start and end)"), widget="color")
    task_color: str = setting("#3949ab", label=N_("Tasks"), widget="color")
    estimate_color: str = setting("#6d4c41", label=N_("Estimates"), widget="color")
    proposal_color: str = setting("#ad1457", label=N_("Proposals"), widget="color")

    @field_validator(*COLOR_FIELDS)
    @classmethod
    def _hex(cls, v: str) -> str:
        return validation.hex_color(v)
