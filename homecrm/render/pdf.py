"""WeasyPrint with fonts and stylesheet parsed once per process and an asset-only URL fetcher.

DESIGN.md (measured): reusing one ``FontConfiguration`` and one parsed ``CSS`` is ~20 % faster
and keeps memory flat over a batch. The fetcher serves our bundled assets and ``data:`` URIs
only: a document can never make WeasyPrint read a local file or reach the network.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from homecrm.config import load_config

log = logging.getLogger(__name__)

# family name in CSS → (regular file, bold file)
FONT_FILES: dict[str, tuple[str, str]] = {
    "DejaVu Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "DejaVu Sans Condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "DejaVu Serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
}
RECENT_PDFS = 16  # remembered PDFs per process (a few MB at most)
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _font_faces(fonts_dir: Path) -> str:
    rules = []
    for family, (regular, bold) in FONT_FILES.items():
        for weight, filename in (("normal", regular), ("bold", bold)):
            rules.append(
                "@font-face { font-family: 'HC %s'; font-weight: %s; src: url('%s'); }"
                % (family, weight, (fonts_dir / filename).as_uri())
            )
    return "\n".join(rules)


class PdfRenderer:
    """Turns document HTML into PDF bytes. Build one per process and reuse it."""

    def __init__(self, assets_dir: Path | None = None) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        assets = (assets_dir or load_config().assets_dir).resolve()

        class AssetOnlyFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                if url.startswith("file:"):
                    path = Path(url2pathname(urlparse(url).path)).resolve()
                    if path.is_relative_to(assets) and path.is_file():
                        return super().fetch(url, headers)
                raise ValueError(f"resource refused (only bundled assets are served): {url[:80]}")

        self.assets = assets
        self._recent: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.fetcher = AssetOnlyFetcher(allowed_protocols={"data", "file"})
        self.font_config = FontConfiguration()
        base_css = _font_faces(assets / "fonts") + "\n" + (TEMPLATES_DIR / "document.css").read_text("utf-8")
        self.stylesheet = CSS(
            string=base_css,
            base_url=assets.as_uri() + "/",
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def render(self, html: str, *, remember: bool = True) -> bytes:
        """The PDF of ``html``. The last few are remembered by their HTML: a page drawn again shows
        the same PDF without WeasyPrint, and any change that reaches the document (a tenant renamed, a
        payment, a setting) changes its HTML, so it is never stale. Batches pass ``remember=False``."""
        key = hashlib.sha256(html.encode("utf-8")).digest()
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        from weasyprint import HTML

        document = HTML(string=html, base_url=self.assets.as_uri() + "/", url_fetcher=self.fetcher)
        pdf = document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)
        if remember:
            with self._lock:
                self._recent[key] = pdf
                while len(self._recent) > RECENT_PDFS:
                    self._recent.popitem(last=False)
        return pdf


@lru_cache(maxsize=1)
def renderer() -> PdfRenderer:
    """The process-wide renderer (fonts loaded on first use)."""
    return PdfRenderer()
