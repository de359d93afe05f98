"""Opening spreadsheets other people send (.xlsx, .ods, .csv) within limits, for class lists and `import` alike.

A small file can expand to gigabytes (a zip bomb, a cell far down the sheet, a cell repeated a million
times), so each limit is checked before the memory is spent: the file's size, the decompressed sizes
from the zip's own table (and their CRCs, read in small chunks), then one streaming pass over the
sheet's XML for its rows, columns and the characters of each cell. Only then does python-calamine
read the sheet. Each refusal is one line that names the file, the sheet and where possible the cell.
CSV is read by the CSV standard (RFC 4180: doubled quotes), whatever the delimiter.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..errors import BookletError, Problem, Where

MAX_FILE_BYTES = 20_000_000
"""A spreadsheet larger than this is refused (tens of thousands of rows fit in far less)."""
MAX_UNZIPPED_BYTES = 40_000_000
"""What all parts of an .xlsx or .ods may decompress to, as the zip's own table says."""
MAX_PARTS = 5_000
"""Files inside one .xlsx or .ods."""
MAX_ROWS = 50_000
MAX_COLUMNS = 60
MAX_CELLS = 500_000
"""Rows × columns from A1 to the last cell with a value: what reading the sheet allocates."""
MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit."""

_SPREADSHEET = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CONFIG = "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def column_letters(col: int) -> str:
    """0-based column index as spreadsheet letters (0 → A)."""
    text = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        text = chr(65 + rest) + text
    return text


def _refuse(label: str, what: str, hint: str = "") -> BookletError:
    return BookletError([Problem(Where(label), what, hint)])


def read_bytes(path: Path, label: str) -> bytes:
    """The file's bytes, refused in one line when it is larger than MAX_FILE_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(
                label,
                f"is {size / 1e6:.0f} MB; at most {MAX_FILE_BYTES // 1_000_000} MB is read",
                "delete unused sheets, pictures and formatting, or split the file",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise _refuse(label, "not found") from None
    except IsADirectoryError:
        raise _refuse(label, "is a folder, not a spreadsheet") from None
    except OSError as exc:
        raise _refuse(label, f"cannot be read: {exc.strerror}") from None


# ---------------------------------------------------------------- CSV


