"""The newer content parts in the spreadsheets: organisation logos, route facts, the glossary, stories.

Each part round-trips byte for byte, an edited cell writes exactly its key, a bad value is one
message at its cell, and a sheet saved before the part's columns existed leaves the part alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from booklet.adapters.sheets import export_sheets, import_sheets
from booklet.adapters.workbooks import column_letters
from booklet.cli.app import app
from booklet.errors import BookletError
from tests.adapters.test_sheets import snapshot, write_ods

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["init", str(tmp_path / "starter")])
    assert result.exit_code == 0, result.output
    return tmp_path / "starter"


def edit(source: Path, target: Path, sheet: str, key: tuple[str, str], cells: dict[str, object]) -> None:
    """Set cells of the row whose `key[0]` column holds `key[1]`, and save the book as `target`."""
    book = openpyxl.load_workbook(source)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index(key[0])].value == key[1])
    for column, value in cells.items():
        row[header.index(column)].value = value
    book.save(target)


def drop_columns(source: Path, target: Path, sheet: str, prefix: tuple[str, ...]) -> None:
    """The book as saved before some columns existed: every column of `sheet` named with `prefix` removed."""
    book = openpyxl.load_workbook(source)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    for index in reversed(range(len(header))):
        if str(header[index]).startswith(prefix):
            ws.delete_cols(index + 1)
    book.save(target)


def changed(before: dict[str, bytes], content: Path) -> set[str]:
    after = snapshot(content)
    return {name for name in after.keys() | before.keys() if after.get(name) != before.get(name)}


def problems(source: Path, content: Path) -> list[str]:
    with pytest.raises(BookletError) as caught:
        import_sheets(source, content)
    return [p.line() for p in caught.value.problems]


def cell(path: Path, sheet: str, key: tuple[str, str], column: str) -> str:
    """The address (K3) of a row's cell in an exported book."""
    names = header(path, sheet)
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(min_row=1, values_only=True))
    number = next(i for i, r in enumerate(rows, 1) if r[names.index(key[0])] == key[1])
    return f"{column_letters(names.index(column))}{number}"


def header(path: Path, sheet: str) -> list[str]:
    return [c.value for c in openpyxl.load_workbook(path)[sheet][1]]


# ---------------------------------------------------------------- organisation logos


@pytest.fixture
def with_logo(project: Path) -> Path:
    """The default content with a logo on gds (the SVG beside its file)."""
    content = project / "content"
    (content / "organisations" / "gds-logo.svg").write_text(LOGO)
    path = content / "organisations" / "gds.yaml"
    text = path.read_text().replace("order: 10\n", "order: 10\nlogo: gds-logo.svg\nlogo_alt: GDS logo\n")
    path.write_text(text)
    return content


@pytest.mark.parametrize("kind", ["xlsx", "csv", "ods"])
def test_a_logo_round_trips_byte_for_byte(kind: str, with_logo: Path, tmp_path: Path) -> None:
    before = snapshot(with_logo)
    export_sheets(with_logo, tmp_path / "out.xlsx")
    assert header(tmp_path / "out.xlsx", "Organisations")[-3:] == ["logo", "logo_alt", "logo_alt_cy"]
    source = {"xlsx": tmp_path / "out.xlsx", "csv": tmp_path / "csv", "ods": tmp_path / "out.ods"}[kind]
    if kind == "csv":
        export_sheets(with_logo, source)
        rows = list(csv.DictReader(io.StringIO((source / "Organisations.csv").read_text(encoding="utf-8-sig"))))
        gds = next(r for r in rows if r["id"] == "gds")
        assert (gds["logo"], gds["logo_alt"], gds["logo_alt_cy"]) == ("gds-logo.svg", "GDS logo", "")
    elif kind == "ods":
        write_ods(tmp_path / "out.xlsx", source)
    assert import_sheets(source, with_logo).changes == []
    assert snapshot(with_logo) == before


