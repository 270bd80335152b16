"""Paramètres > Candidats: the board, defaults, duplicate checks, conversion and import rules."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator
from sqlalchemy.orm import Session

from homecrm.i18n import N_, _
from homecrm.settings.base import SettingsSection, setting

DUPLICATE_FIELDS = {"email": N_("E-mail"), "phone": N_("Phone"), "name": N_("Name")}
SORT_FIELDS = {
    "created_at": N_("Creation date"),
    "last_contact": N_("Last contact"),
    "name": N_("Name"),
    "budget": N_("Budget"),
    "move_in": N_("Desired move-in date"),
}
DIALOG_WIDTHS = {"modal-lg": N_("modal-lg (800 px)"), "modal-xl": N_("modal-xl (1140 px)"),
                 "modal-xxl": N_("modal-xxl (1280 px)")}
# The spec's Bootstrap modal classes mapped to Streamlit dialog widths (Bootstrap's pixel widths;
# "modal-xxl" is Streamlit's "large", up to 1280 px).
STREAMLIT_DIALOG_WIDTH: dict[str, int | str] = {"modal-lg": 800, "modal-xl": 1140, "modal-xxl": "large"}


class CandidateSettings(SettingsSection):
    section = "candidates"
    title = N_("Candidates")
    intro = N_("How prospective tenants are shown on the board, checked for duplicates, imported and converted.")
    order = 65

    max_cards_per_status: int = setting(20, label=N_("Maximum cards per status on the board"),
                                        help=N_("Beyond it, a \"show more\" button."), ge=1, le=500)
    default_status: int | None = setting(None, label=N_("Default status"), widget="select", choices="candidate_statuses")
    default_source: int | None = setting(None, label=N_("Default source"), widget="select", choices="candidate_sources")
    duplicate_fields: list[Literal["email", "phone", "name"]] = setting(
        ["email", "phone"], label=N_("Check these fields for duplicates"),
        help=N_("A new or imported candidate matching an existing one on any of them is flagged, not created."),
        widget="multiselect", choices=DUPLICATE_FIELDS,
    )
    converted_contact_is_admin: bool = setting(
        True, label=N_("Assign the converted contact as the tenant's primary contact (admin)"),
        help=N_("Yes: converting creates the tenant and its primary contact. No: the tenant only."),
    )
    staff_can_import: bool = setting(False, label=N_("Allow staff members to import candidates"),
                                     help=N_("No: only administrators import files."))
    default_sort: Literal["created_at", "last_contact", "name", "budget", "move_in"] = setting(
        "created_at", label=N_("Default board sort"), widget="select", choices=SORT_FIELDS)
    default_sort_descending: bool = setting(True, label=N_("Sort descending"))
    lock_converted: bool = setting(
        True, label=N_("Do not allow editing a candidate once converted (administrators excepted)"))
    dialog_width: Literal["modal-lg", "modal-xl", "modal-xxl"] = setting(
        "modal-lg", label=N_("Dialog width (modal-lg, modal-xl, modal-xxl)"), widget="select", choices=DIALOG_WIDTHS)

    @field_validator("duplicate_fields")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(v))

    def check_in_db(self, session: Session, before: SettingsSection) -> dict[str, str]:
        from homecrm.store.models import CandidateSource, CandidateStatus

        errors = {}
        status = session.get(CandidateStatus, self.default_status) if self.default_status is not None else None
        if self.default_status is not None and status is None:
            errors["default_status"] = _("This status does not exist any more.")
        elif status is not None and status.kind != "open":
            errors["default_status"] = _("New candidates start in an open status, not in {name}.").format(name=status.name)
        if self.default_source is not None and session.get(CandidateSource, self.default_source) is None:
            errors["default_source"] = _("This source does not exist any more.")
        return errors
