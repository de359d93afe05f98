"""The booklet typeface: Noto Sans, installed as a Python package dependency.

The font files come from the `fontpkg-noto-sans` distribution, so every machine
renders the same glyphs whatever fonts the system has. Noto Sans covers Welsh
(ŵ ŷ Ŵ Ŷ) and is a variable font, so one file serves every weight.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fontpkg

FAMILY = "Noto Sans"
CSS_FAMILY = "Booklet Sans"
"""The name templates use; decoupled from the file so a project can swap the typeface."""


@cache
def font_files() -> dict[str, Path]:
    """Paths of the upright and italic font files."""
    return {
        "normal": fontpkg.path(FAMILY, 400, "normal"),
        "italic": fontpkg.path(FAMILY, 400, "italic"),
    }


def font_dirs() -> list[Path]:
    """Folders the renderer must be allowed to read fonts from."""
    return sorted({p.parent for p in font_files().values()})


@cache
def font_face_css() -> str:
    """@font-face rules for the booklet typeface, one per style and weight used."""
    rules = []
    for style, path in font_files().items():
        # One face per style: the variable font's weight axis serves every weight.
        rules.append(
            "@font-face { font-family: '%s'; src: url('%s'); font-style: %s; }"
            % (CSS_FAMILY, path.as_uri(), style)
        )
    return "\n".join(rules)
