"""Reading class lists: CSV, XLSX and ODS alike; bad rows reported by row and column, never by name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from booklet.adapters.cells import UK_NOTE
from booklet.adapters.classlist import COLUMNS, read_ids, read_people
from booklet.errors import BookletError

HEADER = ["id", "name", "audience", "routes", "organisations", "next_steps", "adviser", "follow_up", "notes"]
GOOD = [
    [
        "S1",
        "Siân O'Connor",
        "graduates",
        "fast-stream; civil-service-jobs",
        "gds",
        "Book a mock interview",
        "Amara Okafor",
        "2026-12-15",
        "Data",
    ],
    ["S2", "Zoë N'Diaye", "", "local-council-roles", "", "", "", "", ""],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_good_rows_become_people(tmp_path, content):
    people = read_people(write_csv(tmp_path / "people.csv", [HEADER, *GOOD]), content.booklet, content.audiences)
    assert people.problems == [] and people.warnings == []
    first, second = people.people
    assert (first.id, first.name, first.audience) == ("S1", "Siân O'Connor", "graduates")
    assert first.routes == ("fast-stream", "civil-service-jobs")
    assert first.follow_up == dt.date(2026, 12, 15)
    assert (second.audience, second.follow_up, second.row) == (None, None, 3)


def test_bad_rows_are_reported_by_row_and_column_and_never_stop_good_ones(tmp_path, content):
    rows = [
        [*HEADER, "email"],
        [*GOOD[0], "x@example.org"],
        ["S3", "Secret Person", "graduate", "fast-steam", "gds", "", "", "15/12/2026", ""],
        ["S1", "Another Secret", "", "", "", "", "", "", ""],
        ["", "Nameless Id", "", "", "", "", "", "", ""],
        ["Mary Smith", "Mary Smith", "", "", "nope", "", "", "", ""],
        [*GOOD[1], ""],
    ]
    people = read_people(write_csv(tmp_path / "people.csv", rows), content.booklet, content.audiences)
    assert [p.id for p in people.people] == ["S1", "S2"]
    lines = [p.line() for p in people.problems]
    assert lines == [
        "people.csv:3:3  audience  not an audience id (did you mean graduates?)",
        "people.csv:3:4  routes  the 1st route is not a route id (did you mean fast-stream?)",
        "people.csv:4:1  id  id S1 is also on row 2 (each student needs their own id)",
        "people.csv:5:1  id  no id (every row needs an id such as S1042; never a name)",
        "people.csv:6:1  id  an id may hold only letters, digits, - and _ (at most 64) (e.g. S1042; never a name)",
        "people.csv:6:5  organisations  the 1st organisation is not an organisation id (known: gds, ukhsa, "
        "alan-turing-institute, office-for-ai, defence-and-security, local-authorities)",
    ]
    assert people.failed_rows == {3, 4, 5, 6}
    assert [w.line() for w in people.warnings] == [
        "people.csv:1:10  -  warning: unknown column is ignored (known: " + ", ".join(COLUMNS) + ")",
        "people.csv:1:8  follow_up  warning: " + UK_NOTE,
    ]
    assert people.people[0].follow_up == dt.date(2026, 12, 15)
    for line in lines:  # messages quote ids and content ids, never a value
        assert "Secret" not in line and "Nameless" not in line and "Smith" not in line
        assert "graduate'" not in line and "nope" not in line and "steam" not in line


def test_long_names_are_refused_without_quoting_them(tmp_path, content):
    rows = [HEADER, ["S9", "Ánna " * 60, "", "", "", "", "", "", ""]]
    people = read_people(write_csv(tmp_path / "people.csv", rows), content.booklet, content.audiences)
    assert [p.line() for p in people.problems] == ["people.csv:2:2  name  the name is longer than 200 characters"]


def test_xlsx_and_ods_read_like_csv(tmp_path, content):
    import openpyxl
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    rows: list[list[object]] = [HEADER, *[list(r) for r in GOOD]]
    rows[1][7] = dt.datetime(2026, 12, 15)  # a real date cell, as a spreadsheet stores it
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "people.xlsx")

    document = OpenDocumentSpreadsheet()
    table = Table(name="Students")
    for row in rows:
        table_row = TableRow()
        for value in row:
            if isinstance(value, dt.datetime):
                cell = TableCell(valuetype="date", datevalue=value.date().isoformat())
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value.date() if isinstance(value, dt.datetime) else value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(tmp_path / "people.ods"))

    expected = read_people(write_csv(tmp_path / "people.csv", [HEADER, *GOOD]), content.booklet, content.audiences)
    for name in ("people.xlsx", "people.ods"):
        people = read_people(tmp_path / name, content.booklet, content.audiences)
        assert people.problems == [], name
        assert people.people == expected.people, name


def test_unreadable_lists_are_one_line_errors(tmp_path, content):
    with pytest.raises(BookletError, match=r"must be a \.csv, \.xlsx, \.ods file"):
        read_people(tmp_path / "people.txt", content.booklet, content.audiences)
    with pytest.raises(BookletError, match="no id column"):
        read_people(write_csv(tmp_path / "p.csv", [["name"], ["x"]]), content.booklet, content.audiences)
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(BookletError, match="cannot be read as a spreadsheet"):
        read_people(tmp_path / "bad.xlsx", content.booklet, content.audiences)
    (tmp_path / "latin1.csv").write_bytes("id,name\nS1,Zo\xeb\n".encode("latin-1"))
    with pytest.raises(BookletError, match="not UTF-8"):
        read_people(tmp_path / "latin1.csv", content.booklet, content.audiences)


def test_read_ids_takes_every_wellformed_id_even_from_bad_rows(tmp_path):
    rows = [HEADER, GOOD[0], ["S3", "x", "no-such-audience"], ["bad id!", "y"]]
    assert read_ids(write_csv(tmp_path / "people.csv", rows)) == ["S1", "S3"]


def test_the_example_class_list_is_valid(content):
    example = Path(__file__).resolve().parents[2] / "examples" / "people.csv"
    people = read_people(example, content.booklet, content.audiences)
    assert people.problems == [] and people.warnings == []
    assert len(people.people) >= 4
    assert any("'" in p.name for p in people.people)
    assert any(any(ord(c) > 127 for c in p.name) for p in people.people)
