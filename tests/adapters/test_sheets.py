"""Spreadsheets in and out (booklet/adapters/sheets/): the round trip, and a sheet full of mistakes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from booklet.adapters.sheets import export_sheets, import_sheets
from booklet.cli.app import app
from booklet.content.load import load_project_content
from booklet.errors import BookletError

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def snapshot(content: Path) -> dict[str, bytes]:
    return {str(p.relative_to(content)): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


@pytest.fixture
def starter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    result = runner.invoke(app, ["init", str(tmp_path / "starter")])
    assert result.exit_code == 0, result.output
    return tmp_path / "starter"


@pytest.mark.parametrize("kind", ["content.xlsx", "sheets-folder", "Organisations.csv"])
@pytest.mark.parametrize("which", ["default", "starter"])
def test_round_trip_changes_no_byte(which: str, kind: str, project: Path, starter: Path, tmp_path: Path) -> None:
    root = project if which == "default" else starter
    before = snapshot(root / "content")
    target = tmp_path / kind
    if kind.endswith(".csv"):
        export_sheets(root / "content", tmp_path / "csv")
        target = tmp_path / "csv" / "Organisations.csv"
    else:
        export_sheets(root / "content", target)
    result = import_sheets(target, root / "content")
    assert result.changes == []
    assert snapshot(root / "content") == before


def write_ods(xlsx: Path, target: Path) -> None:
    """The same workbook as OpenDocument (what LibreOffice saves), written with odfpy."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for sheet in openpyxl.load_workbook(xlsx).worksheets:
        table = Table(name=sheet.title)
        for row in sheet.iter_rows(values_only=True):
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, dt.datetime):
                    cell = TableCell(valuetype="date", datevalue=value.date().isoformat())
                    cell.addElement(P(text=value.date().isoformat()))
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(target))


@pytest.mark.parametrize("which", ["default", "starter"])
def test_round_trip_through_ods(which: str, project: Path, starter: Path, tmp_path: Path) -> None:
    root = project if which == "default" else starter
    export_sheets(root / "content", tmp_path / "content.xlsx")
    write_ods(tmp_path / "content.xlsx", tmp_path / "content.ods")
    before = snapshot(root / "content")
    assert import_sheets(tmp_path / "content.ods", root / "content").changes == []
    assert snapshot(root / "content") == before


def test_an_edited_ods_sheet_is_imported(project: Path, tmp_path: Path) -> None:
    export_sheets(project / "content", tmp_path / "content.xlsx")
    book = openpyxl.load_workbook(tmp_path / "content.xlsx")
    routes = book["Routes"]
    routes["B2"] = "Civil Service Jobs – Swyddi’r Gwasanaeth Sifil"
    book.save(tmp_path / "edited.xlsx")
    write_ods(tmp_path / "edited.xlsx", tmp_path / "edited.ods")
    old = (project / "content" / "routes.yaml").read_text().splitlines()
    result = import_sheets(tmp_path / "edited.ods", project / "content")
    assert [(c.name, c.action) for c in result.changes] == [("content/routes.yaml", "changed")]
    new = (project / "content" / "routes.yaml").read_text().splitlines()
    assert len(old) == len(new) and sum(a != b for a, b in zip(old, new, strict=True)) == 1  # comments, quotes kept
    routes_data = yaml.safe_load((project / "content" / "routes.yaml").read_text())["routes"]
    assert routes_data[0]["title"] == "Civil Service Jobs – Swyddi’r Gwasanaeth Sifil"


