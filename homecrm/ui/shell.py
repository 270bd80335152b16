"""What every run of the app does before the page: language, page config, sidebar, navigation."""

from __future__ import annotations

import streamlit as st

from homecrm.assets import get_asset, image_source
from homecrm.i18n import LANGUAGES, _, set_language
from homecrm.settings import load_section
from homecrm.settings.sections import GeneralSettings, LocalizationSettings
from homecrm.ui.db import reading

LANGUAGE_KEY = "ui_language"


def apply_language() -> str:
    """Set the language of this run: the user's choice unless languages are disabled."""
    with reading() as session:
        localization = load_section(session, LocalizationSettings)
    chosen = st.session_state.get(LANGUAGE_KEY)
    lang = localization.default_language
    if chosen in LANGUAGES and not localization.disable_language_choice:
        lang = chosen
    set_language(lang)
    return lang


def _theme_is_dark() -> bool:
    try:
        return st.context.theme.type == "dark"
    except AttributeError:  # older runtimes and AppTest have no theme information
        return False


def page_chrome() -> None:
    """Page config, logo and the sidebar (language menu, website link)."""
    with reading() as session:
        general = load_section(session, GeneralSettings)
        localization = load_section(session, LocalizationSettings)
        light = get_asset(session, general.logo)
        dark = get_asset(session, general.logo_dark)
        logo = (dark or light) if _theme_is_dark() else (light or dark)
        logo_src = image_source(logo) if logo is not None else None
    st.set_page_config(
        page_title=general.company_name or "homecrm",
        page_icon=":material/home_work:",
        layout="wide",
    )
    if logo_src is not None:
        st.logo(logo_src, link=general.website or None, size="large")
    with st.sidebar:
        if general.company_name:
            st.caption(general.company_name)
        if not localization.disable_language_choice:
            current = st.session_state.get(LANGUAGE_KEY, localization.default_language)
            st.selectbox(
                _("Language"),
                list(LANGUAGES),
                index=list(LANGUAGES).index(current) if current in LANGUAGES else 0,
                format_func=LANGUAGES.get,
                key=LANGUAGE_KEY,
            )
        if general.website:
            st.link_button(_("Website"), general.website, type="tertiary")


def navigation():
    """The app's pages, grouped as in the spec: Gestion and Paramètres."""
    gestion = [
        st.Page("pages/dashboard.py", title=_("Dashboard"), icon=":material/dashboard:", default=True),
        st.Page("pages/tenants.py", url_path="locataires", title=_("Tenants"), icon=":material/group:"),
        st.Page("pages/leases.py", url_path="biens-et-baux", title=_("Properties & leases"), icon=":material/apartment:"),
        st.Page("pages/receipts.py", url_path="quittances", title=_("Rent receipts"), icon=":material/receipt_long:"),
    ]
    parametres = [
        st.Page("pages/settings/general.py", url_path="parametres-general", title=_("General"), icon=":material/tune:"),
        st.Page("pages/settings/company.py", url_path="parametres-compte", title=_("Company information"), icon=":material/business:"),
        st.Page("pages/settings/localization.py", url_path="parametres-localisation", title=_("Localisation"), icon=":material/language:"),
        st.Page("pages/settings/finance.py", url_path="parametres-facturation", title=_("Billing: general"), icon=":material/payments:"),
        st.Page("pages/settings/receipts.py", url_path="parametres-quittances", title=_("Billing: receipts"), icon=":material/tag:"),
        st.Page("pages/settings/clients.py", url_path="parametres-clients", title=_("Clients / tenants"), icon=":material/badge:"),
        st.Page("pages/settings/pdf.py", url_path="parametres-pdf", title=_("PDF"), icon=":material/picture_as_pdf:"),
        st.Page("pages/settings/pdf_formats.py", url_path="parametres-formats-pdf", title=_("PDF: document formats"), icon=":material/description:"),
    ]
    return st.navigation({_("Management"): gestion, _("Settings"): parametres})
