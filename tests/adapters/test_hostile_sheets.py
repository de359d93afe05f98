"""The hostile-input corpus for what other people send as spreadsheets: class lists and `import` sheets.

Each case is built here (as .xlsx, .ods and .csv where the input allows), read by the real reader, and
answered with its exact one-line message: a size refused before the memory is spent, a hidden or merged
sheet handled, a value from a class list never echoed.
"""

from __future__ import annotations

import csv
import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from booklet.adapters.cells import UK_NOTE, bounded
from booklet.adapters.classlist import read_people, read_table
from booklet.cli.app import app
from booklet.errors import BookletError, Problem, Where

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["id", "name", "audience", "routes", "organisations", "next_steps", "adviser", "follow_up", "notes"]
ROW = ["S1", "Alex Jones", "graduates", "fast-stream", "gds", "", "Amara Okafor", "2026-12-15", ""]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(
    path: Path,
    sheets: list[tuple[str, list[list[object]], bool]],
    active: int = 0,
    merges: tuple[str, ...] = (),
) -> Path:
    """Sheets as (name, rows, hidden); `merges` apply to the last sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows, hidden in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
    for merge in merges:
        book.worksheets[-1].merge_cells(merge)
    book.active = active
    book.save(path)
    return path


def write_ods(path: Path, sheets: list[tuple[str, list[list[object]], bool]], span: tuple[int, int, int] = ()) -> Path:
    """Sheets as (name, rows, hidden); `span` (row, col, rows) merges cells down in the last sheet."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    hidden_style = Style(name="hidden", family="table")
    hidden_style.addElement(TableProperties(display=False))
    document.automaticstyles.addElement(hidden_style)
    for index, (name, rows, hidden) in enumerate(sheets):
        table = Table(name=name, stylename=hidden_style) if hidden else Table(name=name)
        for r, row in enumerate(rows):
            table_row = TableRow()
            for c, value in enumerate(row):
                last = index == len(sheets) - 1
                if last and span and c == span[1] and span[0] < r < span[0] + span[2]:
                    cell = CoveredTableCell()
                elif last and span and (r, c) == span[:2]:
                    cell = TableCell(valuetype="string", numberrowsspanned=span[2])
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def lines(problems: list[Problem]) -> list[str]:
    return [p.line() for p in problems]


def refusal(path: Path) -> str:
    with pytest.raises(BookletError) as caught:
        read_table(path)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0].line()


# ---------------------------------------------------------------- personal data is never echoed


def test_a_shifted_row_names_row_and_column_never_the_values(tmp_path, content):
    """An unquoted "Surname, Forename" shifts every later cell: the row is refused without quoting any."""
    text = ",".join(HEADER) + "\r\nB001,O'Connor, Siobhan,graduates,,,,Amara Okafor,,\r\n"
    (tmp_path / "people.csv").write_text(text, encoding="utf-8")
    people = read_people(tmp_path / "people.csv", content.booklet, content.audiences)
    assert people.people == []
    assert lines(people.problems) == [
        "people.csv:2:1  id  the row has 10 cells but the first row names 9 columns (a comma inside a value? put "
        'that value in double quotes, e.g. "Surname, Forename")',
        "people.csv:2:3  audience  not an audience id (known: school-leavers, graduates, career-changers, researchers, "
        "fair-handout)",
        "people.csv:2:4  routes  the 1st route is not a route id (known: civil-service-jobs, fast-stream, "
        "nhs-internships, local-council-roles, research-fellowships)",
        "people.csv:2:8  follow_up  not a date (write it YYYY-MM-DD (e.g. 2026-12-15) or DD/MM/YYYY (15/12/2026))",
    ]
    for line in lines(people.problems + people.warnings):
        for secret in ("Connor", "Siobhan", "Amara", "Okafor"):
            assert secret not in line


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_doubled_quotes_are_read_by_the_csv_standard(tmp_path, content, delimiter):
    rows = [HEADER, ["S1", 'Alex "AJ" Jones', *ROW[2:8], 'Said "yes, definitely", to data; then; left']]
    path = write_csv(tmp_path / "people.csv", rows, delimiter)
    assert '"Alex ""AJ"" Jones"' in path.read_text()
    people = read_people(path, content.booklet, content.audiences)
    assert people.problems == []
    assert people.people[0].name == 'Alex "AJ" Jones'
    assert people.people[0].notes == 'Said "yes, definitely", to data; then; left'
    path.write_text(f"sep={delimiter}\r\n" + path.read_text(), encoding="utf-8")  # Excel's hint line
    assert read_people(path, content.booklet, content.audiences).people == people.people


