"""Reading an adviser's class list (CSV, XLSX or ODS) into checked rows, one per student.

Each row is checked on its own against the content (audiences, routes,
organisations), so a bad row is reported as `people.csv:ROW:COLUMN  column
message (did you mean …)` and never stops the good ones. Rows hold personal
data: nothing here logs, caches or prints a name; messages quote only ids,
dates and content ids, never a name, adviser or note.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..content.model import Audience, Booklet, Organisation, Route
from ..content.text import odd_characters
from ..errors import BookletError, Exit, Problem, Where
from .cells import UK_NOTE, parse_date
from .workbooks import Workbook, column_letters, open_workbook, read_bytes, read_csv

SUFFIXES = (".csv", ".xlsx", ".ods")
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
"""Ids name files (`output/people/ID.pdf`) and form fields: letters, digits, `-` and `_`."""
MAX_TEXT = 200
"""Longest name or adviser accepted (a cover line must still fit)."""
MAX_STEPS = 12
"""Most agreed next steps one action plan prints."""
MAX_NOTE = 1_000
"""Longest note accepted (the action plan prints it whole)."""
JOINERS = "\u200c\u200d"
"""Zero-width (non-)joiners: invisible, but needed to spell names in some scripts (Persian, Indic)."""
NOTE_BREAKS = "\t\n\r"
"""Controls a note may hold: a line break typed in a cell (Alt+Enter), a tab."""


class PersonRow(BaseModel):
    """One row of a class list: one student, one personal copy of their audience's booklet."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """The student's reference, unique in the list: letters, digits, `-` and `_`.
    Files are named by it (`output/people/S1042.pdf`); never use a name here."""
    name: str
    """The student's name as printed on the cover: "Prepared for NAME with ADVISER, DATE"."""
    audience: str = ""
    """Id of an audience in audiences.yaml; empty for the default booklet."""
    routes: str = ""
    """Route ids the student chose, separated by `;`, printed first in the action plan
    with their steps as tick boxes."""
    organisations: str = ""
    """Organisation ids to contact, separated by `;`."""
    next_steps: str = ""
    """The next steps agreed with the adviser, separated by `;`, each a tick box."""
    adviser: str = ""
    """The adviser's name, printed on the cover and beside the contact details."""
    follow_up: str = ""
    """Date of the follow-up meeting, `YYYY-MM-DD` or the UK's `DD/MM/YYYY` (spreadsheet dates work too)."""
    notes: str = ""
    """A short note printed in the action plan, labelled "Adviser's note" (at most 1,000 characters)."""
    private_notes: str = ""
    """For the adviser only: never printed, never cached, never read into a copy (keep them in
    this list, or in your own records)."""


COLUMNS = tuple(PersonRow.model_fields)
EXAMPLE: dict[str, object] = {
    "id": "S1042",
    "name": "Siân O'Connor",
    "audience": "graduates",
    "routes": "fast-stream; civil-service-jobs",
    "organisations": "gds",
    "next_steps": "Book a mock interview; Ask about work experience",
    "adviser": "Amara Okafor",
    "follow_up": dt.date(2026, 12, 15),
    "notes": "Interested in data roles",
    "private_notes": "Asked about bursaries; follow up with the finance office",
}
"""An example row for the content guide (invented)."""


@dataclass(frozen=True)
class Person:
    """A checked row: everything one student's copy needs (personal data: keep it in memory)."""

    row: int
    id: str
    name: str
    audience: str | None
    routes: tuple[str, ...]
    organisations: tuple[str, ...]
    next_steps: tuple[str, ...]
    adviser: str
    follow_up: dt.date | None
    notes: str


@dataclass
class ClassList:
    """What a class list holds: good rows, bad rows' problems, warnings, and every id seen."""

    source: Path
    people: list[Person] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    """Every well-formed id in the list, good row or bad (what --forget removes)."""
    failed_rows: set[int] = field(default_factory=set)


@dataclass
class Table:
    """A class list's cells as text (header row first), its merged ranges and what was said about reading it."""

    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """0-based (first row, first col, last row, last col), inclusive."""
    notes: list[Problem] = field(default_factory=list)
    csv: bool = False
    unsaved: set[tuple[int, int]] = field(default_factory=set)
    """Formula cells with no saved value (0-based row, col): they read as empty."""


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The cells of a class list's sheet as text: the one named, else the active or only visible one."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BookletError.single(f"a class list must be a {', '.join(SUFFIXES)} file", file=path.name, code=Exit.USAGE)
    if not path.exists():
        raise BookletError.single("class list not found", file=path, code=Exit.USAGE)
    data = read_bytes(path, path.name)
    if suffix == ".csv":
        if sheet is not None:
            raise BookletError.single("--sheet is for .xlsx and .ods files", file=path.name, code=Exit.USAGE)
        return Table([[cell.strip() for cell in row] for row in read_csv(data, path.name)], csv=True)
    book = open_workbook(data, suffix, path.name)
    name, notes = _choose_sheet(book, path.name, sheet)
    try:
        rows, merged, unsaved = book.read(name, _cell_text)
    except BookletError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise BookletError.single(
            f"cannot read this spreadsheet ({type(exc).__name__})", file=path.name, hint="is it a real .xlsx/.ods?"
        ) from None
    return Table(rows, merged, notes, unsaved=unsaved)


