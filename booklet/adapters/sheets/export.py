"""Export: organisations, routes, points, the glossary and stories to one .xlsx (openpyxl, with drop-down
validation for sections, tags and ids) or to a folder of CSV files, one row per item and lists as `;`-separated
text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from ...content.stories import Photo
from ...errors import BookletError
from ...util import write_atomic
from ..workbooks import column_letters
from . import facts
from .layout import (
    _MODELS,
    AMOUNTS,
    COLUMNS,
    DATES,
    FLAGS,
    FORMULA_STARTS,
    LISTS,
    ORGANISATIONS,
    PHOTO,
    POINTS,
    ROUTES,
    SECTIONS,
    STORIES,
    _cell_value,
    _read_project,
    _rows,
)


def export_sheets(content: Path, target: Path, root: Path | None = None) -> list[Path]:
    """Write the content's organisations, routes, points, stories and glossary to `target` (.xlsx, or
    a folder of CSVs)."""
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
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_STARTS and value.lstrip("'"):
        return "'" + value  # OWASP: never a live formula in Excel; import removes exactly this one quote
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
        letter = column_letters(col)
        lists.cell(1, col + 1, title).font = Font(bold=True)
        for i, value in enumerate(values, 2):
            lists.cell(i, col + 1, value).data_type = "s"
        ranges[title] = f"Lists!${letter}$2:${letter}${max(2, len(values) + 1)}"
    ids_of = {ORGANISATIONS: "organisation ids", ROUTES: "route ids", POINTS: "point ids"}
    for sheet, columns in COLUMNS.items():
        ws = book.create_sheet(sheet, len(book.sheetnames) - 1)
        cls = _MODELS[sheet]
        for col, name in enumerate(columns, 1):
            cell = ws.cell(1, col, name)
            cell.font = Font(bold=True)
            info = cls.model_fields.get(name)
            if name in PHOTO:
                info = Photo.model_fields[PHOTO[name]]
            if info is not None and info.description:
                doc = info.description
            elif name in facts.COLUMNS:
                doc = facts.describe(name)
            else:
                doc = "Which section: why, challenges or skills."
            if name in LISTS:
                doc += " Separate several with ;"
            cell.comment = Comment(doc, "booklet")
            width = 14 if name in ("id", "section", "order") or name in DATES | FLAGS | AMOUNTS else 40
            ws.column_dimensions[column_letters(col - 1)].width = width
        for r, row in enumerate(rows[sheet], 2):
            for col, name in enumerate(columns, 1):
                value = _cell_value(name, row.get(name))
                cell = ws.cell(r, col, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even when it starts with =
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
            letter = column_letters(COLUMNS[sheet].index(column))
            rule.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(rule)

        if sheet in ids_of:
            validation("id", ranges[ids_of[sheet]], False, "Lower case with hyphens, e.g. fast-stream; unique.")
        if "tags" in columns:
            validation("tags", ranges["tags"], False, "Pick a tag; separate several with ;")
        if sheet == STORIES:
            validation("organisation", ranges["organisation ids"], False, "The organisation it prints after.")
            validation("route", ranges["route ids"], False, "The route it prints after, if no organisation.")
        if sheet == POINTS:
            validation("section", ranges["sections"], True, "why, challenges or skills")
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