# ---------------------------------------------------------------- which sheet


def test_a_hidden_first_sheet_is_not_read(tmp_path, content):
    old = [HEADER, ["X9", "Last Year", *ROW[2:]]]
    new = [HEADER, ROW]
    for path in (
        write_xlsx(tmp_path / "people.xlsx", [("Last year", old, True), ("This year", new, False)], active=1),
        write_ods(tmp_path / "people.ods", [("Last year", old, True), ("This year", new, False)]),
    ):
        people = read_people(path, content.booklet, content.audiences)
        assert [p.id for p in people.people] == ["S1"], path.name
        assert lines(people.warnings) == [
            f"{path.name}  -  warning: read the sheet 'This year'; 1 other sheet (Last year) not read "
            "(name another with --sheet NAME)"
        ]
        named = read_people(path, content.booklet, content.audiences, sheet="last year")
        assert [p.id for p in named.people] == ["X9"]


def test_several_visible_sheets_read_the_active_one_or_ask(tmp_path, content):
    sheets = [("Year 10", [HEADER, ["T1", *ROW[1:]]], False), ("Year 11", [HEADER, ROW], False)]
    path = write_xlsx(tmp_path / "people.xlsx", sheets, active=1)
    assert [p.id for p in read_people(path, content.booklet, content.audiences).people] == ["S1"]
    with pytest.raises(BookletError) as caught:
        read_people(path, content.booklet, content.audiences, sheet="Year 12")
    assert lines(caught.value.problems) == [
        "people.xlsx  -  has no sheet named 'Year 12' (its sheets: Year 10, Year 11)"
    ]


def test_merged_cells_fail_every_row_under_them(tmp_path, content):
    rows = [HEADER, ROW, ["S2", "B", "", *ROW[3:]], ["S3", "C", "", *ROW[3:]], ["S4", "D", *ROW[2:]]]
    for path in (
        write_xlsx(tmp_path / "people.xlsx", [("Class", rows, False)], merges=("C2:C4",)),
        write_ods(tmp_path / "people.ods", [("Class", rows, False)], span=(1, 2, 3)),
    ):
        people = read_people(path, content.booklet, content.audiences)
        assert [p.id for p in people.people] == ["S4"], path.name
        assert lines(people.problems) == [
            f"{path.name}:{row}:3  audience  in merged cells C2:C4 (unmerge them and type the value in every row "
            "that needs it)"
            for row in (2, 3, 4)
        ]


# ---------------------------------------------------------------- dates as Excel writes them


def test_uk_dates_are_read_day_first_and_said_once(tmp_path, content):
    rows = [HEADER]
    for n, date in enumerate(["15/12/2026", "03/04/2026", "12/31/2026", "15/12/26", "31/02/2026", "2026-12-15"]):
        rows.append([f"S{n}", "A", "", "", "", "", "", date, ""])
    people = read_people(write_csv(tmp_path / "people.csv", rows), content.booklet, content.audiences)
    assert [(p.id, p.follow_up.isoformat()) for p in people.people] == [
        ("S0", "2026-12-15"),
        ("S1", "2026-04-03"),
        ("S5", "2026-12-15"),
    ]
    hint = "(write it YYYY-MM-DD (e.g. 2026-12-15) or DD/MM/YYYY (15/12/2026))"
    assert lines(people.problems) == [
        f"people.csv:4:8  follow_up  not a real date read day first (DD/MM/YYYY); is it written month first? {hint}",
        f"people.csv:5:8  follow_up  a two-digit year is ambiguous {hint}",
        f"people.csv:6:8  follow_up  not a real date {hint}",
    ]
    assert lines(people.warnings) == [f"people.csv:1:8  follow_up  warning: {UK_NOTE}"]


