"""How the audit trail reads to a person: record types, field names and values in their language.

Entries are stored with internal names (``tenant_credit``, ``amount_paid``) and raw values (a
setting's JSON text); this module turns them into "Crédit locataire", "Montant payé", "EUR,JPY".
"""

from __future__ import annotations

import json
import re
from typing import Any

from homecrm.i18n import N_, _

ENTITY_LABELS: dict[str, str] = {
    "setting": N_("Setting"),
    "tenant": N_("Tenant"),
    "contact": N_("Contact"),
    "property": N_("Property"),
    "unit": N_("Unit"),
    "lease": N_("Lease"),
    "tax": N_("Tax"),
    "document": N_("Rent document"),
    "payment": N_("Payment"),
    "user": N_("Staff account"),
    "role": N_("Role"),
    "department": N_("Department"),
    "asset": N_("File"),
    "credit_note": N_("Credit note"),
    "tenant_credit": N_("Tenant's credit"),
    "candidate": N_("Candidate"),
    "candidate_status": N_("Candidate status"),
    "candidate_source": N_("Candidate source"),
    "tag": N_("Tag"),
    "document_line": N_("Document line"),
    "counter": N_("Numbering counter"),
    "task": N_("Task"),
    "task_status": N_("Task status"),
    "time_entry": N_("Time entry"),
    "ticket": N_("Ticket"),
    "ticket_reply": N_("Ticket reply"),
    "ticket_status": N_("Ticket status"),
    "reminder": N_("Reminder"),
}

