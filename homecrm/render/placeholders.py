"""User-edited formats with ``{placeholder}`` fields (company/tenant info, e-mail and SMS texts).

A format is parsed, never evaluated: only plain ``{name}`` fields from an allow-list are
accepted (no attribute access, indexing, conversion or format spec), so a user template cannot
reach anything but the values we hand it. ``{{`` and ``}}`` write literal braces.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping

from homecrm.errors import ValidationError
from homecrm.i18n import _

_formatter = string.Formatter()


def placeholders_in(template: str, example: str = "name") -> list[str]:
    """Field names used by ``template``; raises ``ValidationError`` when it does not parse."""
    try:
        parsed = list(_formatter.parse(template))
    except ValueError:
        raise ValidationError(
            _("The format has an unbalanced brace: close every {{ with }} (write {{{{ for a literal brace).").format()
        ) from None
    names: list[str] = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            raise ValidationError(
                _("Unsupported placeholder {{{field}}}: use a plain name such as {{{example}}}.").format(
                    field=field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""),
                    example=example,
                )
            )
        names.append(field)
    return names


def check_template(template: str, allowed: Iterable[str], *, field: str | None = None) -> str:
    """Refuse a template that uses placeholders outside ``allowed``, naming them."""
    allowed = list(allowed)
    allowed_set = set(allowed)
    try:
        unknown = sorted({name for name in placeholders_in(template, allowed[0] if allowed else "name")
                          if name not in allowed_set})
    except ValidationError as exc:
        raise ValidationError(str(exc), field=field) from exc
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: {names}. Available: {available}.").format(
                names=", ".join("{" + n + "}" for n in unknown),
                available=", ".join("{" + n + "}" for n in sorted(allowed_set)),
            ),
            field=field,
        )
    return template


def render_template(
    template: str,
    values: Mapping[str, object],
    *,
    escape: Callable[[str], str] | None = None,
) -> str:
    """Substitute ``values`` into ``template``; each value goes through ``escape`` when given.

    Unknown names render empty (templates are checked when saved; a placeholder that lost its
    value later must not break a document).
    """
    out: list[str] = []
    for literal, field, _spec, _conversion in _formatter.parse(template):
        out.append(escape(literal) if escape else literal)
        if field is not None:
            value = values.get(field, "")
            text = "" if value is None else str(value)
            out.append(escape(text) if escape else text)
    return "".join(out)


def render_lines(template: str, values: Mapping[str, object]) -> list[str]:
    """Render and split into lines, dropping lines left empty by missing values."""
    rendered = render_template(template, values)
    return [line.strip() for line in rendered.splitlines() if line.strip(" ,-–")]


_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")  # an escaped brace, or a field


def fill_fields(text: str, values: Mapping[str, object], allowed: Iterable[str], *, literal_in: str = "",
                field: str | None = None) -> str:
    """Fill the ``{name}`` merge fields left in an already-rendered text the user edited.

    Unlike a template, everything else stays as typed (a rendered ``{LOC-QUI-1}`` is text, not a
    field). A ``{name}`` that is no merge field is refused, naming it, unless it was already in
    ``literal_in`` (the rendered draft, where it came from an escaped ``{{name}}``). As in the
    templates, ``{{`` and ``}}`` typed here write a literal brace.
    """
    allowed_set = set(allowed)
    tokens = list(_TOKEN.finditer(text))
    unknown = sorted({m.group(0) for m in tokens
                      if m.group(1) and m.group(1) not in allowed_set and m.group(0) not in literal_in})
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: {names}. Available: {available}.").format(
                names=", ".join(unknown), available=", ".join("{" + n + "}" for n in sorted(allowed_set))),
            field=field,
        )

    def value(match: re.Match) -> str:
        if not match.group(1):
            return match.group(0)[0]  # "{{" → "{", "}}" → "}"
        if match.group(1) not in allowed_set:
            return match.group(0)
        found = values.get(match.group(1), "")
        return "" if found is None else str(found)

    return _TOKEN.sub(value, text)
