"""Placeholder text from the starter project, and the check that warns while any of it is left.

The starter that `booklet init` writes (booklet/starter/) marks each value meant to be replaced with
a comment at the end of its line: `# placeholder: how to fix it`. The list of placeholders is read
from those marked lines, so it is never a hand copy; `init` and the content guide leave the markers
out (`strip_markers`). A project's value that is still exactly a starter placeholder is a warning
(an error under --strict), located at its own file:line:col, whatever file it has moved to.
The brand's placeholder logo is recognised by its bytes, not by its file name.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from typing import Any

from ..errors import Problem
from .read import Document, Loc, dotted, parse

MARKER = re.compile(r"[ \t]+#[ \t]*placeholder\b:?[ \t]*(?P<hint>[^\n]*?)[ \t]*$", re.MULTILINE)
"""The end-of-line comment that marks a starter value as a placeholder, with the fix as its text."""
DEFAULT_HINT = "replace it with your own, or delete it"
LOGO_KEY = "logo"
"""The one marked key whose value is a file: the placeholder is the file's content, not its name."""


@dataclass(frozen=True)
class Placeholders:
    """The starter's placeholder values (each with how to fix it) and its placeholder logos (by SHA-256)."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    """{value: {key it is written under: how to fix it}}: one value may be a placeholder under several keys."""
    logos: dict[str, str] = field(default_factory=dict)

    def hint(self, value: str, key: str) -> str | None:
        """How to fix `value` written under `key` if it is a placeholder (the hint of any key it had); else None."""
        hints = self.values.get(value)
        if not hints:
            return None
        return hints.get(key) or next(iter(hints.values()))


def strip_markers(text: str) -> str:
    """A starter file's text without its placeholder markers, as `init` writes it."""
    return MARKER.sub("", text)


def _marked_lines(text: str) -> dict[int, str]:
    """{line number (1-based): hint} for every line that carries a marker."""
    return {
        text.count("\n", 0, match.start()) + 1: match.group("hint") or DEFAULT_HINT for match in MARKER.finditer(text)
    }


def _value(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _yaml_files(folder: Traversable) -> Iterator[Traversable]:
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.is_dir():
            yield from _yaml_files(item)
        elif item.name.endswith(".yaml"):
            yield item


def read_placeholders(content: Traversable) -> Placeholders:
    """The placeholders marked in a starter content folder."""
    found = Placeholders()
    for item in _yaml_files(content):
        text = item.read_text(encoding="utf-8")
        marked = _marked_lines(text)
        if not marked:
            continue
        doc = parse(text, item.name)
        for loc, (line, _col) in doc.positions.items():
            if line not in marked:
                continue
            value = _value(doc.data, loc)
            if not isinstance(value, str):
                continue
            if loc and loc[-1] == LOGO_KEY:
                digest = hashlib.sha256((content / value).read_bytes()).hexdigest()
                found.logos[digest] = marked[line]
            else:
                found.values.setdefault(value, {}).setdefault(_key(loc), marked[line])
    return found


@functools.cache
def starter_placeholders() -> Placeholders:
    """The placeholders of the starter project shipped in the package."""
    return read_placeholders(resources.files("booklet") / "starter" / "content")


def _strings(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))
    elif isinstance(data, str):
        yield loc, data


def _cut(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _key(loc: Loc) -> str:
    named = [part for part in loc if isinstance(part, str)]
    return named[-1] if named else "value"


def check_placeholders(documents: Iterable[Document], found: Placeholders | None = None) -> list[Problem]:
    """A warning for every value in `documents` still left as the starter wrote it."""
    found = found or starter_placeholders()
    problems: list[Problem] = []
    for doc in documents:
        for loc, text in _strings(doc.data, ()):
            hint = found.hint(text, _key(loc))
            if hint is not None:
                what = f"is the starter's placeholder text {_cut(text)!r}"
                problems.append(Problem(doc.where(loc), what, hint, dotted(loc), warning=True))
    return problems


def check_logo(doc: Document, raw: bytes, found: Placeholders | None = None) -> list[Problem]:
    """A warning if the brand file `doc` embeds the starter's placeholder logo (`raw`: the logo's bytes)."""
    found = found or starter_placeholders()
    hint = found.logos.get(hashlib.sha256(raw).hexdigest())
    if hint is None:
        return []
    return [Problem(doc.where((LOGO_KEY,)), "is the starter's placeholder logo", hint, LOGO_KEY, warning=True)]
