"""Reading a workbook (.xlsx or .ods with python-calamine, one CSV file, or a folder of them) into
checked rows: every cell value coerced to what its column holds, every problem located at its cell
(`content.xlsx › Organisations!C7`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...content import model
from ...errors import BookletError, Problem, Where
from .layout import _DATE, COLUMNS, LISTS, ORGANISATIONS, POINTS, REQUIRED, SECTIONS, SEPARATOR, _letter


@dataclass
class _Cell:
    sheet: str
    row: int
    """1-based, as the spreadsheet shows it."""
    col: int
    """0-based."""


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    columns: dict[str, int]

    def where(self, label: str, column: str | None) -> Where:
        col = self.columns.get(column or "", 0)
        return Where(f"{label} › {self.sheet}!{_letter(col)}{self.number}")


@dataclass
class _Book:
    label: str
    """The file as named in messages."""
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    """Merged ranges per sheet: (first row, first col, last row, last col), 0-based."""
    labels: dict[str, str] = field(default_factory=dict)
    """Per-sheet label, when each sheet is its own file (CSV)."""


def _sheet_name(name: str) -> str | None:
    for sheet in COLUMNS:
        if name.strip().casefold() == sheet.casefold():
            return sheet
    return None


def _read_book(source: Path, label: str) -> _Book:
    book = _Book(label)
    suffix = source.suffix.lower()
    if source.is_dir() or suffix == ".csv":
        files = sorted(source.glob("*.csv")) if source.is_dir() else [source]
        for path in files:
            sheet = _sheet_name(path.stem)
            if sheet is None:
                raise BookletError.single(
                    "is not named after a sheet",
                    file=f"{label}/{path.name}" if source.is_dir() else label,
                    hint="name CSV files Organisations.csv, Routes.csv or Points.csv",
                )
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise BookletError.single(
                    "is not UTF-8 text", file=path.name, hint="save it as 'CSV UTF-8' in your spreadsheet"
                ) from None
            book.sheets[sheet] = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
            book.labels[sheet] = f"{label}/{path.name}" if source.is_dir() else label
        if not book.sheets:
            raise BookletError.single("holds no CSV files", file=label, hint="export one with booklet export DIR")
        return book
    if suffix not in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise BookletError.single(
            f"cannot import {suffix or 'files without an extension'}",
            file=label,
            hint="use .xlsx, .ods, .csv or a folder of CSV files",
        )
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # calamine raises its own error types for unreadable files
        raise BookletError.single(f"cannot be read as a spreadsheet ({exc})", file=label) from None
    for name in workbook.sheet_names:
        sheet = _sheet_name(name)
        if sheet is None:
            continue
        data = workbook.get_sheet_by_name(name)
        book.sheets[sheet] = [list(r) for r in data.to_python(skip_empty_area=False)]
        ranges = []
        for merged in getattr(data, "merged_cell_ranges", None) or []:
            (r1, c1), (r2, c2) = merged
            ranges.append((r1, c1, r2, c2))
        book.merged[sheet] = ranges
    if not book.sheets:
        raise BookletError.single(
            "has no Organisations, Routes or Points sheet", file=label, hint="export one with booklet export"
        )
    return book


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce(column: str, value: Any) -> tuple[Any, str, str]:
    """A cell's value as YAML data, or a message and a hint."""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column == "reviewed":
        if isinstance(value, dt.date):
            return value, "", ""
        text = str(value).strip()
        if _DATE.match(text):
            try:
                return dt.date.fromisoformat(text), "", ""
            except ValueError:
                return None, f"{text!r} is not a real date", "dates are YYYY-MM-DD, e.g. 2026-11-28"
        return None, f"{text!r} is text, not a date", "type the date as YYYY-MM-DD (e.g. 2026-11-28) or as a date"
    if column == "order":
        if isinstance(value, int) and not isinstance(value, bool):
            return value, "", ""
        text = str(value).strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text), "", ""
        return None, f"{text!r} is not a whole number", "order is a number such as 10; smaller prints first"
    if isinstance(value, dt.date):
        return None, f"{value.isoformat()} is a date", "this column holds text; format the cell as text"
    text = str(value).strip()
    if column in LISTS:
        if SEPARATOR not in text and "," in text and (column == "tags" or column == "steps"):
            return None, f"{column} are separated with ','", "separate list items with ; (semicolon), e.g. a; b; c"
        return [part.strip() for part in text.split(SEPARATOR) if part.strip()], "", ""
    return text, "", ""


