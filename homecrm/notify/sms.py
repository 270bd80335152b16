"""SMS length and encoding (GSM 03.38), and making a text GSM-7 friendly.

GSM-7 messages hold 160 units alone or 153 per part when split; extension characters
(€ [ ] { } \\ ^ ~ | and form feed) count 2 units and are never split across parts. One
character outside GSM-7 (ê â î ô û ç œ ’ « » °, non-breaking spaces…) makes the whole message
UCS-2: 70 units alone, 67 per part (characters beyond the BMP count 2, never split).
"""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"
_BASIC = set(GSM_BASIC)
_EXTENSION = set(GSM_EXTENSION)

# Replacements that keep a French text readable in GSM-7 (é è à ù and capital Ç are GSM already).
GSM_EQUIVALENTS = {
    "ê": "e", "ë": "e", "â": "a", "î": "i", "ï": "i", "ô": "o", "û": "u", "ü": "u", "ç": "c", "ÿ": "y",
    "á": "a", "í": "i", "ó": "o", "ú": "u", "œ": "oe", "Œ": "OE", "Ê": "E", "Ë": "E", "È": "E", "Â": "A",
    "À": "A", "Î": "I", "Ï": "I", "Ô": "O", "Û": "U", "Ù": "U", "’": "'", "‘": "'", "«": '"', "»": '"',
    "“": '"', "”": '"', "°": "o", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "…": "...", "–": "-", "—": "-",
    "\u2011": "-",
}


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int
    segments: int
    characters: int
    ucs2_characters: tuple[str, ...]  # what forces UCS-2, in order of appearance

    def __getitem__(self, key: str):  # the helper is also read like a dict: info["segments"]
        return getattr(self, key)


def is_gsm(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENSION for ch in text)


def _unit_sizes(text: str, gsm: bool) -> list[int]:
    if gsm:
        return [2 if ch in _EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _parts(sizes: list[int], capacity: int) -> int:
    parts, used = 1, 0
    for size in sizes:
        if used + size > capacity:  # a 2-unit character is never split: it starts the next part
            parts, used = parts + 1, 0
        used += size
    return parts


def segment_info(text: str) -> SegmentInfo:
    """Encoding, billed units and segments of an SMS text."""
    gsm = is_gsm(text)
    sizes = _unit_sizes(text, gsm)
    units = sum(sizes)
    single, multi = (160, 153) if gsm else (70, 67)
    segments = 0 if units == 0 else 1 if units <= single else _parts(sizes, multi)
    offenders = tuple(dict.fromkeys(ch for ch in text if ch not in _BASIC and ch not in _EXTENSION))
    return SegmentInfo("GSM-7" if gsm else "UCS-2", units, segments, len(text), offenders)


def to_gsm(text: str) -> str:
    """Replace the characters that force UCS-2 by their GSM-7 equivalents (ê→e, ç→c, ’→', « »→")."""
    return "".join(GSM_EQUIVALENTS.get(ch, ch) for ch in text)


def sms_amount(formatted: str) -> str:
    """Amounts in SMS without non-breaking spaces (they would turn the message into UCS-2)."""
    return formatted.replace("\u00a0", " ").replace("\u202f", " ")


MAX_SEGMENTS = 10