def test_a_logo_alt_cell_writes_exactly_its_key(with_logo: Path, tmp_path: Path) -> None:
    export_sheets(with_logo, tmp_path / "out.xlsx")
    cells = {"logo_alt": "Government Digital Service logo", "logo_alt_cy": "Logo GDS"}
    edit(tmp_path / "out.xlsx", tmp_path / "edited.xlsx", "Organisations", ("id", "gds"), cells)
    path = with_logo / "organisations" / "gds.yaml"
    old = path.read_text().splitlines()
    before = snapshot(with_logo)
    import_sheets(tmp_path / "edited.xlsx", with_logo)
    assert changed(before, with_logo) == {"organisations/gds.yaml"}
    new = path.read_text().splitlines()
    assert [line for line in old if line not in new] == ["logo_alt: GDS logo"]
    assert [line for line in new if line not in old] == [
        "logo_alt: Government Digital Service logo",
        "logo_alt_cy: Logo GDS",
    ]
    assert import_sheets(tmp_path / "edited.xlsx", with_logo).changes == []


def test_a_logo_typed_in_the_sheet_is_read_like_one_in_the_file(project: Path, tmp_path: Path) -> None:
    content = project / "content"
    (content / "organisations" / "ukhsa.svg").write_text(LOGO)
    export_sheets(content, tmp_path / "out.xlsx")
    edit(tmp_path / "out.xlsx", tmp_path / "a.xlsx", "Organisations", ("id", "ukhsa"), {"logo": "ukhsa.svg"})
    where = cell(tmp_path / "out.xlsx", "Organisations", ("id", "ukhsa"), "logo")
    lines = problems(tmp_path / "a.xlsx", content)
    assert lines == [
        f"a.xlsx › Organisations!{where}  logo  a logo needs logo_alt: a short text alternative, "
        "e.g. the words the logo shows"
    ]
    cells = {"logo": "missing.svg", "logo_alt": "UKHSA logo"}
    edit(tmp_path / "out.xlsx", tmp_path / "b.xlsx", "Organisations", ("id", "ukhsa"), cells)
    lines = problems(tmp_path / "b.xlsx", content)
    assert len(lines) == 1 and lines[0].startswith(
        f"b.xlsx › Organisations!{where}  logo  logo file 'missing.svg' not found"
    )
    edit(tmp_path / "out.xlsx", tmp_path / "c.xlsx", "Organisations", ("id", "ukhsa"), {**cells, "logo": "ukhsa.svg"})
    import_sheets(tmp_path / "c.xlsx", content)
    data = yaml.safe_load((content / "organisations" / "ukhsa.yaml").read_text())
    assert (data["logo"], data["logo_alt"]) == ("ukhsa.svg", "UKHSA logo")


def test_a_sheet_without_logo_columns_keeps_the_logo(with_logo: Path, tmp_path: Path) -> None:
    export_sheets(with_logo, tmp_path / "out.xlsx")
    drop_columns(tmp_path / "out.xlsx", tmp_path / "old.xlsx", "Organisations", ("logo",))
    assert "logo" not in header(tmp_path / "old.xlsx", "Organisations")
    before = snapshot(with_logo)
    assert import_sheets(tmp_path / "old.xlsx", with_logo).changes == []
    assert snapshot(with_logo) == before


# ---------------------------------------------------------------- route facts

APPRENTICESHIPS = ("id", "apprenticeships")


