"""Spelling (`booklet check --spelling`): every text field against the British English or Welsh dictionary.

The dictionaries are Debian's (`hunspell-en-gb`, `aspell-cy`), reached through enchant
(pyenchant over libenchant-2). English fields are checked in British English and `_cy`
fields in Welsh. Skipped: ids, web and e-mail addresses, words in capitals (acronyms such
as GDS or NHS), words with digits, the words of the organisations' own names, and the
project's word list (`content/words.txt`, one word per line, made on first use).

American spellings are named as such ("organization: British spelling is organisation")
from the American-to-British pairs of the `breame` package. A pair counts when the British
dictionary does not know the American form, or when it is an -ize/-yze form (the en_GB
dictionary also accepts Oxford spelling, but the booklet is written with -ise): so
"practice", "program" or "license", which are British words too, are never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.read import Document, Loc, dotted
from ..errors import Problem, Where
from ..util import write_atomic

WORDS_FILE = "words.txt"
WORDS_HEADER = """\
# Words the spelling check (booklet check --spelling) should accept: one a line.
# A word written in lower case is accepted in any case; otherwise only as written.
"""

DICTIONARIES = {
    "en": ("en_GB", "hunspell-en-gb", "British English"),
    "cy": ("cy", "aspell-cy", "Welsh"),
}
"""Each language's enchant tag, the Debian package that provides it, and its name in messages."""

SKIPPED_KEYS = {
    "id",
    "url",
    "website",
    "source",
    "reviewed",
    "edition",
    "tags",
    "output",
    "language",
    "name_language",
    "bilingual_order",
    "profiles",
    "layout",
    "include",
    "exclude",
    "featured",
    "order",
    "max_steps",
}
"""Fields that hold ids, addresses, dates or settings rather than prose."""