def _delimiter(text: str) -> str:
    """The delimiter of the first line (',' ';' or tab), counted outside double quotes."""
    first = text.split("\n", 1)[0]
    outside = re.sub(r'"[^"]*"', "", first)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes, label: str) -> list[list[str]]:
    """A CSV file's rows, read by the CSV standard (doubled quotes) with ',', ';' or tab, within limits."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(label, "is not UTF-8 text", "save it as 'CSV UTF-8' in your spreadsheet") from None
    dialect = csv.excel()
    first, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=[,;\t|]", first.rstrip("\r")):  # Excel's own hint, which Excel itself hides
        dialect.delimiter, text = first[4], rest
    else:
        dialect.delimiter = _delimiter(text)
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for number, row in enumerate(reader, 1):
            if number > MAX_ROWS:
                raise _refuse(label, f"has more than {MAX_ROWS:,} rows", "split the list into several files")
            if len(row) > MAX_COLUMNS:
                raise _refuse(
                    f"{label}:{number}", f"row has {len(row):,} cells; at most {MAX_COLUMNS} columns are read"
                )
            for col, cell in enumerate(row):
                if len(cell) > MAX_CELL_CHARS:
                    raise _refuse(f"{label}:{number}:{col + 1}", _too_long())
            rows.append(row)
    except csv.Error:
        # The csv module's own limit (131,072 characters a field) or an unclosed quote at the end.
        raise _refuse(
            f"{label}:{reader.line_num}",
            f"a cell holds more than {MAX_CELL_CHARS:,} characters, or a quote is never closed",
            'a value in quotes ends with a quote; a quote inside it is written twice ("")',
        ) from None
    return rows


def _too_long() -> str:
    return f"a cell holds more than {MAX_CELL_CHARS:,} characters (Excel's own limit)"


# ---------------------------------------------------------------- .xlsx and .ods


@dataclass
class SheetInfo:
    name: str
    visible: bool


@dataclass
class Workbook:
    """An .xlsx or .ods whose zip table passed the limits; sheets are scanned as they are read."""

    label: str
    data: bytes
    ods: bool
    sheets: list[SheetInfo]
    active: str | None
    """The sheet open when the file was saved, if the file says."""
    _parts: dict[str, str] = field(default_factory=dict)
    """xlsx: sheet name → its XML part."""
    _long_strings: set[int] = field(default_factory=set)
    _ods_scan: dict[str, _Shape] | None = None
    _book: Any = None

    def read(
        self, name: str, cell: Callable[[Any], Any] = lambda value: value
    ) -> tuple[list[list[Any]], list[tuple[int, int, int, int]], set[tuple[int, int]]]:
        """A sheet's cells from A1 (python-calamine values, passed through `cell` row by row, so only one
        copy is held), its merged ranges (0-based, inclusive) and its formula cells with no saved value."""
        shape = self._shape(name)
        sheet = self._book.get_sheet_by_name(name)
        pad = [cell("")] * (sheet.start[1] if sheet.start else 0)
        rows = [[*pad, *map(cell, row)] for row in sheet.iter_rows()]
        if self.ods:
            merged = shape.merged
        else:
            merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (getattr(sheet, "merged_cell_ranges", None) or [])]
        return rows, merged, shape.unsaved

    def _shape(self, name: str) -> _Shape:
        where = f"{self.label} › {name}"
        if self.ods:
            shape = (self._ods_scan or {}).get(name, _Shape())
        else:
            shape = _Shape()
            part = self._parts.get(name)
            if part is None or part not in self._zip().namelist():
                raise _refuse(where, "cannot be found inside the file", "save it again from your spreadsheet")
            _scan(self._zip(), part, _XlsxScan(shape, where, self._long_strings).handlers, self.label)
        _check_shape(shape, where)
        return shape

    def _zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.data))


@dataclass
class _Shape:
    rows: int = 0
    """1-based index of the last row with a value."""
    columns: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    unsaved: set[tuple[int, int]] = field(default_factory=set)
    """Formula cells with no saved value (a file written by a program, never opened in a spreadsheet)."""


def _check_shape(shape: _Shape, where: str) -> None:
    if shape.rows > MAX_ROWS:
        raise _refuse(where, f"has a value in row {shape.rows:,}; at most {MAX_ROWS:,} rows are read", _tidy())
    if shape.columns > MAX_COLUMNS:
        raise _refuse(
            where,
            f"has a value in column {column_letters(shape.columns - 1)}; at most {MAX_COLUMNS} columns are read",
            _tidy(),
        )
    if shape.rows * shape.columns > MAX_CELLS:
        raise _refuse(
            where,
            f"spans {shape.rows:,} rows × {shape.columns} columns; at most {MAX_CELLS:,} cells are read",
            _tidy(),
        )


def _tidy() -> str:
    return "delete stray values far below or to the right of the table (Ctrl+End finds the last one)"


def open_workbook(data: bytes, suffix: str, label: str) -> Workbook:
    """Check an .xlsx/.ods file's zip table and parts, then open it with python-calamine."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(
            label, f"cannot be read as a spreadsheet (not a real {suffix} file?)", f"save it again as {suffix}"
        ) from None
    if len(infos) > MAX_PARTS:
        raise _refuse(label, f"holds {len(infos):,} files inside; at most {MAX_PARTS:,} are read", "save it again")
    unzipped = sum(i.file_size for i in infos)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise _refuse(
            label,
            f"expands to {unzipped / 1e6:,.0f} MB when unzipped; at most {MAX_UNZIPPED_BYTES // 1_000_000} MB is read",
            "delete unused sheets, pictures and formatting, or split the file",
        )
    try:
        damaged = archive.testzip()  # every part against its CRC, in small chunks, never past its declared size
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError, RuntimeError):
        damaged = "?"
    if damaged is not None:
        raise _refuse(
            label, "is damaged (a part does not match the zip's table)", "save it again from your spreadsheet"
        )
    ods = suffix == ".ods"
    book = Workbook(label, data, ods, [], None)
    if ods:
        settings: dict[str, str] = {}
        if "settings.xml" in archive.namelist():
            _scan(archive, "settings.xml", _ods_settings(settings), label)
        book.active = settings.get("ActiveTable")
        # python-calamine reads every table of an .ods when it opens it, so all are scanned first.
        book._ods_scan = {}
        _scan(archive, "content.xml", _OdsScan(book._ods_scan, label).handlers, label)
    else:
        _xlsx_parts(archive, book)
    from python_calamine import CalamineWorkbook

    try:
        book._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = book._book.sheets_metadata
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise _refuse(label, f"cannot be read as a spreadsheet ({type(exc).__name__})", "save it again") from None
    book.sheets = [
        SheetInfo(m.name, str(m.visible).rsplit(".", 1)[-1] == "Visible")
        for m in metadata
        if str(m.typ).rsplit(".", 1)[-1] == "WorkSheet"
    ]
    return book