def _choose_sheet(book: Workbook, label: str, wanted: str | None) -> tuple[str, list[Problem]]:
    names = [s.name for s in book.sheets]
    if wanted is not None:
        match = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
        if not match:
            raise BookletError.single(
                f"has no sheet named {wanted!r}", file=label, hint="its sheets: " + ", ".join(names), code=Exit.USAGE
            )
        return match[0], []
    visible = [s.name for s in book.sheets if s.visible]
    if len(visible) == 1:
        chosen = visible[0]
    elif book.active in visible:
        chosen = book.active
    elif not visible:
        raise BookletError.single("has no visible sheet", file=label, hint="show the class sheet, or use --sheet NAME")
    else:
        raise BookletError.single(
            f"has {len(visible)} sheets: which is the class list?",
            file=label,
            hint="name it with --sheet NAME; its sheets: " + ", ".join(visible),
            code=Exit.USAGE,
        )
    notes = []
    if len(names) > 1:
        others = len(names) - 1
        notes.append(
            Problem(
                Where(label),
                f"read the sheet {chosen!r}; {others} other sheet{'s' if others != 1 else ''} "
                f"({', '.join(n for n in names if n != chosen)}) not read",
                "name another with --sheet NAME",
                warning=True,
            )
        )
    return chosen, notes


