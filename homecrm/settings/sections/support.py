"""Paramètres > Support: support tickets — visibility, notifications, assignment, attachments."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator
from sqlalchemy.orm import Session

from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, setting

REPLY_ORDERS = {"asc": N_("Oldest first"), "desc": N_("Newest first")}
DEFAULT_EXTENSIONS = ".pdf,.jpg,.jpeg,.png,.heic,.txt,.doc,.docx,.odt,.xls,.xlsx,.ods,.csv"
# Never accepted, whatever the list says: files that run code when opened.
BLOCKED_EXTENSIONS = frozenset({".exe", ".bat", ".cmd", ".com", ".js", ".vbs", ".ps1", ".sh", ".msi", ".scr", ".jar",
                                ".html", ".htm", ".svg", ".php", ".py"})


class SupportSettings(SettingsSection):
    section = "support"
    title = N_("Support")
    intro = N_("Tenants' requests: who sees them, who is told, who may delete, attachments.")
    order = 67

    enabled: bool = setting(True, label=N_("Enable the support module"),
                            help=N_("No: the tickets pages are hidden and no ticket can be opened."))
    staff_only_own_departments: bool = setting(
        True, label=N_("Staff members see only the tickets of their departments"),
        help=N_("Tickets without a department and those assigned to them stay visible. Administrators see all."))
    staff_open_for_any_contact: bool = setting(
        True, label=N_("Staff members may open tickets for any tenant"),
        help=N_("No: only for the tenants they may see (Roles: tenants \"view (own)\")."))
    notify_assignee_only: bool = setting(
        False, label=N_("Send ticket notifications only to the assigned staff member"),
        help=N_("No: every member of the ticket's department is told (the assignee too)."))
    notify_new_ticket: bool = setting(True, label=N_("Notify staff when a ticket is opened"))
    notify_customer_reply: bool = setting(True, label=N_("Notify staff when the tenant replies"))
    assign_first_replier: bool = setting(
        True, label=N_("Assign an unassigned ticket to the first staff member who replies"))
    staff_delete_attachments: bool = setting(False, label=N_("Non-admin staff may delete attachments"))
    staff_delete_tickets: bool = setting(False, label=N_("Non-admin staff may delete tickets and replies"))
    client_change_status: bool = setting(
        False, label=N_("Tenants may change the status of their tickets from their area"),
        help=N_("Stored for the tenant area (not available yet)."))
    client_only_own_contact: bool = setting(
        False, label=N_("In the tenant area, show only the tickets of the signed-in contact"),
        help=N_("Stored for the tenant area (not available yet)."))
    disable_public_url: bool = setting(
        False, label=N_("Disable the public link of tickets"),
        help=N_("Stored for the tenant area (not available yet): tickets have no public link today."))
    reply_order: Literal["asc", "desc"] = setting("asc", label=N_("Order of replies"), widget="select",
                                                  choices=REPLY_ORDERS)
    menu_badge: bool = setting(True, label=N_("Show the number of open tickets in the menu"))
    status_after_staff_reply: int | None = setting(
        None, label=N_("Status after a staff reply"), widget="select", choices="ticket_statuses",
        help=N_("Empty: the status does not change."))
    max_attachments: int = setting(4, label=N_("Maximum attachments per ticket"), ge=0, le=50)
    max_attachment_mb: int = setting(5, label=N_("Maximum size of an attachment (MB)"), ge=1, le=20)
    allowed_extensions: str = setting(DEFAULT_EXTENSIONS, label=N_("Allowed file extensions"),
                                      help=N_("Comma-separated, e.g. .pdf,.jpg. Programs and web pages are always refused."),
                                      max_length=500)

    @field_validator("allowed_extensions")
    @classmethod
    def _extensions(cls, v: str) -> str:
        items = []
        for raw in v.replace(";", ",").split(","):
            ext = raw.strip().lower()
            if not ext:
                continue
            ext = ext if ext.startswith(".") else "." + ext
            if not ext[1:].isalnum() or len(ext) > 10:
                raise ValueError(_("\"{value}\" is not a file extension.").format(value=raw.strip()))
            if ext in BLOCKED_EXTENSIONS:
                raise ValueError(_("{value} files are never accepted (they can run code).").format(value=ext))
            items.append(ext)
        if not items:
            raise ValueError(_("Give at least one extension."))
        return ",".join(dict.fromkeys(items))

    def extensions(self) -> list[str]:
        return self.allowed_extensions.split(",")

    def check_in_db(self, session: Session, before: SettingsSection) -> dict[str, str]:
        from homecrm.store.models import TicketStatus

        if self.status_after_staff_reply is not None and session.get(TicketStatus, self.status_after_staff_reply) is None:
            return {"status_after_staff_reply": _("This status does not exist any more.")}
        return {}