def test_xlsx_has_one_row_per_item_and_drop_downs(project: Path, tmp_path: Path) -> None:
    export_sheets(project / "content", tmp_path / "content.xlsx")
    book = openpyxl.load_workbook(tmp_path / "content.xlsx")
    assert book.sheetnames[:3] == ["Organisations", "Routes", "Points"]
    orgs = book["Organisations"]
    header = [c.value for c in orgs[1]]
    assert header == ["id", "name", "summary", "roles", "website", "order", "tags", "source", "reviewed"]
    ids = [r[0].value for r in orgs.iter_rows(min_row=2) if r[0].value]
    assert len(ids) == len(list((project / "content" / "organisations").glob("*.yaml")))
    gds = next(r for r in orgs.iter_rows(min_row=2) if r[0].value == "gds")
    source = yaml.safe_load((project / "content" / "organisations" / "gds.yaml").read_text())
    assert gds[3].value == "; ".join(source["roles"])
    assert gds[8].value.date() == source["reviewed"] and gds[8].number_format == "yyyy-mm-dd"
    rules = {str(dv.sqref).split(":")[0]: dv for dv in orgs.data_validations.dataValidation}
    assert rules["G2"].type == "list" and rules["G2"].formula1.startswith("=Lists!$A$2:$A$")  # tags
    assert rules["A2"].type == "list" and rules["A2"].formula1.startswith("=Lists!$B$2:$B$")  # ids
    points = book["Points"]
    section_rule = next(dv for dv in points.data_validations.dataValidation if str(dv.sqref).startswith("A2:"))
    assert section_rule.errorStyle == "stop"
    lists = book["Lists"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(r, 5).value for r in range(2, 5)] == ["why", "challenges", "skills"]
    assert "technical" in [lists.cell(r, 1).value for r in range(2, 40)]


