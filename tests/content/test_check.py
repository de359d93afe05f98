"""`booklet check`: the corpus of invalid content and the exact lines it must produce, plus the checker's API.

Each folder in tests/invalid/ (except _base) is one case: its `content/` files are
laid over a copy of tests/invalid/_base/content (a small valid project), the
paths in `remove.txt` are deleted, and `booklet check --content DIR` runs with
the options in `args.txt`. stdout must equal `expected.txt` line for line; the
exit code must be 1 when any line is an error (or when --strict meets a
warning), else 0. "Today" is fixed at 2026-11-28 so review ages never drift.

To refresh the expected lines after deliberately changing a message, run
`BOOKLET_UPDATE_CORPUS=1 pytest tests/content/test_check.py` and read the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.content import check
from booklet.content.check import PROFILE_LIMIT, months_between, profile_length
from booklet.content.load import load_project_content
from booklet.errors import Exit

CORPUS = Path(__file__).resolve().parents[1] / "invalid"
BASE = CORPUS / "_base" / "content"
TODAY = dt.date(2026, 11, 28)
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
UPDATE = os.environ.get("BOOKLET_UPDATE_CORPUS") == "1"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(check, "today", lambda: TODAY)


def assemble(case: Path, into: Path) -> Path:
    """The base project with `case` laid over it; returns its content folder."""
    content = into / "content"
    shutil.copytree(BASE, content)
    if (case / "content").is_dir():
        shutil.copytree(case / "content", content, dirs_exist_ok=True)
    remove = case / "remove.txt"
    for line in remove.read_text().split() if remove.is_file() else []:
        (content / line).unlink()
    return content


def run_check(content: Path, *args: str):
    return CliRunner().invoke(app, ["check", "--content", str(content), *args])


def test_corpus_is_substantial():
    assert len(CASES) >= 40


def test_base_project_is_valid(tmp_path):
    result = run_check(assemble(CORPUS / "_base", tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "no problems in 5 files\n"


@pytest.mark.parametrize("name", CASES)
def test_corpus_case(name, tmp_path):
    case = CORPUS / name
    args = (case / "args.txt").read_text().split() if (case / "args.txt").is_file() else []
    result = run_check(assemble(case, tmp_path), *args)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    expected_file = case / "expected.txt"
    if UPDATE:
        expected_file.write_text(result.stdout, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert result.stdout.splitlines() == expected
    assert expected, "every case must produce at least one line"
    errors = [line for line in expected if "  warning: " not in line]
    failing = bool(errors) or "--strict" in args
    assert result.exit_code == (Exit.CONTENT if failing else Exit.OK), result.output
    # The summary goes to stderr, in one line.
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_every_line_has_the_documented_shape():
    """`file:line:col  key.path  message (hint)`: three fields separated by two spaces."""
    for name in CASES:
        for line in (CORPUS / name / "expected.txt").read_text(encoding="utf-8").splitlines():
            where, path, message = line.split("  ", 2)
            assert where.startswith("content/"), line
            assert path and message, line


def test_problems_in_many_files_are_all_reported_in_reading_order():
    lines = (CORPUS / "many-problems-in-one-pass" / "expected.txt").read_text().splitlines()
    files = {line.split(":")[0] for line in lines}
    assert len(files) == 5
    assert lines == sorted(
        lines, key=lambda line: (line.split(":")[0], int(line.split(":")[1]) if line.count(":") > 1 else 0)
    )


def test_check_does_not_render_or_write(tmp_path, monkeypatch):
    import booklet.pdf.weasy

    monkeypatch.setattr(booklet.pdf.weasy, "html_to_pdf", lambda *a, **k: pytest.fail("check rendered a PDF"))
    content = assemble(CORPUS / "_base", tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    assert run_check(content).exit_code == 0
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_the_seed_content_passes_strict_check(monkeypatch):
    # The default content was last reviewed on 2026-12-04 (its route facts; the rest on 2026-11-29).
    monkeypatch.setattr(check, "today", lambda: dt.date(2026, 12, 4))
    root = Path(__file__).resolve().parents[2]
    result = CliRunner().invoke(app, ["check", "--content", str(root / "content"), "--strict"])
    assert result.exit_code == 0, result.output


def test_missing_content_folder_is_one_line(tmp_path):
    result = run_check(tmp_path / "nowhere")
    assert result.exit_code == Exit.CONTENT
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "content folder not found" in result.stderr


# -- freshness ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        ("2025-11-28", "2026-11-28", 12),
        ("2025-11-29", "2026-11-28", 11),
        ("2026-01-31", "2026-02-28", 0),
        ("2024-02-29", "2026-11-28", 32),
        ("2027-01-01", "2026-11-28", 0),
    ],
)
def test_months_between(earlier, later, months):
    assert months_between(dt.date.fromisoformat(earlier), dt.date.fromisoformat(later)) == months


def test_reviews_exactly_n_months_old_are_not_yet_stale(tmp_path):
    content = assemble(CORPUS / "_base", tmp_path)
    path = content / "organisations" / "ukhsa.yaml"
    path.write_text(path.read_text().replace("reviewed: 2026-06-01", "reviewed: 2025-11-28"))
    assert load_project_content(content, on=TODAY).stale == []
    path.write_text(path.read_text().replace("reviewed: 2025-11-28", "reviewed: 2025-11-27"))
    stale = load_project_content(content, on=TODAY).stale
    assert [(s.item, s.months) for s in stale] == [("organisation 'ukhsa'", 12)]


def test_stale_items_are_listed_oldest_first(tmp_path):
    content = assemble(CORPUS / "stale-list", tmp_path)
    loaded = load_project_content(content, on=TODAY)
    assert [s.reviewed.isoformat() for s in loaded.stale] == ["2024-10-01", "2025-03-14"]
    assert loaded.sourced == 4
    result = run_check(content, "--stale")
    assert result.stderr == "2 items of 4 last reviewed more than 12 months ago\n"


def test_freshness_is_reported_even_when_the_file_has_other_errors(tmp_path):
    content = assemble(CORPUS / "_base", tmp_path)
    path = content / "organisations" / "ukhsa.yaml"
    path.write_text(path.read_text().replace("reviewed: 2026-06-01", "reviewed: 2020-01-01").replace("name:", "nam:"))
    loaded = load_project_content(content, on=TODAY)
    assert [s.item for s in loaded.stale] == ["organisation 'ukhsa'"]
    assert any("unknown key 'nam'" in p.what for p in loaded.errors)


def test_build_runs_the_same_checks_and_stops_on_errors(tmp_path):
    content = assemble(CORPUS / "duplicate-route-id", tmp_path)
    result = CliRunner().invoke(app, ["build", "--content", str(content)])
    assert result.exit_code == Exit.CONTENT
    assert "duplicate route id 'fast-stream'" in result.stderr
    assert not (tmp_path / "output").exists()


def test_strict_plan_treats_warnings_as_errors(tmp_path):
    from booklet.errors import BookletError
    from booklet.jobs import plan
    from booklet.project import Project
    from booklet.settings import Settings

    content = assemble(CORPUS / "stale-review", tmp_path)
    project = Project.locate(content)
    loaded = load_project_content(content, on=TODAY)
    assert loaded.warnings and not loaded.errors
    assert plan(project, loaded)  # warnings alone do not stop a build
    with pytest.raises(BookletError) as caught:
        plan(project, loaded, settings=Settings(strict=True))
    assert caught.value.code == Exit.CONTENT
    assert "was last reviewed on 2025-03-14" in str(caught.value)


# -- length -------------------------------------------------------------------------------------


def test_seed_profiles_are_well_inside_the_page_limit(booklet_model):
    for org in booklet_model.organisations:
        assert profile_length(org) < PROFILE_LIMIT / 2, org.id
