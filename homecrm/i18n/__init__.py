"""Translations: ``_()`` looks a message up in the gettext catalogues of the current language.

Message ids are English; French is the default language. Catalogues are the ``.po`` files under
``locale/<lang>/LC_MESSAGES/`` (one file per area, merged at load) so each module keeps its own
messages. ``N_()`` marks a string for extraction without translating it yet (labels declared at
import time are translated when shown).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)
# Where the language comes from when this thread set none (the web app: the visitor's session, for
# the callbacks Streamlit runs before the page has set it). Installed by homecrm.ui.
_fallback: Callable[[], str | None] | None = None


def normalize_language(lang: str | None) -> str:
    lang = (lang or "").split("_")[0].split("-")[0].lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def get_language() -> str:
    lang = _current.get()
    if lang is None and _fallback is not None:
        lang = _fallback()
    return lang or DEFAULT_LANGUAGE


def set_language_fallback(provider: Callable[[], str | None] | None) -> None:
    """``provider()`` gives the language for threads that set none (None: the default language)."""
    global _fallback
    _fallback = provider


def set_language(lang: str | None) -> None:
    _current.set(normalize_language(lang))


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    token = _current.set(normalize_language(lang))
    try:
        yield get_language()
    finally:
        _current.reset(token)


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str | tuple[str, ...]]:
    """All translated messages of ``lang`` (untranslated and fuzzy entries left out)."""
    messages: dict[str, str | tuple[str, ...]] = {}
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if not message.id or message.fuzzy:
                    continue
                key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
                value = message.string
                if isinstance(value, (list, tuple)):
                    if all(value):
                        messages[key] = tuple(value)
                elif value:
                    messages[key] = value
    return messages


def gettext(message: str, lang: str | None = None) -> str:
    translated = catalog(lang or get_language()).get(message)
    return translated if isinstance(translated, str) else message


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    lang = lang or get_language()
    translated = catalog(lang).get(singular)
    if isinstance(translated, tuple):
        # French and English both have two forms; French uses the singular for 0 and 1.
        many = n > 1 if lang == "fr" else n != 1
        return translated[1 if many else 0]
    return plural if n != 1 else singular


def _(message: str) -> str:
    return gettext(message)


def N_(message: str) -> str:
    return message


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "_",
    "catalog",
    "get_language",
    "gettext",
    "language",
    "ngettext",
    "normalize_language",
    "set_language",
    "set_language_fallback",
]
