"""The glossary (content/glossary.yaml): terms and their definitions, and which terms the booklet uses.

A term printed in the glossary but never used in the booklet's text is a warning:
either the text changed and the entry is left over, or the term is spelt differently
where it is used. A term is found as a whole word, in any case, plural or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field

from ..errors import Problem
from .model import HttpsUrl, Model, Text
from .read import Document


class Term(Model):
    """One glossary entry."""

    term: Text
    """The term as it is written in the booklet, e.g. "Apprenticeship"."""
    definition: Text
    """What it means, in one or two plain sentences."""
    source: HttpsUrl | None = None
    """Official page the definition follows, e.g. https://www.gov.uk/become-apprentice."""
    term_cy: Text | None = Field(default=None, examples=["Prentisiaeth"])
    """Welsh version of term (Cymraeg), used by Welsh and bilingual editions."""
    definition_cy: Text | None = Field(default=None, examples=["Swydd gyda hyfforddiant."])
    """Welsh version of definition."""

    @property
    def anchor(self) -> str:
        """The id of its entry on the glossary page, where the first use of the term links to."""
        return "term-" + slug(self.term)


class Glossary(Model):
    """The glossary file (glossary.yaml)."""

    terms: list[Term] = Field(min_length=1)
    """The terms, in printed order (alphabetical reads best)."""


def slug(text: str) -> str:
    """Lower case letters and digits joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-") or "term"


def pattern(term: str) -> re.Pattern[str]:
    """The term as a whole word or words, in any case, with an optional plural ending."""
    words = r"\s+".join(re.escape(w) for w in str(term).split())
    return re.compile(rf"(?<!\w){words}(?:s|es)?(?!\w)", re.IGNORECASE)


_NOT_TEXT = {
    *("id", "tags", "url", "website", "source", "output", "language", "profiles", "bilingual_order"),
    *("name_language", "logo", "file", "organisation", "route"),
}
"""Fields that hold ids, addresses, file names or settings, not text a reader reads."""


def texts(value: Any) -> Iterator[str]:
    """Every English text in a content value (Welsh versions, ids and addresses left out)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts(item)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name.endswith("_cy") or name in _NOT_TEXT:
                continue
            yield from texts(getattr(value, name))


def check_unused(glossary: Glossary, doc: Document, content: Iterable[Any]) -> list[Problem]:
    """A warning at each term that no text of the booklet uses."""
    body = "\n".join(t for value in content for t in texts(value))
    problems = []
    for index, term in enumerate(glossary.terms):
        if not pattern(term.term).search(body):
            loc = ("terms", index, "term")
            problems.append(
                Problem(
                    doc.where(loc),
                    f"term {term.term!r} is not used anywhere in the booklet",
                    "remove the entry, or write the term in the text the way the glossary spells it",
                    "terms." + str(index) + ".term",
                    warning=True,
                )
            )
    seen: dict[str, int] = {}
    for index, term in enumerate(glossary.terms):
        key = slug(term.term)
        if key in seen:
            loc = ("terms", index, "term")
            line = doc.where(("terms", seen[key], "term")).line
            problems.append(
                Problem(
                    doc.where(loc),
                    f"term {term.term!r} is in the glossary twice (first at line {line})",
                    "keep one entry",
                    "terms." + str(index) + ".term",
                )
            )
        seen.setdefault(key, index)
    return problems
