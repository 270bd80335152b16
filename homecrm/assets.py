"""Uploaded images (logos, signature): checked, then stored in the database."""

from __future__ import annotations

import hashlib
import io
import re

from sqlalchemy.orm import Session

from homecrm.errors import ValidationError
from homecrm.i18n import _
from homecrm.store.models import Asset

MAX_IMAGE_BYTES = 1_000_000
_SVG_FORBIDDEN = re.compile(
    rb"<script|javascript:|\son[a-z]+\s*=|<foreignObject|xlink:href\s*=\s*[\"']https?:|href\s*=\s*[\"']https?:",
    re.IGNORECASE,
)


def sniff_image(data: bytes) -> str:
    """MIME type of an image we accept (PNG, JPEG, SVG) or a ``ValidationError``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif b"<svg" in data[:2048].lower():
        if _SVG_FORBIDDEN.search(data):
            raise ValidationError(
                _("This SVG contains scripts or external links; export it again as a plain image."), field="image"
            )
        return "image/svg+xml"
    else:
        raise ValidationError(_("Unsupported image: use PNG, JPG or SVG."), field="image")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:
        raise ValidationError(_("The image file is damaged or incomplete."), field="image") from None
    return mime


def store_image(session: Session, *, kind: str, filename: str, data: bytes) -> Asset:
    if not data:
        raise ValidationError(_("The file is empty."), field="image")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is {size} KB; the limit is {limit} KB.").format(
                size=len(data) // 1000, limit=MAX_IMAGE_BYTES // 1000
            ),
            field="image",
        )
    mime = sniff_image(data)
    asset = Asset(
        kind=kind,
        filename=(filename or "image")[:255],
        content_type=mime,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    session.add(asset)
    session.flush()
    return asset


def get_asset(session: Session, asset_id: int | None) -> Asset | None:
    return session.get(Asset, asset_id) if asset_id else None


def image_source(asset: Asset) -> bytes | str:
    """What an image widget takes: SVG as markup text, other images as bytes."""
    return asset.data.decode("utf-8") if asset.content_type == "image/svg+xml" else asset.data
