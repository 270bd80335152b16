"""Locataires: tenants (people or companies) and their contacts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from homecrm.billing.documents import STATUS_LABELS, list_documents
from homecrm.crm.customers import (
    add_contact,
    create_customer,
    delete_contact,
    delete_customer,
    get_customer,
    list_customers,
    update_customer,
)
from homecrm import clock
from homecrm.i18n import LANGUAGES, _
from homecrm.settings import load_section
from homecrm.settings.choices import choices_for
from homecrm.settings.sections import ClientSettings
from homecrm.ui.db import read, reading
from homecrm.errors import version_of
from homecrm.ui.feedback import field_errors, forget_errors_on_change, run_action, show_field_error, show_flashes
from homecrm.ui.formats import current_formats
from homecrm.ui.choice import keep_choice
from homecrm.ui.page import page_setup
from homecrm.ui.tags import tag_filter, tags_editor
from homecrm.ui.text import md
from homecrm.ui.widgets import EARLIEST, date_format_of

actor = page_setup("tenants")
fmt = current_formats()
st.title(_("Tenants"))
show_flashes()

FIELDS = ("civility", "first_name", "last_name", "company_name", "siren", "vat_number", "email", "phone",
          "address", "zip_code", "city", "country", "language", "notes", "active", "reminders_opt_out", "timezone")
with reading() as session:
    countries, _unused = choices_for(session, "countries")
    timezones = list(choices_for(session, "timezones")[0])
    default_country = load_section(session, ClientSettings).default_country


def customer_fields(form: str, kind: str, values: dict) -> None:
    """The tenant form's widgets; keys are ``{form}.{field}``."""
    def key(name: str) -> str:
        return f"{form}.{name}"

    if kind == "person":
        cols = st.columns([1, 2, 2])
        civilities = ["", "M.", "Mme"]
        cols[0].selectbox(_("Civility"), civilities, index=civilities.index(values.get("civility", "")), key=key("civility"))
        cols[1].text_input(_("First name"), value=values.get("first_name", ""), key=key("first_name"))
        cols[2].text_input(_("Last name") + " *", value=values.get("last_name", ""), key=key("last_name"))
        show_field_error(form, "last_name")
    else:
        st.text_input(_("Company name") + " *", value=values.get("company_name", ""), key=key("company_name"))
        show_field_error(form, "company_name")
        cols = st.columns(2)
        cols[0].text_input(_("SIREN"), value=values.get("siren", ""), key=key("siren"))
        cols[1].text_input(_("VAT number"), value=values.get("vat_number", ""), key=key("vat_number"))
        show_field_error(form, "siren")
        show_field_error(form, "vat_number")
    cols = st.columns(2)
    cols[0].text_input(_("E-mail"), value=values.get("email", ""), key=key("email"))
    cols[1].text_input(_("Phone"), value=values.get("phone", ""), key=key("phone"),
                       help=_("Numbers without +code are read in the default country."))
    show_field_error(form, "email")
    show_field_error(form, "phone")
    st.text_input(_("Address"), value=values.get("address", ""), key=key("address"))
    cols = st.columns([1, 2, 2])
    cols[0].text_input(_("Postcode"), value=values.get("zip_code", ""), key=key("zip_code"))
    cols[1].text_input(_("City"), value=values.get("city", ""), key=key("city"))
    codes = list(countries)
    country = values.get("country") or default_country
    cols[2].selectbox(_("Country"), codes, index=codes.index(country) if country in codes else 0,
                      format_func=countries.get, key=key("country"))
    langs = ["", *LANGUAGES]
    st.selectbox(_("Language of documents"), langs, index=langs.index(values.get("language", "")),
                 format_func=lambda c: LANGUAGES.get(c, _("Default")), key=key("language"))
    st.text_area(_("Notes"), value=values.get("notes", ""), key=key("notes"))
    cols = st.columns(3)
    cols[0].checkbox(_("Active"), value=values.get("active", True), key=key("active"))
    cols[1].checkbox(_("No automatic reminders"), value=values.get("reminders_opt_out", False), key=key("reminders_opt_out"),
                     help=_("The tenant gets no due, overdue or payment messages from the reminder engine."))
    zones = ["", *timezones]
    cols[2].selectbox(_("Time zone"), zones, index=zones.index(values.get("timezone", "")) if values.get("timezone", "") in zones else 0,
                      format_func=lambda z: z or _("Landlord's"), key=key("timezone"),
                      help=_("Reminders respect quiet hours in this time zone."))
    show_field_error(form, "timezone")


