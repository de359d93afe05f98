"""What cells mean and how problems are printed: dates as Excel writes them (the UK's DD/MM/YYYY),
values shortened in messages, and floods of one mistake grouped and bounded (`bounded`, which every
command that prints a list of problems goes through).
"""

from __future__ import annotations

import datetime as dt
import re

from ..errors import Problem, Where

MAX_PROBLEM_LINES = 40
"""Problem lines a command prints before it says how many more there are."""
GROUP_AFTER = 3
"""The same mistake in more places than this is printed once, with a count."""
MAX_WHAT = 300
"""Characters of a problem's message (or hint) printed; a longer one loses its middle, where a quoted value sits."""


def shorten(value: object, limit: int = 40) -> str:
    """A value quoted in a message, cut so that one line stays one line."""
    text = " ".join(str(value).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _cut(text: str, limit: int = MAX_WHAT) -> str:
    """`text` whole, or its start and end around '…': the end says what is wrong, the start where."""
    if len(text) <= limit:
        return text
    tail = limit // 3
    return text[: limit - tail - 1] + "…" + text[-tail:]


def bounded(problems: list[Problem], limit: int = MAX_PROBLEM_LINES, group: bool = True) -> list[Problem]:
    """Problems as every command prints them: at most `limit` lines, the last saying how many more there
    are ("… and 261 more problems"), each message and hint cut to MAX_WHAT characters; with `group`, the
    same mistake in many places once with a count ("×20,000, first at people.csv:2:3").

    Commands that group in their own way (`check` groups warnings across files, never errors) pass
    `group=False`: the cap and the count line are the same for all.
    """

    def key(problem: Problem) -> tuple[str, str, str, bool]:
        return (problem.path, problem.what, problem.hint, problem.warning)

    counts: dict[tuple[str, str, str, bool], int] = {}
    if group:
        for problem in problems:
            counts[key(problem)] = counts.get(key(problem), 0) + 1
    lines: list[tuple[Problem, int]] = []
    shown: set[tuple[str, str, str, bool]] = set()
    for problem in problems:
        count = counts.get(key(problem), 1)
        if count <= GROUP_AFTER:
            lines.append((_shortened(problem), 1))
        elif key(problem) not in shown:
            shown.add(key(problem))
            what = f"{_cut(problem.what)} ×{count:,}, first at {problem.where}"
            lines.append((Problem(problem.where, what, _cut(problem.hint), problem.path, problem.warning), count))
    if len(lines) > limit:
        more = sum(count for _, count in lines[limit - 1 :])
        count_line = Problem(
            Where(lines[limit - 1][0].where.file.split(" › ")[0]),  # the file, not a cell
            f"… and {more:,} more problem{'s' if more != 1 else ''}",
            "fix these first and run again",
        )
        lines = [*lines[: limit - 1], (count_line, more)]
    return [line for line, _ in lines]


def _shortened(problem: Problem) -> Problem:
    if len(problem.what) <= MAX_WHAT and len(problem.hint) <= MAX_WHAT:
        return problem
    return Problem(problem.where, _cut(problem.what), _cut(problem.hint), problem.path, problem.warning)


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
