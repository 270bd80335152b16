"""The generic settings page: widgets drawn from a section's pydantic model.

Type and metadata decide the widget (bool → toggle, choices → select box, ``color`` → colour
picker, ``image`` → uploader, ``template`` → text area listing its placeholders). Saving runs in
the submit button's callback, validates in homecrm and writes nothing when a field is wrong; the
errors are shown under their fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import annotated_types
import streamlit as st
from sqlalchemy.orm import Session

from homecrm.assets import get_asset, image_source, store_image
from homecrm.i18n import _
from homecrm.security.principal import Principal
from homecrm.settings import SettingsSection, load_section, save_section
from homecrm.settings.base import CLEAR, secret_value, unreadable_secrets
from homecrm.settings.secrets import mask
from homecrm.settings.choices import choices_for
from homecrm.ui.db import reading
from homecrm.ui.feedback import field_errors, run_action, show_field_error, show_flashes



def _key(cls: type[SettingsSection], name: str) -> str:
    if cls.field_meta(name).get("widget") == "secret":
        # A new key after each save: the browser drops what was typed (else the eye icon would show
        # the saved secret in clear until the page is left).
        return f"settings.{cls.section}.{name}.{st.session_state.get(_generation_key(cls), 0)}"
    return f"settings.{cls.section}.{name}"


def _generation_key(cls: type[SettingsSection]) -> str:
    return f"settings.{cls.section}.__secrets_generation"


def _bounds(cls: type[SettingsSection], name: str) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for item in cls.model_fields[name].metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["min_value"] = item.ge
        elif isinstance(item, annotated_types.Le):
            bounds["max_value"] = item.le
        elif isinstance(item, annotated_types.MaxLen):
            bounds["max_chars"] = item.max_length
    return bounds


def _draw_field(session: Session, cls: type[SettingsSection], name: str, value: Any) -> None:
    field = cls.model_fields[name]
    meta = cls.field_meta(name)
    widget = meta.get("widget")
    label = _(field.title or name)
    help_text = _(field.description) if field.description else None
    key = _key(cls, name)
    bounds = _bounds(cls, name)
    if widget == "secret":
        current = secret_value(value)
        if name in unreadable_secrets(session, cls):
            from homecrm.security.secrets import key_file

            st.warning(_("The stored value of \"{label}\" cannot be decrypted with this installation's secret key "
                         "({key_file} lost or replaced, or HOMECRM_SECRET_KEY changed): it counts as empty. "
                         "Type it again below and save.").format(label=label, key_file=key_file()),
                       icon=":material/key_off:")
        st.text_input(
            label, type="password", key=key, value="",
            placeholder=mask(current) if current else _("Not set"),
            help=(help_text or "") + " " + _("Leave empty to keep the current value."),
        )
        if current:
            st.checkbox(_("Erase the stored value"), key=key + ".remove")
    elif widget == "image":
        asset = get_asset(session, value)
        if asset is not None:
            st.image(image_source(asset), caption=label, width=160)
            st.checkbox(_("Remove this image"), key=key + ".remove")
        st.file_uploader(label, type=["png", "jpg", "jpeg", "svg"], key=key, help=help_text, max_upload_size=5)
    elif widget == "multiselect":
        options, translate = choices_for(session, meta["choices"])
        st.multiselect(label, list(options), default=[v for v in (value or []) if v in options], key=key, help=help_text,
                       format_func=lambda k: _(options[k]) if translate else options[k])
    elif "choices" in meta:
        options, translate = choices_for(session, meta["choices"])
        keys = list(options)
        index = keys.index(value) if value in keys else 0
        st.selectbox(
            label,
            keys,
            index=index,
            key=key,
            help=help_text,
            format_func=lambda k: _(options[k]) if translate else options[k],
        )
    elif field.annotation is bool:
        st.toggle(label, value=bool(value), key=key, help=help_text)
    elif field.annotation is int:
        st.number_input(label, value=int(value), step=1, key=key, help=help_text,
                        min_value=bounds.get("min_value"), max_value=bounds.get("max_value"))
    elif widget == "color":
        st.color_picker(label, value=value, key=key, help=help_text)
    elif widget in ("textarea", "template"):
        if widget == "template":
            names = ", ".join("{" + p + "}" for p in meta.get("placeholders", ()))
            help_text = ((help_text + " ") if help_text else "") + _("Available placeholders: {names}.").format(names=names)
        st.text_area(label, value=value or "", key=key, help=help_text, max_chars=bounds.get("max_chars"))
    else:
        st.text_input(label, value=_widget_value(cls, name, value), key=key, help=help_text,
                      max_chars=bounds.get("max_chars"))


def _collect(session: Session, cls: type[SettingsSection], current: SettingsSection) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in cls.model_fields:
        key = _key(cls, name)
        meta = cls.field_meta(name)
        if meta.get("widget") == "secret":
            if st.session_state.get(key + ".remove"):
                values[name] = CLEAR
            elif st.session_state.get(key):
                values[name] = st.session_state[key]
            continue
        if meta.get("widget") == "image":
            upload = st.session_state.get(key)
            if upload is not None:
                values[name] = store_image(
                    session, kind=meta.get("asset_kind", name), filename=upload.name, data=upload.getvalue()
                ).id
            elif st.session_state.get(key + ".remove"):
                values[name] = None
            continue
        if key in st.session_state:
            loaded = st.session_state.get(_loaded_key(cls), {})
            # Only what this form changed: another tab's changes to other fields are kept.
            if name not in loaded or st.session_state[key] != loaded[name]:
                values[name] = st.session_state[key]
    return values


def _loaded_key(cls: type[SettingsSection]) -> str:
    return f"settings.{cls.section}.__loaded"


def _widget_value(cls: type[SettingsSection], name: str, value: Any) -> Any:
    """The value the widget shows for a stored value (to tell later what the user changed)."""
    field = cls.model_fields[name]
    if field.annotation is bool:
        return bool(value)
    if field.annotation is int:
        return int(value)
    if "choices" in cls.field_meta(name):
        return list(value) if isinstance(value, (list, tuple)) else value
    if isinstance(value, Decimal):  # amounts and rates written the local way: "0,50"
        from homecrm.ui.formats import current_formats

        return str(value).replace(".", current_formats().decimal_separator)
    return "" if value is None else str(value)


def _reset_widgets(cls: type[SettingsSection]) -> None:
    for name in cls.model_fields:
        for suffix in ("", ".remove"):
            st.session_state.pop(_key(cls, name) + suffix, None)


def _save(cls: type[SettingsSection], actor: Principal) -> None:
    form = f"settings-{cls.section}"

    def action(session: Session) -> SettingsSection:
        current = load_section(session, cls)
        return save_section(session, cls, _collect(session, cls, current), actor=actor)

    if run_action(action, success=_("Settings saved."), form=form) is not None:
        _reset_widgets(cls)
        st.session_state[_generation_key(cls)] = st.session_state.get(_generation_key(cls), 0) + 1


def settings_page(cls: type[SettingsSection], actor: Principal, *, heading: str = "title") -> None:
    """Draw the whole settings page of ``cls``; only users with the settings "edit" right may save.

    ``heading="subheader"`` when several sections share a page.
    """
    (st.subheader if heading == "subheader" else st.title)(_(cls.title))
    if cls.intro:
        st.caption(_(cls.intro))
    show_flashes()
    form = f"settings-{cls.section}"
    if "__all__" in field_errors(form):
        show_field_error(form, "__all__")
    with reading() as session, st.form(form, enter_to_submit=False):
        current = load_section(session, cls)
        st.session_state[_loaded_key(cls)] = {
            name: _widget_value(cls, name, getattr(current, name))
            for name in cls.model_fields
            if cls.field_meta(name).get("widget") not in ("image", "secret")
        }
        for name in cls.model_fields:
            _draw_field(session, cls, name, getattr(current, name))
            show_field_error(form, name)
        st.form_submit_button(
            _("Save settings"), type="primary", on_click=_save, args=(cls, actor),
            disabled=not actor.can("settings", "edit"),
        )
    if not actor.can("settings", "edit"):
        st.caption(_("You may read these settings but not change them."))
