"""Settings framework: one pydantic model per section of the spec, stored field by field.

A section declares its fields with ``setting(...)`` (label and help are message ids, shown
translated; ``widget`` tells the page generator which widget to draw). Values are validated by
the model (types, ranges, cross-field rules, placeholders) and, when they refer to the
database, by ``check_in_db``. Saving validates everything first and writes nothing when any
field is wrong, reporting every wrong field at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from homecrm.errors import ValidationError
from homecrm.i18n import _
from homecrm.inputs import as_validation_error
from homecrm.render.placeholders import check_template
from homecrm.security.principal import Principal, require, require_admin
from homecrm.store.models import Setting

log = logging.getLogger(__name__)

SECTIONS: dict[str, type[SettingsSection]] = {}
S = TypeVar("S", bound="SettingsSection")


def setting(
    default: Any,
    *,
    label: str,
    help: str = "",  # noqa: A002 - the name the spec uses
    widget: str | None = None,
    stored: bool = True,
    **extra: Any,
) -> Any:
    """Declare a settings field. ``label``/``help`` are message ids (wrap them in ``N_``).

    Constraints (``ge``, ``le``, ``max_length``…) go to pydantic; anything else is metadata for
    the page generator (``choices``, ``placeholders``, ``asset_kind``…).
    """
    constraints = {key: extra.pop(key) for key in list(extra) if key in _CONSTRAINTS}
    schema_extra = {"widget": widget, "stored": stored, **extra}
    return Field(default, title=label, description=help, json_schema_extra=schema_extra, **constraints)


_CONSTRAINTS = {"ge", "gt", "le", "lt", "max_length", "min_length", "pattern"}


class SettingsSection(BaseModel):
    """Base of every section; subclasses set ``section`` (storage key) and ``title``."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    section: ClassVar[str]
    title: ClassVar[str]
    intro: ClassVar[str] = ""
    order: ClassVar[int] = 100
    hidden: ClassVar[bool] = False  # internal sections have no settings page
    # A stored secret only goes where it was typed for: changing one of these fields (say the SMTP
    # server) without typing the secret again is refused, else whoever may edit settings could send
    # the stored password to a server of theirs.
    secret_bound_to: ClassVar[dict[str, tuple[str, ...]]] = {}
    admin_only: ClassVar[bool] = False  # only administrators may change these (sign-in protection, demo flag)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "section" in cls.__dict__:
            SECTIONS[cls.section] = cls

    # Hooks for sections whose fields live elsewhere (e.g. a number counter) or refer to rows.
    @classmethod
    def load_computed(cls, session: Session, values: dict[str, Any]) -> None:
        """Add the values of non-stored fields to ``values``."""

    def check_in_db(self, session: Session, before: SettingsSection) -> dict[str, str]:
        """Errors (field → message) that need the database; empty when all is well."""
        return {}

    def save_computed(self, session: Session, before: SettingsSection) -> None:
        """Write the non-stored fields (called after validation, inside the same transaction)."""

    @classmethod
    def field_meta(cls, name: str) -> dict[str, Any]:
        extra = cls.model_fields[name].json_schema_extra
        return dict(extra) if isinstance(extra, dict) else {}

    @classmethod
    def stored_fields(cls) -> list[str]:
        return [name for name in cls.model_fields if cls.field_meta(name).get("stored", True)]

    @classmethod
    def secret_fields(cls) -> list[str]:
        return [name for name in cls.model_fields if cls.field_meta(name).get("widget") == "secret"]


def template_field(value: str, allowed: tuple[str, ...]) -> str:
    """Field validator body for a ``{placeholder}`` format: unknown names refused, named."""
    try:
        return check_template(value, allowed)
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


def get_section(name: str) -> type[SettingsSection]:
    _import_sections()
    try:
        return SECTIONS[name]
    except KeyError:
        raise ValidationError(
            _("Unknown settings section: {name}. Sections: {names}.").format(
                name=name, names=", ".join(sorted(SECTIONS))
            ),
            field="section",
        ) from None


def all_sections() -> list[type[SettingsSection]]:
    _import_sections()
    return sorted(SECTIONS.values(), key=lambda cls: (cls.order, cls.section))


def _import_sections() -> None:
    import homecrm.settings.sections  # noqa: F401 - registers every section


