"""WeasyPrint with fonts and stylesheet parsed once per process and an asset-only URL fetcher.

DESIGN.md (measured): reusing one ``FontConfiguration`` and one parsed ``CSS`` is ~20 % faster
and keeps memory flat over a batch. The fetcher serves our bundled assets and ``data:`` URIs
only: a document can never make WeasyPrint read a local file or reach the network.
"""

from __future__ import annotations

import logging
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
        self.fetcher = AssetOnlyFetcher(allowed_protocols={"data", "file"})
        self.font_config = FontConfiguration()
        base_css = _font_faces(assets / "fonts") + "\n" + (TEMPLATES_DIR / "document.css").read_text("utf-8")
        self.stylesheet = CSS(
            string=base_css,
            base_url=assets.as_uri() + "/",
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def render(self, html: str) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, base_url=self.assets.as_uri() + "/", url_fetcher=self.fetcher)
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)


@lru_cache(maxsize=1)
def renderer() -> PdfRenderer:
    """The process-wide renderer (fonts loaded on first use)."""
    return PdfRenderer()
