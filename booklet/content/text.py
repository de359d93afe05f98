"""Checks on the characters of every text value, after YAML has decoded its escapes.

YAML's double-quoted escapes (`\\0`, `\\e`, `\\a`, `\\x9b`, `\\u202e` …) make
characters that no editor shows: control characters would reach the PDF, the
HTML and the terminal, so they are errors; bidirectional and zero-width
characters change how text reads without changing how it looks, so they are
errors in addresses (the model refuses them); elsewhere they are removed with
a warning, so none reaches a booklet. The
mistakes of text pasted from a word processor — curly quotes around a whole
value, a bullet character at the start of a list item — are undone with a
warning, and words too long to fit a line are pointed out.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..errors import BIDI, CONTROLS, INVISIBLE, Problem, visible
from .read import Document, Loc, dotted, short

URL_KEYS = frozenset({"source", "website", "url", "web"})
"""Keys whose values are addresses: the model refuses hidden characters in them."""
PLAIN_KEYS = URL_KEYS | {"id", "output", "email", "phone", "accent", "accent_text", "language", "logo", "tags"}
"""Keys whose values are not prose: no long-word or bullet advice for them."""

ALLOWED_CONTROLS = "\t\n"
LONG_WORD = 30
"""Characters in a word beyond which it will not fit a narrow column (A5, large print, a card's name) unbroken.
The longest words in common English dictionaries have about 28; a longer one is usually a pasted mistake."""

BULLETS = "•◦▪▫●○■□‣⁃∙·➢➤►▶✓✔-–—*"
"""Characters word processors put at the start of list items (a plain '-' only when followed by a space)."""
CURLY = {"“": "”", "‘": "’", "„": "“", "«": "»"}


def _name(char: str) -> str:
    return f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")


def odd_characters(text: str, allowed: str = ALLOWED_CONTROLS) -> tuple[list[str], list[str]]:
    """The control characters in `text` (but `allowed`), and its bidirectional and invisible ones, each once,
    in code-point order: what the reader refuses or removes, and a class list or plan refuses in a name."""
    controls = sorted({c for c in text if c in CONTROLS and c not in allowed})
    hidden = sorted({c for c in text if c in BIDI or c in INVISIBLE})
    return controls, hidden


def check_text(doc: Document) -> list[Problem]:
    """Problems with the characters of every key and value in `doc` (changing nothing but pasted quotes/bullets)."""
    problems: list[Problem] = []
    _walk(doc, doc.data, (), problems, None)
    return problems


def _walk(doc: Document, value: Any, loc: Loc, problems: list[Problem], parent: Any) -> Any:
    if isinstance(value, dict):
        for key in list(value):
            _string(doc, str(key), (*loc, key), problems, is_key=True)
            value[key] = _walk(doc, value[key], (*loc, key), problems, value)
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _walk(doc, item, (*loc, index), problems, value)
        return value
    if isinstance(value, str):
        return _string(doc, value, loc, problems, in_list=isinstance(parent, list))
    return value


def _string(
    doc: Document, text: str, loc: Loc, problems: list[Problem], *, is_key: bool = False, in_list: bool = False
) -> str:
    where, path = doc.where(loc), dotted(loc)
    named = [part for part in loc if isinstance(part, str)]
    key = named[-1] if named else ""
    controls, hidden = odd_characters(text)
    if controls:
        problems.append(
            Problem(
                where,
                f"{'key' if is_key else 'text'} {visible(short(text, 60))} contains the control "
                f"character{'s' if len(controls) > 1 else ''} " + ", ".join(_name(c) for c in controls),
                "delete it; in double-quoted text the escapes \\0 \\a \\b \\e \\r \\x.. and \\u.. make such characters",
                path,
            )
        )
        return text
    if hidden and (is_key or key not in URL_KEYS):
        problems.append(
            Problem(
                where,
                f"{visible(short(text, 60))} contains the invisible character{'s' if len(hidden) > 1 else ''} "
                + ", ".join(_name(c) for c in hidden)
                + ("" if is_key else "; it was removed"),
                "it changes how text reads or is searched without showing; delete it from the file",
                path,
                warning=True,
            )
        )
        if not is_key:
            text = "".join(c for c in text if c not in hidden)
    if is_key or key in PLAIN_KEYS:
        return text
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] in CURLY and stripped[-1] == CURLY[stripped[0]]:
        problems.append(
            Problem(
                where,
                f"{short(stripped, 60)} is inside curly quotes {stripped[0]} {stripped[-1]}, which YAML does not "
                "treat as quotes; they were removed",
                f'use straight quotes: {key}: "{_cut(stripped[1:-1], 50)}"',
                path,
                warning=True,
            )
        )
        text = stripped = stripped[1:-1].strip()
    if in_list and stripped[:1] in BULLETS and (stripped[:1] not in "-*" or stripped[1:2] == " "):
        bullet = stripped[0]
        problems.append(
            Problem(
                where,
                f"list item starts with a pasted bullet {bullet!r} ({_name(bullet)}); it was removed",
                "the '- ' at the start of the line already makes a list item; delete the extra bullet",
                path,
                warning=True,
            )
        )
        text = stripped = stripped[1:].strip()
    long = [word for word in stripped.split() if len(word) > LONG_WORD and not _address_like(word)]
    if long:
        problems.append(
            Problem(
                where,
                f"the word {short(long[0], 50)} has {len(long[0]):,} characters; words over {LONG_WORD} do not fit "
                "a narrow column and are broken at an arbitrary letter",
                "add spaces, or shorten it",
                path,
                warning=True,
            )
        )
    return text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _address_like(word: str) -> bool:
    """Addresses, host names and emails: printed where they may wrap, and not "words" to shorten."""
    return "://" in word or "@" in word or "/" in word or bool(re.search(r"\w\.[\w-]+\.\w", word))
