"""What every run of the app does before the page: language, page config, sign-in, navigation."""

from __future__ import annotations

import json
from dataclasses import dataclass

import streamlit as st

from homecrm.assets import get_asset, image_source
from homecrm.i18n import LANGUAGES, N_, _, set_language
from homecrm.security.principal import Principal
from homecrm.settings import load_section
from homecrm.settings.sections import GeneralSettings, LocalizationSettings
from homecrm.ui.db import reading
from homecrm.ui.text import md

LANGUAGE_KEY = "ui_language"
_IN_FORCE_KEY = "_ui_language_in_force"


def _session_language() -> str | None:
    """The language the visitor's last run used: callbacks run before ``apply_language`` does."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get(_IN_FORCE_KEY)


def apply_language() -> str:
    """Set the language of this run: the user's choice unless languages are disabled."""
    from homecrm.i18n import set_language_fallback
    from homecrm.ui.placeholders import install_placeholders

    install_placeholders()
    set_language_fallback(_session_language)
    with reading() as session:
        localization = load_section(session, LocalizationSettings)
    chosen = st.session_state.get(LANGUAGE_KEY)
    lang = localization.default_language
    if chosen in LANGUAGES and not localization.disable_language_choice:
        lang = chosen
    set_language(lang)
    st.session_state[_IN_FORCE_KEY] = lang
    return lang


def builtin_texts_css() -> str:
    """Streamlit's own widget texts are English only: the file uploader's button is renamed in the
    page's language (CSS ``content``), and the "Press Enter to submit form" hint is hidden (the
    button under it says what to do). Static text from our catalogue: nothing a user typed."""
    upload = json.dumps(_("Upload"), ensure_ascii=False)  # a valid CSS string: quotes and backslashes escaped
    return (
        "<style>"
        "[data-testid='InputInstructions']{display:none}"
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p{font-size:0}"
        f"[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p::after{{"
        f"content:{upload};font-size:0.875rem}}"
        "</style>"
    )


def _theme_is_dark() -> bool:
    try:
        return st.context.theme.type == "dark"
    except AttributeError:  # older runtimes and AppTest have no theme information
        return False


def choose_logo(light, dark, dark_theme: bool):
    """The light-background logo in the light theme, the dark one in the dark theme (either as fallback)."""
    return (dark or light) if dark_theme else (light or dark)


def page_chrome() -> None:
    """Page config, logo and the sidebar's language menu and website link."""
    with reading() as session:
        general = load_section(session, GeneralSettings)
        localization = load_section(session, LocalizationSettings)
        logo = choose_logo(get_asset(session, general.logo), get_asset(session, general.logo_dark), _theme_is_dark())
        logo_src = image_source(logo) if logo is not None else None
    st.set_page_config(
        page_title=general.company_name or "homecrm",
        page_icon=":material/home_work:",
        layout="wide",
    )
    st.html(builtin_texts_css())  # style only: takes no room on the page
    if logo_src is not None:
        st.logo(logo_src, link=general.website or None, size="large")
    with st.sidebar:
        if general.company_name:
            st.caption(md(general.company_name))
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


@dataclass(frozen=True)
class PageSpec:
    path: str
    url_path: str
    title: str  # message id
    icon: str
    section: str  # message id
    module: str | None = None
    right: str = "view_own"
    admin: bool = False
    also: tuple[tuple[str, str], ...] = ()  # further rights the page needs (a statement: documents and payments)

    def allowed(self, actor: Principal) -> bool:
        if self.admin:
            return actor.is_admin
        return (self.module is None or actor.can(self.module, self.right)) and all(
            actor.can(module, right) for module, right in self.also)


