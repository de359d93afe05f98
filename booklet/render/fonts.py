"""The booklet typeface: Noto Sans, installed as a Python package dependency.

The font files come from the `fontpkg-noto-sans` distribution, so every machine
renders the same glyphs whatever fonts the system has. Noto Sans covers Welsh
(ŵ ŷ Ŵ Ŷ). It ships as a variable font; WeasyPrint would cut a static instance
out of it for every weight of every PDF it writes (about 0.3 s a booklet), so
the weights the styles use are instantiated once with fontTools and kept in a
cache folder. Instancing the whole font takes some 20 s, so the instances hold
the Latin scripts (Welsh included), punctuation and symbols only, about 2 s of
work once; every other character comes from the full variable font, which the
styles name second ('Booklet Sans Full'). Where the cache folder cannot be
written, 'Booklet Sans' is the variable font itself.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

import fontpkg

from ..util import user_cache

FAMILY = "Noto Sans"
CSS_FAMILY = "Booklet Sans"
"""The name templates use; decoupled from the file so a project can swap the typeface."""
FULL_FAMILY = "Booklet Sans Full"
"""The whole variable font, second in every font stack, for characters the instances lack."""
INSTANCE_UNICODES = [
    *range(0x20, 0x250),  # Basic Latin, Latin-1, Latin Extended-A and -B
    *range(0x2B0, 0x370),  # spacing modifiers and combining accents
    *range(0x1E00, 0x1F00),  # Latin Extended Additional (Welsh ẁ ẃ ẅ ỳ)
    *range(0x2000, 0x2070),  # general punctuation: dashes, quotes, bullets
    *range(0x20A0, 0x20C1),  # currency
    *range(0x2100, 0x2200),  # letterlike symbols, arrows
    0x25A1,
    0x2713,
    0x2714,
    0xFFFD,
]
WEIGHTS = (400, 600, 700)
"""The upright weights the default styles use: body, semi-bold labels, bold headings."""
ITALIC_WEIGHTS = (400,)
"""Clear Print avoids italic; one weight serves a project style that uses it."""


def cache_dir() -> Path:
    """Where static instances of the typeface are kept."""
    return user_cache("fonts")


@cache
def variable_files() -> dict[str, Path]:
    """Paths of the upright and italic variable font files."""
    return {
        "normal": fontpkg.path(FAMILY, 400, "normal"),
        "italic": fontpkg.path(FAMILY, 400, "italic"),
    }


def _instances(source: Path, weights: tuple[int, ...]) -> dict[int, Path]:
    """Static instances of `source` at `weights`, made once and reused; raises OSError if unwritable."""
    stat = source.stat()
    key = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:v1".encode()).hexdigest()[:16]
    folder = cache_dir() / key
    targets = {weight: folder / f"{source.stem.split('[')[0]}-{weight}.ttf" for weight in weights}
    if all(path.is_file() for path in targets.values()):
        return targets
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    folder.mkdir(parents=True, exist_ok=True)
    font = TTFont(source)
    options = subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True, hinting=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=INSTANCE_UNICODES)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    for weight, target in targets.items():
        instance = instantiateVariableFont(TTFont(io.BytesIO(buffer.getvalue())), {"wght": weight, "wdth": 100})
        # Written aside and renamed, so parallel workers never read a half-written file.
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                instance.save(handle)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return targets


@cache
def font_faces() -> tuple[tuple[str, str, int | None, Path], ...]:
    """(family, style, weight or None for every weight, file) for each @font-face rule."""
    upright, italic = variable_files()["normal"], variable_files()["italic"]
    faces: list[tuple[str, str, int | None, Path]]
    try:
        # Both styles are instances with the same coverage, so a character they lack moves
        # on to the full font instead of being taken from the other style.
        faces = [(CSS_FAMILY, "normal", w, path) for w, path in _instances(upright, WEIGHTS).items()]
        faces += [(CSS_FAMILY, "italic", w, path) for w, path in _instances(italic, ITALIC_WEIGHTS).items()]
    except OSError:
        faces = [(CSS_FAMILY, "normal", None, upright), (CSS_FAMILY, "italic", None, italic)]
    faces += [(FULL_FAMILY, "normal", None, upright), (FULL_FAMILY, "italic", None, italic)]
    return tuple(faces)


def font_files() -> dict[str, Path]:
    """Every font file the styles use, by a name for people (e.g. normal-700)."""
    return {f"{family}-{style}-{weight or 'variable'}": path for family, style, weight, path in font_faces()}


def font_dirs() -> list[Path]:
    """Folders the renderer must be allowed to read fonts from."""
    return sorted({path.parent for *_, path in font_faces()})


@cache
def font_face_css() -> str:
    """@font-face rules for the booklet typeface: static weights, the variable italic and the full font."""
    rules = []
    for family, style, weight, path in font_faces():
        weight_rule = f" font-weight: {weight};" if weight else ""
        rules.append(
            f"@font-face {{ font-family: '{family}'; src: url('{path.as_uri()}'); font-style: {style};{weight_rule} }}"
        )
    return "\n".join(rules)


STACK = f"'{CSS_FAMILY}', '{FULL_FAMILY}', sans-serif"
"""The font-family value for generated CSS (page furniture, blank pages)."""
