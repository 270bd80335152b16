"""Case-insensitive comparisons that also fold accented capitals ("Élodie" = "élodie").

SQLite's ``lower()`` and ``LIKE`` only fold ASCII; the engine registers a ``casefold`` SQL
function with Python's rule, used through these helpers.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement


def fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def same_text(column, text: str) -> ColumnElement[bool]:
    """``column`` equals ``text`` ignoring case (and accents' capitals)."""
    return func.casefold(column) == fold(text)


def contains_text(column, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` ignoring case (LIKE wildcards in ``text`` are taken literally)."""
    return func.casefold(column).contains(fold(text), autoescape=True)


def folded(column):
    """For ORDER BY: sort ignoring case."""
    return func.casefold(column)


def sort_key(text: str) -> str:
    """Alphabetical order as a French reader expects it ("Étudiant" between "Dupont" and "VIP")."""
    import unicodedata

    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().casefold()