def _scan(archive: zipfile.ZipFile, part: str, handlers: dict[str, Callable[..., None]], label: str) -> None:
    """Stream one XML part through expat (no DTDs, no entities), at most its declared size."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_: object) -> None:
        raise _refuse(label, f"{part} declares entities", "save it again from your spreadsheet")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    if part not in archive.namelist():
        return  # optional parts (shared strings, settings); python-calamine reports missing ones
    try:
        with archive.open(part) as handle:
            while chunk := handle.read(1 << 20):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _refuse(label, f"{part} is not well-formed XML (line {exc.lineno})", "save it again") from None


def _xlsx_parts(archive: zipfile.ZipFile, book: Workbook) -> None:
    sheets: list[tuple[str, str]] = []
    active = [0]
    targets: dict[str, str] = {}
    shared = ["xl/sharedStrings.xml"]

    def workbook_start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1]  # by local name: Strict OOXML uses other namespaces
        if local == "sheet":
            relation = next((v for k, v in attrs.items() if k.endswith(" id")), "")
            sheets.append((attrs.get("name", ""), relation))
        elif local == "workbookView" and attrs.get("activeTab", "0").isdigit():
            active[0] = int(attrs["activeTab"])

    def rels_start(tag: str, attrs: dict[str, str]) -> None:
        if tag.endswith(" Relationship"):
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith(("/", "xl/")) else f"xl/{target}"
            targets[attrs.get("Id", "")] = path
            if attrs.get("Type", "").endswith("/sharedStrings"):
                shared[0] = path

    _scan(archive, "xl/workbook.xml", {"StartElementHandler": workbook_start}, book.label)
    _scan(archive, "xl/_rels/workbook.xml.rels", {"StartElementHandler": rels_start}, book.label)
    book._parts = {name: targets[rid] for name, rid in sheets if rid in targets}
    if 0 <= active[0] < len(sheets):
        book.active = sheets[active[0]][0]
    index = [-1]
    chars = [0]
    inside = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1]
        if local == "si":
            index[0] += 1
            chars[0] = 0
        elif local == "t":
            inside[0] += 1

    def end(tag: str) -> None:
        if tag.rsplit(" ", 1)[-1] == "t":
            inside[0] -= 1

    def text(data: str) -> None:
        if inside[0]:
            chars[0] += len(data)
            if chars[0] > MAX_CELL_CHARS:
                book._long_strings.add(index[0])

    _scan(
        archive,
        shared[0],
        {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": text},
        book.label,
    )


class _XlsxScan:
    """Rows, columns and long cells of one worksheet part, from its XML as it streams past."""

    def __init__(self, shape: _Shape, where: str, long_strings: set[int]) -> None:
        self.shape, self.where, self.long_strings = shape, where, long_strings
        self.row = 0
        self.col = -1
        self.shared = False
        self.has_value = False
        self.chars = 0
        self.value = ""
        self.in_text = 0
        self.formula = False
        self.handlers: dict[str, Callable[..., None]] = {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.text,
        }

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1]
        if local == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.col = -1
        elif local == "c":
            match = _CELL_REF.match(attrs.get("r", ""))
            if match:
                self.col = _column_index(match.group(1))
                self.row = int(match.group(2))
            else:
                self.col += 1
            self.shared = attrs.get("t") == "s"
            self.has_value = False
            self.formula = False
            self.chars = 0
            self.value = ""
        elif local in ("v", "is", "f"):
            self.has_value = True
            self.in_text += local == "v"
            self.formula = self.formula or local == "f"
        elif local == "t":
            self.in_text += 1

    def end(self, tag: str) -> None:
        local = tag.rsplit(" ", 1)[-1]
        if local in ("v", "t"):
            self.in_text -= 1
        elif local == "c" and self.has_value:
            if self.formula and not self.chars:
                self.shape.unsaved.add((self.row - 1, self.col))
            ref = f"{self.where}!{column_letters(self.col)}{self.row}"
            if self.chars > MAX_CELL_CHARS or (
                self.shared and self.value.strip().isdigit() and int(self.value) in self.long_strings
            ):
                raise _refuse(ref, _too_long())
            self.shape.rows = max(self.shape.rows, self.row)
            self.shape.columns = max(self.shape.columns, self.col + 1)
            _check_shape(self.shape, self.where)

    def text(self, data: str) -> None:
        if self.in_text:
            self.chars += len(data)
            if self.shared and len(self.value) < 12:
                self.value += data


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


class _OdsScan:
    """Each table's rows, columns (repeats counted), merged ranges and long cells, from content.xml."""

    def __init__(self, shapes: dict[str, _Shape], label: str) -> None:
        self.shapes, self.label = shapes, label
        self.shape: _Shape | None = None
        self.name = ""
        self.row = 0
        self.row_repeat = 1
        self.col = 0
        self.cell_repeat = 1
        self.cell_has_value = False
        self.row_last_col = 0
        self.chars = 0
        self.in_cell = False
        self.handlers: dict[str, Callable[..., None]] = {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.text,
        }

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_SPREADSHEET} table":
            self.name = attrs.get(f"{_SPREADSHEET} name", "")
            self.shape = self.shapes.setdefault(self.name, _Shape())
            self.row = 0
        elif self.shape is None:
            return
        elif tag == f"{_SPREADSHEET} table-row":
            self.row_repeat = _count(attrs.get(f"{_SPREADSHEET} number-rows-repeated"))
            self.col = 0
            self.row_last_col = 0
        elif tag in (f"{_SPREADSHEET} table-cell", f"{_SPREADSHEET} covered-table-cell"):
            self.cell_repeat = _count(attrs.get(f"{_SPREADSHEET} number-columns-repeated"))
            self.cell_has_value = f"{_OFFICE} value-type" in attrs
            if f"{_SPREADSHEET} formula" in attrs and not self.cell_has_value:
                self.shape.unsaved.add((self.row, self.col))
            self.chars = 0
            self.in_cell = True
            rows = _count(attrs.get(f"{_SPREADSHEET} number-rows-spanned"))
            cols = _count(attrs.get(f"{_SPREADSHEET} number-columns-spanned"))
            if rows > 1 or cols > 1:
                self.shape.merged.append((self.row, self.col, self.row + rows - 1, self.col + cols - 1))
        elif tag == f"{_TEXT} s":
            self.chars += _count(attrs.get(f"{_TEXT} c"))  # "n spaces": expanded when read
            self._check_chars()
        elif tag == f"{_TEXT} p" and self.in_cell:
            self.cell_has_value = True

    def end(self, tag: str) -> None:
        if self.shape is None:
            return
        if tag in (f"{_SPREADSHEET} table-cell", f"{_SPREADSHEET} covered-table-cell"):
            self.col += self.cell_repeat
            if self.cell_has_value:
                self.row_last_col = self.col
            self.in_cell = False
        elif tag == f"{_SPREADSHEET} table-row":
            self.row += self.row_repeat
            if self.row_last_col:
                self.shape.rows = max(self.shape.rows, self.row)
                self.shape.columns = max(self.shape.columns, self.row_last_col)
                _check_shape(self.shape, f"{self.label} › {self.name}")
        elif tag == f"{_SPREADSHEET} table":
            self.shape = None

    def text(self, data: str) -> None:
        if self.in_cell:
            self.chars += len(data)
            self._check_chars()

    def _check_chars(self) -> None:
        if self.chars > MAX_CELL_CHARS:
            ref = f"{self.label} › {self.name}!{column_letters(self.col)}{self.row + 1}"
            raise _refuse(ref, _too_long())


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


def _ods_settings(found: dict[str, str]) -> dict[str, Callable[..., None]]:
    current = [""]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_CONFIG} config-item":
            current[0] = attrs.get(f"{_CONFIG} name", "")

    def end(tag: str) -> None:
        current[0] = ""

    def text(data: str) -> None:
        if current[0] == "ActiveTable" and "ActiveTable" not in found:
            found["ActiveTable"] = data
        elif current[0] == "ActiveTable":
            found["ActiveTable"] += data

    return {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": text}