# ---------------------------------------------------------------- floods


def test_a_flood_of_one_mistake_is_one_line_and_every_list_is_bounded():
    same = [
        Problem(Where("people.csv", n, 3), "not an audience id", "did you mean graduates?", "audience")
        for n in range(2, 20_002)
    ]
    assert lines(bounded(same)) == [
        "people.csv:2:3  audience  not an audience id ×20,000, first at people.csv:2:3 (did you mean graduates?)"
    ]
    many = [Problem(Where("people.csv", n, 1), f"mistake {n}") for n in range(2, 302)]
    shown = lines(bounded(many))
    assert len(shown) == 40
    assert shown[-1] == "people.csv  -  … and 261 more problems (fix these first and run again)"


def test_personalise_prints_a_bounded_report_for_twenty_thousand_bad_rows(tmp_path):
    rows = [HEADER] + [[f"S{n}", "A", "graduate", "", "", "", "", "", ""] for n in range(20_000)]
    path = write_csv(tmp_path / "people.csv", rows)
    result = CliRunner().invoke(app, ["personalise", str(path), "--content", str(ROOT / "content")])
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors == [
        "error: people.csv:2:3  audience  not an audience id ×20,000, first at people.csv:2:3 (did you mean graduates?)"
    ]
    assert "0 built, 0 unchanged, 20000 failed" in result.stdout


# ---------------------------------------------------------------- limits, refused before the memory is spent


