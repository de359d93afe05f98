"""What cells mean and how their problems are printed: dates as Excel writes them (the UK's DD/MM/YYYY),
values shortened in messages, and floods of one mistake grouped and bounded.
"""

from __future__ import annotations

import datetime as dt
import re

from ..errors import Problem, Where

MAX_PROBLEM_LINES = 40
"""Problem lines a command prints before it says how many more there are."""
GROUP_AFTER = 3
"""The same mistake in more places than this is printed once, with a count."""


def shorten(value: object, limit: int = 40) -> str:
    """A value quoted in a message, cut so that one line stays one line."""
    text = " ".join(str(value).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def bounded(problems: list[Problem], limit: int = MAX_PROBLEM_LINES) -> list[Problem]:
    """Problems as a command prints them: the same mistake in many places once with a count
    ("×20,000, first at people.csv:2:3"), and at most `limit` lines, then how many more there are."""

    def key(problem: Problem) -> tuple[str, str, str, bool]:
        return (problem.path, problem.what, problem.hint, problem.warning)

    counts: dict[tuple[str, str, str, bool], int] = {}
    for problem in problems:
        counts[key(problem)] = counts.get(key(problem), 0) + 1
    lines: list[tuple[Problem, int]] = []
    shown: set[tuple[str, str, str, bool]] = set()
    for problem in problems:
        count = counts[key(problem)]
        if count <= GROUP_AFTER:
            lines.append((problem, 1))
        elif key(problem) not in shown:
            shown.add(key(problem))
            what = f"{problem.what} ×{count:,}, first at {problem.where}"
            lines.append((Problem(problem.where, what, problem.hint, problem.path, problem.warning), count))
    if len(lines) <= limit:
        return [line for line, _ in lines]
    more = sum(count for _, count in lines[limit - 1 :])
    return [line for line, _ in lines[: limit - 1]] + [
        Problem(
            Where(lines[limit - 1][0].where.file.split(" › ")[0]),  # the file, not a cell
            f"… and {more:,} more problem{'s' if more != 1 else ''}",
            "fix these first and run again",
        )
    ]


# ---------------------------------------------------------------- dates as Excel writes them

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
UK_NOTE = "dates written DD/MM/YYYY are read the UK way, day first (e.g. 03/04/2026 is 3 April 2026)"


def parse_date(text: str) -> tuple[dt.date | None, str, bool]:
    """A date typed as YYYY-MM-DD or the UK's DD/MM/YYYY: (date, why not, read the UK way).

    Never quotes `text` (it may be personal data); an impossible day or month, or a two-digit year,
    is refused rather than guessed.
    """
    text = text.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        uk = False
    else:
        match = _UK.match(text)
        if not match:
            return None, "not a date", False
        day, month, year = (int(g) for g in match.groups())
        uk = True
        if len(match.group(3)) == 2:
            return None, "a two-digit year is ambiguous", True
    try:
        return dt.date(year, month, day), "", uk
    except ValueError:
        if uk and 1 <= day <= 12 and month > 12:
            return None, "not a real date read day first (DD/MM/YYYY); is it written month first?", True
        return None, "not a real date", uk
