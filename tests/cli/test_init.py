"""`booklet init`: a new project that validates, builds at once and never overwrites anything."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from booklet.adapters.starter import DATE_TOKEN, starter_files
from booklet.cli import app
from booklet.cli.init import GUIDE_FILE, init_project
from booklet.content.load import load_project_content
from booklet.errors import BookletError, Exit
from booklet.jobs import build
from tests.conftest import STARTER_PLACEHOLDERS

TODAY = dt.date.today() - dt.timedelta(days=1)  # not the default, and never in the future


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init") / "my-booklet"
    lines: list[str] = []
    written = init_project(folder, print_line=lines.append, today=TODAY)
    return folder, written, lines


def test_writes_a_complete_project(project):
    folder, written, lines = project
    for name in (
        "README.md",
        ".gitignore",
        GUIDE_FILE,
        "content/booklet.yaml",
        "content/routes.yaml",
        "content/audiences.yaml",
        "content/brand.yaml",
        "content/logo.svg",
        "content/organisations/example-employer.yaml",
        "styles/README.md",
    ):
        assert (folder / name).is_file(), name
        assert folder / name in written
    assert (folder / "output").is_dir()
    assert lines[0] == f"Created a booklet project in {folder}"
    assert any("booklet build" in line for line in lines)


def test_every_starter_file_is_copied(project):
    folder, _, _ = project
    for relative, _source in starter_files():
        assert (folder / relative).is_file(), relative


def test_content_is_valid_and_dated_today(project):
    folder, _, _ = project
    loaded = load_project_content(folder / "content", folder)
    assert loaded.errors == []
    # The only warnings are the starter's placeholders, each at its own place, until the adviser replaces them.
    assert [f"{p.where}  {p.path}" for p in loaded.warnings] == STARTER_PLACEHOLDERS
    assert all(p.what.startswith("is the starter's placeholder ") for p in loaded.warnings)
    assert loaded.booklet.frame.edition == TODAY
    assert {o.reviewed for o in loaded.booklet.organisations} == {TODAY}
    assert {r.reviewed for r in loaded.booklet.routes} == {TODAY}
    assert [a.id for a in loaded.audiences] == ["students", "fair-handout"]
    assert loaded.brand is not None and loaded.brand.logo_uri.startswith("data:image/svg+xml;base64,")
    for path in (folder / "content").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert DATE_TOKEN not in text, path
        assert text.startswith("# yaml-language-server: $schema="), path


def test_placeholder_markers_stay_in_the_package(project):
    """The `# placeholder: …` comments the check is generated from are not written into a new project."""
    folder, _, _ = project
    for path in (folder / "content").rglob("*.yaml"):
        assert "# placeholder" not in path.read_text(encoding="utf-8"), path


def test_check_warns_about_placeholders_and_strict_refuses_them(project, monkeypatch):
    folder, _, _ = project
    monkeypatch.chdir(folder)
    checked = CliRunner().invoke(app, ["check"])
    assert checked.exit_code == Exit.OK, checked.output
    assert [line.split("  warning: ")[0] for line in checked.stdout.splitlines()] == STARTER_PLACEHOLDERS
    assert checked.stderr == "0 errors, 27 warnings in 8 files\n"
    lead = (
        "content/booklet.yaml:26:5  sections.why.lead  {}is the starter's placeholder text "
        "'An optional paragraph under a heading. Delete the…' (write a lead of your own, or delete the line)"
    )
    strict = CliRunner().invoke(app, ["check", "--strict"])
    assert strict.exit_code == Exit.CONTENT, strict.output
    assert lead.format("warning: ") in strict.stdout.splitlines()
    assert strict.stderr == "0 errors, 27 warnings in 8 files (warnings count as errors with --strict)\n"
    before = {p: p.stat().st_mtime_ns for p in (folder / "output").rglob("*")}
    refused = CliRunner().invoke(app, ["build", "--strict"])
    assert refused.exit_code == Exit.CONTENT, refused.output
    assert "error: " + lead.format("") in refused.stderr.splitlines(), refused.stderr
    assert {p: p.stat().st_mtime_ns for p in (folder / "output").rglob("*")} == before


def test_replacing_a_placeholder_silences_its_warning(tmp_path):
    init_project(tmp_path, print_line=lambda _line: None, today=TODAY)
    frame = tmp_path / "content" / "booklet.yaml"
    text = frame.read_text(encoding="utf-8")
    frame.write_text(
        text.replace(
            "lead: An optional paragraph under a heading. Delete the line if you do not need it.",
            "lead: Work that reaches every town in Wales.",
        ),
        encoding="utf-8",
    )
    (tmp_path / "content" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Ours</title>'
        '<rect width="10" height="10" fill="#0b5e55"/></svg>\n',
        encoding="utf-8",
    )
    loaded = load_project_content(tmp_path / "content", tmp_path)
    located = [f"{p.where}  {p.path}" for p in loaded.warnings]
    assert located == [
        line for line in STARTER_PLACEHOLDERS if line.split("  ")[1] not in ("sections.why.lead", "logo")
    ]


def test_schemas_for_editor_autocomplete(project):
    folder, written, _ = project
    for path in (folder / "content").rglob("*.yaml"):
        header = path.read_text(encoding="utf-8").splitlines()[0]
        schema = (path.parent / header.split("$schema=", 1)[1]).resolve()
        assert schema.is_file() and schema in written, (path, schema)
        assert json.loads(schema.read_text(encoding="utf-8"))["$schema"].startswith("https://json-schema.org/")


def test_builds_every_booklet_without_warnings(project):
    folder, _, _ = project
    results = build(content=folder / "content", all_audiences=True, workers=1)
    assert [(r.name, r.status, r.warnings) for r in results] == [
        ("default", "built", []),
        ("students", "built", []),
        ("fair-handout", "built", []),
    ]
    default, _students, handout = results
    assert default.output == folder / "output" / "careers-in-your-sector.pdf"
    assert handout.pages <= 4
    text = " ".join(PdfReader(default.output).pages[0].extract_text().split())
    assert "Careers in Your Sector" in text
    # The starter's service publishes its own booklet: the cover names it once, not twice.
    assert text.count("Your Careers Service") == 1 and "Handed out by" not in text


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BookletError) as caught:
        init_project(tmp_path, print_line=lambda _line: None)
    assert caught.value.code == Exit.USAGE
    assert "not empty" in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_refuses_a_file(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(BookletError, match="not a folder"):
        init_project(target, print_line=lambda _line: None)


def test_accepts_an_empty_folder(tmp_path):
    init_project(tmp_path, print_line=lambda _line: None)
    assert (tmp_path / "content" / "booklet.yaml").is_file()


def test_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["init", "x"])
    assert first.exit_code == 0, first.output
    assert "Created a booklet project in x" in first.output
    again = runner.invoke(app, ["init", "x"])
    assert again.exit_code == Exit.USAGE
    assert "not empty" in again.output


def test_builds_every_booklet_in_parallel(tmp_path):
    """`booklet build --all` uses worker processes, which must receive the brand intact."""
    init_project(tmp_path / "p", print_line=lambda _line: None)
    results = build(content=tmp_path / "p" / "content", all_audiences=True, workers=2, force=True)
    assert [r.status for r in results] == ["built", "built", "built"]


def test_the_printing_guide_that_build_points_to_is_in_every_new_project(project):
    """`build --imposition saddle` refers to docs/printing.md: a project made by init has it, word for word."""
    folder, _, _ = project
    repository_guide = Path(__file__).resolve().parents[2] / "docs" / "printing.md"
    assert (folder / "docs" / "printing.md").read_text(encoding="utf-8") == repository_guide.read_text(encoding="utf-8")
    assert "flip on short edge" in (folder / "docs" / "printing.md").read_text(encoding="utf-8")
