"""How secrets are shown: never in full (the last four characters at most)."""

from __future__ import annotations


def mask(value: object) -> str:
    text = "" if value is None else str(value)
    if not text:
        return ""
    return "****" + (text[-4:] if len(text) >= 12 else "")