_ADDRESS = re.compile(
    r"https?://\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b(?:[a-z0-9-]+\.)+(?:uk|com|org|net|gov|wales|cymru|io)\b(?:/\S*)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_WELSH_CLITICS = {"r", "n", "i", "u", "m", "th", "ch", "w", "ma", "na", "s"}
"""Short forms joined by an apostrophe in Welsh (mae'r, sy'n, i'ch): the word before them is checked."""
_IZE = re.compile(r"[iy]z")


@dataclass
class Finding:
    """One word to look at, as the preview page shows it (the same as its line in `Report.problems`)."""

    word: str
    language: str
    """en or cy: the dictionary that did not know it."""
    suggestions: list[str]
    """Up to three; for an American spelling, the British one."""
    problem: Problem


@dataclass
class Report:
    """What a spelling check found."""

    problems: list[Problem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """The problems again, each with its word and suggestions apart."""
    missing: list[str] = field(default_factory=list)
    """One line for each dictionary that could not be used, naming the package to install."""
    created: Path | None = None
    """The word list, when this check made it."""
    words: int = 0
    """How many words were checked."""


class _Dictionaries:
    """The enchant dictionaries, opened once; a missing one is recorded, not raised."""

    def __init__(self, languages: tuple[str, ...] = ("en", "cy")) -> None:
        self.found: dict[str, Any] = {}
        self.missing: list[str] = []
        try:
            import enchant
        except ImportError:
            self.missing.append(
                "spelling not checked: the enchant library is missing "
                "(install it with: sudo apt-get install libenchant-2-2)"
            )
            return
        for language in languages:
            tag, package, name = DICTIONARIES[language]
            try:
                self.found[language] = enchant.Dict(tag)
            except enchant.errors.DictNotFoundError:
                self.missing.append(
                    f"{name} spelling not checked: no {tag} dictionary "
                    f"(install it with: sudo apt-get install {package})"
                )


def read_words(path: Path) -> set[str]:
    """The project's word list (empty when there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    return {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


def _strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, (*loc, i))
    elif isinstance(data, str):
        yield loc, data


def _key(loc: Loc) -> str:
    return next((str(part) for part in reversed(loc) if isinstance(part, str)), "")


def _is_organisation(document: Document) -> bool:
    return "organisations" in Path(document.name).parts[:-1]


def _own_names(documents: dict[str, Document]) -> set[str]:
    """Every word of the organisations' names, in both languages, and every id."""
    found: set[str] = set()
    for document in documents.values():
        for loc, text in _strings(document.data):
            key = _key(loc)
            if (_is_organisation(document) and key in ("name", "name_cy")) or key == "id":
                found.update(word.casefold() for word in _WORD.findall(text))
                found.add(text.casefold())
    return found


class _Locator:
    """Finds each word of a value in the file's text, in order, for file:line:col."""

    def __init__(self, document: Document, text: str | None = None) -> None:
        if text is None:
            try:
                text = document.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
        self.text = text
        self.starts = [0]
        for line in self.text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.document = document

    def offset(self, loc: Loc) -> int:
        line, col = self.document.positions.get(loc, (0, 0))
        if not line:
            return 0
        at = self.starts[min(line - 1, len(self.starts) - 1)] + col - 1
        if loc and isinstance(loc[-1], str):  # the position is the key's: look after it
            at = self.text.find(":", at) + 1 or at
        return at

    def where(self, word: str, start: int) -> tuple[Where, int]:
        found = re.search(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", self.text[start:]) if self.text else None
        if found is None:
            return self.document.where(()), start
        at = start + found.start()
        line = max(i for i, s in enumerate(self.starts) if s <= at)
        return Where(self.document.name, line + 1, at - self.starts[line] + 1), at + len(word)


def american(word: str, british: Any) -> str | None:
    """The British spelling when `word` is an American one, else None."""
    from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS

    lower = word.casefold()
    other = AMERICAN_ENGLISH_SPELLINGS.get(lower)
    if other is None or other == lower:
        return None
    if british is not None and british.check(lower) and not _IZE.search(lower):
        return None  # also a British word (practice, program, license), and not an -ize form
    return other if word.islower() else other.capitalize() if word[:1].isupper() else other


def _pieces(word: str, language: str) -> list[str]:
    """The parts of a word the dictionary is asked about when it does not know the whole: each part of a
    hyphenated word, without an English possessive 's or a Welsh short form after an apostrophe."""
    word = word.replace("’", "'")
    pieces = []
    for part in word.split("-"):
        if language == "cy" and "'" in part:
            pieces += [p for p in part.split("'") if p and p.casefold() not in _WELSH_CLITICS]
        elif language == "en" and part.endswith("'s"):
            pieces.append(part[:-2])
        else:
            pieces.append(part)
    return [p for p in pieces if p]


def check_spelling(
    documents: dict[str, Document],
    content: Path,
    strict: bool = False,
    texts: dict[str, str] | None = None,
    create: bool = True,
    names: dict[str, Document] | None = None,
) -> Report:
    """Spelling problems in every text field of `documents`: warnings, or errors with `strict`.

    `texts` gives a document's source text when it is not (yet) on disk (an import's dry run);
    the word list is made on first use unless `create` is false. The organisations' names are
    taken from `documents` and from `names` (the rest of the content, when only some files are checked).
    """
    report = Report()
    words_path = content / WORDS_FILE
    if create and not words_path.exists():
        write_atomic(words_path, WORDS_HEADER.encode("utf-8"))
        report.created = words_path
    listed = read_words(words_path)
    accepted = {w for w in listed if not w.islower()} | {w.casefold() for w in listed if w.islower()}
    dictionaries = _Dictionaries()
    report.missing = dictionaries.missing
    skip = _own_names({**(names or {}), **documents})
    for document in documents.values():
        locator = _Locator(document, (texts or {}).get(document.name))
        for loc, text in _strings(document.data):
            key = _key(loc)
            if key in SKIPPED_KEYS or (_is_organisation(document) and key in ("name", "name_cy")):
                continue
            language = "cy" if any(isinstance(p, str) and p.endswith("_cy") for p in loc) else "en"
            dictionary = dictionaries.found.get(language)
            if dictionary is None:
                continue
            cursor = locator.offset(loc)
            plain = _ADDRESS.sub(lambda m: " " * len(m.group()), text)
            for word in _WORD.findall(plain):
                report.words += 1
                where, cursor = locator.where(word, cursor)
                problem = _word_problem(word, language, dictionary, accepted, skip)
                if problem:
                    what, hint, suggestions = problem
                    found = Problem(where, what, hint, path=dotted(loc), warning=not strict)
                    report.problems.append(found)
                    report.findings.append(Finding(word, language, suggestions, found))
    return report


def _word_problem(
    word: str, language: str, dictionary: Any, accepted: set[str], skip: set[str]
) -> tuple[str, str, list[str]] | None:
    """(what, hint, suggestions) for a word that is misspelt or American, else None."""
    if word in accepted or word.casefold() in accepted or word.casefold() in skip:
        return None
    if len(word) > 1 and word.isupper():
        return None  # an acronym
    if language == "en":
        british = american(word, dictionary)
        if british:
            return f"{word}: British spelling is {british}", "American spelling", [british]
    if dictionary.check(word):
        return None

    def known(piece: str) -> bool:
        return (
            piece in accepted
            or piece.casefold() in accepted
            or piece.casefold() in skip
            or (len(piece) > 1 and piece.isupper())
            or dictionary.check(piece)
        )

    unknown = [p for p in _pieces(word, language) if not known(p)]
    if not unknown:
        return None
    name = DICTIONARIES[language][2]
    suggestions = [s for s in dictionary.suggest(unknown[0]) if s != unknown[0]][:3]
    hint = f"did you mean {', '.join(suggestions)}? " if suggestions else ""
    hint += f"if it is right, add it to content/{WORDS_FILE}"
    return f'"{word}" is not in the {name} dictionary', hint, suggestions
