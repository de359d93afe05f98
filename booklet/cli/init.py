"""Starting a new booklet project: `booklet init DIR`.

The starter project ships inside the package (booklet/starter/), so `init`
works after a plain `pip install` far from this repository. It holds a small
example that validates and builds at once: content with two organisations, two
routes, two audiences and a brand with an SVG logo; an empty styles folder for
overrides; a README for authors. `init` stamps today's date into the example's
edition and review dates, so a fresh project never starts with stale reviews.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..adapters.starter import starter_files, starter_text
from ..errors import BookletError, Exit

GUIDE_FILE = "content-guide.md"
TEXT_SUFFIXES = {".yaml", ".md", ".svg", ""}
"""Starter files whose text gets the date stamped in; any others are copied byte for byte."""


def _check_target(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise BookletError.single(
            "exists and is not a folder", file=directory, hint="choose a new folder name", code=Exit.USAGE
        )
    if directory.is_dir() and any(directory.iterdir()):
        raise BookletError.single(
            "folder is not empty; init only creates new projects",
            file=directory,
            hint="choose a new or empty folder, e.g. booklet init my-booklet",
            code=Exit.USAGE,
        )


def init_project(
    directory: Path,
    print_line: Callable[[str], None] = print,
    today: dt.date | None = None,
) -> list[Path]:
    """Create a booklet project in `directory` (new or empty) and return the files written.

    Refuses, with a BookletError, a path that is a file or a folder that is not
    empty: init never overwrites anyone's work.
    """
    from ..adapters.guide import content_guide

    directory = directory.expanduser()
    _check_target(directory)
    today = today or dt.date.today()
    written: list[Path] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BookletError.single(
            f"cannot create the folder: {exc.strerror}", file=directory, code=Exit.USAGE
        ) from None
    for relative, source in starter_files():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if Path(relative).suffix in TEXT_SUFFIXES:
            target.write_text(starter_text(source.read_text(encoding="utf-8"), today), encoding="utf-8")
        else:
            target.write_bytes(source.read_bytes())
        written.append(target)
    guide = directory / GUIDE_FILE
    guide.write_text(content_guide(), encoding="utf-8")
    written.append(guide)
    (directory / "output").mkdir(exist_ok=True)
    written += _write_schemas(directory / "content" / "schemas")

    print_line(f"Created a booklet project in {directory}")
    print_line("Next:")
    print_line(f"  cd {directory}")
    print_line("  booklet build      # writes the PDF into output/")
    print_line("  booklet preview    # PNG pages and a contact sheet in output/preview/")
    print_line(f"Edit the files in content/; {GUIDE_FILE} describes every field.")
    return written


def _write_schemas(folder: Path) -> list[Path]:
    """JSON Schemas for editor autocomplete (the content files' `$schema=` header lines)."""
    from ..content.schema import write_schemas

    return write_schemas(folder)
