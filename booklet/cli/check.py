"""`booklet check`: print every content problem, one per line, and the summary; return the exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..content.check import REVIEW_MONTHS, sorted_problems
from ..content.load import load_project_content
from ..errors import Exit
from ..project import Project


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
) -> int:
    """`booklet check`: report every problem, one per line; return the exit code.

    Problems go to `print_line` (stdout), sorted by file and line; the summary
    goes to `print_error` (stderr). Exit 1 when there are errors, or warnings
    with `strict`; otherwise 0. With `stale`, only the freshness report (and any
    errors) is printed: every item due for review, oldest first.
    """
    project = Project.locate(content)
    loaded = load_project_content(project.content, project.root, brand, months=months)
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
    for problem in shown:
        print_line(problem.line())
    files = len(loaded.documents)
    failing = bool(errors) or (strict and bool(loaded.stale if stale else warnings))
    if stale:
        due = len(loaded.stale)
        summary = (
            f"{_plural(due, 'item')} of {loaded.sourced} last reviewed more than {months} months ago"
            if due
            else f"all {_plural(loaded.sourced, 'sourced item')} reviewed in the last {months} months"
        )
        if errors:
            summary += f"; {_plural(len(errors), 'error')}"
    elif not shown:
        summary = f"no problems in {_plural(files, 'file')}"
    else:
        summary = f"{_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')} in {_plural(files, 'file')}"
    if strict and failing and not errors:
        summary += " (warnings count as errors with --strict)"
    print_error(summary)
    return int(Exit.CONTENT) if failing else int(Exit.OK)
