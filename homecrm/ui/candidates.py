"""The candidate form (in a dialog whose width comes from Paramètres > Candidats) and board cards."""

from __future__ import annotations

from datetime import date

import streamlit as st

from homecrm.crm.candidate_board import BoardChoices, Card
from homecrm.crm.candidates import convert_candidate, create_candidate, delete_candidate, get_candidate, update_candidate
from homecrm.errors import HomecrmError, version_of
from homecrm.i18n import _
from homecrm.render.formatting import Formats
from homecrm.security.principal import Principal
from homecrm.settings.sections.candidates import STREAMLIT_DIALOG_WIDTH
from homecrm.ui.db import read
from homecrm.ui.feedback import clear_field_errors, field_errors, flash, run_action, show_field_error, show_flashes
from homecrm.ui.cards import card_html
from homecrm.ui.auth import dialog_actor
from homecrm.ui.text import md
from homecrm.ui.widgets import date_format_of, id_select

DIALOG_KEY = "candidates.dialog"  # ("new", None) or ("edit", candidate id) while the dialog is open
FORM = "candidate"
FIELDS = ("first_name", "last_name", "email", "phone", "source_id", "status_id", "assigned_to_id", "property_id",
          "budget", "move_in", "last_contact", "tags", "notes", "lost_reason")


VERSION_KEY = f"{FORM}.opened_version"  # the record's version when the dialog opened


def open_dialog(mode: str, candidate_id: int | None = None) -> None:
    for name in FIELDS:
        st.session_state.pop(f"{FORM}.{name}", None)
    st.session_state.pop(VERSION_KEY, None)
    clear_field_errors(FORM)
    st.session_state[DIALOG_KEY] = (mode, candidate_id)


def close_dialog() -> None:
    st.session_state.pop(DIALOG_KEY, None)
    st.session_state.pop(VERSION_KEY, None)


def show_dialog(actor: Principal, choices: BoardChoices, width_class: str, fmt: Formats, *,
                lock_converted: bool = True) -> None:
    """Draw the open dialog, if any (call once per run, at the end of the page)."""
    state = st.session_state.get(DIALOG_KEY)
    if not state:
        return
    mode, candidate_id = state
    title = _("New candidate") if mode == "new" else _("Candidate")
    width = STREAMLIT_DIALOG_WIDTH.get(width_class, 800)
    st.dialog(title, width=width, on_dismiss=close_dialog)(_dialog_body)(actor, choices, mode, candidate_id, fmt,
                                                                         lock_converted)


def _values(actor: Principal, candidate_id: int) -> tuple[dict, str, bool, int | None]:
    def load(session):
        from homecrm.crm.tags import tags_of

        c = get_candidate(session, candidate_id, actor=actor)
        values = {name: getattr(c, name) for name in FIELDS if name != "tags"}
        values["tags"] = tags_of(session, "candidate", [c.id])[c.id]
        return values, version_of(c), c.customer_id is not None, c.customer_id

    return read(load)


