"""Reading a workbook (.xlsx or .ods with python-calamine, one CSV file, or a folder of them) into
checked rows: every cell value coerced to what its column holds, every problem located at its cell
(`content.xlsx › Organisations!C7`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...content import model
from ...content.glossary import slug as glossary_slug
from ...content.text import BULLETS
from ...errors import BookletError, Problem, Where
from ..cells import UK_NOTE, parse_date, shorten
from ..workbooks import column_letters, open_workbook, read_bytes, read_csv
from . import facts
from .layout import (
    AMOUNTS,
    COLUMNS,
    DATES,
    FLAGS,
    FORMULA_STARTS,
    GLOSSARY,
    KEYS,
    LISTS,
    ORGANISATIONS,
    POINTS,
    REQUIRED,
    ROUTES,
    SECTIONS,
    STORIES,
)


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
        return Where(f"{label} › {self.sheet}!{column_letters(col)}{self.number}")


@dataclass
class _Book:
    label: str
    """The file as named in messages."""
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    """Merged ranges per sheet: (first row, first col, last row, last col), 0-based."""
    labels: dict[str, str] = field(default_factory=dict)
    """Per-sheet label, when each sheet is its own file (CSV)."""
    unsaved: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    """Formula cells without a saved value per sheet: (row, col), 0-based."""
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_NAMES = ", ".join(list(COLUMNS)[:-1]) + " and " + list(COLUMNS)[-1]
"""The sheets read, for messages: "Organisations, Routes, Points, Glossary and Stories"."""
_CSV_NAMES = ", ".join(f"{s}.csv" for s in list(COLUMNS)[:-1]) + f" or {list(COLUMNS)[-1]}.csv"


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
            where = f"{label}/{path.name}" if source.is_dir() else label
            if sheet is None:
                raise BookletError.single(
                    "is not named after a sheet",
                    file=where,
                    hint=f"name CSV files {_CSV_NAMES}" + _guess(path.stem),
                )
            book.sheets[sheet] = [[_unescape(v) for v in row] for row in read_csv(read_bytes(path, where), where)]
            book.labels[sheet] = where
        if not book.sheets:
            raise BookletError.single("holds no CSV files", file=label, hint="export one with booklet export DIR")
        return book
    if suffix not in (".xlsx", ".xlsm", ".ods"):
        raise BookletError.single(
            f"cannot import {suffix or 'files without an extension'}",
            file=label,
            hint="save it as .xlsx or .ods (or CSV)"
            if suffix == ".xls"
            else "use .xlsx, .ods, .csv or a folder of CSVs",
        )
    workbook = open_workbook(read_bytes(source, label), suffix, label)
    other: list[str] = []
    for info in workbook.sheets:
        sheet = _sheet_name(info.name)
        if sheet is None:
            if info.name != "Lists":
                other.append(info.name)
            continue
        try:
            grid, merged, unsaved = workbook.read(info.name)
        except BookletError:
            raise
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise BookletError.single(f"cannot be read as a spreadsheet ({type(exc).__name__})", file=label) from None
        book.sheets[sheet] = grid
        book.merged[sheet] = merged
        book.unsaved[sheet] = unsaved
    for name in other:
        guess = _guess(name)
        if guess and guess.split()[-1].rstrip("?") not in book.sheets:
            # A renamed sheet would be skipped and its edits lost: refuse rather than report "nothing to change".
            book.problems.append(
                Problem(
                    Where(f"{label} › {name}"),
                    f"this sheet is not read: sheets are named {_NAMES}",
                    "rename it to" + guess.replace("; did you mean", ""),
                )
            )
        else:
            book.notes.append(f"{label}: the sheet {name!r} is not read (only {_NAMES} are)")
    if not book.sheets and not book.problems:
        raise BookletError.single(
            f"has no {_NAMES.replace(' and ', ' or ')} sheet", file=label, hint="export one with booklet export"
        )
    return book


def _guess(name: str) -> str:
    """ "; did you mean Organisations?" for a sheet or file name that looks like one renamed."""
    folded = name.casefold()
    for sheet in COLUMNS:
        if sheet.casefold() in folded or folded in sheet.casefold():
            return f"; did you mean {sheet}?"
    close = difflib.get_close_matches(folded, [s.casefold() for s in COLUMNS], n=1, cutoff=0.6)
    return f"; did you mean {next(s for s in COLUMNS if s.casefold() == close[0])}?" if close else ""


def _unescape(value: str) -> str:
    """Undo export's guard against formulas in CSV (a `'` before = + - @ tab CR), exactly."""
    if value[:1] == "'" and value[1:].lstrip("'")[:1] in FORMULA_STARTS and value[1:2]:
        return value[1:]
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_FLAG_WORDS = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False, "n": False, "0": False}


def _coerce(column: str, value: Any) -> tuple[Any, str, str]:
    """A cell's value as YAML data, or a message and a hint."""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column in FLAGS:
        flag = _FLAG_WORDS.get(str(value).strip().casefold()) if not isinstance(value, bool) else value
        if flag is None:
            return None, f"{shorten(str(value))} is not true or false", "type TRUE or FALSE, or leave the cell empty"
        return flag, "", ""
    if column in AMOUNTS and not isinstance(value, bool):
        if isinstance(value, (int, float)):
            return value, "", ""
        text = str(value).strip()
        if re.fullmatch(r"\d+", text):
            return int(text), "", ""
        if re.fullmatch(r"\d+\.\d+", text):
            return float(text), "", ""
        return text, "", ""  # "£28,000" is read by the model as people write it; anything else it reports
    if column in DATES:
        if isinstance(value, dt.date):
            return value, "", ""
        text = str(value).strip()
        date, why, _ = parse_date(text)
        if date is not None:
            return date, "", ""
        if why == "not a date":
            return None, f"{shorten(text)} is text, not a date", "type the date as YYYY-MM-DD (e.g. 2026-11-28)"
        return None, f"{shorten(text)}: {why}", "dates are YYYY-MM-DD (2026-11-28) or DD/MM/YYYY (28/11/2026)"
    if column == "order":
        if isinstance(value, int) and not isinstance(value, bool):
            return value, "", ""
        text = str(value).strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text), "", ""
        return None, f"{shorten(text)} is not a whole number", "order is a number such as 10; smaller prints first"
    if isinstance(value, dt.date):
        return None, f"{value.isoformat()} is a date", "this column holds text; format the cell as text"
    text = str(value).strip()
    if column in LISTS:
        items = list_items(text)
        if len(items) == 1 and "," in text and (column == "tags" or column == "steps"):
            return None, f"{column} are separated with ','", "separate list items with ; (semicolon), e.g. a; b; c"
        return items, "", ""
    return text, "", ""


_INLINE_BULLET = re.compile(r"\s[•·▪●‣◦]\s")


def list_items(text: str) -> list[str]:
    """A list cell's items: separated by `;`, by line breaks (Alt+Enter) or by pasted bullets, which
    are removed from the start of each item."""
    parts = re.split(r"[;\n\r]+", text)
    if len(parts) == 1 and _INLINE_BULLET.search(f" {text} "):
        parts = _INLINE_BULLET.split(text)
    items = []
    for part in parts:
        item = part.strip()
        while item[:1] in BULLETS and item[:1] and (item[:1] not in "-*" or item[1:2] == " "):
            item = item[1:].strip()
        if item:
            items.append(item)
    return items


def _has_breaks(text: str) -> bool:
    return bool(re.search(r"[\n\r]", text.strip())) or bool(_INLINE_BULLET.search(f" {text.strip()} "))


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """An id made from a name: "Gwynedd Council" → "gwynedd-council"."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace("&", " and ")
    return _SLUG_DROP.sub("-", plain).strip("-")[:60].strip("-")


_NAMED_BY = {ORGANISATIONS: "name", ROUTES: "title", POINTS: "title", GLOSSARY: "term", STORIES: "name"}


def _sheet_rows(
    book: _Book,
    problems: list[Problem],
    silenced: set[str],
    notes: list[str] | None = None,
    rejected: dict[str, list[_Row]] | None = None,
) -> dict[str, list[_Row]]:
    """Rows of each sheet as field → value, with sheet-level mistakes collected in `problems`
    and what was read generously (UK dates, line breaks in lists, ids made from names) in `notes`.

    Rows that cannot be placed (no id, a duplicate or malformed id, no section) go to `rejected`,
    so that their other cells can still be checked in the same pass."""
    notes = notes if notes is not None else []
    rejected = rejected if rejected is not None else {}
    problems += book.problems
    notes += book.notes
    result: dict[str, list[_Row]] = {}
    for sheet, grid in book.sheets.items():
        label = book.labels.get(sheet, book.label)
        rows: list[_Row] = []
        result[sheet] = rows
        unplaced = rejected.setdefault(sheet, [])
        # "Reviewed" or " Name " is what people type: match headings without case or spaces.
        header = [
            re.sub(r"\s+", "_", str(v).strip().casefold()) if not _blank(v) else "" for v in (grid[0] if grid else [])
        ]
        columns: dict[str, int] = {}
        for index, name in enumerate(header):
            if not name:
                continue
            where = Where(f"{label} › {sheet}!{column_letters(index)}1")
            if name not in COLUMNS[sheet]:
                known = ", ".join(c for c in COLUMNS[sheet] if c not in facts.COLUMNS)
                if sheet == ROUTES:
                    close = difflib.get_close_matches(name, facts.COLUMNS, n=1, cutoff=0.8)
                    known += f", and route facts: {facts.SUMMARY}" + (f"; did you mean {close[0]}?" if close else "")
                problems.append(
                    Problem(where, f"unknown column {shorten(name)}", f"the {sheet} sheet has columns: {known}")
                )
            elif name in columns:
                problems.append(Problem(where, f"column {name!r} appears twice", "delete one of them"))
            else:
                columns[name] = index
        for name in sorted(REQUIRED[sheet] - set(columns), key=COLUMNS[sheet].index):
            problems.append(
                Problem(Where(f"{label} › {sheet}!1"), f"has no {name!r} column", "add it to the first row", path=name)
            )
        idcol = KEYS.get(sheet, "id")
        keys = {"id", "section"} if sheet == POINTS else {idcol}
        if not keys <= set(columns):
            del result[sheet]  # without its ids no row can be placed (reported above): the files stay as they are
            continue
        merged_cells: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r1, c1, r2, c2 in book.merged.get(sheet, []):
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    merged_cells[(r, c)] = (r1, c1, r2, c2)
        unsaved = book.unsaved.get(sheet, set())
        seen_ids: dict[tuple[str, str], int] = {}
        reported_merges: set[tuple[int, int, int, int]] = set()
        generous: set[tuple[str, str]] = set()
        for r, values in enumerate(grid[1:], 1):
            if all(_blank(v) for v in values) and not any((r, c) in merged_cells for c in range(len(values))):
                continue  # blank rows are fine: people leave gaps between groups
            row = _Row(sheet, r + 1, {}, columns)
            id_bad = False
            for name, c in columns.items():
                span = merged_cells.get((r, c))
                if span is not None:
                    silenced.add(str(row.where(label, name)))
                    if span not in reported_merges:
                        reported_merges.add(span)
                        spread = f"{column_letters(span[1])}{span[0] + 1}:{column_letters(span[3])}{span[2] + 1}"
                        problems.append(
                            Problem(
                                row.where(label, name),
                                f"merged cells {spread}",
                                "unmerge them and type the value in every row that needs it",
                                path=name,
                            )
                        )
                    id_bad = id_bad or name == "id"
                    continue
                value = values[c] if c < len(values) else None
                if (r, c) in unsaved and _blank(value):
                    problems.append(
                        Problem(
                            row.where(label, name),
                            "a formula with no saved value",
                            "open the file in Excel or LibreOffice and save it, or type the value instead",
                            path=name,
                        )
                    )
                    silenced.add(str(row.where(label, name)))
                    id_bad = id_bad or name == "id"
                    continue
                if _blank(value):
                    continue
                coerced, what, hint = _coerce(name, value)
                if what:
                    problems.append(Problem(row.where(label, name), what, hint, path=name))
                    id_bad = id_bad or name == "id"
                    continue
                if name in DATES and not isinstance(value, dt.date) and parse_date(str(value))[2]:
                    generous.add((name, UK_NOTE))
                if name in LISTS and isinstance(value, str) and _has_breaks(value):
                    generous.add(
                        (name, "items on separate lines (Alt+Enter) or after pasted bullets became list items")
                    )
                row.values[name] = coerced
            item_id = row.values.get(idcol)
            named = row.values.get(_NAMED_BY[sheet])
            if item_id is None and not id_bad and idcol == "id" and isinstance(named, str) and slug(named):
                item_id = row.values["id"] = slug(named)
                notes.append(f"{row.where(label, 'id')}: no id; {item_id} was made from the {_NAMED_BY[sheet]}")
            if isinstance(item_id, str) and item_id:
                # Glossary terms are told apart as the glossary does, case and spacing aside.
                key = (
                    str(row.values.get("section", "")) if sheet == POINTS else "",
                    glossary_slug(item_id) if sheet == GLOSSARY else item_id,
                )
                if key in seen_ids:
                    problems.append(
                        Problem(
                            row.where(label, idcol),
                            f"duplicate {idcol} {shorten(item_id)} (first in row {seen_ids[key]})",
                            f"{idcol}s must be unique; rename or delete one of the rows",
                            path=idcol,
                        )
                    )
                    unplaced.append(row)
                    continue
                seen_ids[key] = row.number
            else:
                if not id_bad:
                    problems.append(
                        Problem(
                            row.where(label, idcol),
                            f"has no {idcol}",
                            f"give each row an id, or a {_NAMED_BY[sheet]} to make it from"
                            if idcol == "id"
                            else f"give each row a {idcol}, or delete the row",
                            path=idcol,
                        )
                    )
                unplaced.append(row)
                continue
            if sheet == POINTS:
                section = row.values.get("section")
                if section not in SECTIONS:
                    if section is not None:
                        problems.append(
                            Problem(
                                row.where(label, "section"),
                                f"unknown section {shorten(section)}",
                                "use why, challenges or skills",
                                path="section",
                            )
                        )
                    else:
                        problems.append(
                            Problem(
                                row.where(label, "section"),
                                "has no section",
                                "use why, challenges or skills",
                                path="section",
                            )
                        )
                    unplaced.append(row)
                    continue
            if sheet in (ORGANISATIONS, STORIES) and not re.match(model.ID_PATTERN, item_id):
                suggestion = slug(item_id)
                problems.append(
                    Problem(
                        row.where(label, "id"),
                        f"id {shorten(item_id)} is not lower case with hyphens",
                        f"it becomes the file name: {suggestion}" if suggestion else "it becomes the file name",
                        path="id",
                    )
                )
                unplaced.append(row)
                continue
            rows.append(row)
        for column, what in sorted(generous):
            notes.append(f"{label} › {sheet}, column {column}: {what}")
    return result