class _Clear:
    """Pass ``CLEAR`` as a secret's new value to erase it (an empty value keeps the old one)."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR = _Clear()


def _stored_values(session: Session, cls: type[SettingsSection]) -> dict[str, Any]:
    rows = session.execute(select(Setting.name, Setting.value).where(Setting.section == cls.section))
    stored = set(cls.stored_fields())
    secret = set(cls.secret_fields())
    values: dict[str, Any] = {}
    for name, raw in rows:
        if name in stored:
            try:
                value = json.loads(raw)
            except ValueError:
                log.warning("ignoring unreadable stored value of %s.%s", cls.section, name)
                continue
            if name in secret:
                value = _decrypt_stored(cls, name, value)
            values[name] = value
    return values


def _decrypt_stored(cls: type[SettingsSection], name: str, value: Any) -> str:
    from homecrm.security.secrets import SecretKeyError, decrypt

    if not isinstance(value, dict) or "enc" not in value:
        return ""
    try:
        return decrypt(value["enc"])
    except SecretKeyError:
        # Never log the token or the value; the secret reads as not set (see unreadable_secrets).
        # Logged for the operator (not shown: the pages and the CLI say it in the user's language).
        log.info("secret %s.%s cannot be decrypted with the current key", cls.section, name)
        return ""


def unreadable_secrets(session: Session, cls: type[SettingsSection]) -> list[str]:
    """Secrets of ``cls`` stored but not decryptable with the current key (key file lost or
    replaced, HOMECRM_SECRET_KEY changed). They read as empty; typing them again repairs them."""
    from homecrm.security.secrets import SecretKeyError, decrypt

    names = cls.secret_fields()
    if not names:
        return []
    bad = []
    rows = session.execute(select(Setting.name, Setting.value).where(Setting.section == cls.section,
                                                                      Setting.name.in_(names)))
    for name, raw in rows:
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        if isinstance(value, dict) and "enc" in value:
            try:
                decrypt(value["enc"])
            except SecretKeyError:
                bad.append(name)
    return sorted(bad)


# Validation context of values read back from the database: rules that only make sense when the
# user saves (e.g. "a secret is needed to activate X") are not applied to what is already stored,
# so a secret that became unreadable never makes its whole section unreadable.
STORED = {"stored": True}


def is_stored(info: Any) -> bool:
    """In a model validator (``info``): are we reading stored values back?"""
    context = getattr(info, "context", None)
    return bool(context and context.get("stored"))


def _stored_json(cls: type[SettingsSection], name: str, value: Any) -> str:
    if name in cls.secret_fields():
        from homecrm.security.secrets import encrypt

        plain = value.get_secret_value() if isinstance(value, SecretStr) else str(value or "")
        stored: Any = {"enc": encrypt(plain)} if plain else ""
        return json.dumps(stored)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def secret_value(value: SecretStr | str | None) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value or ""


def load_section(session: Session, cls: type[S]) -> S:
    """The section's current values (defaults for anything never saved)."""
    values = _stored_values(session, cls)
    cls.load_computed(session, values)
    try:
        return cls.model_validate(values, context=STORED)
    except PydanticValidationError as exc:
        # A stored value no longer valid (the model changed): fall back to the default for it.
        bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
        log.warning("stored settings %s.%s are invalid; using defaults", cls.section, sorted(bad))
        return cls.model_validate({k: v for k, v in values.items() if k not in bad}, context=STORED)


def validate_section(
    session: Session, cls: type[S], changes: Mapping[str, Any], *, base: S | None = None
) -> S:
    """Merge ``changes`` into the current values and validate; raises with every field error."""
    current = base or load_section(session, cls)
    unknown = sorted(set(changes) - set(cls.model_fields))
    if unknown:
        raise ValidationError(
            _("Unknown setting {name} in section {section}.").format(name=unknown[0], section=cls.section),
            field=unknown[0],
        )
    changes = dict(changes)
    for name in cls.secret_fields():
        # A secret is only replaced when a new value is typed; CLEAR erases it.
        if name in changes:
            typed = secret_value(changes[name]) if changes[name] is not CLEAR else None
            if changes[name] is CLEAR:
                changes[name] = ""
            elif not typed or typed.startswith("****"):
                del changes[name]
    _check_secret_destination(cls, current, changes)
    merged = {**current.model_dump(), **changes}
    try:
        # validators that need other settings (a phone's default country) find the session here
        candidate = cls.model_validate(merged, context={"session": session})
    except PydanticValidationError as exc:
        raise as_validation_error(exc) from None
    db_errors = {**_check_assets(session, cls, candidate), **candidate.check_in_db(session, current)}
    if db_errors:
        first = next(iter(db_errors))
        raise ValidationError(db_errors[first], field=first, errors=db_errors)
    return candidate


def _check_secret_destination(cls: type[SettingsSection], current: SettingsSection, changes: dict[str, Any]) -> None:
    for secret, bound in cls.secret_bound_to.items():
        if secret in changes or not secret_value(getattr(current, secret)):
            continue
        moved = [name for name in bound
                 if name in changes and str(changes[name]).strip() != str(getattr(current, name)).strip()]
        if moved:
            label = _(cls.model_fields[secret].title or secret)
            fields = ", ".join(_(cls.model_fields[name].title or name) for name in moved)
            raise ValidationError(
                _("\"{fields}\" changed: type \"{secret}\" again (a stored secret is only sent where it was "
                  "typed for).").format(fields=fields, secret=label),
                field=secret,
            )


