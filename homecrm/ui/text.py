"""User text inside Markdown: escaped so it is shown literally, never interpreted."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape Markdown (and HTML-looking) characters of user-provided text."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def md_lines(text: object) -> str:
    """Like ``md``, keeping the writer's line breaks (Markdown joins single lines otherwise)."""
    return "  \n".join(md(line) for line in ("" if text is None else str(text)).splitlines())
