"""CSV files for spreadsheets: ``;`` and a BOM so a French Excel opens them right, and no formulas.

Text typed by outsiders (a candidate's name from a web form, a payment reference) could start with
``=``, ``+``, ``-`` or ``@`` and run as a formula when the file is opened ("CSV injection"): such
cells get a leading apostrophe. Numbers (including negative amounts) are left alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DANGEROUS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unprotect(value: str) -> str:
    """The text ``safe_cell`` protected, as it was (a file exported by homecrm imported again)."""
    if value.startswith("'") and value[1:].startswith(_DANGEROUS) and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
