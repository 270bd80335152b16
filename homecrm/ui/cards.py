"""Board cards as escaped HTML: user text (a name from a web form, a tag) is shown literally —
no Markdown, and no automatic links ("www.example.fr" in a name stays text)."""

from __future__ import annotations

from html import escape

from homecrm.calendar.events import text_color

_CHIP = ('<span style="background:{bg};color:{fg};border-radius:4px;padding:0 6px;margin:0 4px 2px 0;'
         'display:inline-block;font-size:.8rem">{text}</span>')


def chip(text: str, color: str) -> str:
    return _CHIP.format(bg=escape(color), fg=text_color(color), text=escape(text))


def card_html(title: str, *, badge: tuple[str, str] | None = None, facts: list[str] = (),
              alert: str | None = None, tags: list[tuple[str, str]] = (), meta: list[str] = (),
              done: bool = False) -> str:
    """``facts`` and ``meta`` are plain texts joined by " · "; ``alert`` is shown in red;
    ``tags`` and ``badge`` are (text, colour)."""
    parts = [f'<div class="hc-card"><div style="font-weight:600">{escape(title)}{" ✓" if done else ""}</div>']
    if badge:
        parts.append(f"<div>{chip(*badge)}</div>")
    shown = [escape(f) for f in facts if f]
    if alert:
        shown.insert(0, f'<span style="color:#b3261e;font-weight:600">{escape(alert)}</span>')
    if shown:
        parts.append(f'<div style="font-size:.9rem">{" · ".join(shown)}</div>')
    if tags:
        parts.append("<div>" + "".join(chip(name, color) for name, color in tags) + "</div>")
    if meta:
        parts.append(f'<div style="color:#6b7280;font-size:.85rem">{escape(" · ".join(m for m in meta if m))}</div>')
    parts.append("</div>")
    return "".join(parts)
