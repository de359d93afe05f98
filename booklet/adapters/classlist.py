"""Reading an adviser's class list (CSV, XLSX or ODS) into checked rows, one per student.

Each row is checked on its own against the content (audiences, routes,
organisations), so a bad row is reported as `people.csv:ROW:COLUMN  column
message (did you mean …)` and never stops the good ones. Rows hold personal
data: nothing here logs, caches or prints a name; messages quote only ids,
dates and content ids, never a name, adviser or note.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..errors import BookletError, Exit, Problem, Where
from ..content.model import Audience, Booklet, Organisation, Route

SUFFIXES = (".csv", ".xlsx", ".ods")
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
"""Ids name files (`output/people/ID.pdf`) and form fields: letters, digits, `-` and `_`."""
MAX_TEXT = 200
"""Longest name or adviser accepted (a cover line must still fit)."""
MAX_STEPS = 12
"""Most agreed next steps one action plan prints."""
MAX_BYTES = 20_000_000
"""A class list larger than this is refused (thousands of students fit in far less)."""


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
    """Date of the follow-up meeting, `YYYY-MM-DD` (spreadsheet dates work too)."""
    notes: str = ""
    """A short note printed in the action plan, labelled "Adviser's note"."""
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


def read_table(path: Path) -> list[list[str]]:
    """The cells of a class list's first sheet as text, header row first."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BookletError.single(f"a class list must be a {', '.join(SUFFIXES)} file", file=path.name, code=Exit.USAGE)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BookletError.single(f"larger than {MAX_BYTES // 1_000_000} MB", file=path.name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise BookletError.single("class list not found", file=path, code=Exit.USAGE) from None
    except OSError as exc:
        raise BookletError.single(f"cannot read the class list: {exc.strerror}", file=path) from None
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BookletError.single(
                "not UTF-8 text", file=path.name, hint="save the spreadsheet as 'CSV UTF-8'"
            ) from None
        try:
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise BookletError.single(
            f"cannot read this spreadsheet ({type(exc).__name__})", file=path.name, hint="is it a real .xlsx/.ods?"
        ) from None
    return [[_cell_text(cell) for cell in row] for row in rows]


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


def read_people(path: Path, booklet: Booklet, audiences: list[Audience]) -> ClassList:
    """Read and check a class list against the content; bad rows become problems, not exceptions."""
    return check_rows(read_table(path), path, booklet, audiences)


def check_rows(table: list[list[str]], path: Path, booklet: Booklet, audiences: list[Audience]) -> ClassList:
    """Check a class list's cells (header row first) against the content, row by row; `path` names
    the source in messages. `booklet plan` checks its options as a one-row table here."""
    result = ClassList(path)
    name = path.name
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        raise BookletError.single("the class list is empty", file=name, hint="the first row names the columns")
    header = [cell.strip().lower().replace(" ", "_") for cell in table[0]]
    if "id" not in header:
        raise BookletError(
            [Problem(Where(name, 1, 1), "no id column", "the first row names the columns; id is required")]
        )
    columns: dict[str, int] = {}
    for index, column in enumerate(header):
        if not column:
            continue
        if column in columns:
            result.warnings.append(
                Problem(Where(name, 1, index + 1), f"column {column} appears twice; the first is used", warning=True)
            )
        elif column not in COLUMNS:
            result.warnings.append(
                Problem(
                    Where(name, 1, index + 1),
                    f"unknown column {column!r} is ignored",
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
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        problems: list[Problem] = []

        def bad(
            column: str, what: str, hint: str = "", number: int = number, problems: list[Problem] = problems
        ) -> None:
            col = columns.get(column, 0) + 1
            problems.append(Problem(Where(name, number, col), what, hint, path=column))

        student_id = cell("id")
        if not student_id:
            bad("id", "no id", "every row needs an id such as S1042; never a name")
        elif not STUDENT_ID.match(student_id):
            bad("id", "an id may hold only letters, digits, - and _ (at most 64)", "e.g. S1042")
        elif student_id in seen:
            bad("id", f"id {student_id} is also on row {seen[student_id]}", "each student needs their own id")
        else:
            seen[student_id] = number
            result.ids.append(student_id)
        person_name = cell("name")
        if not person_name:
            bad("name", "no name", "the cover says who the copy was prepared for")
        elif len(person_name) > MAX_TEXT:
            bad("name", f"the name is longer than {MAX_TEXT} characters")
        adviser = cell("adviser")
        if len(adviser) > MAX_TEXT:
            bad("adviser", f"the adviser's name is longer than {MAX_TEXT} characters")
        audience = cell("audience") or None
        if audience is not None and audience not in audience_ids:
            bad("audience", f"unknown audience {audience!r}", _hint(audience, audience_ids))
        chosen = _split(cell("routes"))
        for route in chosen:
            if route not in routes:
                bad("routes", f"unknown route {route!r}", _hint(route, route_ids))
        organisations = _split(cell("organisations"))
        for organisation in organisations:
            if organisation not in organisation_ids:
                bad("organisations", f"unknown organisation {organisation!r}", _hint(organisation, organisation_ids))
        next_steps = _split(cell("next_steps"))
        if len(next_steps) > MAX_STEPS:
            bad("next_steps", f"{len(next_steps)} next steps; at most {MAX_STEPS} fit the action plan")
        follow_up = None
        if cell("follow_up"):
            try:
                follow_up = dt.date.fromisoformat(cell("follow_up")[:10])
            except ValueError:
                bad("follow_up", f"{cell('follow_up')!r} is not a date", "write it YYYY-MM-DD, e.g. 2026-12-15")
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
                cell("notes"),
            )
        )
    return result


def read_ids(path: Path) -> list[str]:
    """Every well-formed id in a class list, whatever else its rows hold (for --forget)."""
    table = read_table(path)
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        return []
    header = [cell.strip().lower() for cell in table[0]]
    if "id" not in header:
        raise BookletError([Problem(Where(path.name, 1, 1), "no id column", "the first row names the columns")])
    index = header.index("id")
    ids = [row[index].strip() for row in table[1:] if index < len(row)]
    return list(dict.fromkeys(i for i in ids if STUDENT_ID.match(i)))


def route_of(booklet: Booklet, route_id: str) -> Route:
    return next(r for r in booklet.routes if r.id == route_id)


def organisation_of(booklet: Booklet, organisation_id: str) -> Organisation:
    return next(o for o in booklet.organisations if o.id == organisation_id)
