"""Text to braille and back with liblouis: one `lou_translate` run per table for a whole edition.

liblouis (Debian `liblouis-bin`, tables in `liblouis-data`) does the contraction; this module
only feeds it lines and reads its lines back. Its Python binding is built for Debian's own
Python, not the project's, so the command line tool is used: it reads one paragraph per line
and writes one line of braille (North American Braille ASCII, the BRF character set) per line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import BookletError, Exit

COMMAND = "lou_translate"
BINARY_PACKAGE = "liblouis-bin"
TABLES_PACKAGE = "liblouis-data"


@dataclass(frozen=True)
class Code:
    """A braille code: the liblouis table for its contracted text and for text that must not be contracted."""

    name: str
    """As named on the title page, e.g. Unified English Braille, grade 2."""
    table: str
    uncontracted: str
    """For web and e-mail addresses (UEB writes them in grade 1)."""


CODES = {
    "en": Code("Unified English Braille, grade 2", "en-ueb-g2.ctb", "en-ueb-g1.ctb"),
    "cy": Code("Welsh braille, grade 2", "cy-cy-g2.ctb", "cy-cy-g1.utb"),
}
"""The code of each edition language: UEB is the UK standard for English, Welsh grade 2 for Welsh."""

GRADE1_WORD = ";;"
"""UEB's grade 1 word indicator (dots 56, 56): the next word is uncontracted, so a web address inside
grade 2 text is not read as contractions. The Welsh table marks addresses itself (computer braille)."""


def _missing(where: str, what: str, package: str) -> BookletError:
    return BookletError.single(
        f"braille edition not built: {what}",
        file=where,
        hint=f"install it with: sudo apt-get install {package}",
        code=Exit.RENDER,
    )


def _command() -> str:
    found = shutil.which(COMMAND)
    if found is None:
        raise _missing(COMMAND, "liblouis's command is not installed", BINARY_PACKAGE)
    return found


def translate(lines: Sequence[str], table: str, backward: bool = False) -> list[str]:
    """Each of `lines` in braille (or, `backward`, braille back to text), in one run of liblouis.

    A line must hold no line break. A missing command or table is one clear error naming the
    Debian package to install.
    """
    if not lines:
        return []
    if any("\n" in line or "\r" in line for line in lines):
        raise ValueError("a line given to liblouis holds a line break")
    args = [_command(), *(["--backward"] if backward else ["--forward"]), table]
    # The C locale would make lou_translate read bytes, not UTF-8.
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run(
            args,
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BookletError.single(
            f"braille edition not built: liblouis took more than two minutes with {table}", code=Exit.RENDER
        ) from None
    if "Cannot resolve table" in done.stderr or "could not be compiled" in done.stderr:
        raise _missing(table, "this liblouis table is not installed", TABLES_PACKAGE)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[0]
        raise BookletError.single(f"braille edition not built: liblouis failed: {first}", code=Exit.RENDER)
    out = done.stdout.split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        raise BookletError.single(
            f"braille edition not built: liblouis gave {len(out)} lines for {len(lines)}", code=Exit.RENDER
        )
    return out


def check_tables(language: str) -> None:
    """Raise the one-line error naming the package when an edition in `language` (en, cy or bilingual)
    cannot be made: liblouis or one of its tables is missing."""
    for code in ("cy", "en") if language == "bilingual" else (language, "en"):
        for table in dict.fromkeys((CODES[code].table, CODES[code].uncontracted)):
            translate(["a"], table)


DIGITS = "jabcdefghi"
"""The digits 0-9 as braille cells after the numeric indicator (the same in UEB and Welsh braille)."""


def number(value: int) -> str:
    """A braille page number in BRF: the numeric indicator and the digits as the letters a-j."""
    return "#" + "".join(DIGITS[int(d)] for d in str(value))
