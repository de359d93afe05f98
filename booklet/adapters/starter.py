"""The starter project: example content shipped inside the package (booklet/starter/).

`booklet init` copies it into a new folder and the content guide quotes it, so
both always show content that validates and builds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from importlib.abc import Traversable

from ..content.placeholders import strip_markers

DATE_TOKEN = "TODAY"
"""Written in the starter's date fields; replaced by the date of `init`."""
RENAMES = {"gitignore": ".gitignore"}
"""Starter files stored under another name (package data leaves out dot-files)."""


def starter() -> Traversable:
    """The starter project inside the installed package."""
    return resources.files("booklet") / "starter"


def starter_files() -> Iterator[tuple[str, Traversable]]:
    """(relative path in the new project, package file) for every starter file, sorted."""

    def walk(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
        for item in sorted(folder.iterdir(), key=lambda i: i.name):
            if item.name == "__pycache__":
                continue
            name = RENAMES.get(item.name, item.name) if not prefix else item.name
            if item.is_dir():
                yield from walk(item, f"{prefix}{name}/")
            else:
                yield f"{prefix}{name}", item

    yield from walk(starter(), "")


def starter_text(text: str, today: dt.date) -> str:
    """A starter file's text as a new project gets it: the date token replaced, the placeholder markers
    (`# placeholder: …`, read by `booklet check`) left out."""
    return strip_markers(text).replace(DATE_TOKEN, today.isoformat())