def collect(form: str, kind: str) -> dict:
    data = {"kind": kind}
    for name in FIELDS:
        full = f"{form}.{name}"
        if full in st.session_state:
            data[name] = st.session_state[full]
    return data


def clear(form: str) -> None:
    for name in FIELDS:
        st.session_state.pop(f"{form}.{name}", None)


# list ----------------------------------------------------------------------------------------
search_cols = st.columns([3, 2, 1])
search = search_cols[0].text_input(_("Search"), key="tenants.search", placeholder=_("Name, e-mail, city…"))
tag = tag_filter(search_cols[1], "tenants.tag")
only_active = search_cols[2].toggle(_("Active only"), value=True, key="tenants.active")
rows = read(lambda s: list_customers(s, actor=actor, search=search, active=True if only_active else None, tag=tag))
if rows:
    st.dataframe(
        pd.DataFrame(
            {
                _("Name"): [r.name for r in rows],
                _("Type"): [_("Company") if r.kind == "company" else _("Person") for r in rows],
                _("E-mail"): [r.email for r in rows],
                _("Phone"): [r.phone for r in rows],
                _("City"): [r.city for r in rows],
                _("Leases"): [r.leases for r in rows],
                _("Tags"): [", ".join(r.tags) for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.info(_("No tenant matches."))

# create --------------------------------------------------------------------------------------
if actor.can("tenants", "create"):
    with st.expander(_("New tenant"), icon=":material/person_add:", expanded=bool(field_errors("tenant-new"))):
        new_kind = st.radio(
            _("Tenant type"), ["person", "company"], horizontal=True, key="tenant-new.kind",
            format_func=lambda k: _("Person") if k == "person" else _("Company"),
        )

        def _create() -> None:
            data = collect("tenant-new", new_kind)
            if run_action(lambda s: create_customer(s, actor=actor, data=data), success=_("Tenant created."), form="tenant-new"):
                clear("tenant-new")

        with st.form("tenant-new"):
            customer_fields("tenant-new", new_kind, {})
            st.form_submit_button(_("Create the tenant"), type="primary", on_click=_create)

# edit ----------------------------------------------------------------------------------------
if not rows:
    st.stop()
st.divider()
names = {r.id: r.name for r in rows}
keep_choice("tenants.selected", list(names))
selected = st.selectbox(_("Tenant"), list(names), format_func=names.get, key="tenants.selected")
forget_errors_on_change("tenants.selected", selected)
if selected is None:
    st.stop()
with reading() as session:
    customer = get_customer(session, selected, actor=actor)
    values = {name: getattr(customer, name) for name in FIELDS}
    version = version_of(customer)
    consent = (customer.email_consent_on, customer.email_consent_channel)
    kind = customer.kind
    contacts = [(c.id, c.full_name, c.email, c.phone, c.position, c.is_primary) for c in customer.contacts]
    origin = (customer.candidate.id, customer.candidate.created_at) if customer.candidate is not None else None
edit_form = f"tenant-{selected}"

tab_info, tab_contacts, tab_docs, tab_messages = st.tabs([_("Details"), _("Contacts"), _("Documents"), _("Messages")],
                                                                 key="tenants.tabs")
with tab_info:
    if origin is not None:
        st.caption(_("Converted from candidate #{id}, received on {date}.").format(
            id=origin[0], date=fmt.date(fmt.local(origin[1]).date())))
    tags_editor(actor, "tenant", selected)

    def _update() -> None:
        data = collect(edit_form, kind)
        if run_action(lambda s: update_customer(s, actor=actor, customer_id=selected, data=data,
                                                expected_version=version),
                      success=_("Tenant saved."), form=edit_form):
            clear(edit_form)

    with st.form(edit_form):
        customer_fields(edit_form, kind, values)
        st.form_submit_button(_("Save"), type="primary", on_click=_update, disabled=not actor.can("tenants", "edit"))
    st.button(
        _("Delete this tenant"), key=f"tenant-delete-{selected}", disabled=not actor.can("tenants", "delete"),
        on_click=run_action, args=(lambda s: delete_customer(s, actor=actor, customer_id=selected),),
        kwargs={"success": _("Tenant deleted.")},
        help=_("Only a tenant without leases or documents can be deleted; deactivate the others."),
    )

with tab_contacts:
    for cid, name, email, phone, position, primary in contacts:
        cols = st.columns([4, 1])
        star = " ★" if primary else ""
        cols[0].markdown(f"**{md(name)}**{star} · {md(position)} · {md(email)} · {md(phone)}")
        cols[1].button(_("Delete"), key=f"contact-delete-{cid}", on_click=run_action,
                       args=(lambda s, c=cid: delete_contact(s, actor=actor, contact_id=c),),
                       disabled=not actor.can("tenants", "edit"),
                       kwargs={"success": _("Contact deleted.")})
    contact_form = f"contact-new-{selected}"

    def _add_contact() -> None:
        state = st.session_state
        data = {k: state[f"{contact_form}.{k}"] for k in ("first_name", "last_name", "email", "phone", "position", "is_primary")}
        run_action(lambda s: add_contact(s, actor=actor, customer_id=selected, data=data), success=_("Contact added."),
                   form=contact_form)

    with st.form(contact_form, clear_on_submit=True):
        st.markdown("**" + _("New contact") + "**")
        cols = st.columns(2)
        cols[0].text_input(_("First name"), key=f"{contact_form}.first_name")
        cols[1].text_input(_("Last name") + " *", key=f"{contact_form}.last_name")
        show_field_error(contact_form, "last_name")
        cols = st.columns(3)
        cols[0].text_input(_("E-mail"), key=f"{contact_form}.email")
        cols[1].text_input(_("Phone"), key=f"{contact_form}.phone")
        cols[2].text_input(_("Position"), key=f"{contact_form}.position")
        show_field_error(contact_form, "email")
        show_field_error(contact_form, "phone")
        st.checkbox(_("Primary contact"), key=f"{contact_form}.is_primary")
        st.form_submit_button(_("Add the contact"), on_click=_add_contact, disabled=not actor.can("tenants", "edit"))

with tab_docs:
    docs = read(lambda s: list_documents(s, actor=actor, customer_id=selected)) if actor.can("documents", "view_own") else []
    if not docs:
        st.caption(_("No document yet."))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    _("Number"): [d.number for d in docs],
                    _("Period"): [fmt.month(d.period_start) for d in docs],
                    _("Status"): [_(STATUS_LABELS[d.status]) for d in docs],
                    _("Total"): [fmt.money(d.total, d.currency) for d in docs],
                    _("Balance"): [fmt.money(d.balance, d.currency) for d in docs],
                }
            ),
            hide_index=True,
            width="stretch",
        )

with tab_messages:
    from homecrm.notify.messages import MESSAGE_STATUS_LABELS, message_history, record_consent

    st.markdown("**" + _("Electronic delivery of quittances") + "**")
    if consent[0]:
        st.caption(_("Agreed on {date} ({channel}).").format(date=fmt.date(consent[0]), channel=md(consent[1])))
    else:
        st.caption(_("No consent recorded: quittances cannot be e-mailed to this tenant (loi 89-462, art. 21)."))
    cform = f"consent-{selected}"

    def _consent(customer_id: int = selected) -> None:
        state = st.session_state
        on = state.get(f"{cform}.on") if state.get(f"{cform}.agreed") else None
        run_action(lambda s: record_consent(s, actor=actor, customer_id=customer_id, on=on,
                                            channel=state.get(f"{cform}.channel", "")),
                   success=_("Consent saved."), form=cform)

    with st.form(cform):
        row = st.columns([1, 1, 2])
        row[0].checkbox(_("The tenant agreed"), value=consent[0] is not None, key=f"{cform}.agreed")
        row[1].date_input(_("On"), value=consent[0] or clock.today(fmt.timezone), key=f"{cform}.on", format=date_format_of(fmt),
                          min_value=EARLIEST)
        row[2].text_input(_("How"), value=consent[1], key=f"{cform}.channel", placeholder=_("Signed lease clause, e-mail…"))
        show_field_error(cform, "email_consent_channel")
        show_field_error(cform, "email_consent_on")
        st.form_submit_button(_("Save the consent"), on_click=_consent, disabled=not actor.can("tenants", "edit"))
    history = read(lambda s: message_history(s, actor=actor, customer_id=selected))
    if history:
        st.dataframe(pd.DataFrame({
            _("When"): [fmt.datetime(h.at) for h in history],
            _("Channel"): [{"email": _("E-mail"), "sms": "SMS"}.get(h.channel, h.channel) for h in history],
            _("Recipients"): [h.recipient for h in history],
            _("Subject / text"): [h.subject for h in history],
            _("Status"): [_(MESSAGE_STATUS_LABELS.get(h.status, h.status)) for h in history],
            _("Result"): [h.result or h.provider_id for h in history],
        }), hide_index=True, width="stretch")
    else:
        st.caption(_("No message sent yet."))