FIELD_LABELS: dict[str, str] = {
    "active": N_("Active"),
    "address": N_("Address"),
    "amount": N_("Amount"),
    "amount_credited": N_("Amount credited"),
    "amount_paid": N_("Amount paid"),
    "amount_returned": N_("Amount returned"),
    "applied": N_("Deducted from what is owed"),
    "assigned_to_id": N_("Assigned to"),
    "budget": N_("Budget"),
    "cancels_document": N_("Cancels the document"),
    "charges": N_("Charges"),
    "city": N_("City"),
    "civility": N_("Title"),
    "client_note": N_("Note to the tenant"),
    "color": N_("Colour"),
    "company_name": N_("Company name"),
    "content_type": N_("File type"),
    "converted_at": N_("Converted on"),
    "counter_period": N_("Numbering period"),
    "counter_value": N_("Number in the series"),
    "country": N_("Country"),
    "created_by_id": N_("Created by (account no.)"),
    "credit_id": N_("Credit used (no.)"),
    "currency": N_("Currency"),
    "customer_id": N_("Tenant (no.)"),
    "data": N_("Content"),
    "deposit": N_("Deposit"),
    "description": N_("Description"),
    "next_value": N_("Next number"),
    "document_id": N_("Rent document (no.)"),
    "due_date": N_("Due date"),
    "due_day": N_("Due day of the month"),
    "email": N_("E-mail"),
    "email_consent_channel": N_("E-mail consent given by"),
    "email_consent_on": N_("E-mail consent date"),
    "end_date": N_("End date"),
    "external_id": N_("Online payment id"),
    "filename": N_("File name"),
    "first_name": N_("First name"),
    "floor": N_("Floor"),
    "furnished": N_("Furnished"),
    "id": N_("No."),
    "is_admin": N_("Administrator"),
    "is_primary": N_("Primary contact"),
    "is_system": N_("System account"),
    "issue_seq": N_("Order of issue"),
    "issued_at": N_("Issued at"),
    "issued_on": N_("Issue date"),
    "kind": N_("Kind"),
    "language": N_("Language"),
    "last_contact": N_("Last contact"),
    "last_login_at": N_("Last sign-in"),
    "last_name": N_("Last name"),
    "lease_id": N_("Lease (no.)"),
    "lost_reason": N_("Reason lost"),
    "mode": N_("Mode"),
    "move_in": N_("Move-in date"),
    "must_change_password": N_("Must change the password"),
    "name": N_("Name"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "number": N_("Number"),
    "origin_credit_note_id": N_("From credit note (no.)"),
    "origin_payment_id": N_("From payment (no.)"),
    "paid_on": N_("Payment date"),
    "password_changed_at": N_("Password changed at"),
    "password_hash": N_("Password"),
    "payment_status": N_("Payment status"),
    "period_end": N_("End of the period"),
    "period_start": N_("Start of the period"),
    "phone": N_("Phone"),
    "position": N_("Position"),
    "property_id": N_("Property (no.)"),
    "provider": N_("Payment provider"),
    "rate": N_("Rate"),
    "reason": N_("Reason"),
    "receipt_key": N_("Receipt key"),
    "received_on": N_("Received on"),
    "reference": N_("Reference"),
    "refund_date": N_("Refund date"),
    "refund_mode": N_("Refund mode"),
    "refunded": N_("Refunded"),
    "regime": N_("Regime"),
    "remaining": N_("Remaining"),
    "reminders_opt_out": N_("No reminders"),
    "rent": N_("Rent"),
    "role_id": N_("Role"),
    "permissions": N_("Rights"),
    "departments": N_("Departments"),
    "tags": N_("Tags"),
    "team": N_("Team"),
    "members": N_("Members"),
    "tickets": N_("Tickets"),
    "sale_agent_id": N_("Staff in charge"),
    "section": N_("Section"),
    "series": N_("Numbering series"),
    "sha256": N_("Fingerprint"),
    "siren": N_("SIREN"),
    "source_id": N_("Source (no.)"),
    "start_date": N_("Start date"),
    "state": N_("State"),
    "status_id": N_("Status (no.)"),
    "subtotal": N_("Subtotal"),
    "surface": N_("Surface area"),
    "tax_id": N_("Tax"),
    "tax_total": N_("Tax total"),
    "terms": N_("Terms"),
    "timezone": N_("Time zone"),
    "to_credit": N_("Kept as the tenant's credit"),
    "total": N_("Total"),
    "unit_id": N_("Unit"),
    "value": N_("Value"),
    "vat_number": N_("VAT number"),
    "vat_option": N_("VAT option"),
    "zip_code": N_("Postcode"),
    # reminders, time, tickets, document lines, imports
    "all_day": N_("All day"),
    "at": N_("At"),
    "staff_id": N_("Staff member (account no.)"),
    "related_kind": N_("About (kind)"),
    "related_id": N_("About (no.)"),
    "notify_email": N_("E-mail at that time"),
    "notified_at": N_("E-mailed at"),
    "task_id": N_("Task (no.)"),
    "user_id": N_("Staff member (account no.)"),
    "started_at": N_("Started at"),
    "ended_at": N_("Stopped at"),
    "minutes": N_("Minutes"),
    "billable": N_("Billable"),
    "line_id": N_("On document line (no.)"),
    "tax": N_("Tax"),
    "tax_name": N_("Tax name"),
    "tax_rate": N_("Tax rate"),
    "author_id": N_("Author (account no.)"),
    "body": N_("Text"),
    "from_customer": N_("From the tenant"),
    "ticket_id": N_("Ticket (no.)"),
    "department_id": N_("Department (no.)"),
    "last_reply_at": N_("Last reply at"),
    "priority": N_("Priority"),
    "subject": N_("Subject"),
    "contact_id": N_("Contact (no.)"),
    "closed_at": N_("Closed at"),
    "completed_at": N_("Completed at"),
    "hourly_rate": N_("Hourly rate"),
    "title": N_("Title"),
    "rows": N_("Rows read"),
    "refused": N_("Rows refused"),
    "duplicates": N_("Duplicates"),
    "encoding": N_("Encoding"),
}
# Where a field means something else for one kind of record.
ENTITY_FIELD_LABELS: dict[tuple[str, str], str] = {
    ("candidate_status", "position"): N_("Order in the list"),
    ("candidate_source", "position"): N_("Order in the list"),
    ("document_line", "position"): N_("Order on the document"),
    ("document_line", "quantity"): N_("Quantity"),
    ("document_line", "unit_price"): N_("Unit price"),
    ("document_line", "net"): N_("Amount excl. tax"),
}

SYSTEM_ACTOR = "system"
CRON_ACTOR = "cron@localhost"


def entity_label(entity: str) -> str:
    return _(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else entity


def field_label(entity: str, field: str) -> str:
    label = ENTITY_FIELD_LABELS.get((entity, field)) or FIELD_LABELS.get(field)
    return _(label) if label else field


def actor_label(actor: str) -> str:
    """Who made the change: the e-mail of a person, or what the built-in accounts stand for."""
    if actor == SYSTEM_ACTOR:
        return _("homecrm itself (set-up, demo data)")
    if actor == CRON_ACTOR:
        return _("Scheduled jobs and command line (cron@localhost)")
    return actor


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def value_text(entity: str, field: str, value: Any, fmt, names: dict[str, dict[int, str]] | None = None) -> str:
    """A stored value as a person reads it: no JSON quoting, dates and decimals the local way,
    an id with the name it stands for (``names``: field, or "entity.field", → id → name)."""
    from homecrm.security.audit import REDACTED

    if value == REDACTED:
        return _("(hidden)")
    key = f"{entity}.{field}" if names and f"{entity}.{field}" in names else field  # "candidate.status_id"
    if names and key in names and isinstance(value, int) and not isinstance(value, bool):
        name = names[key].get(value)
        return _("{name} (no. {id})").format(name=name, id=value) if name else _("no. {id}").format(id=value)
    if entity == "setting" and field == "value" and isinstance(value, str):
        try:
            value = json.loads(value)  # a setting's value is stored as JSON text
        except ValueError:
            pass
    if value is None or value == "":
        return "—"
    coded = _code_label(entity, field, value)
    if coded is not None:
        return coded
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value_text(entity, field, item, fmt, names) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if _ISO_DATE.match(text):
        from datetime import date

        return fmt.date(date.fromisoformat(text))
    if _ISO_DATETIME.match(text):
        from datetime import datetime

        try:
            return fmt.datetime(datetime.fromisoformat(text))
        except ValueError:
            return text
    if _DECIMAL.match(text):
        return text.replace(".", fmt.decimal_separator)
    return text


def _code_label(entity: str, field: str, value: Any) -> str | None:
    """Codes stored for payment modes and document states, said in words."""
    if not isinstance(value, str):
        return None
    if field in ("mode", "refund_mode"):
        from homecrm.billing.payments import PAYMENT_MODE_LABELS

        return _(PAYMENT_MODE_LABELS[value]) if value in PAYMENT_MODE_LABELS else None
    if entity == "tenant" and field == "kind":
        return {"person": _("Person"), "company": _("Company")}.get(value)
    if entity == "lease" and field == "regime":
        from homecrm.leasing.leases import REGIMES

        return _(REGIMES[value]) if value in REGIMES else None
    if entity == "document_line" and field == "kind":
        from homecrm.billing.documents import LINE_LABELS

        return _(LINE_LABELS[value]) if value in LINE_LABELS else None
    if field == "priority":
        from homecrm.settings.sections.tasks import PRIORITY_LABELS

        return _(PRIORITY_LABELS[value]) if value in PRIORITY_LABELS else None
    if entity == "role" and field == "permissions" and "." in value:
        from homecrm.security.principal import MODULES, RIGHTS

        module, right = value.split(".", 1)
        if module in MODULES and right in RIGHTS:
            return _("{module}: {right}").format(module=_(MODULES[module]), right=_(RIGHTS[right]).lower())
    if field == "series":
        return {"receipts": _("Rent documents"), "credit_notes": _("Credit notes")}.get(value)
    if entity in ("document", "credit_note") and field in ("state", "payment_status"):
        from homecrm.billing.documents import STATUS_LABELS

        labels = {**STATUS_LABELS, "issued": N_("Issued")}
        return _(labels[value]) if value in labels else None
    return None


_SHOWN_ELSEWHERE = {"setting": ("section", "name")}


def describe_changes(entity: str, changes: dict[str, list[Any]], fmt,
                     names: dict[str, dict[int, str]] | None = None) -> str:
    """"Montant : 930,00 → 1 000,00 ; Mode : virement → chèque" (created: the values; deleted: the old ones)."""
    parts = []
    for field, change in changes.items():
        # [before, after]; a bare value (entries written before every change was a pair) is an "after".
        before, after = change if isinstance(change, (list, tuple)) and len(change) == 2 else (None, change)
        if field in _SHOWN_ELSEWHERE.get(entity, ()) or field == "id":
            continue  # the record's number and a setting's name are in their own columns
        label = field_label(entity, field)
        if before is None:
            parts.append(_("{label}: {value}").format(label=label, value=value_text(entity, field, after, fmt, names)))
        else:
            parts.append(_("{label}: {before} → {after}").format(
                label=label, before=value_text(entity, field, before, fmt, names),
                after=value_text(entity, field, after, fmt, names) if after is not None else "—"))
    return " · ".join(parts)