MANAGEMENT, SETTINGS, ADMIN = N_("Management"), N_("Settings"), N_("Administration")
PAGES: list[PageSpec] = [
    PageSpec("pages/dashboard.py", "tableau-de-bord", N_("Dashboard"), ":material/dashboard:", MANAGEMENT, "reports", "view"),
    PageSpec("pages/tenants.py", "locataires", N_("Tenants"), ":material/group:", MANAGEMENT, "tenants"),
    PageSpec("pages/candidates.py", "candidats", N_("Candidates"), ":material/view_kanban:", MANAGEMENT, "candidates"),
    PageSpec("pages/candidate_import.py", "import-candidats", N_("Import candidates"), ":material/upload_file:", MANAGEMENT,
             "candidates", "create"),
    PageSpec("pages/calendar.py", "calendrier", N_("Calendar"), ":material/calendar_month:", MANAGEMENT),
    PageSpec("pages/tasks.py", "taches", N_("Tasks"), ":material/task_alt:", MANAGEMENT, "tasks"),
    PageSpec("pages/timesheets.py", "feuilles-de-temps", N_("Timesheets"), ":material/schedule:", MANAGEMENT, "tasks"),
    PageSpec("pages/tickets.py", "support", N_("Support"), ":material/support_agent:", MANAGEMENT, "tickets"),
    PageSpec("pages/leases.py", "biens-et-baux", N_("Properties & leases"), ":material/apartment:", MANAGEMENT, "leases"),
    PageSpec("pages/receipts.py", "quittances", N_("Rent receipts"), ":material/receipt_long:", MANAGEMENT, "documents"),
    PageSpec("pages/payments.py", "paiements", N_("Payments"), ":material/payments:", MANAGEMENT, "payments", "view_own"),
    PageSpec("pages/candidate_analytics.py", "analyse-candidats", N_("Candidate analytics"), ":material/insights:",
             MANAGEMENT, "reports", "view"),
    PageSpec("pages/credit_notes.py", "notes-de-credit", N_("Credit notes"), ":material/undo:", MANAGEMENT, "credit_notes"),
    PageSpec("pages/statements.py", "releves", N_("Tenant statements"), ":material/account_balance_wallet:", MANAGEMENT,
             "documents", "view", also=(("payments", "view"), ("tenants", "view_own"))),
    PageSpec("pages/reminders.py", "relances", N_("Reminders"), ":material/notifications:", MANAGEMENT, "documents", "view"),
    PageSpec("pages/settings/general.py", "parametres-general", N_("General"), ":material/tune:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/company.py", "parametres-compte", N_("Company information"), ":material/business:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/localization.py", "parametres-localisation", N_("Localisation"), ":material/language:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/smtp.py", "parametres-smtp", N_("E-mail (SMTP)"), ":material/mail:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/email_templates.py", "parametres-modeles-email", N_("E-mail templates"), ":material/drafts:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/sms.py", "parametres-sms", N_("SMS: gateway"), ":material/sms:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/sms_triggers.py", "parametres-sms-declencheurs", N_("SMS: triggers"), ":material/bolt:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/reminders.py", "parametres-relances", N_("Reminders"), ":material/alarm:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/finance.py", "parametres-facturation", N_("Billing: general"), ":material/payments:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/receipts.py", "parametres-quittances", N_("Billing: receipts"), ":material/tag:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/credit_notes.py", "parametres-notes-de-credit", N_("Credit notes"), ":material/undo:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/gateways.py", "parametres-passerelles", N_("Payment gateways"), ":material/credit_card:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/clients.py", "parametres-clients", N_("Clients / tenants"), ":material/badge:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/candidates.py", "parametres-candidats", N_("Candidates"), ":material/view_kanban:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/tasks.py", "parametres-taches", N_("Tasks"), ":material/task_alt:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/support.py", "parametres-support", N_("Support"), ":material/support_agent:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/calendar.py", "parametres-calendrier", N_("Calendar"), ":material/calendar_month:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/calendar_style.py", "parametres-calendrier-style", N_("Calendar: style"), ":material/palette:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/tags.py", "parametres-tags", N_("Tags"), ":material/sell:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/pdf.py", "parametres-pdf", N_("PDF"), ":material/picture_as_pdf:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/pdf_formats.py", "parametres-formats-pdf", N_("PDF: document formats"), ":material/description:", SETTINGS, "settings", "view"),
    PageSpec("pages/settings/pdf_signature.py", "parametres-signature-pdf", N_("PDF: signature"), ":material/draw:", SETTINGS, "settings", "view"),
    PageSpec("pages/admin/users.py", "utilisateurs", N_("Staff accounts"), ":material/manage_accounts:", ADMIN, admin=True),
    PageSpec("pages/admin/roles.py", "roles", N_("Roles & departments"), ":material/admin_panel_settings:", ADMIN, admin=True),
    PageSpec("pages/settings/security.py", "parametres-securite", N_("Security"), ":material/lock:", ADMIN, admin=True),
    PageSpec("pages/admin/audit.py", "journal", N_("Audit trail"), ":material/history:", ADMIN, admin=True),
    PageSpec("pages/account.py", "mon-compte", N_("My account"), ":material/person:", N_("Account")),
]