def test_an_edited_sheet_changes_only_what_was_edited(project: Path, tmp_path: Path) -> None:
    export_sheets(project / "content", tmp_path / "content.xlsx")
    book = openpyxl.load_workbook(tmp_path / "content.xlsx")
    orgs = book["Organisations"]
    row = next(r for r in orgs.iter_rows(min_row=2) if r[0].value == "gds")
    row[1].value = "Government Digital Service – Gwasanaeth Digidol & Data"
    orgs.append(
        [
            "new-employer",
            "Café Société & Partners",
            "Makes things. Sells them.",
            "Analysts; Engineers",
            "https://www.example.org",
            70,
            "technical",
            "https://www.example.org",
            "2026-11-01",
        ]
    )
    book.save(tmp_path / "edited.xlsx")
    before = snapshot(project / "content")

    dry = runner.invoke(
        app, ["import", str(tmp_path / "edited.xlsx"), "--content", str(project / "content"), "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "+name: Government Digital Service – Gwasanaeth Digidol & Data" in dry.output
    assert "would be created: content/organisations/new-employer.yaml" in dry.output
    assert snapshot(project / "content") == before

    done = runner.invoke(app, ["import", str(tmp_path / "edited.xlsx"), "--content", str(project / "content")])
    assert done.exit_code == 0, done.output
    after = snapshot(project / "content")
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"organisations/gds.yaml", "organisations/new-employer.yaml"}
    text = after["organisations/gds.yaml"].decode()
    assert text.startswith("# yaml-language-server: $schema=../schemas/organisation.schema.json\n")
    assert yaml.safe_load(text)["name"] == "Government Digital Service – Gwasanaeth Digidol & Data"
    new = yaml.safe_load(after["organisations/new-employer.yaml"])
    assert new["name"] == "Café Société & Partners" and new["roles"] == ["Analysts", "Engineers"]
    assert new["reviewed"] == dt.date(2026, 11, 1)
    content = load_project_content(project / "content")
    assert content.errors == []
    assert "Café Société & Partners" in [o.name for o in content.booklet.organisations]


def mistakes_sheet(path: Path, content: Path) -> None:
    """Ten kinds of mistakes people make in spreadsheets, each in its own place."""
    export_sheets(content, path)
    book = openpyxl.load_workbook(path)
    orgs = book["Organisations"]
    orgs.delete_rows(2, orgs.max_row)
    good = ["https://www.example.org", 10, "technical", "https://www.example.org", dt.date(2026, 11, 1)]
    rows = [
        # 2: accents and an ampersand: fine
        ["cafe-societe", "Café Société & Gŵr", "Makes things.", "Analysts; Engineers", *good],
        # 3, 4: blank rows: fine
        [None] * 9,
        [None] * 9,
        # 5, 6: a merged summary cell (C5:C6)
        ["merged-one", "Merged One", "Shared summary", "Analysts", *good],
        ["merged-two", "Merged Two", None, "Analysts", *good],
        # 7: a date typed as text
        ["date-text", "Date Text", "Makes things.", "Analysts", *good[:4], "28/11/2026"],
        # 8: a bad web address
        ["bad-url", "Bad Url", "Makes things.", "Analysts", "www.example.org", *good[1:]],
        # 9: a required field left empty
        ["no-name", None, "Makes things.", "Analysts", *good],
        # 10: the same id twice
        ["cafe-societe", "Again", "Makes things.", "Analysts", *good],
        # 11: commas instead of semicolons
        ["commas", "Commas", "Makes things.", "Analysts", good[0], 10, "technical, policy", *good[3:]],
        # 12: an id that is not an id
        ["Bad Id", "Bad Id", "Makes things.", "Analysts", *good],
    ]
    for row in rows:
        orgs.append(row)
    orgs.merge_cells("C5:C6")
    points = book["Points"]
    points["A3"] = "reasons"  # 11th: a section the booklet does not have
    book.save(path)


EXPECTED = [
    "mistakes.xlsx › Organisations!C5  summary  merged cells C5:C6 (unmerge them and type the value in every row that needs it)",  # noqa: E501
    "mistakes.xlsx › Organisations!I7  reviewed  '28/11/2026' is text, not a date (type the date as YYYY-MM-DD (e.g. 2026-11-28) or as a date)",  # noqa: E501
    "mistakes.xlsx › Organisations!A10  id  duplicate id 'cafe-societe' (first in row 2) (ids must be unique; rename or delete one of the rows)",  # noqa: E501
    "mistakes.xlsx › Organisations!G11  tags  tags are separated with ',' (separate list items with ; (semicolon), e.g. a; b; c)",  # noqa: E501
    "mistakes.xlsx › Organisations!A12  id  id 'Bad Id' is not lower case with hyphens (it becomes the file name, e.g. office-for-ai)",  # noqa: E501
    "mistakes.xlsx › Points!A3  section  unknown section 'reasons' (use why, challenges or skills)",
]


def test_ten_kinds_of_mistakes_are_all_reported_and_nothing_is_written(project: Path, tmp_path: Path) -> None:
    mistakes_sheet(tmp_path / "mistakes.xlsx", project / "content")
    before = snapshot(project / "content")
    with pytest.raises(BookletError) as caught:
        import_sheets(tmp_path / "mistakes.xlsx", project / "content", label="mistakes.xlsx")
    lines = [p.line() for p in caught.value.problems]
    print("\n".join(lines))
    for line in EXPECTED:
        assert line in lines
    assert any(line.startswith("mistakes.xlsx › Organisations!E8  website  ") and "https://" in line for line in lines)
    assert any(line.startswith("mistakes.xlsx › Organisations!B9  name  missing required") for line in lines)
    assert not [line for line in lines if "Organisations!C6" in line]  # the merge is reported once, at C5
    # Accents, ampersands and blank rows are not mistakes.
    assert not [
        line for line in lines if "!A2 " in line or "Organisations!B2" in line or "!3 " in line or "!4 " in line
    ]
    assert snapshot(project / "content") == before

    result = runner.invoke(app, ["import", str(tmp_path / "mistakes.xlsx"), "--content", str(project / "content")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert snapshot(project / "content") == before


def test_an_import_that_breaks_another_file_is_refused(project: Path, tmp_path: Path) -> None:
    """Deleting an organisation an audience features is caught by the whole-project check."""
    export_sheets(project / "content", tmp_path / "content.xlsx")
    book = openpyxl.load_workbook(tmp_path / "content.xlsx")
    orgs = book["Organisations"]
    featured = {a["id"]: a for a in yaml.safe_load((project / "content" / "audiences.yaml").read_text())["audiences"]}
    name = next(f for a in featured.values() for f in a.get("featured", []))
    row = next(r for r in orgs.iter_rows(min_row=2) if r[0].value == name)
    orgs.delete_rows(row[0].row)
    book.save(tmp_path / "fewer.xlsx")
    before = snapshot(project / "content")
    with pytest.raises(BookletError) as caught:
        import_sheets(tmp_path / "fewer.xlsx", project / "content", prune=True)
    assert any("audiences.yaml" in p.line() and name in p.line() for p in caught.value.problems)
    assert snapshot(project / "content") == before
