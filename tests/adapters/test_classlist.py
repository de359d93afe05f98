"""Reading class lists: CSV, XLSX and ODS alike; bad rows reported by row and column, never by name."""

from __future__ import annotations

import datetime as dt
import shutil
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


HIDDEN = [
    ("name", "Siân\u202eroc", "U+202E"),
    ("name", "Zoë\x1b[2J", "U+001B"),
    ("name", "Ann\x85Lee", "U+0085"),
    ("adviser", "Amara\u2067", "U+2067"),
    ("next_steps", "Call\u200e; Visit", "U+200E"),
    ("notes", "Said\u061c yes", "U+061C"),
    ("notes", "Said\x00 yes", "U+0000"),
]
"""(column, value, the character refused): C0, C1 and bidi controls in every free-text column."""


def hidden_rows(cases: list[tuple[str, str, str]]) -> list[list[str]]:
    rows = []
    for n, (column, value, _) in enumerate(cases, start=1):
        row = [f"S{n}", "Ann Lee", "", "fast-stream", "", "", "", "", ""]
        row[HEADER.index(column)] = value
        rows.append(row)
    return rows


def hidden_lines(cases: list[tuple[str, str, str]], file: str = "people.csv") -> list[str]:
    """Each row's one line: row and column, never the value."""
    return [
        f"{file}:{n}:{HEADER.index(column) + 1}  {column}  {'a step holds' if column == 'next_steps' else 'holds'} "
        f"an invisible or control character ({code}) (type it again)"
        for n, (column, _, code) in enumerate(cases, start=2)
    ]


def test_control_and_bidi_characters_are_refused_by_row_and_column_never_quoted(tmp_path, content):
    rows = [HEADER, *hidden_rows(HIDDEN), ["S8", "Mehr\u200cdad", "", "fast-stream", "", "", "", "", "a\nb"]]
    people = read_people(write_csv(tmp_path / "people.csv", rows), content.booklet, content.audiences)
    assert [p.line() for p in people.problems] == hidden_lines(HIDDEN)
    # A zero-width non-joiner spells some names; a line break typed in a note's cell is kept.
    assert [(p.id, p.name, p.notes) for p in people.people] == [("S8", "Mehr\u200cdad", "a\nb")]


def test_bidi_characters_in_an_xlsx_class_list_are_refused_the_same_way(tmp_path, content):
    import openpyxl

    kept = [case for case in HIDDEN if not any(c < " " for c in case[1])]  # XML cannot hold C0 controls
    book = openpyxl.Workbook()
    for row in [HEADER, *hidden_rows(kept)]:
        book.active.append(row)
    book.save(tmp_path / "people.xlsx")
    people = read_people(tmp_path / "people.xlsx", content.booklet, content.audiences)
    assert [p.line() for p in people.problems] == hidden_lines(kept, "people.xlsx")
    assert people.people == []


def test_personalise_refuses_hidden_characters_with_one_line_each_and_writes_nothing_for_them(tmp_path):
    from typer.testing import CliRunner

    from booklet.cli.app import app

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "content", tmp_path / "content")
    people = write_csv(tmp_path / "people.csv", [HEADER, *hidden_rows(HIDDEN)])
    result = CliRunner().invoke(app, ["personalise", str(people), "--content", str(tmp_path / "content")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {line}" for line in hidden_lines(HIDDEN)]
    assert f"0 built, 0 unchanged, {len(HIDDEN)} failed" in result.stdout
    for secret in ("Siân", "Zoë", "Ann", "Amara", "Call", "Said"):
        assert secret not in result.output
    assert not list(tmp_path.glob("output/**/*.pdf"))