@pytest.mark.parametrize("kind", ["xlsx", "csv", "ods"])
def test_the_starters_facts_are_flat_columns_and_round_trip(kind: str, starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    before = snapshot(content)
    export_sheets(content, tmp_path / "csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "Routes.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["id"] == "apprenticeships")
    assert row["who"] == "People aged 16 or over who live in England"
    assert row["entry"] == "Aged 16 or over; Not already in full-time education; Living in England"
    assert row["length"] == "1 to 6 years, depending on the apprenticeship"
    assert row["who_source"] == "https://www.apprenticeships.gov.uk/apprentices/becoming-apprentice"
    assert row["entry_reviewed"] == "2026-12-04"
    assert row["pay_from"] == row["apply_opens"] == row["where_places"] == ""
    export_sheets(content, tmp_path / "out.xlsx")
    source = {"xlsx": tmp_path / "out.xlsx", "csv": tmp_path / "csv", "ods": tmp_path / "out.ods"}[kind]
    if kind == "ods":
        write_ods(tmp_path / "out.xlsx", source)
    assert import_sheets(source, content).changes == []
    assert snapshot(content) == before


def test_fact_cells_write_exactly_their_keys(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    path = content / "routes.yaml"
    old = path.read_text().splitlines()
    export_sheets(content, tmp_path / "out.xlsx")
    cells: dict[str, object] = {
        "who": "People aged 16 or over in England",
        "pay_from": 15704,
        "pay_per": "year",
        "pay_source": "https://www.gov.uk/become-apprentice/pay-and-conditions",
        "pay_reviewed": "2026-12-04",
    }
    edit(tmp_path / "out.xlsx", tmp_path / "edited.xlsx", "Routes", APPRENTICESHIPS, cells)
    before = snapshot(content)
    import_sheets(tmp_path / "edited.xlsx", content)
    assert changed(before, content) == {"routes.yaml"}
    new = path.read_text().splitlines()
    assert [line for line in old if line not in new] == ["        text: People aged 16 or over who live in England"]
    # The new group goes where the model orders it (after entry, before length), its keys in the model's order.
    at = new.index("      pay:")
    assert new[at - 2 : at + 6] == [
        "        source: https://www.apprenticeships.gov.uk/apprentices/becoming-apprentice",
        "        reviewed: 2026-12-04",
        "      pay:",
        "        from: 15704",
        "        per: year",
        "        source: https://www.gov.uk/become-apprentice/pay-and-conditions",
        "        reviewed: 2026-12-04",
        "      length:",
    ]
    assert len(new) == len(old) + 5
    facts = yaml.safe_load(path.read_text())["routes"][0]["facts"]
    assert facts["who"]["text"] == "People aged 16 or over in England"
    assert import_sheets(tmp_path / "edited.xlsx", content).changes == []


def test_facts_typed_for_a_route_without_any(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "csv")
    table = list(csv.reader(io.StringIO((tmp_path / "csv" / "Routes.csv").read_text(encoding="utf-8-sig"))))
    names = table[0]
    row = next(r for r in table if r[0] == "careers-advice")
    cells = {
        "apply_all_year": "TRUE",
        "apply_source": "https://nationalcareers.service.gov.uk",
        "apply_reviewed": "04/12/2026",
        "where_places": "England",
        "where_remote": "yes",
        "where_source": "https://nationalcareers.service.gov.uk",
        "where_reviewed": "2026-12-04",
    }
    for column, value in cells.items():
        row[names.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    (tmp_path / "csv" / "Routes.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    result = import_sheets(tmp_path / "csv", content)
    assert [c.name for c in result.changes] == ["content/routes.yaml"]
    assert any("apply_reviewed" in note and "DD/MM/YYYY" in note for note in result.notes), result.notes
    route = yaml.safe_load((content / "routes.yaml").read_text())["routes"][1]
    assert list(route) == ["id", "title", "summary", "url", "steps", "facts", "tags", "source", "reviewed"]
    assert route["facts"] == {
        "where": {
            "places": ["England"],
            "remote": True,
            "source": "https://nationalcareers.service.gov.uk",
            "reviewed": dt.date(2026, 12, 4),
        },
        "apply": {
            "all_year": True,
            "source": "https://nationalcareers.service.gov.uk",
            "reviewed": dt.date(2026, 12, 4),
        },
    }
    assert import_sheets(tmp_path / "csv", content).changes == []
    export_sheets(content, tmp_path / "again.xlsx")  # TRUE, dates and lists as spreadsheet cells
    write_ods(tmp_path / "again.xlsx", tmp_path / "again.ods")
    assert import_sheets(tmp_path / "again.xlsx", content).changes == []
    assert import_sheets(tmp_path / "again.ods", content).changes == []
    # Emptying a group's cells takes the group out, and with the last group `facts:` itself.
    for column in cells:
        row[names.index(column)] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    (tmp_path / "csv" / "Routes.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    import_sheets(tmp_path / "csv", content)
    assert "facts" not in yaml.safe_load((content / "routes.yaml").read_text())["routes"][1]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {"pay_from": 32000, "pay_to": 28000, "pay_source": "https://www.gov.uk", "pay_reviewed": "2026-12-04"},
            "pay_from",
            "route 'apprenticeships' pays from £32,000 to £28,000: from is above to "
            "(swap the two figures, or correct the one that is wrong)",
        ),
        (
            {"pay_from": "lots", "pay_source": "https://www.gov.uk", "pay_reviewed": "2026-12-04"},
            "pay_from",
            "expected a number, found text",
        ),
        (
            {"clearance": "sc", "clearance_source": "https://www.gov.uk", "clearance_reviewed": "2026-12-04"},
            "clearance",
            "'sc' is not one of none, BPSS, CTC, SC, DV (did you mean 'SC'?)",
        ),
        ({"who_reviewed": "31/02/2026"}, "who_reviewed", "'31/02/2026': not a real date"),
        (
            {
                "apply_opens": "2027-10-01",
                "apply_closes": "2027-09-01",
                "apply_source": "https://www.gov.uk",
                "apply_reviewed": "2026-12-04",
            },
            "apply_closes",
            "route 'apprenticeships' closes on 2027-09-01, before it opens on 2027-10-01",
        ),
        (
            {"where_remote": "maybe"},
            "where_remote",
            "'maybe' is not true or false (type TRUE or FALSE, or leave the cell empty)",
        ),
        ({"entry_cy": "Un; Dau"}, "entry_cy", "items_cy has 2 items and items 3"),
        ({"length_source": ""}, "length_source", "missing required key 'source'"),
        (
            {
                "apply_all_year": True,
                "apply_usually_opens": "September",
                "apply_source": "https://www.gov.uk",
                "apply_reviewed": "2026-12-04",
            },
            "apply_all_year",
            "all_year: true leaves no window",
        ),
    ],
)
def test_a_bad_fact_is_one_message_at_its_cell(
    cells: dict[str, object], column: str, message: str, starter: Path, tmp_path: Path
) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    edit(tmp_path / "out.xlsx", tmp_path / "bad.xlsx", "Routes", APPRENTICESHIPS, cells)
    before = snapshot(content)
    lines = problems(tmp_path / "bad.xlsx", content)
    where = cell(tmp_path / "out.xlsx", "Routes", APPRENTICESHIPS, column)
    assert len(lines) == 1 and lines[0].startswith(f"bad.xlsx › Routes!{where}  {column}  "), lines
    assert message in lines[0]
    assert snapshot(content) == before


def test_a_sheet_without_fact_columns_keeps_the_facts(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    groups = ("who", "entry", "pay_", "where_", "clearance", "length", "apply_")
    drop_columns(tmp_path / "out.xlsx", tmp_path / "old.xlsx", "Routes", groups)
    assert header(tmp_path / "old.xlsx", "Routes")[-1] == "reviewed"
    edit(
        tmp_path / "old.xlsx", tmp_path / "old.xlsx", "Routes", APPRENTICESHIPS, {"title": "Apprenticeships in England"}
    )
    import_sheets(tmp_path / "old.xlsx", content)
    route = yaml.safe_load((content / "routes.yaml").read_text())["routes"][0]
    assert route["title"] == "Apprenticeships in England"
    assert set(route["facts"]) == {"who", "entry", "length"}


# ---------------------------------------------------------------- the glossary


def append_row(source: Path, target: Path, sheet: str, cells: dict[str, object]) -> None:
    book = openpyxl.load_workbook(source)
    ws = book[sheet]
    names = [c.value for c in ws[1]]
    ws.append([cells.get(str(n)) for n in names])
    book.save(target)


def test_the_glossary_sheet_edits_exactly_its_keys(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    assert header(tmp_path / "out.xlsx", "Glossary") == ["term", "term_cy", "definition", "definition_cy", "source"]
    path = content / "glossary.yaml"
    old = path.read_text().splitlines()
    edit(
        tmp_path / "out.xlsx", tmp_path / "cy.xlsx", "Glossary", ("term", "Apprenticeship"), {"term_cy": "Prentisiaeth"}
    )
    before = snapshot(content)
    import_sheets(tmp_path / "cy.xlsx", content)
    assert changed(before, content) == {"glossary.yaml"}
    new = path.read_text().splitlines()
    assert new == [*old[:5], "    term_cy: Prentisiaeth", *old[5:]]  # comments and the folded definition kept
    append_row(
        tmp_path / "cy.xlsx",
        tmp_path / "more.xlsx",
        "Glossary",
        {"term": "Careers adviser", "definition": "Someone trained to help you plan your next steps."},
    )
    import_sheets(tmp_path / "more.xlsx", content)
    assert path.read_text().splitlines() == [
        *new,
        "  - term: Careers adviser",
        "    definition: Someone trained to help you plan your next steps.",
    ]
    assert import_sheets(tmp_path / "more.xlsx", content).changes == []


def test_a_glossary_typed_into_the_default_content_becomes_its_file(project: Path, tmp_path: Path) -> None:
    content = project / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    assert not (content / "glossary.yaml").exists()
    assert import_sheets(tmp_path / "out.xlsx", content).changes == []  # an empty sheet makes no file
    cells = {
        "term": "Fast Stream",
        "definition": "The Civil Service's graduate scheme.",
        "source": "https://www.faststream.gov.uk",
    }
    append_row(tmp_path / "out.xlsx", tmp_path / "new.xlsx", "Glossary", cells)
    result = import_sheets(tmp_path / "new.xlsx", content)
    assert [(c.name, c.action) for c in result.changes] == [("content/glossary.yaml", "created")]
    assert (content / "glossary.yaml").read_text() == (
        "# yaml-language-server: $schema=schemas/glossary.schema.json\n"
        "terms:\n"
        "  - term: Fast Stream\n"
        "    definition: The Civil Service's graduate scheme.\n"
        "    source: https://www.faststream.gov.uk\n"
    )
    assert import_sheets(tmp_path / "new.xlsx", content).changes == []


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"source": "http://www.gov.uk/become-apprentice"}, "source", "https"),
        ({"definition": None}, "definition", "missing required key 'definition'"),
    ],
)
def test_a_bad_glossary_cell_is_one_message_at_it(
    cells: dict[str, object], column: str, message: str, starter: Path, tmp_path: Path
) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    edit(tmp_path / "out.xlsx", tmp_path / "bad.xlsx", "Glossary", ("term", "Apprenticeship"), cells)
    before = snapshot(content)
    lines = problems(tmp_path / "bad.xlsx", content)
    where = cell(tmp_path / "out.xlsx", "Glossary", ("term", "Apprenticeship"), column)
    assert len(lines) == 1 and lines[0].startswith(f"bad.xlsx › Glossary!{where}  {column}  "), lines
    assert message in lines[0], lines
    assert snapshot(content) == before


