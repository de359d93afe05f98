"""Spreadsheets in and out: organisations, routes and points as sheets, written back as YAML.

`export_sheets` writes one sheet per kind of item (Organisations, Routes, Points), one row
per item and one column per field, lists as `;`-separated text, to .xlsx (openpyxl, with
drop-down validation for sections, tags and ids) or to a folder of CSV files.

`import_sheets` reads .xlsx, .ods (python-calamine), one CSV file named after its sheet,
or a folder of them, and works out the YAML files that change. YAML is edited in place
(ruamel.yaml keeps comments, key order and list styles) and a file whose data did not
change is never rewritten, so YAML → sheet → YAML leaves every file byte for byte as it was.
The whole result is read and checked by `load_project_content` in a scratch copy before
anything is written; problems point at sheet cells (`content.xlsx › Organisations!C7`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BookletError, Problem, Where
from ..util import write_atomic
from . import model
from .read import load

ORGANISATIONS, ROUTES, POINTS = "Organisations", "Routes", "Points"
COLUMNS: dict[str, list[str]] = {
    ORGANISATIONS: ["id", "name", "summary", "roles", "website", "order", "tags", "source", "reviewed"],
    ROUTES: ["id", "title", "summary", "url", "steps", "tags", "source", "reviewed"],
    POINTS: ["section", "id", "title", "text", "tags"],
}
REQUIRED: dict[str, set[str]] = {
    ORGANISATIONS: {"id", "name", "summary", "roles", "website", "source", "reviewed"},
    ROUTES: {"id", "title", "summary", "url", "steps", "source", "reviewed"},
    POINTS: {"section", "id", "title", "text"},
}
SECTIONS = ("why", "challenges", "skills")
LISTS = {"roles", "steps", "tags"}
SEPARATOR = ";"
_MODELS: dict[str, type[model.Model]] = {ORGANISATIONS: model.Organisation, ROUTES: model.Route, POINTS: model.Point}
_ORG_SCHEMA = "# yaml-language-server: $schema=../schemas/organisation.schema.json\n"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


# ---------------------------------------------------------------- reading the YAML side


@dataclass
class _Project:
    """The raw (unvalidated) data of the files a sheet covers, keyed by their relative names."""

    content: Path
    root: Path
    frame: Any = None
    routes: Any = None
    organisations: dict[str, Any] = field(default_factory=dict)
    """Organisation id (file stem) → raw data."""

    def name(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def _read_project(content: Path, root: Path) -> _Project:
    project = _Project(content, root)
    problems: list[Problem] = []

    def read(path: Path) -> Any:
        try:
            return load(path, str(path.relative_to(root))).data
        except BookletError as exc:
            problems.extend(exc.problems)
            return None

    project.frame = read(content / "booklet.yaml")
    project.routes = read(content / "routes.yaml")
    for path in sorted((content / "organisations").glob("*.yaml")):
        if not path.name.startswith("."):
            project.organisations[path.stem] = read(path)
    if problems:
        raise BookletError(problems)
    return project


def _rows(project: _Project) -> dict[str, list[dict[str, Any]]]:
    """Every item as a row: field → value, in sheet order."""
    rows: dict[str, list[dict[str, Any]]] = {ORGANISATIONS: [], ROUTES: [], POINTS: []}
    orgs = [({**data, "id": stem}) for stem, data in project.organisations.items() if isinstance(data, dict)]
    rows[ORGANISATIONS] = sorted(orgs, key=lambda o: o.get("order", 100) if isinstance(o.get("order"), int) else 100)
    if isinstance(project.routes, dict):
        rows[ROUTES] = [r for r in project.routes.get("routes") or [] if isinstance(r, dict)]
    sections = project.frame.get("sections", {}) if isinstance(project.frame, dict) else {}
    for key in SECTIONS:
        for item in (sections.get(key) or {}).get("items") or []:
            if isinstance(item, dict):
                rows[POINTS].append({"section": key, **item})
    return rows


def _cell_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        items = [str(v) for v in value]
        bad = [v for v in items if SEPARATOR in v]
        if bad:
            raise BookletError.single(
                f"{name} item {bad[0]!r} contains ';', which separates list items in a sheet",
                hint="reword it without a semicolon before exporting",
            )
        return f"{SEPARATOR} ".join(items)
    if isinstance(value, (bool, int, float, dt.date)):
        return value
    return str(value)


# ---------------------------------------------------------------- export


def export_sheets(content: Path, target: Path, root: Path | None = None) -> list[Path]:
    """Write the content's organisations, routes and points to `target` (.xlsx, or a folder of CSVs)."""
    root = root or content.parent
    rows = _rows(_read_project(content, root))
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        write_atomic(target, _xlsx(rows))
        return [target]
    if suffix:
        raise BookletError.single(
            f"cannot export to {suffix} files", file=target, hint="use a .xlsx file, or a folder for CSV files"
        )
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet, columns in COLUMNS.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows[sheet]:
            writer.writerow([_csv_text(_cell_value(c, row.get(c))) for c in columns])
        path = target / f"{sheet}.csv"
        write_atomic(path, out.getvalue().encode("utf-8-sig"))  # the BOM tells Excel it is UTF-8
        written.append(path)
    return written


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx(rows: dict[str, list[dict[str, Any]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    lists = book.create_sheet("Lists")
    tags = sorted({t for sheet in rows.values() for r in sheet for t in (r.get("tags") or []) if isinstance(t, str)})
    known = {
        "tags": tags,
        "organisation ids": [r["id"] for r in rows[ORGANISATIONS]],
        "route ids": [str(r.get("id")) for r in rows[ROUTES]],
        "point ids": [str(r.get("id")) for r in rows[POINTS]],
        "sections": list(SECTIONS),
    }
    ranges: dict[str, str] = {}
    for col, (title, values) in enumerate(known.items()):
        letter = _letter(col)
        lists.cell(1, col + 1, title).font = Font(bold=True)
        for i, value in enumerate(values, 2):
            lists.cell(i, col + 1, value)
        ranges[title] = f"Lists!${letter}$2:${letter}${max(2, len(values) + 1)}"
    ids_of = {ORGANISATIONS: "organisation ids", ROUTES: "route ids", POINTS: "point ids"}
    for sheet, columns in COLUMNS.items():
        ws = book.create_sheet(sheet, len(book.sheetnames) - 1)
        cls = _MODELS[sheet]
        for col, name in enumerate(columns, 1):
            cell = ws.cell(1, col, name)
            cell.font = Font(bold=True)
            info = cls.model_fields.get(name)
            doc = (
                info.description
                if info is not None and info.description
                else "Which section: why, challenges or skills."
            )
            if name in LISTS:
                doc += " Separate several with ;"
            cell.comment = Comment(doc, "booklet")
            width = 14 if name in ("id", "section", "order", "reviewed") else 40
            ws.column_dimensions[_letter(col - 1)].width = width
        for r, row in enumerate(rows[sheet], 2):
            for col, name in enumerate(columns, 1):
                cell = ws.cell(r, col, _cell_value(name, row.get(name)))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "B2"
        last = max(len(rows[sheet]) + 200, 500)

        def validation(
            column: str, source: str, strict: bool, prompt: str, ws: Any = ws, last: int = last, sheet: str = sheet
        ) -> None:
            rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
            rule.errorStyle = "stop" if strict else "information"
            rule.error, rule.prompt = prompt, prompt
            rule.showInputMessage = True
            letter = _letter(COLUMNS[sheet].index(column))
            rule.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(rule)

        validation("id", ranges[ids_of[sheet]], False, "Lower case with hyphens, e.g. fast-stream; unique.")
        validation("tags", ranges["tags"], False, "Pick a tag; separate several with ;")
        if sheet == POINTS:
            validation("section", ranges["sections"], True, "why, challenges or skills")
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading sheets


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


# ---------------------------------------------------------------- writing YAML back


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _plain(value: Any) -> Any:
    """ruamel's round-trip types as plain Python values, for comparing."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _update(target: Any, values: dict[str, Any], columns: list[str], skip: tuple[str, ...] = ()) -> None:
    """Put a row's values into a ruamel mapping, touching only what differs."""
    from ruamel.yaml.comments import CommentedSeq

    for name in columns:
        if name in skip:
            continue
        new = values.get(name)
        old = target.get(name)
        if _empty(new):
            if name in target and not _empty(old):
                del target[name]
            continue
        if _plain(old) == new:
            continue
        if isinstance(new, list):
            # Items that did not change keep their quoting.
            kept = {str(v): v for v in old} if isinstance(old, list) else {}
            seq = CommentedSeq([kept.get(item, item) for item in new])
            if getattr(getattr(old, "fa", None), "flow_style", lambda: False)() or (old is None and name == "tags"):
                seq.fa.set_flow_style()
            target[name] = seq
        else:
            target[name] = new


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


@dataclass
class Change:
    """One content file an import creates, changes or deletes."""

    path: Path
    name: str
    action: str
    """created, changed or deleted."""
    old: str = ""
    new: str = ""

    def diff(self) -> str:
        """A unified diff of the file, for --dry-run."""
        import difflib

        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            f"a/{self.name}",
            f"b/{self.name}",
        )
        return "".join(lines)


@dataclass
class _Located:
    """Where a YAML location came from in the sheet, to point problems back at cells."""

    rows: dict[tuple[str, tuple[str, ...]], _Row] = field(default_factory=dict)
    """(file name, key path prefix) → the row it came from."""


def _plan(
    project: _Project, rows: dict[str, list[_Row]], prune: bool, located: _Located, notes: list[str]
) -> list[Change]:
    yaml = _yaml()
    changes: list[Change] = []
    content = project.content

    def read_rt(path: Path) -> tuple[str, Any]:
        text = path.read_text(encoding="utf-8")
        return text, yaml.load(text)

    if ORGANISATIONS in rows:
        org_dir = content / "organisations"
        wanted = set()
        for row in rows[ORGANISATIONS]:
            stem = row.values["id"]
            wanted.add(stem)
            path = org_dir / f"{stem}.yaml"
            name = project.name(path)
            located.rows[(name, ())] = row
            if path.exists():
                old_text, data = read_rt(path)
                keep_id = "id" in data
                _update(data, row.values, COLUMNS[ORGANISATIONS], skip=() if keep_id else ("id",))
                if _plain(data) != _plain(yaml.load(old_text)):
                    changes.append(Change(path, name, "changed", old_text, _dump(data)))
            else:
                from ruamel.yaml.comments import CommentedMap

                data = CommentedMap()
                _update(data, row.values, COLUMNS[ORGANISATIONS], skip=("id",))
                header = _ORG_SCHEMA if (content / "schemas").is_dir() else ""
                changes.append(Change(path, name, "created", "", header + _dump(data)))
        for stem in sorted(set(project.organisations) - wanted):
            path = org_dir / f"{stem}.yaml"
            if prune:
                changes.append(Change(path, project.name(path), "deleted", path.read_text(encoding="utf-8"), ""))
            else:
                notes.append(f"{project.name(path)} has no row in the sheet: kept (--prune deletes it)")

    if ROUTES in rows:
        path = content / "routes.yaml"
        name = project.name(path)
        old_text, data = read_rt(path)
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        before = _plain(data)
        existing = {str(r.get("id")): r for r in data.get("routes") or [] if isinstance(r, dict)}
        new_list = CommentedSeq()
        for i, row in enumerate(rows[ROUTES]):
            item = existing.get(row.values["id"], CommentedMap())
            _update(item, row.values, COLUMNS[ROUTES])
            new_list.append(item)
            located.rows[(name, ("routes", str(i)))] = row
        data["routes"] = new_list
        if _plain(data) != before:
            changes.append(Change(path, name, "changed", old_text, _dump(data)))

    if POINTS in rows:
        path = content / "booklet.yaml"
        name = project.name(path)
        old_text, data = read_rt(path)
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        before = _plain(data)
        sections = data.setdefault("sections", CommentedMap())
        for key in SECTIONS:
            section = sections.setdefault(key, CommentedMap())
            existing = {str(p.get("id")): p for p in section.get("items") or [] if isinstance(p, dict)}
            new_items = CommentedSeq()
            for row in (r for r in rows[POINTS] if r.values["section"] == key):
                item = existing.get(row.values["id"], CommentedMap())
                _update(item, row.values, COLUMNS[POINTS], skip=("section",))
                located.rows[(name, ("sections", key, "items", str(len(new_items))))] = row
                new_items.append(item)
            section["items"] = new_items
        if _plain(data) != before:
            changes.append(Change(path, name, "changed", old_text, _dump(data)))
    return changes


def _back_to_cell(problem: Problem, located: _Located, labels: dict[str, str]) -> Problem:
    """A problem found in the scratch copy, pointed at the sheet cell it came from (when it did)."""
    parts = tuple(problem.path.split(".")) if problem.path else ()
    for cut in range(len(parts), -1, -1):
        row = located.rows.get((problem.where.file, parts[:cut]))
        if row is not None:
            column = parts[cut] if cut < len(parts) else None
            if column is not None and column not in row.columns:
                column = None
            return Problem(
                row.where(labels[row.sheet], column),
                problem.what,
                problem.hint,
                column or problem.path,
                problem.warning,
            )
    return problem


@dataclass
class ImportResult:
    """What an import changed (or, with dry_run, would change)."""

    changes: list[Change]
    notes: list[str]


def import_sheets(
    source: Path,
    content: Path,
    root: Path | None = None,
    *,
    label: str | None = None,
    dry_run: bool = False,
    prune: bool = False,
) -> ImportResult:
    """Read a spreadsheet and write the YAML files it changes, all or nothing.

    Raises `BookletError` with every problem (sheet cells, or files for problems the
    sheet cannot be blamed for) and writes nothing when the result would not be valid.
    """
    from .load import load_project_content

    root = root or content.parent
    label = label or source.name
    if not source.exists():
        raise BookletError.single("not found", file=label, hint="give the path of a .xlsx, .ods or .csv file")
    project = _read_project(content, root)
    book = _read_book(source, label)
    labels = {sheet: book.labels.get(sheet, book.label) for sheet in COLUMNS}
    problems: list[Problem] = []
    silenced: set[str] = set()
    rows = _sheet_rows(book, problems, silenced)
    located = _Located()
    notes: list[str] = []
    changes = _plan(project, rows, prune, located, notes)

    # Check the whole result as the build would read it, in a scratch copy of the content.
    before = {p.line() for p in load_project_content(content, root).errors}
    with tempfile.TemporaryDirectory(prefix="booklet-import-") as scratch:
        scratch_root = Path(scratch)
        scratch_content = scratch_root / content.relative_to(root)
        shutil.copytree(content, scratch_content, symlinks=True)
        for change in changes:
            target = scratch_content / change.path.relative_to(content)
            if change.action == "deleted":
                target.unlink()
            else:
                target.write_text(change.new, encoding="utf-8")
        after = load_project_content(scratch_content, scratch_root).errors
    cells = {str(p.where) for p in problems} | silenced
    for problem in after:
        if problem.line() in before:
            continue
        moved = _back_to_cell(problem, located, labels)
        if str(moved.where) in cells:
            continue  # already reported by the sheet checks (e.g. a date typed as text)
        cells.add(str(moved.where))
        problems.append(moved)
    if problems:
        raise BookletError(problems)
    if not dry_run:
        for change in changes:
            if change.action == "deleted":
                change.path.unlink()
            else:
                change.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(change.path, change.new.encode("utf-8"))
    return ImportResult(changes, notes)
