"""`booklet check`: print every content problem, one per line, and the summary; return the exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..build.pipeline import load_content
from ..content.check import REVIEW_MONTHS
from ..errors import Exit, group_warnings
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
) -> int:
    """`booklet check`: report every problem, one per line; return the exit code.

    Problems go to `print_line` (stdout), sorted by file and line; the summary
    goes to `print_error` (stderr). Exit 1 when there are errors, or warnings
    with `strict`; otherwise 0. With `stale`, only the freshness report (and any
    errors) is printed: every item due for review, oldest first.
    """
    project = Project.locate(content)
    loaded = load_content(project, brand, months=months)
    errors, warnings = loaded.errors, loaded.warnings
    if stale:
        shown = errors + [s.problem for s in loaded.stale]
    else:
        shown = loaded.problems
    for problem in group_warnings(shown):
        print_line(problem.line())
    files = loaded.files or len(loaded.documents)
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
