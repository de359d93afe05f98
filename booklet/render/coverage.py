"""Characters the booklet's typeface cannot print, found in the content before anything is rendered.

WeasyPrint draws a character that no font has as an empty box (".notdef") and
says so once per text run, without saying where the text came from. Checking
every text value against the typeface's character map names the file, the
field and the character, as a content warning like any other.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from ..content.read import Document, Loc, dotted
from ..errors import Problem
from . import fonts

_NOT_PRINTED = {"Cc", "Cf", "Zl", "Zp"}
"""Controls and format characters: refused or removed by the content checks, never drawn."""


@cache
def covered() -> frozenset[int]:
    """Code points the typeface (the full variable font, the last in every stack) can draw.

    Reading the font's character map takes a noticeable part of a cold build, so the answer is
    kept beside the typeface's other cached files, keyed by the font file's path, size and time.
    """
    import hashlib
    import json

    from ..util import write_atomic

    source = fonts.variable_files()["normal"]
    stat = source.stat()
    key = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:cmap-v1".encode()).hexdigest()[:16]
    saved = fonts.cache_dir() / f"coverage-{key}.json"
    try:
        ranges = json.loads(saved.read_text())
        return frozenset(code for first, last in ranges for code in range(int(first), int(last) + 1))
    except (OSError, ValueError, TypeError):
        pass  # not made yet, or unreadable: read the font again
    from fontTools.ttLib import TTFont

    with TTFont(source, lazy=True) as font:
        codes = frozenset(font.getBestCmap())
    try:
        write_atomic(saved, json.dumps(_ranges(codes)).encode())
    except OSError:
        pass  # a read-only cache only costs the time next run
    return codes


def _ranges(codes: frozenset[int]) -> list[list[int]]:
    """Code points as [first, last] runs: a few hundred pairs instead of thousands of numbers."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return runs


def missing(text: str) -> list[str]:
    """Characters of `text` that would print as empty boxes, in order of first appearance."""
    have = covered()
    return list(
        dict.fromkeys(
            c for c in text if ord(c) not in have and not c.isspace() and unicodedata.category(c) not in _NOT_PRINTED
        )
    )


def glyph_problems(documents: dict[str, Document]) -> list[Problem]:
    """One warning per text value and missing character, worded the same everywhere so they group."""
    problems: list[Problem] = []
    for doc in documents.values():
        _walk(doc, doc.data, (), problems)
    return problems


def _walk(doc: Document, value: Any, loc: Loc, problems: list[Problem]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(doc, item, (*loc, key), problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(doc, item, (*loc, index), problems)
    elif isinstance(value, str):
        for char in missing(value):
            name = unicodedata.name(char, "")
            problems.append(
                Problem(
                    doc.where(loc),
                    f"the character {char!r} (U+{ord(char):04X}{' ' + name if name else ''}) is not in the "
                    "booklet's typeface (Noto Sans): it prints in another font, or as an empty box",
                    "remove it, or say it in words",
                    dotted(loc),
                    warning=True,
                )
            )