def _cell_text(cell: object) -> str:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _hint(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    if close:
        return f"did you mean {close[0]}?"
    return "known: " + (", ".join(known) or "none")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _header(table: Table, name: str) -> tuple[list[str], int]:
    """The header's column names, and how many blank rows came above it (removed from `table`)."""
    blank = 0
    while table.rows and not any(table.rows[0]):
        table.rows.pop(0)
        blank += 1
    if not table.rows:
        raise BookletError.single("the class list is empty", file=name, hint="the first row names the columns")
    header = [cell.strip().lower().replace(" ", "_") for cell in table.rows[0]]
    if "id" not in header:
        raise BookletError(
            [
                Problem(
                    Where(name, blank + 1, 1),
                    "no id column",
                    "the first row names the columns (id, name, …); id is required",
                )
            ]
        )
    return header, blank


def read_people(path: Path, booklet: Booklet, audiences: list[Audience], sheet: str | None = None) -> ClassList:
    """Read and check a class list against the content; bad rows become problems, not exceptions."""
    return check_rows(read_table(path, sheet), path, booklet, audiences)


def check_rows(table: Table, path: Path, booklet: Booklet, audiences: list[Audience]) -> ClassList:
    """Check a class list's cells (header row first) against the content, row by row; `path` names
    the source in messages. `booklet plan` checks its options as a one-row table here.

    Messages name the row, the column and what is expected, never a cell's value: any value in a
    class list may be personal data (a name typed in the wrong column, a date, a note).
    """
    result = ClassList(path)
    result.warnings += table.notes
    name = path.name
    header, blank = _header(table, name)
    top = blank + 1
    columns: dict[str, int] = {}
    for index, column in enumerate(header):
        if not column:
            continue
        if column in columns:
            result.warnings.append(
                Problem(Where(name, top, index + 1), f"column {column} appears twice; the first is used", warning=True)
            )
        elif column not in COLUMNS:
            result.warnings.append(
                Problem(
                    Where(name, top, index + 1),
                    "unknown column is ignored",
                    _hint(column, list(COLUMNS)),
                    warning=True,
                )
            )
        else:
            columns[column] = index
    route_ids = [r.id for r in booklet.routes]
    routes = {r.id: r for r in booklet.routes}
    organisation_ids = [o.id for o in booklet.organisations]
    audience_ids = [a.id for a in audiences]
    seen: dict[str, int] = {}
    merged_rows: dict[int, tuple[int, int, int, int]] = {}
    for span in table.merged:
        for r in range(span[0], span[2] + 1):
            merged_rows.setdefault(r, span)
    uk_dates = 0
    for number, cells in enumerate(table.rows[1:], start=top + 1):
        if not any(cells) and number - 1 not in merged_rows:
            continue
        problems: list[Problem] = []

        def bad(
            column: str, what: str, hint: str = "", number: int = number, problems: list[Problem] = problems
        ) -> None:
            col = columns.get(column, 0) + 1
            problems.append(Problem(Where(name, number, col), what, hint, path=column))

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        merge = merged_rows.get(number - 1)
        if merge is not None:
            where = next((c for c, i in columns.items() if i == merge[1]), "")
            spread = f"{column_letters(merge[1])}{merge[0] + 1}:{column_letters(merge[3])}{merge[2] + 1}"
            problems.append(
                Problem(
                    Where(name, number, merge[1] + 1),
                    f"in merged cells {spread}",
                    "unmerge them and type the value in every row that needs it",
                    path=where or "-",
                )
            )
        formulas = {column for column, index in columns.items() if (number - 1, index) in table.unsaved}
        for column in formulas:
            bad(column, "a formula with no saved value", "open the file in Excel or LibreOffice and save it")
        if table.csv and len(cells) > len(header):  # Excel pads every row to the same width, header too
            bad(
                "id",
                f"the row has {len(cells)} cells but the first row names {len(header)} columns",
                'a comma inside a value? put that value in double quotes, e.g. "Surname, Forename"',
            )
        student_id = cell("id")
        if not student_id:
            if "id" not in formulas:
                bad("id", "no id", "every row needs an id such as S1042; never a name")
        elif not STUDENT_ID.match(student_id):
            bad("id", "an id may hold only letters, digits, - and _ (at most 64)", "e.g. S1042; never a name")
        elif student_id in seen:
            bad("id", f"id {student_id} is also on row {seen[student_id]}", "each student needs their own id")
        else:
            seen[student_id] = number
            result.ids.append(student_id)
        person_name = cell("name")
        if not person_name and "name" not in formulas:
            bad("name", "no name", "the cover says who the copy was prepared for")
        elif len(person_name) > MAX_TEXT:
            bad("name", f"the name is longer than {MAX_TEXT} characters")
        adviser = cell("adviser")
        if len(adviser) > MAX_TEXT:
            bad("adviser", f"the adviser's name is longer than {MAX_TEXT} characters")
        audience = cell("audience") or None
        if audience is not None and audience not in audience_ids:
            bad("audience", "not an audience id", _hint(audience, audience_ids))
        chosen = _split(cell("routes"))
        for position, route in enumerate(chosen, 1):
            if route not in routes:
                bad("routes", f"the {_ordinal(position)} route is not a route id", _hint(route, route_ids))
        organisations = _split(cell("organisations"))
        for position, organisation in enumerate(organisations, 1):
            if organisation not in organisation_ids:
                bad(
                    "organisations",
                    f"the {_ordinal(position)} organisation is not an organisation id",
                    _hint(organisation, organisation_ids),
                )
        next_steps = _split(cell("next_steps"))
        if len(next_steps) > MAX_STEPS:
            bad("next_steps", f"{len(next_steps)} next steps; at most {MAX_STEPS} fit the action plan")
        follow_up = None
        if cell("follow_up"):
            follow_up, why, uk = parse_date(cell("follow_up"))
            if follow_up is None:
                bad("follow_up", f"{why}", "write it YYYY-MM-DD (e.g. 2026-12-15) or DD/MM/YYYY (15/12/2026)")
            elif uk:
                uk_dates += 1
        notes = cell("notes")
        if len(notes) > MAX_NOTE:
            bad("notes", f"the note is longer than {MAX_NOTE:,} characters", "the action plan prints it whole")
        for column, text, what in (
            ("name", person_name, "holds"),
            ("adviser", adviser, "holds"),
            ("next_steps", cell("next_steps"), "a step holds"),
            ("notes", notes, "holds"),
        ):
            odd = _odd_character(text, NOTE_BREAKS if column == "notes" else "")
            if odd:
                bad(column, f"{what} an invisible or control character ({odd})", "type it again")
        if problems:
            result.problems += problems
            result.failed_rows.add(number)
            continue
        result.people.append(
            Person(
                number,
                student_id,
                person_name,
                audience,
                tuple(dict.fromkeys(chosen)),
                tuple(dict.fromkeys(organisations)),
                next_steps,
                adviser,
                follow_up,
                notes,
            )
        )
    if uk_dates:
        result.warnings.append(
            Problem(Where(name, top, columns["follow_up"] + 1), UK_NOTE, path="follow_up", warning=True)
        )
    return result


def _odd_character(text: str, allowed: str) -> str:
    """A character of `text` (as U+XXXX; the lowest of several) that would print unseen or reorder the text around it:
    a control character but `allowed`, a bidi control, an invisible character but the joiners, or a
    lone surrogate (bytes that were not UTF-8, from a command line); "" when there is none."""
    controls, hidden = odd_characters(text, allowed)
    odd = controls + [c for c in hidden if c not in JOINERS] + [c for c in text if "\ud800" <= c <= "\udfff"]
    return f"U+{ord(min(odd)):04X}" if odd else ""


def read_ids(path: Path, sheet: str | None = None) -> list[str]:
    """Every well-formed id in a class list, whatever else its rows hold (for --forget)."""
    table = read_table(path, sheet)
    try:
        header, _ = _header(table, path.name)
    except BookletError:
        if table.rows:
            raise
        return []
    index = header.index("id")
    ids = [row[index].strip() for row in table.rows[1:] if index < len(row)]
    return list(dict.fromkeys(i for i in ids if STUDENT_ID.match(i)))


def route_of(booklet: Booklet, route_id: str) -> Route:
    return next(r for r in booklet.routes if r.id == route_id)


def organisation_of(booklet: Booklet, organisation_id: str) -> Organisation:
    return next(o for o in booklet.organisations if o.id == organisation_id)
