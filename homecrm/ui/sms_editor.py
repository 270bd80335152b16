"""The SMS triggers page: each text with its live length, encoding and billed segments."""

from __future__ import annotations

import streamlit as st

from homecrm.i18n import N_, _, ngettext
from homecrm.notify.sms import MAX_SEGMENTS, segment_info, to_gsm
from homecrm.security.principal import Principal
from homecrm.settings import load_section, save_section
from homecrm.settings.sections import SmsTriggerSettings
from homecrm.settings.sections.messaging import SMS_TRIGGERS, sample_sms
from homecrm.ui.db import reading
from homecrm.ui.feedback import field_errors, run_action, show_field_error, show_flashes

FORM = "sms-triggers"
WAITING = {"estimates": N_("Estimates"), "proposals": N_("Proposals"), "e-sign": N_("E-sign")}
# Waits that are not a missing module, said as they are.
WAITING_NOTES = {"staff-phones": N_("Stored, not sent yet: staff accounts have no phone number. Calendar reminders "
                                    "reach staff by e-mail.")}


def _key(name: str) -> str:
    return f"sms.{name}"


def describe(text: str) -> str:
    """"112 characters · GSM-7 · 1 segment" — of the text as sent (merge fields filled in)."""
    info = segment_info(sample_sms(text))
    parts = ngettext("{n} segment", "{n} segments", info.segments).format(n=info.segments)
    chars = ngettext("{n} character", "{n} characters", info.characters).format(n=info.characters)
    return _("{chars} · {encoding} · {segments}").format(chars=chars, encoding=info.encoding, segments=parts)


def _gsm(name: str) -> None:
    st.session_state[_key(name)] = to_gsm(st.session_state.get(_key(name), ""))


def _save(actor: Principal) -> None:
    changes = {}
    for name in SMS_TRIGGERS:
        changes[f"{name}_enabled"] = st.session_state.get(_key(f"{name}_enabled"), False)
        changes[name] = st.session_state.get(_key(name), "")
    run_action(lambda s: save_section(s, SmsTriggerSettings, changes, actor=actor), success=_("Settings saved."), form=FORM)


def sms_triggers_editor(actor: Principal) -> None:
    st.title(_(SmsTriggerSettings.title))
    st.caption(_(SmsTriggerSettings.intro))
    show_flashes()
    with reading() as session:
        current = load_section(session, SmsTriggerSettings)
    if "__all__" in field_errors(FORM):
        show_field_error(FORM, "__all__")
    for name, (label, fields, waiting_for) in SMS_TRIGGERS.items():
        with st.container(border=True):
            st.session_state.setdefault(_key(name), getattr(current, name))
            st.session_state.setdefault(_key(f"{name}_enabled"), getattr(current, f"{name}_enabled"))
            if waiting_for:
                st.markdown(f"**{_(label)}**")
                st.caption(_(WAITING_NOTES[waiting_for]) if waiting_for in WAITING_NOTES else
                           _("Waiting for the {module} module: stored, not sent yet.").format(
                               module=_(WAITING[waiting_for])))
            else:
                st.toggle(_(label), key=_key(f"{name}_enabled"))
            st.text_area(_("Text"), key=_key(name), height=90,
                         help=_("Merge fields: {names}.").format(names=", ".join("{" + f + "}" for f in fields)))
            show_field_error(FORM, name)
            text = st.session_state.get(_key(name), "")
            info = segment_info(sample_sms(text))
            line = describe(text)
            if info.segments > MAX_SEGMENTS:
                st.error(line)
            else:
                st.caption(line)
            if info.ucs2_characters:
                st.caption(_("Characters that force UCS-2: {chars}").format(
                    chars=" ".join(repr(ch)[1:-1] if ch.isspace() else ch for ch in info.ucs2_characters)))
                st.button(_("Replace by GSM equivalents"), key=_key(f"{name}.gsm"), on_click=_gsm, args=(name,))
    st.button(_("Save settings"), type="primary", key="sms.save", on_click=_save, args=(actor,),
              disabled=not actor.can("settings", "edit"))