def _check_assets(session: Session, cls: type[SettingsSection], candidate: SettingsSection) -> dict[str, str]:
    """Image fields must point at an uploaded image."""
    from homecrm.store.models import Asset

    errors = {}
    for name in cls.model_fields:
        if cls.field_meta(name).get("widget") == "image":
            asset_id = getattr(candidate, name)
            asset = session.get(Asset, asset_id) if asset_id is not None else None
            if asset_id is not None and (asset is None or not asset.content_type.startswith("image/")):
                errors[name] = _("No uploaded image #{id}.").format(id=asset_id)
    return errors


def save_section(session: Session, cls: type[S], changes: Mapping[str, Any], *, actor: Principal) -> S:
    """Validate then store ``changes``; nothing is written when anything is invalid."""
    require(session, actor, "settings", "edit")
    if cls.admin_only:
        require_admin(session, actor)
    before = load_section(session, cls)
    after = validate_section(session, cls, changes, base=before)
    dumped = after.model_dump(mode="json")
    existing = {
        row.name: row
        for row in session.scalars(select(Setting).where(Setting.section == cls.section))
    }
    secret = set(cls.secret_fields())
    for name in cls.stored_fields():
        row = existing.get(name)
        if name in secret:
            if row is not None and secret_value(getattr(before, name)) == secret_value(getattr(after, name)):
                continue  # unchanged: keep the token (re-encrypting would look like a change)
            if row is None and not secret_value(getattr(after, name)):
                continue  # never set: nothing to store (and no "[redacted]" line in the audit trail)
            value = _stored_json(cls, name, getattr(after, name))
        else:
            value = json.dumps(dumped[name], ensure_ascii=False, sort_keys=True)
            if row is None and getattr(after, name) == cls.model_fields[name].get_default(call_default_factory=True):
                continue  # still the default: nothing to store (and nothing for the audit trail)
        if row is None:
            session.add(Setting(section=cls.section, name=name, value=value))
        elif row.value != value:
            row.value = value
    after.save_computed(session, before)
    session.flush()
    return after


def reset_section(session: Session, cls: type[SettingsSection]) -> None:
    session.execute(delete(Setting).where(Setting.section == cls.section))


def settings_version(session: Session) -> str:
    """Changes whenever any stored setting changes; a cache key for rendered documents."""
    count, latest, ids = session.execute(
        select(func.count(Setting.id), func.max(Setting.updated_at), func.sum(Setting.id))
    ).one()
    return f"{count}:{latest}:{ids}"


def parse_cli_value(cls: type[SettingsSection], name: str, text: str) -> Any:
    """Turn the text given to ``homecrm settings set`` into a value the model will validate."""
    if name not in cls.model_fields:
        raise ValidationError(
            _("Unknown setting {name} in section {section}.").format(name=name, section=cls.section),
            field=name,
        )
    annotation = cls.model_fields[name].annotation
    lowered = text.strip().lower()
    if annotation is bool:
        truthy = {"1", "true", "yes", "oui", "on", "y", "o"}
        falsy = {"0", "false", "no", "non", "off", "n"}
        if lowered in truthy:
            return True
        if lowered in falsy:
            return False
        raise ValidationError(_("Enter yes or no."), field=name)
    if lowered in ("", "none", "null") and cls.model_fields[name].default is None:
        return None
    if getattr(annotation, "__origin__", None) is list:
        # "email,phone" (or an empty value for none)
        return [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    if get_origin(annotation) is Literal and all(isinstance(arg, int) for arg in get_args(annotation)):
        # a choice among numbers (rounding steps, first day of the week): "15" means 15
        stripped = text.strip()
        return int(stripped) if stripped.lstrip("-").isdigit() else text
    return text


def reencrypt_secrets(session: Session, rotate) -> int:
    """Pass every stored secret token through ``rotate`` (key rotation); returns how many."""
    from cryptography.fernet import InvalidToken

    count = 0
    for cls in all_sections():
        names = cls.secret_fields()
        if not names:
            continue
        rows = session.scalars(select(Setting).where(Setting.section == cls.section, Setting.name.in_(names)))
        for row in rows:
            value = json.loads(row.value)
            if isinstance(value, dict) and "enc" in value:
                try:
                    row.value = json.dumps({"enc": rotate(value["enc"])})
                except InvalidToken:
                    # Already unreadable with every key we have: left as is (type it again to repair).
                    log.error("secret %s.%s cannot be decrypted: not re-encrypted", cls.section, row.name)
                    continue
                count += 1
    session.flush()
    return count