def _sheet_rows(book: _Book, problems: list[Problem], silenced: set[str]) -> dict[str, list[_Row]]:
    """Rows of each sheet as field → value, with sheet-level mistakes collected in `problems`."""
    result: dict[str, list[_Row]] = {}
    for sheet, grid in book.sheets.items():
        label = book.labels.get(sheet, book.label)
        rows: list[_Row] = []
        result[sheet] = rows
        # "Reviewed" or " Name " is what people type: match headings without case or spaces.
        header = [
            re.sub(r"\s+", "_", str(v).strip().casefold()) if not _blank(v) else "" for v in (grid[0] if grid else [])
        ]
        columns: dict[str, int] = {}
        for index, name in enumerate(header):
            if not name:
                continue
            where = Where(f"{label} › {sheet}!{_letter(index)}1")
            if name not in COLUMNS[sheet]:
                known = ", ".join(COLUMNS[sheet])
                problems.append(Problem(where, f"unknown column {name!r}", f"the {sheet} sheet has columns: {known}"))
            elif name in columns:
                problems.append(Problem(where, f"column {name!r} appears twice", "delete one of them"))
            else:
                columns[name] = index
        for name in sorted(REQUIRED[sheet] - set(columns), key=COLUMNS[sheet].index):
            problems.append(
                Problem(Where(f"{label} › {sheet}!1"), f"has no {name!r} column", "add it to the first row", path=name)
            )
        merged_cells: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r1, c1, r2, c2 in book.merged.get(sheet, []):
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    merged_cells[(r, c)] = (r1, c1, r2, c2)
        seen_ids: dict[tuple[str, str], int] = {}
        reported_merges: set[tuple[int, int, int, int]] = set()
        for r, values in enumerate(grid[1:], 1):
            if all(_blank(v) for v in values) and not any((r, c) in merged_cells for c in range(len(values))):
                continue  # blank rows are fine: people leave gaps between groups
            row = _Row(sheet, r + 1, {}, columns)
            bad = False
            for name, c in columns.items():
                span = merged_cells.get((r, c))
                if span is not None:
                    silenced.add(str(row.where(label, name)))
                    if span not in reported_merges:
                        reported_merges.add(span)
                        spread = f"{_letter(span[1])}{span[0] + 1}:{_letter(span[3])}{span[2] + 1}"
                        problems.append(
                            Problem(
                                row.where(label, name),
                                f"merged cells {spread}",
                                "unmerge them and type the value in every row that needs it",
                                path=name,
                            )
                        )
                    bad = True
                    continue
                value = values[c] if c < len(values) else None
                if _blank(value):
                    continue
                coerced, what, hint = _coerce(name, value)
                if what:
                    problems.append(Problem(row.where(label, name), what, hint, path=name))
                    bad = True
                    continue
                row.values[name] = coerced
            item_id = row.values.get("id")
            if isinstance(item_id, str) and item_id:
                key = (str(row.values.get("section", "")) if sheet == POINTS else "", item_id)
                if key in seen_ids:
                    problems.append(
                        Problem(
                            row.where(label, "id"),
                            f"duplicate id {item_id!r} (first in row {seen_ids[key]})",
                            "ids must be unique; rename or delete one of the rows",
                            path="id",
                        )
                    )
                    continue
                seen_ids[key] = row.number
            elif not bad and "id" in columns:
                problems.append(
                    Problem(row.where(label, "id"), "has no id", "give each row an id, e.g. fast-stream", path="id")
                )
                continue
            if sheet == POINTS:
                section = row.values.get("section")
                if section not in SECTIONS:
                    if section is not None:
                        problems.append(
                            Problem(
                                row.where(label, "section"),
                                f"unknown section {section!r}",
                                "use why, challenges or skills",
                                path="section",
                            )
                        )
                    continue
            if sheet == ORGANISATIONS and isinstance(item_id, str) and not re.match(model.ID_PATTERN, item_id):
                problems.append(
                    Problem(
                        row.where(label, "id"),
                        f"id {item_id!r} is not lower case with hyphens",
                        "it becomes the file name, e.g. office-for-ai",
                        path="id",
                    )
                )
                continue
            rows.append(row)
    return result
