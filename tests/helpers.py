"""Shared test helpers: reading PDFs back the way a tenant reads them."""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader

# The shared test vectors sit next to the checkout: ../shared/vectors.
VECTORS = Path(os.environ.get("HOMECRM_VECTORS_DIR", Path(__file__).resolve().parents[2] / "shared" / "vectors"))


def vectors(name: str) -> dict:
    return json.loads((VECTORS / name).read_text("utf-8"))


def normalise(text: str) -> str:
    """NFKC, words split across lines re-joined, whitespace collapsed (DESIGN.md)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"-\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def pdf_reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF"), "not a PDF"
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    reader = pdf_reader(data)
    return normalise("\n".join(page.extract_text() or "" for page in reader.pages))


def text_positions(data: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """(text, x, y, font size) of each text run on a page."""
    runs: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], font_size * tm[0] * cm[0]))

    pdf_reader(data).pages[page].extract_text(visitor_text=visit)
    return runs


def fonts_used(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in pdf_reader(data).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def page_content(data: bytes, page: int = 0) -> bytes:
    return pdf_reader(data).pages[page].get_contents().get_data()