def _dialog_body(actor: Principal, choices: BoardChoices, mode: str, candidate_id: int | None, fmt: Formats,
                 lock_converted: bool) -> None:
    actor = dialog_actor(close_dialog)  # the rights of now, not of when the page was drawn
    show_flashes()  # the page leaves them to the open dialog
    try:
        values, version, converted, customer_id = ({}, None, False, None) if mode == "new" else \
            _values(actor, candidate_id)
    except HomecrmError as exc:  # deleted meanwhile, or no longer the actor's to see
        st.error(md(str(exc)))
        close_dialog()
        return
    if mode == "edit":
        # Saving checks the version seen when the dialog opened: another tab's change is not undone.
        version = st.session_state.setdefault(VERSION_KEY, version)
    locked = converted and lock_converted and not actor.is_admin
    if converted:
        st.info(md(_("Converted into a tenant (tenant #{id}).").format(id=customer_id)), icon=":material/verified:")
    if locked:
        st.caption(_("Only an administrator may change a converted candidate (Settings > Candidates)."))
    errors = field_errors(FORM)
    if errors.get("__all__"):
        st.error(md(errors["__all__"]))

    def key(name: str) -> str:
        return f"{FORM}.{name}"

    with st.form(f"{FORM}.form", border=False):
        cols = st.columns(2)
        cols[0].text_input(_("First name"), value=values.get("first_name", ""), key=key("first_name"))
        cols[1].text_input(_("Last name"), value=values.get("last_name", ""), key=key("last_name"))
        show_field_error(FORM, "last_name")
        cols = st.columns(2)
        cols[0].text_input(_("E-mail"), value=values.get("email", ""), key=key("email"))
        cols[1].text_input(_("Phone"), value=values.get("phone", ""), key=key("phone"))
        show_field_error(FORM, "email")
        show_field_error(FORM, "phone")
        cols = st.columns(3)
        id_select(cols[0], _("Source"), choices.sources, values.get("source_id"), key("source_id"))
        open_statuses = {i: n for i, n in choices.statuses.items()
                         if choices.status_kinds[i] != "won" or i == values.get("status_id")}
        id_select(cols[1], _("Status"), open_statuses, values.get("status_id"), key("status_id"),
                none_label=_("Default status"))
        id_select(cols[2], _("Assigned to"), choices.staff, values.get("assigned_to_id"), key("assigned_to_id"))
        cols = st.columns(3)
        id_select(cols[0], _("Property wanted"), choices.properties, values.get("property_id"), key("property_id"))
        budget = values.get("budget")
        cols[1].text_input(_("Budget (monthly, charges included)"), value="" if budget is None else fmt.editable(budget),
                           key=key("budget"), placeholder="850,00")
        cols[2].date_input(_("Desired move-in date"), value=values.get("move_in"), key=key("move_in"),
                           format=date_format_of(fmt))
        show_field_error(FORM, "budget")
        cols = st.columns([1, 2])
        cols[0].date_input(_("Last contact"), value=values.get("last_contact"), key=key("last_contact"),
                           format=date_format_of(fmt))
        cols[1].multiselect(_("Tags"), sorted({*choices.tags, *values.get("tags", [])}, key=str.casefold),
                            default=values.get("tags", []), key=key("tags"), accept_new_options=True,
                            placeholder=_("Choose or type a new tag"))
        st.text_area(_("Notes"), value=values.get("notes", ""), key=key("notes"))
        st.text_input(_("Lost reason"), value=values.get("lost_reason", ""), key=key("lost_reason"))
        submitted = st.form_submit_button(_("Save") if mode == "edit" else _("Create the candidate"), type="primary",
                                          disabled=locked or not actor.can("candidates", "edit" if mode == "edit" else
                                                                            "create"))
    if submitted:
        data = {name: st.session_state.get(key(name)) for name in FIELDS}
        data["budget"] = data["budget"] or ""
        if mode == "new":
            done = run_action(lambda s: create_candidate(s, actor=actor, data=data), success=_("Candidate created."),
                              form=FORM)
        else:
            done = run_action(lambda s: update_candidate(s, actor=actor, candidate_id=candidate_id, data=data,
                                                         expected_version=version),
                              success=_("Candidate saved."), form=FORM)
        if done is not None:
            close_dialog()
        st.rerun()
    if mode == "edit":
        _dialog_actions(actor, candidate_id, converted, locked)


def _dialog_actions(actor: Principal, candidate_id: int, converted: bool, locked: bool) -> None:
    cols = st.columns(2)
    if not converted and actor.can("tenants", "create"):
        if cols[0].button(_("Convert into a tenant"), key=f"{FORM}.convert", icon=":material/how_to_reg:"):
            if convert(actor, candidate_id):
                close_dialog()
            st.rerun()
    if not converted and actor.can("tenants", "view_own"):
        _link_existing(actor, candidate_id)
    if actor.can("candidates", "delete"):
        with cols[1].popover(_("Delete"), icon=":material/delete:", disabled=locked):
            st.write(_("Delete this candidate for good?"))
            if st.button(_("Confirm"), key=f"{FORM}.delete", type="primary"):
                if run_action(lambda s: delete_candidate(s, actor=actor, candidate_id=candidate_id) or True,
                              success=_("Candidate deleted.")):
                    close_dialog()
                st.rerun()


def _link_existing(actor: Principal, candidate_id: int) -> None:
    """The candidate already is a tenant (a second lease…): link instead of creating another one."""
    from homecrm.crm.candidates import link_to_tenant
    from homecrm.crm.customers import list_customers

    with st.expander(_("Already a tenant? Link to an existing tenant")):
        tenants = read(lambda s: {c.id: c.name for c in list_customers(s, actor=actor)})
        chosen = st.selectbox(_("Tenant"), [None, *tenants], key=f"{FORM}.link_to",
                              format_func=lambda k: tenants.get(k, _("Choose…")))
        if st.button(_("Link"), key=f"{FORM}.link", disabled=chosen is None):
            if run_action(lambda s: link_to_tenant(s, actor=actor, candidate_id=candidate_id, customer_id=chosen).id,
                          success=_("Candidate linked to the tenant.")):
                close_dialog()
            st.rerun()


def convert(actor: Principal, candidate_id: int) -> bool:
    customer = run_action(lambda s: convert_candidate(s, actor=actor, candidate_id=candidate_id).id)
    if customer is not None:
        flash("success", _("Tenant #{id} created from the candidate. Add the lease on the Properties & leases page.")
              .format(id=customer))
        return True
    return False


# cards --------------------------------------------------------------------------------------


def card_text(card: Card, fmt: Formats, today: date, tag_colors: dict[str, str] | None = None) -> str:
    """The card's key facts as escaped HTML."""
    age = card.age_days(today)
    return card_html(
        card.name, done=card.converted,
        facts=[card.source, fmt.money(card.budget, "EUR") if card.budget is not None else "",
               _("move-in {date}").format(date=fmt.date(card.move_in)) if card.move_in else ""],
        tags=[(t, (tag_colors or {}).get(t, "#5b6b7b")) for t in card.tags],
        meta=[_("{days} d").format(days=age) if age else _("today"), card.assigned])
