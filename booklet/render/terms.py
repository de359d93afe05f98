"""Glossary links in the HTML and EPUB editions: the first use of each term links to its entry.

Works on one language's rendered HTML, between the start of the main content and the
glossary itself: text inside links, headings, form labels and the glossary is left
alone (a checklist step, a label, may link), so no link lands inside another and no heading changes its text. Content is
autoescaped before it gets here, so text between tags holds no markup, and terms
are matched against their escaped form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import escape

_TAG = re.compile(r"(<[^>]*>)")
_OPEN = re.compile(r"^<([a-zA-Z][a-zA-Z0-9]*)\b")
_CLOSE = re.compile(r"^</([a-zA-Z][a-zA-Z0-9]*)\s*>")
_SKIPPED = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "title", "button", "blockquote"}
"""Elements whose text never gets a glossary link (links, headings; a quote keeps its own words)."""
_MAIN = re.compile(r'<(?:main|div)\b[^>]*\bid="main"')
_GLOSSARY = re.compile(r'<section\b[^>]*\bid="glossary"')


def _pattern(term: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(str(escape(w))) for w in str(term).split())
    return re.compile(rf"(?<![\w&#]){words}(?:s|es)?(?!\w)", re.IGNORECASE)


def link_terms(html: str, terms: Sequence[Any]) -> str:
    """`html` with the first use of each term (`.term`, `.anchor`) in the main content made a link."""
    if not terms:
        return html
    start = _MAIN.search(html)
    if start is None:
        return html
    glossary = _GLOSSARY.search(html, start.start())
    end = glossary.start() if glossary else len(html)
    waiting = [(_pattern(t.term), t.anchor) for t in terms]
    pieces = _TAG.split(html[start.start() : end])
    skipping: list[str] = []
    for index, piece in enumerate(pieces):
        if not waiting:
            break
        if index % 2:  # a tag
            opened, closed = _OPEN.match(piece), _CLOSE.match(piece)
            if opened and opened.group(1).lower() in _SKIPPED and not piece.endswith("/>"):
                skipping.append(opened.group(1).lower())
            elif closed and skipping and closed.group(1).lower() == skipping[-1]:
                skipping.pop()
            continue
        if skipping or not piece.strip():
            continue
        pieces[index] = _link_first(piece, waiting)
    return html[: start.start()] + "".join(pieces) + html[end:]


def _link_first(text: str, waiting: list[tuple[re.Pattern[str], str]]) -> str:
    """`text` with each waiting term found in it linked once (and no longer waiting)."""
    found: list[tuple[int, int, str]] = []
    for pattern, anchor in list(waiting):
        match = pattern.search(text)
        if match is None or any(s < match.end() and match.start() < e for s, e, _ in found):
            continue
        found.append((match.start(), match.end(), anchor))
        waiting.remove((pattern, anchor))
    for begin, finish, anchor in sorted(found, reverse=True):
        link = f'<a class="term-link" href="#{anchor}">{text[begin:finish]}</a>'
        text = text[:begin] + link + text[finish:]
    return text
