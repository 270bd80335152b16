"""Every bundled PDF font has the characters French money and names need."""

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

FONTS = sorted((Path(__file__).resolve().parents[2] / "assets" / "fonts").glob("*.ttf"))
NEEDED = {"€": 0x20AC, "Œ": 0x152, "œ": 0x153, "narrow no-break space": 0x202F, "no-break space": 0xA0,
          "É": 0xC9, "ç": 0xE7, "’": 0x2019, "«": 0xAB, "»": 0xBB}


def test_fonts_are_bundled():
    assert len(FONTS) >= 2


@pytest.mark.parametrize("font", FONTS, ids=[f.name for f in FONTS])
def test_font_covers_french_text(font):
    cmap = TTFont(font).getBestCmap()
    missing = [name for name, code in NEEDED.items() if code not in cmap]
    assert not missing, f"{font.name} lacks {missing}"
