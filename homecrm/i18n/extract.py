"""Keep the catalogues in step with the code: ``python -m homecrm.i18n.extract``.

Finds every message passed to ``_``, ``N_``, ``gettext`` and ``ngettext`` in the Python sources
and the Jinja templates, adds the missing ones to ``locale/<lang>/LC_MESSAGES/<area>.po`` with an
empty translation, and lists what is still untranslated. The tests use ``extract_messages`` to
check that every message has a French translation.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from homecrm.i18n import LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("homecrm", "pages", "app.py")
_FUNCS = {"_", "N_", "gettext"}
_TEMPLATE_CALL = re.compile(r"""\b(?:_|gettext)\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")
_TEMPLATE_NGETTEXT = re.compile(r"""\bngettext\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)\"""")


def _python_messages(path: Path) -> Iterator[tuple[str, str | None, int]]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        args = node.args
        if node.func.id in _FUNCS and args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            yield args[0].value, None, node.lineno
        elif node.func.id == "ngettext" and len(args) >= 2 and all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2]
        ):
            yield args[0].value, args[1].value, node.lineno


def _template_messages(path: Path) -> Iterator[tuple[str, str | None, int]]:
    text = path.read_text("utf-8")
    for match in _TEMPLATE_CALL.finditer(text):
        yield match.group(1).encode().decode("unicode_escape"), None, text.count("\n", 0, match.start()) + 1
    for match in _TEMPLATE_NGETTEXT.finditer(text):
        yield match.group(1), match.group(2), text.count("\n", 0, match.start()) + 1


def area_of(path: Path) -> str:
    """Catalogue file a source belongs to: homecrm/<area>/… → <area>.po; pages and app → pages.po."""
    rel = path.relative_to(ROOT).parts
    if rel[0] == "homecrm":
        return rel[1].removesuffix(".py") if len(rel) > 2 else "core"
    return "pages"


def extract_messages() -> dict[str, tuple[str | None, str, str]]:
    """msgid → (plural, area, first location)."""
    found: dict[str, tuple[str | None, str, str]] = {}
    files: list[Path] = []
    for source in SOURCES:
        base = ROOT / source
        files.extend(sorted(base.rglob("*.py")) if base.is_dir() else [base])
    files.extend(sorted((ROOT / "homecrm").rglob("templates/*.html")))
    for path in files:
        reader = _template_messages if path.suffix == ".html" else _python_messages
        for msgid, plural, line in reader(path):
            found.setdefault(msgid, (plural, area_of(path), f"{path.relative_to(ROOT)}:{line}"))
    return found


def update_catalogues() -> dict[str, list[str]]:
    messages = extract_messages()
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        folder = LOCALE_DIR / lang / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        catalogs: dict[str, Catalog] = {}
        known: set[str] = set()
        for po_file in sorted(folder.glob("*.po")):
            with po_file.open("rb") as fh:
                catalogs[po_file.stem] = read_po(fh, locale=lang)
            known.update(m.id if isinstance(m.id, str) else m.id[0] for m in catalogs[po_file.stem] if m.id)
        for msgid, (plural, area, location) in messages.items():
            if msgid in known:
                continue
            catalog = catalogs.setdefault(area, Catalog(locale=lang, project="homecrm", fuzzy=False))
            catalog.add((msgid, plural) if plural else msgid, string=("", "") if plural else "",
                        locations=[tuple(location.rsplit(":", 1))])
        for area, catalog in catalogs.items():
            with (folder / f"{area}.po").open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
            if lang != "en":
                for message in catalog:
                    if message.id and not (all(message.string) if isinstance(message.string, tuple) else message.string):
                        missing.setdefault(lang, []).append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def fill(lang: str, translations: dict[str, str | list[str]]) -> list[str]:
    """Write translations into whichever catalogue of ``lang`` holds each msgid; returns unknown ids."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    remaining = dict(translations)
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        changed = False
        for message in catalog:
            key = message.id if isinstance(message.id, str) else (message.id[0] if message.id else None)
            if key in remaining:
                value = remaining.pop(key)
                if isinstance(message.id, (list, tuple)):
                    forms = value if isinstance(value, list) else [value]
                    message.string = tuple(forms + [forms[-1]] * (catalog.num_plurals - len(forms)))
                else:
                    message.string = value
                changed = True
        if changed:
            with po_file.open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    return list(remaining)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--fill":
        # python -m homecrm.i18n.extract --fill translations.json   ({"msgid": "traduction", …})
        import json

        update_catalogues()
        unknown = fill("fr", json.loads(Path(sys.argv[2]).read_text("utf-8")))
        if unknown:
            print("unknown msgids:", unknown)
    todo = update_catalogues()
    for lang, ids in todo.items():
        print(f"{lang}: {len(ids)} untranslated")
        for msgid in ids:
            print(f"  {msgid!r}")
    sys.exit(1 if todo else 0)