def xlsx_with(path: Path, *cells: str | tuple[str, int], size_of_sheet: int | None = None) -> Path:
    """A minimal workbook whose one sheet holds `cells` (raw sheetData XML, or (xml, times) to repeat it)
    after a normal header row, streamed into the zip so that a bomb is never whole in memory here."""
    write_xlsx(path, [("Class", [HEADER], False)])
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    head, tail = parts.pop("xl/worksheets/sheet1.xml").decode().split("</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            for piece in cells:
                xml, times = piece if isinstance(piece, tuple) else (piece, 1)
                block = xml.encode() * max(1, min(times, 1_000_000 // max(1, len(xml))))
                written = 0
                while written < times:
                    count = min(times - written, len(block) // len(xml.encode()))
                    sheet.write(block[: count * len(xml.encode())])
                    written += count
            sheet.write(("</sheetData>" + tail).encode())
    if size_of_sheet is not None:  # a zip table that lies about what the sheet expands to
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            info = archive.getinfo("xl/worksheets/sheet1.xml")
        struct.pack_into("<I", data, info.header_offset + 22, size_of_sheet)
        central = data.find(b"PK\x01\x02")
        while central >= 0:
            length = struct.unpack("<H", data[central + 28 : central + 30])[0]
            if data[central + 46 : central + 46 + length] == b"xl/worksheets/sheet1.xml":
                struct.pack_into("<I", data, central + 24, size_of_sheet)
            central = data.find(b"PK\x01\x02", central + 4)
        path.write_bytes(bytes(data))
    return path


def with_shared_strings(path: Path, strings: list[str], cells: str) -> Path:
    """A workbook that keeps its text in xl/sharedStrings.xml, as Excel writes it."""
    xlsx_with(path, cells)
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{ns}" count="{len(strings)}">{items}</sst>'.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


FILLER = "<row>" + inline("", "x" * 100).replace(' r=""', "") + "</row>"

XLSX_CASES = {
    "expands-to-340-mb": (
        lambda p: xlsx_with(p, (FILLER, 2_300_000)),
        "expands-to-340-mb.xlsx  -  expands to 340 MB when unzipped; at most 40 MB is read (delete unused sheets, "
        "pictures and formatting, or split the file)",
    ),
    "one-cell-of-a-gigabyte": (
        lambda p: xlsx_with(
            p, '<row r="2"><c r="A2" t="inlineStr"><is><t>', ("x", 1_000_000_000), "</t></is></c></row>"
        ),
        "one-cell-of-a-gigabyte.xlsx  -  expands to 1,000 MB when unzipped; at most 40 MB is read (delete unused "
        "sheets, pictures and formatting, or split the file)",
    ),
    "zip-table-lies": (
        lambda p: xlsx_with(p, (FILLER, 300_000), size_of_sheet=4_000),
        "zip-table-lies.xlsx  -  is damaged (a part does not match the zip's table) (save it again from your "
        "spreadsheet)",
    ),
    "value-far-down": (
        lambda p: xlsx_with(p, '<row r="300000">' + inline("ZZ300000", "x") + "</row>"),
        "value-far-down.xlsx › Class  -  has a value in row 300,000; at most 50,000 rows are read (delete stray "
        "values far below or to the right of the table (Ctrl+End finds the last one))",
    ),
    "value-far-right": (
        lambda p: xlsx_with(p, '<row r="2">' + inline("XFD2", "x") + "</row>"),
        "value-far-right.xlsx › Class  -  has a value in column XFD; at most 60 columns are read (delete stray "
        "values far below or to the right of the table (Ctrl+End finds the last one))",
    ),
    "too-many-cells": (
        lambda p: xlsx_with(p, '<row r="20000">' + inline("AX20000", "x") + "</row>"),
        "too-many-cells.xlsx › Class  -  spans 20,000 rows × 50 columns; at most 500,000 cells are read (delete "
        "stray values far below or to the right of the table (Ctrl+End finds the last one))",
    ),
    "cell-over-excels-limit": (
        lambda p: xlsx_with(p, '<row r="2">' + inline("B2", "x" * 40_000) + "</row>"),
        "cell-over-excels-limit.xlsx › Class!B2  -  a cell holds more than 32,767 characters (Excel's own limit)",
    ),
    "shared-string-over-excels-limit": (
        lambda p: with_shared_strings(
            p, ["S1", "x" * 40_000], '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c></row>'
        ),
        "shared-string-over-excels-limit.xlsx › Class!C2  -  a cell holds more than 32,767 characters (Excel's own "
        "limit)",
    ),
    "not-a-zip": (
        lambda p: p.write_bytes(b"PK\x03\x04 not really a workbook"),
        "not-a-zip.xlsx  -  cannot be read as a spreadsheet (not a real .xlsx file?) (save it again as .xlsx)",
    ),
}


@pytest.mark.parametrize("case", list(XLSX_CASES))
def test_xlsx_limits_are_one_line_each(tmp_path, case):
    make, expected = XLSX_CASES[case]
    make(tmp_path / f"{case}.xlsx")
    assert refusal(tmp_path / f"{case}.xlsx") == expected


def ods_with(path: Path, rows_xml: str) -> Path:
    write_ods(path, [("Class", [HEADER], False)])
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    content = parts["content.xml"].decode()
    parts["content.xml"] = content.replace("</table:table>", rows_xml + "</table:table>", 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return path


def ods_cell(text: str, attrs: str = "") -> str:
    return f'<table:table-cell office:value-type="string" {attrs}><text:p>{text}</text:p></table:table-cell>'


ODS_CASES = {
    "row-repeated-a-million-times": (
        f'<table:table-row table:number-rows-repeated="1000000">{ods_cell("S1")}</table:table-row>',
        "row-repeated-a-million-times.ods › Class  -  has a value in row 1,000,001; at most 50,000 rows are read "
        "(delete stray values far below or to the right of the table (Ctrl+End finds the last one))",
    ),
    "cell-repeated-across": (
        "<table:table-row>" + ods_cell("x", 'table:number-columns-repeated="16384"') + "</table:table-row>",
        "cell-repeated-across.ods › Class  -  has a value in column XFD; at most 60 columns are read (delete stray "
        "values far below or to the right of the table (Ctrl+End finds the last one))",
    ),
    "a-billion-spaces": (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>b'
        "</text:p></table:table-cell></table:table-row>",
        "a-billion-spaces.ods › Class!A2  -  a cell holds more than 32,767 characters (Excel's own limit)",
    ),
}


@pytest.mark.parametrize("case", list(ODS_CASES))
def test_ods_limits_are_one_line_each(tmp_path, case):
    rows_xml, expected = ODS_CASES[case]
    assert refusal(ods_with(tmp_path / f"{case}.ods", rows_xml)) == expected


CSV_CASES = {
    "cell-over-excels-limit": (
        ",".join(HEADER) + "\r\nS1," + "x" * 40_000 + "\r\n",
        "cell-over-excels-limit.csv:2:2  -  a cell holds more than 32,767 characters (Excel's own limit)",
    ),
    "cell-over-the-csv-modules-limit": (
        ",".join(HEADER) + '\r\nS1,"' + "x" * 200_000 + '"\r\n',
        "cell-over-the-csv-modules-limit.csv:2  -  a cell holds more than 32,767 characters, or a quote is never "
        'closed (a value in quotes ends with a quote; a quote inside it is written twice (""))',
    ),
    "too-many-columns": (
        ",".join(HEADER) + "\r\n" + "x," * 5_000 + "\r\n",
        "too-many-columns.csv:2  -  row has 5,001 cells; at most 60 columns are read",
    ),
    "too-many-rows": (
        ",".join(HEADER) + "\r\n" + "S1,A\r\n" * 60_000,
        "too-many-rows.csv  -  has more than 50,000 rows (split the list into several files)",
    ),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_csv_limits_are_one_line_each(tmp_path, case):
    text, expected = CSV_CASES[case]
    (tmp_path / f"{case}.csv").write_text(text, encoding="utf-8")
    assert refusal(tmp_path / f"{case}.csv") == expected


def test_a_file_over_twenty_megabytes_is_refused_unread(tmp_path):
    (tmp_path / "big.csv").write_bytes(b"id,name\n" + b"S1,A\n" * 4_200_000)
    assert refusal(tmp_path / "big.csv") == (
        "big.csv  -  is 21 MB; at most 20 MB is read (delete unused sheets, pictures and formatting, or split the file)"
    )


@pytest.mark.parametrize(
    "case", ["one-cell-of-a-gigabyte", "value-far-down", "zip-table-lies", "row-repeated-a-million-times"]
)
def test_bombs_are_refused_in_well_under_200_mb(tmp_path, case):
    """Peak memory (VmHWM) of a fresh process that reads the bomb: the refusal comes before the expansion."""
    if case in ODS_CASES:
        path, expected = ods_with(tmp_path / f"{case}.ods", ODS_CASES[case][0]), ODS_CASES[case][1]
    else:
        path, expected = tmp_path / f"{case}.xlsx", XLSX_CASES[case][1]
        XLSX_CASES[case][0](path)
    code = (
        "from pathlib import Path\n"
        "from booklet.adapters.classlist import read_table\n"
        "from booklet.errors import BookletError\n"
        "try:\n"
        f"    read_table(Path({str(path)!r}))\n"
        "except BookletError as exc:\n"
        "    print(exc)\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    message, peak_kb = done.stdout.strip().splitlines()
    assert message == expected
    assert int(peak_kb) < 200_000, f"{int(peak_kb) // 1024} MB"


def test_personalise_reads_the_sheet_it_is_told(tmp_path):
    rows = [HEADER, ["S1", "A", "no-such-audience", "", "", "", "", "", ""]]
    path = write_xlsx(
        tmp_path / "people.xlsx", [("Old", [HEADER, ["X1", "B", "nope", *ROW[3:]]], True), ("New", rows, False)], 1
    )
    runner = CliRunner()
    args = ["personalise", str(path), "--content", str(ROOT / "content")]
    default = runner.invoke(app, args)
    assert default.exit_code == 1
    assert default.stderr.splitlines() == [
        "people.xlsx  -  warning: read the sheet 'New'; 1 other sheet (Old) not read (name another with --sheet NAME)",
        "error: people.xlsx:2:3  audience  not an audience id (known: school-leavers, graduates, career-changers, "
        "researchers, fair-handout)",
    ]
    chosen = runner.invoke(app, [*args, "--sheet", "old"])
    assert chosen.exit_code == 1 and "error: people.xlsx:2:3  audience  not an audience id" in chosen.stderr
    missing = runner.invoke(app, [*args, "--sheet", "Year 9"])
    assert missing.exit_code == 3
    assert missing.stderr == "error: people.xlsx  -  has no sheet named 'Year 9' (its sheets: Old, New)\n"


def test_shared_strings_read_like_inline_ones(tmp_path, content):
    cells = "".join(f'<c r="{chr(65 + i)}2" t="s"><v>{i}</v></c>' for i in range(len(ROW)))
    path = with_shared_strings(tmp_path / "people.xlsx", ROW, f'<row r="2">{cells}</row>')
    expected = read_people(write_csv(tmp_path / "people.csv", [HEADER, ROW]), content.booklet, content.audiences)
    assert read_people(path, content.booklet, content.audiences).people == expected.people


def test_a_formula_with_no_saved_value_is_said_as_such(tmp_path, content):
    path = write_xlsx(tmp_path / "people.xlsx", [("Class", [HEADER, ["S1", '=UPPER("alex")', *ROW[2:]]], False)])
    people = read_people(path, content.booklet, content.audiences)
    assert lines(people.problems) == [
        "people.xlsx:2:2  name  a formula with no saved value (open the file in Excel or LibreOffice and save it)",
    ]


def test_a_long_note_is_refused_without_quoting_it(tmp_path, content):
    rows = [HEADER, [*ROW[:8], "Private. " * 200]]
    people = read_people(write_csv(tmp_path / "people.csv", rows), content.booklet, content.audiences)
    assert lines(people.problems) == [
        "people.csv:2:9  notes  the note is longer than 1,000 characters (the action plan prints it whole)"
    ]


def test_forget_reads_the_same_sheet_as_personalise(tmp_path):
    from booklet.adapters.classlist import read_ids

    old = [HEADER, ["X9", "Last Year", *ROW[2:]]]
    path = write_xlsx(tmp_path / "people.xlsx", [("Last year", old, True), ("This year", [HEADER, ROW], False)], 1)
    assert read_ids(path) == ["S1"]
    assert read_ids(path, sheet="Last year") == ["X9"]


def test_an_ods_opens_on_the_sheet_it_was_saved_on(tmp_path, content):
    from odf.config import ConfigItem, ConfigItemMapEntry, ConfigItemMapIndexed, ConfigItemSet
    from odf.opendocument import load

    sheets = [("Year 10", [HEADER, ["T1", *ROW[1:]]], False), ("Year 11", [HEADER, ROW], False)]
    path = write_ods(tmp_path / "people.ods", sheets)
    with pytest.raises(BookletError) as caught:  # two visible sheets and no saved view: ask
        read_people(path, content.booklet, content.audiences)
    assert lines(caught.value.problems) == [
        "people.ods  -  has 2 sheets: which is the class list? (name it with --sheet NAME; its sheets: Year 10, "
        "Year 11)"
    ]
    document = load(str(path))
    view = ConfigItemSet(name="ooo:view-settings")
    views = ConfigItemMapIndexed(name="Views")
    entry = ConfigItemMapEntry()
    active = ConfigItem(name="ActiveTable", type="string")
    active.addText("Year 11")
    entry.addElement(active)
    views.addElement(entry)
    view.addElement(views)
    document.settings.addElement(view)
    document.save(str(path))
    assert [p.id for p in read_people(path, content.booklet, content.audiences).people] == ["S1"]