def test_a_term_twice_is_one_message_at_the_second(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    append_row(
        tmp_path / "out.xlsx", tmp_path / "twice.xlsx", "Glossary", {"term": "apprenticeship", "definition": "A job."}
    )
    assert problems(tmp_path / "twice.xlsx", content) == [
        "twice.xlsx › Glossary!A3  term  duplicate term 'apprenticeship' (first in row 2)"
        " (terms must be unique; rename or delete one of the rows)"
    ]


def test_a_workbook_without_the_newer_sheets_leaves_them_alone(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    del book["Glossary"]
    del book["Stories"]
    book.save(tmp_path / "old.xlsx")
    edit(
        tmp_path / "old.xlsx", tmp_path / "old.xlsx", "Routes", APPRENTICESHIPS, {"title": "Apprenticeships in England"}
    )
    before = snapshot(content)
    result = import_sheets(tmp_path / "old.xlsx", content)
    assert changed(before, content) == {"routes.yaml"}
    assert not result.notes, result.notes


# ---------------------------------------------------------------- stories

ALEX = ("id", "alex")


def test_the_stories_sheet_edits_exactly_its_keys(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    names = header(tmp_path / "out.xlsx", "Stories")
    assert names[names.index("story_cy") + 1 :][:6] == [
        *("photo", "photo_alt", "photo_alt_cy", "photo_decorative", "photo_credit", "photo_credit_cy")
    ]
    path = content / "stories" / "alex.yaml"
    old = path.read_text().splitlines()
    cells = {"role_cy": "Dadansoddwr dan hyfforddiant", "photo_alt_cy": "Llun o berson yn gwenu"}
    edit(tmp_path / "out.xlsx", tmp_path / "cy.xlsx", "Stories", ALEX, cells)
    before = snapshot(content)
    import_sheets(tmp_path / "cy.xlsx", content)
    assert changed(before, content) == {"stories/alex.yaml"}
    new = path.read_text().splitlines()
    role, alt = (
        old.index("role: Trainee Analyst"),
        old.index("  alt: Drawing of a smiling person with short dark hair, wearing a work lanyard"),
    )
    assert new == [
        *old[: role + 1],
        "role_cy: Dadansoddwr dan hyfforddiant",
        *old[role + 1 : alt + 1],
        "  alt_cy: Llun o berson yn gwenu",
        *old[alt + 1 :],
    ]
    assert import_sheets(tmp_path / "cy.xlsx", content).changes == []


def test_a_story_typed_as_a_row_becomes_its_file(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    cells = {
        "name": "Sam",
        "role": "Project Officer",
        "route": "apprenticeships",
        "quote": "I learnt something new every week.",
        "story": "Sam started as an apprentice.",
        "illustrative": True,
        "tags": "students",
    }
    append_row(tmp_path / "out.xlsx", tmp_path / "new.xlsx", "Stories", cells)
    result = import_sheets(tmp_path / "new.xlsx", content)
    assert [(c.name, c.action) for c in result.changes] == [("content/stories/sam.yaml", "created")]
    assert any("no id; sam was made from the name" in note for note in result.notes)
    assert (content / "stories" / "sam.yaml").read_text() == (
        "# yaml-language-server: $schema=../schemas/story.schema.json\n"
        "name: Sam\n"
        "role: Project Officer\n"
        "route: apprenticeships\n"
        "quote: I learnt something new every week.\n"
        "story: Sam started as an apprentice.\n"
        "illustrative: true\n"
        "tags: [students]\n"
    )
    assert import_sheets(tmp_path / "new.xlsx", content).changes == []


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {"illustrative": None},
            "name",
            "story 'alex' says neither consent: true nor illustrative: true",
        ),
        (
            {"organisation": "example-employr"},
            "organisation",
            "names organisation 'example-employr', which does not exist (did you mean 'example-employer'?)",
        ),
        ({"photo": "missing.png"}, "photo", "missing.png"),
        ({"photo_decorative": "maybe"}, "photo_decorative", "'maybe' is not true or false"),
        ({"photo_alt": None}, "photo_alt", "photo has no alt text"),
        ({"photo_credit": None}, "photo_credit", "photo has no credit line"),
    ],
)
def test_a_bad_story_cell_is_one_message_at_it(
    cells: dict[str, object], column: str, message: str, starter: Path, tmp_path: Path
) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    edit(tmp_path / "out.xlsx", tmp_path / "bad.xlsx", "Stories", ALEX, cells)
    before = snapshot(content)
    lines = problems(tmp_path / "bad.xlsx", content)
    where = cell(tmp_path / "out.xlsx", "Stories", ALEX, column)
    assert len(lines) == 1 and lines[0].startswith(f"bad.xlsx › Stories!{where}  {column}  "), lines
    assert message in lines[0], lines
    assert snapshot(content) == before


def test_a_stories_sheet_without_photo_columns_keeps_the_photo(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    drop_columns(tmp_path / "out.xlsx", tmp_path / "old.xlsx", "Stories", ("photo",))
    before = snapshot(content)
    assert import_sheets(tmp_path / "old.xlsx", content).changes == []
    edit(tmp_path / "old.xlsx", tmp_path / "old.xlsx", "Stories", ALEX, {"role": "Analyst"})
    import_sheets(tmp_path / "old.xlsx", content)
    assert changed(before, content) == {"stories/alex.yaml"}
    data = yaml.safe_load((content / "stories" / "alex.yaml").read_text())
    assert data["role"] == "Analyst" and data["photo"]["file"] == "alex.svg"


def test_a_story_without_a_row_is_kept_unless_pruned(starter: Path, tmp_path: Path) -> None:
    content = starter / "content"
    export_sheets(content, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    book["Stories"].delete_rows(2)
    book.save(tmp_path / "none.xlsx")
    result = import_sheets(tmp_path / "none.xlsx", content)
    assert (
        result.changes == []
        and "content/stories/alex.yaml has no row in the sheet: kept (--prune deletes it)" in result.notes
    )
    before = snapshot(content)
    result = import_sheets(tmp_path / "none.xlsx", content, prune=True)
    assert [(c.name, c.action) for c in result.changes] == [("content/stories/alex.yaml", "deleted")]
    assert changed(before, content) == {"stories/alex.yaml"}