def _account_box(actor: Principal) -> None:
    from homecrm.ui.auth import sign_out

    with st.sidebar:
        st.divider()
        st.caption(_("Signed in as {name}").format(name=md(actor.name or actor.email)))
        st.button(_("Sign out"), on_click=sign_out, key="auth.sign_out", icon=":material/logout:")


def _access_refused() -> None:
    st.title(_("Access refused"))
    st.error(_("You may not open this page."))


def navigation():
    """Only the pages the signed-in user may open; sign-in or first-run set-up otherwise.

    Every known address stays registered (hidden): signed out, a bookmarked page shows the sign-in
    form and opens after it; signed in without the right, it says so instead of "page not found".
    """
    from homecrm.ui.auth import current_actor, login_page, needs_setup, setup_page

    if needs_setup():
        return st.navigation([st.Page(setup_page, title=_("Set-up"), url_path="installation", default=True),
                              st.Page(setup_page, title=_("Sign in"), url_path="connexion", visibility="hidden"),
                              *_everywhere(setup_page)], position="hidden")
    actor = current_actor()
    if actor is None:
        # An old bookmark of the set-up page (done since) shows the sign-in form, not "page not found".
        return st.navigation([st.Page(login_page, title=_("Sign in"), url_path="connexion", default=True),
                              st.Page(login_page, title=_("Set-up"), url_path="installation", visibility="hidden"),
                              *_everywhere(login_page)], position="hidden")
    _account_box(actor)
    account = next(p for p in PAGES if p.path == "pages/account.py")
    if actor.must_change_password:
        others = [spec for spec in PAGES if spec is not account]
        return st.navigation([_page(account, default=True),
                              *(_hidden(spec, lambda: st.switch_page(account.path)) for spec in others)],
                             position="hidden")
    sections: dict[str, list] = {}
    support_on, badge = _support_state(actor)
    gated = _settings_gates(actor, support_on)
    allowed = [spec for spec in PAGES if spec.allowed(actor) and spec is not account and gated.get(spec.path, True)]
    for index, spec in enumerate(allowed):
        title = f"{_(spec.title)} ({badge})" if spec.path == "pages/tickets.py" and badge else None
        sections.setdefault(_(spec.section), []).append(_page(spec, default=index == 0, title=title))
    sections.setdefault(_(account.section), []).append(_page(account, default=not allowed))
    refused = [_hidden(spec, _access_refused) for spec in PAGES if not spec.allowed(actor)]
    # Pages a setting switches off stay reachable by address: they say why themselves.
    refused += [st.Page(spec.path, title=_(spec.title), url_path=spec.url_path, visibility="hidden")
                for spec in PAGES if spec.allowed(actor) and not gated.get(spec.path, True)]
    home = allowed[0] if allowed else account
    # Signed in already: the sign-in and set-up addresses lead to the first page.
    refused += [st.Page(lambda: st.switch_page(home.path), title=_(title), url_path=path, visibility="hidden")
                for path, title in (("connexion", N_("Sign in")), ("installation", N_("Set-up")))]
    sections[_(account.section)].extend(refused)
    return st.navigation(sections, expanded=True)


def _everywhere(render) -> list:
    return [_hidden(spec, render) for spec in PAGES]


def _hidden(spec: PageSpec, render):
    return st.Page(render, title=_(spec.title), url_path=spec.url_path, visibility="hidden")


def _page(spec: PageSpec, *, default: bool = False, title: str | None = None):
    return st.Page(spec.path, title=title or _(spec.title), icon=spec.icon, url_path=spec.url_path, default=default)


def _settings_gates(actor: Principal, support_on: bool) -> dict[str, bool]:
    """Menu entries that settings hide: the support pages when the module is off, the import
    page for staff when only administrators may import."""
    from homecrm.settings.sections import CandidateSettings

    with reading() as session:
        staff_import = load_section(session, CandidateSettings).staff_can_import
    return {"pages/tickets.py": support_on, "pages/candidate_import.py": actor.is_admin or staff_import}


def _support_state(actor: Principal) -> tuple[bool, int]:
    """Is the support module on, and the open-tickets count for the menu badge (0: no badge)."""
    from homecrm.settings.sections import SupportSettings
    from homecrm.support.tickets import open_count

    with reading() as session:
        settings = load_section(session, SupportSettings)
        badge = open_count(session, actor=actor) if settings.enabled and settings.menu_badge else 0
    return settings.enabled, badge


def page_link(path: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the app (nothing when the page runs alone, as in AppTest)."""
    from streamlit.errors import StreamlitAPIException

    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitAPIException:
        pass
