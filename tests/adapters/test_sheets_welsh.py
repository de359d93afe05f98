"""Welsh columns in the spreadsheets: a sheet goes to a translator and comes back as `_cy` keys."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from booklet.adapters.sheets import COLUMNS, export_sheets, import_sheets
from booklet.cli.app import app
from booklet.content import model
from booklet.content.translations import translatable
from booklet.errors import BookletError
from tests.adapters.test_sheets import snapshot, write_ods
from tests.many import many_project

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


@pytest.fixture
def many(tmp_path: Path) -> Path:
    return many_project(tmp_path / "many", 26)


def test_every_welsh_field_has_its_column_beside_the_english() -> None:
    models = {"Organisations": model.Organisation, "Routes": model.Route, "Points": model.Point}
    for sheet, cls in models.items():
        columns = COLUMNS[sheet]
        for name in translatable(cls):
            if name in columns:
                assert columns[columns.index(name) + 1] == f"{name}_cy", (sheet, name)
    assert "name_cy" in COLUMNS["Organisations"] and "roles_cy" in COLUMNS["Organisations"]
    assert {"title_cy", "summary_cy", "steps_cy"} <= set(COLUMNS["Routes"])
    assert {"title_cy", "text_cy"} <= set(COLUMNS["Points"])


@pytest.mark.parametrize("kind", ["xlsx", "csv", "ods"])
def test_the_generated_project_round_trips_byte_for_byte(kind: str, many: Path, tmp_path: Path) -> None:
    before = snapshot(many / "content")
    export_sheets(many / "content", tmp_path / "out.xlsx")
    source = {"xlsx": tmp_path / "out.xlsx", "csv": tmp_path / "csv", "ods": tmp_path / "out.ods"}[kind]
    if kind == "csv":
        export_sheets(many / "content", source)
    elif kind == "ods":
        write_ods(tmp_path / "out.xlsx", source)
    assert import_sheets(source, many / "content").changes == []
    assert snapshot(many / "content") == before


def test_the_export_carries_the_welsh(project: Path, tmp_path: Path) -> None:
    export_sheets(project / "content", tmp_path / "csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "Routes.csv").read_text(encoding="utf-8-sig"))))
    routes = yaml.safe_load((project / "content" / "routes.yaml").read_text())["routes"]
    assert rows[0]["title_cy"] == routes[0]["title_cy"]
    assert rows[0]["steps_cy"] == "; ".join(routes[0]["steps_cy"])


def fill(source: Path, target: Path, sheet: str, row_id: str, cells: dict[str, str | None]) -> None:
    book = openpyxl.load_workbook(source)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("id")].value == row_id)
    for column, value in cells.items():
        row[header.index(column)].value = value
    book.save(target)


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_a_translators_cells_become_exactly_their_welsh_keys(kind: str, many: Path, tmp_path: Path) -> None:
    """A generated organisation has no Welsh; the translator fills its name and roles."""
    path = many / "content" / "organisations" / "org-000.yaml"
    old = path.read_text()
    roles = yaml.safe_load(old)["roles"]
    welsh_roles = [f"Rôl {n}" for n in range(1, len(roles) + 1)]
    export_sheets(many / "content", tmp_path / "out.xlsx")
    cells = {"name_cy": "Cyfarwyddiaeth Ddigidol a Data", "roles_cy": "; ".join(welsh_roles)}
    fill(tmp_path / "out.xlsx", tmp_path / "translated.xlsx", "Organisations", "org-000", cells)
    source = tmp_path / "translated.xlsx"
    if kind == "ods":
        source = tmp_path / "translated.ods"
        write_ods(tmp_path / "translated.xlsx", source)
    elif kind == "csv":
        source = tmp_path / "csv"
        export_sheets(many / "content", source)
        lines = list(csv.reader(io.StringIO((source / "Organisations.csv").read_text(encoding="utf-8-sig"))))
        header = lines[0]
        row = next(r for r in lines if r[0] == "org-000")
        for column, value in cells.items():
            row[header.index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(lines)
        (source / "Organisations.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    before = snapshot(many / "content")
    result = import_sheets(source, many / "content")
    assert [(c.name, c.action) for c in result.changes] == [("content/organisations/org-000.yaml", "changed")]
    after = snapshot(many / "content")
    assert {n for n in after if after[n] != before[n]} == {"organisations/org-000.yaml"}
    data = yaml.safe_load(path.read_text())
    assert data["name_cy"] == "Cyfarwyddiaeth Ddigidol a Data" and data["roles_cy"] == welsh_roles
    # Exactly the two keys are added, each after its English key; the file's list style is kept.
    added = [line for line in path.read_text().splitlines() if line not in old.splitlines()]
    assert added[0] == "name_cy: Cyfarwyddiaeth Ddigidol a Data"
    assert added[1:] == ["roles_cy:", *[f"- {r}" for r in welsh_roles]]
    keys = list(data)
    assert keys.index("name_cy") == keys.index("name") + 1 and keys.index("roles_cy") == keys.index("roles") + 1
    assert import_sheets(source, many / "content").changes == []  # and it round-trips from there


def test_an_empty_welsh_cell_means_no_welsh_yet(project: Path, tmp_path: Path) -> None:
    export_sheets(project / "content", tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    ws = book["Points"]
    header = [c.value for c in ws[1]]
    values = {"section": "why", "id": "new-point", "title": "New Point", "text": "A new point."}
    ws.append([values.get(name) for name in header])  # title_cy and text_cy left empty
    book.save(tmp_path / "new.xlsx")
    result = import_sheets(tmp_path / "new.xlsx", project / "content")
    assert [c.action for c in result.changes] == ["changed"]
    items = yaml.safe_load((project / "content" / "booklet.yaml").read_text())["sections"]["why"]["items"]
    assert items[-1] == {"id": "new-point", "title": "New Point", "text": "A new point."}


def test_a_list_edited_in_english_only_is_one_error_at_the_welsh_cell(project: Path, tmp_path: Path) -> None:
    routes = yaml.safe_load((project / "content" / "routes.yaml").read_text())["routes"]
    first = routes[0]
    steps = [*first["steps"], "Ask a careers adviser to read your application"]
    export_sheets(project / "content", tmp_path / "out.xlsx")
    fill(tmp_path / "out.xlsx", tmp_path / "longer.xlsx", "Routes", first["id"], {"steps": "; ".join(steps)})
    before = snapshot(project / "content")
    result = runner.invoke(app, ["import", str(tmp_path / "longer.xlsx"), "--content", str(project / "content")])
    assert result.exit_code == 1
    n, w = len(steps), len(first["steps_cy"])
    letter = "H"  # id, title, title_cy, summary, summary_cy, url, steps, steps_cy
    assert [line for line in result.output.splitlines() if line] == [
        f"error: {tmp_path / 'longer.xlsx'} › Routes!{letter}2  steps_cy  steps_cy has {w} items and steps {n} "
        f"(give one Welsh step for each of the {n} in steps, in the same order and separated with ;, or empty "
        "the cell to leave the Welsh for later)"
    ]
    assert snapshot(project / "content") == before

    # Fixed in the sheet: one Welsh step more imports.
    welsh = [*first["steps_cy"], "Gofynnwch i gynghorydd gyrfaoedd ddarllen eich cais"]
    fixed = {"steps": "; ".join(steps), "steps_cy": "; ".join(welsh)}
    fill(tmp_path / "out.xlsx", tmp_path / "fixed.xlsx", "Routes", first["id"], fixed)
    import_sheets(tmp_path / "fixed.xlsx", project / "content")
    route = yaml.safe_load((project / "content" / "routes.yaml").read_text())["routes"][0]
    assert route["steps"] == steps and route["steps_cy"] == welsh

    # Or fixed by emptying the Welsh cell: the route has no Welsh steps yet.
    fill(tmp_path / "out.xlsx", tmp_path / "later.xlsx", "Routes", first["id"], {"steps_cy": None})
    import_sheets(tmp_path / "later.xlsx", project / "content")
    route = yaml.safe_load((project / "content" / "routes.yaml").read_text())["routes"][0]
    assert route["steps"] == first["steps"] and "steps_cy" not in route


def test_a_sheet_without_welsh_columns_keeps_the_welsh(project: Path, tmp_path: Path) -> None:
    """A sheet exported before the Welsh columns existed: the Welsh in the YAML is kept, and a list
    edited in it is reported at the English cell, with what to add."""
    export_sheets(project / "content", tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    for ws in book.worksheets[:3]:
        for index in reversed(range(ws.max_column)):
            if str(ws.cell(1, index + 1).value).endswith("_cy"):
                ws.delete_cols(index + 1)
    book.save(tmp_path / "english.xlsx")
    before = snapshot(project / "content")
    assert import_sheets(tmp_path / "english.xlsx", project / "content").changes == []
    assert snapshot(project / "content") == before

    gds = yaml.safe_load((project / "content" / "organisations" / "gds.yaml").read_text())
    roles = "; ".join([*gds["roles"], "Statisticians"])
    fill(tmp_path / "english.xlsx", tmp_path / "more.xlsx", "Organisations", "gds", {"roles": roles})
    with pytest.raises(BookletError) as caught:
        import_sheets(tmp_path / "more.xlsx", project / "content", label="more.xlsx")
    assert [p.line() for p in caught.value.problems] == [
        f"more.xlsx › Organisations!D{next_row(tmp_path / 'more.xlsx', 'gds')}  roles  roles_cy has 3 items and "
        "roles 4 (add a roles_cy column with one Welsh role for each role; booklet export writes one)"
    ]


def next_row(path: Path, row_id: str) -> int:
    ws = openpyxl.load_workbook(path)["Organisations"]
    return next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == row_id)


def test_a_dry_run_checks_the_translators_welsh_spelling(project: Path, tmp_path: Path) -> None:
    export_sheets(project / "content", tmp_path / "out.xlsx")
    gds = yaml.safe_load((project / "content" / "organisations" / "gds.yaml").read_text())
    typo = gds["summary_cy"].replace("Yn gwella", "Yn gwellla", 1)
    fill(tmp_path / "out.xlsx", tmp_path / "cy.xlsx", "Organisations", "gds", {"summary_cy": typo})
    before = snapshot(project / "content")
    done = runner.invoke(app, ["import", str(tmp_path / "cy.xlsx"), "--content", str(project / "content"), "--dry-run"])
    assert done.exit_code == 0, done.output
    (line,) = [line for line in done.stdout.splitlines() if "dictionary" in line]
    assert line.startswith("content/organisations/gds.yaml:") and "summary_cy" in line
    assert '"gwellla" is not in the Welsh dictionary (did you mean gwella' in line
    assert snapshot(project / "content") == before
