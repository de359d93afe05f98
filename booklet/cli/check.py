"""`booklet check`: print the content's problems, one per line (at most a screenful, then a count), and the
summary; return the exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters.cells import bounded
from ..content.check import REVIEW_MONTHS, sorted_problems
from ..content.read import Document, load
from ..errors import BookletError, Exit, Problem, group_warnings
from ..jobs.plan import load_content
from ..project import Project

if TYPE_CHECKING:
    from ..adapters.links import Options
    from ..content.load import Content


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def run_check(
    content: Path | None = None,
    strict: bool = False,
    stale: bool = False,
    months: int = REVIEW_MONTHS,
    brand: Path | None = None,
    print_line: Callable[[str], None] = print,
    print_error: Callable[[str], None] = print,
    language: str = "en",
    links: bool = False,
    link_options: Options | None = None,
    spelling: bool = False,
) -> int:
    """`booklet check`: report the problems, one per line; return the exit code.

    Problems go to `print_line` (stdout), sorted by file and line, at most
    MAX_PROBLEM_LINES of them and then a count of the rest (`adapters.cells.bounded`); the summary
    goes to `print_error` (stderr). Exit 1 when there are errors, or warnings
    with `strict`; otherwise 0. With `stale`, only the freshness report (and any
    errors) is printed: every item due for review, oldest first.

    With `links`, every web address in the content is also asked whether it
    still answers (see `booklet.adapters.links`): broken addresses are errors,
    moved and unreachable ones warnings. With no network at all, one line says
    so (results from the last day's cache are still reported); that line is an
    error only with `strict`.

    With `spelling`, every text is checked against the British English or Welsh
    dictionary (see `booklet.adapters.spelling`): one line per word, warnings, or
    errors with `strict`. A missing dictionary is one line naming its package.
    """
    project = Project.locate(content)
    loaded = load_content(project, brand, months=months)
    if language == "cy":
        # Every text without its Welsh version beside it: warnings, or errors with --strict.
        from ..content.translations import missing_welsh

        book = loaded.booklet
        loaded.problems = sorted_problems(
            loaded.problems
            + missing_welsh(
                book.frame if book else None,
                book.organisations if book else [],
                book.routes if book else [],
                loaded.audiences,
                loaded.documents,
            )
        )
    errors, warnings = loaded.errors, loaded.warnings
    if stale:
        shown = errors + [s.problem for s in loaded.stale]
    else:
        shown = loaded.problems
    link_summary = ""
    offline = False
    if links:
        documents = dict(loaded.documents)
        if brand is not None and brand.is_file():
            try:
                documents[str(brand)] = load(brand)
            except BookletError:
                pass  # its problems are already among the content problems
        link_found, link_summary, offline = _check_links(documents, link_options)
        errors = errors + [p for p in link_found if not p.warning]
        warnings = warnings + [p for p in link_found if p.warning]
        shown = sorted_problems(shown + link_found)
    spelled: list[Problem] = []
    missing_dictionaries: list[str] = []
    spelling_summary = ""
    if spelling:
        from ..adapters.spelling import WORDS_FILE, check_spelling

        report = check_spelling(loaded.documents, project.content, strict=strict)
        spelled, missing_dictionaries = sorted_problems(report.problems), report.missing
        errors = errors + [p for p in spelled if not p.warning]
        warnings = warnings + [p for p in spelled if p.warning]
        if report.created:
            print_error(f"created {project.content.name}/{WORDS_FILE}: add the words the dictionaries do not know")
        spelling_summary = (
            f"spelling: {_plural(len(spelled), 'word')} to look at in {report.words:,} checked"
            if spelled
            else f"spelling: no misspelt words in {report.words:,} checked"
        )
    # A translation report names every field on its own line (each needs its Welsh written there);
    # otherwise a warning repeated in many places is printed once with its count. Each misspelt word
    # has its own line: the same misspelling in two places needs two fixes. However many there are,
    # the lines stop at the cap every command keeps, with a count of the rest.
    listed = (shown if language == "cy" else group_warnings(shown)) + spelled
    for problem in bounded(listed, group=False):
        print_line(problem.line())
    for line in missing_dictionaries:
        print_line(line)
    if offline:
        print_line(link_summary)
    files = loaded.files or len(loaded.documents)
    failing = bool(errors) or (
        strict and (bool(loaded.stale if stale else warnings) or offline or bool(missing_dictionaries))
    )
    if stale:
        due = len(loaded.stale)
        summary = (
            f"{_plural(due, 'item')} of {loaded.sourced} last reviewed more than {months} months ago"
            if due
            else f"all {_plural(loaded.sourced, 'sourced item')} reviewed in the last {months} months"
        )
        if errors:
            summary += f"; {_plural(len(errors), 'error')}"
    elif not shown and not spelled:
        summary = f"no problems in {_plural(files, 'file')}"
    else:
        summary = f"{_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')} in {_plural(files, 'file')}"
    if link_summary and not offline:
        summary += f"; {link_summary}"
    if spelling_summary:
        summary += f"; {spelling_summary}"
    if strict and offline:
        summary += " (links that could not be checked count as an error with --strict)"
    elif strict and failing and not errors:
        summary += " (warnings count as errors with --strict)"
    print_error(summary)
    return int(Exit.CONTENT) if failing else int(Exit.OK)


def _addresses(count: int) -> str:
    return f"{count} address{'' if count == 1 else 'es'}"


def _check_links(documents: dict[str, Document], options: Options | None) -> tuple[list[Problem], str, bool]:
    """Problems for the addresses in `documents`, a summary, and whether the machine is offline."""
    from ..adapters import links

    found = links.addresses(documents)
    report = links.check_links((a.url for a in found), options)
    total = len(dict.fromkeys(a.url for a in found))
    problems = links.link_problems(found, report)  # cached results are reported even when offline
    if report.offline:
        line = f"links not checked: no network (could not connect for any of {_addresses(report.unchecked)}"
        if report.cached:
            line += f"; the other {report.cached} are reported from the last day's cache"
        return problems, line + ")", True
    counts = ", ".join(f"{report.count(status)} {status.value}" for status in links.Status)
    cached = f", {report.cached} from the last day's cache" if report.cached else ""
    return problems, f"{_addresses(total)}: {counts}{cached}", False


def _texts(value: object) -> int:
    """How many translatable texts (with something to translate) `value` holds, nested models included."""
    from pydantic import BaseModel

    from ..content.translations import translatable

    if isinstance(value, list):
        return sum(_texts(item) for item in value)
    if not isinstance(value, BaseModel):
        return 0
    own = sum(1 for name in translatable(type(value)) if getattr(value, name) not in ("", [], None))
    return own + sum(_texts(getattr(value, name)) for name in type(value).model_fields)


def welsh_gap_line(loaded: Content) -> str:
    """One line saying how many texts still have no Welsh ("" when every one has)."""
    from ..content.translations import missing_welsh

    book = loaded.booklet
    if book is None:
        return ""
    frame, organisations, routes = book.frame, book.organisations, book.routes
    gaps = len(missing_welsh(frame, organisations, routes, loaded.audiences, loaded.documents))
    if not gaps:
        return ""
    total = _texts(frame) + _texts(organisations) + _texts(routes) + _texts(loaded.audiences)
    verb = "has" if gaps == 1 else "have"
    return f"{gaps} of {total} texts {verb} no Welsh yet: booklet check --language cy lists them"
