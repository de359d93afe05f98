"""`booklet plan` (booklet/cli/plan.py): one student's action plan from options or prompts.

Copies are real PDFs read back with pypdf; the prompts are answered through a real
pseudo-terminal; bad input is checked for its one message and for nothing written.
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from booklet.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
NAME = "Siân O'Connor"
SOON = (dt.date.today() + dt.timedelta(days=21)).isoformat()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def run(*args: str):
    return CliRunner().invoke(app, ["plan", *args])


def test_a_plan_from_options_is_a_private_copy_named_by_id(project: Path) -> None:
    args = ["--id", "S1042", "--name", NAME, "--audience", "graduates", "--route", "fast-stream"]
    args += ["--organisation", "gds", "--step", "Book a mock interview; bring a CV", "--step", "Ask about work"]
    args += ["--follow-up", SOON, "--adviser", "Amara Okafor", "--notes", "Interested in data roles"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    copy = project / "output" / "people" / "S1042.pdf"
    assert "output/people/S1042.pdf: " in result.output and "pages" in result.output
    assert NAME not in result.output and "Amara" not in result.output
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    text = text_of(copy)
    assert NAME in text and "Amara Okafor" in text
    assert "Your action plan" in text and "Fast Stream" in text
    assert "Book a mock interview; bring a CV" in text and "Ask about work" in text
    assert "Interested in data roles" in text
    assert "For students and graduates" in text  # the audience's booklet
    cache = (copy.parent / ".cache.json").read_bytes()
    for secret in (NAME.encode(), b"Amara", b"S1042", b"Interested"):
        assert secret not in cache
    # The same plan again: the cache finds it up to date, as with personalise.
    again = run(*args)
    assert again.exit_code == 0 and "S1042.pdf: unchanged" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--route", "fast-stram"], "error: --route: the 1st route is not a route id (did you mean fast-stream?)"),
        (["--audience", "graduate"], "error: --audience: not an audience id (did you mean graduates?)"),
        (
            ["--organisation", "gdss"],
            "error: --organisation: the 1st organisation is not an organisation id (did you mean gds?)",
        ),
        (["--follow-up", "2020-01-01"], "error: --follow-up: 2020-01-01 is in the past (e.g. "),
        (["--follow-up", "next week"], "error: --follow-up: not a date (write it YYYY-MM-DD"),
        (["--id", "../S1"], "error: --id: an id may hold only letters, digits, - and _"),
        (["--id", "S 1"], "error: --id: an id may hold only letters, digits, - and _"),
        (["--id", "print-file"], "error: --id: this id names the class's print file"),
        (["--name", "Sian\u202eroc"], "error: --name: holds an invisible or control character (U+202E)"),
        (["--name", "Sian\x07"], "error: --name: holds an invisible or control character (U+0007)"),
        (["--adviser", "A\u2066B"], "error: --adviser: holds an invisible or control character (U+2066)"),
        (["--name", "Sian\x9b2J"], "error: --name: holds an invisible or control character (U+009B)"),
        (["--name", "Sian\u200f"], "error: --name: holds an invisible or control character (U+200F)"),
        (["--name", "Sian\u061c"], "error: --name: holds an invisible or control character (U+061C)"),
        (["--name", "Sian\nEvans"], "error: --name: holds an invisible or control character (U+000A)"),
        (["--name", "Sian\udcff"], "error: --name: holds an invisible or control character (U+DCFF)"),
        (["--step", "Call Sian\u202a"], "error: --step: a step holds an invisible or control character (U+202A)"),
        (["--notes", "Sian \x1b[2J"], "error: --notes: holds an invisible or control character (U+001B)"),
        (["--notes", "Sian\u2069"], "error: --notes: holds an invisible or control character (U+2069)"),
        (["--name", "x" * 201], "error: --name: the name is longer than 200 characters"),
    ],
)
def test_bad_input_gets_one_clear_message_and_nothing_is_written(project: Path, args: list[str], message: str) -> None:
    given = {"--id": "S1", "--name": "Sian Evans", "--route": "fast-stream"}
    for option, value in zip(args[::2], args[1::2], strict=True):
        given[option] = value
    result = run(*[part for pair in given.items() for part in pair])
    assert result.exit_code == 3, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(message), result.output
    assert "nothing was written" in result.output
    assert "Sian" not in result.output.replace("--name", "")
    assert not (project / "output" / "people").exists()


def test_a_note_may_break_lines_and_a_name_keep_the_joiners_some_scripts_need(content) -> None:
    from booklet.cli.plan import PlanInput, check_plan

    values = PlanInput(
        id="S1", name="Mehr\u200cdad", routes=["fast-stream"], notes="Line one\r\nLine two\tend", next_steps=["Call"]
    )
    person, problems = check_plan(values, content, dt.date.today())
    assert problems == []
    assert person is not None and person.name == "Mehr\u200cdad" and person.notes == "Line one\r\nLine two\tend"


def test_a_missing_required_value_fails_naming_the_option_when_no_one_can_be_asked(project: Path) -> None:
    for args, option in (([], "--id"), (["--id", "S1"], "--name"), (["--id", "S1", "--name", "Sian"], "--route")):
        result = run(*args)
        assert result.exit_code == 3
        assert result.output.startswith(f"error: {option} is missing (give it, e.g. {option} ")
        assert len(result.output.strip().splitlines()) == 1
    assert not (project / "output").exists()


def test_the_adviser_can_be_remembered_a_student_never(project: Path) -> None:
    first = run(
        "--id", "S1", "--name", NAME, "--route", "fast-stream", "--adviser", "Amara Okafor", "--remember-adviser"
    )
    assert first.exit_code == 0, first.output
    local = (project / ".booklet-local.yaml").read_text(encoding="utf-8")
    assert "Amara Okafor" in local and NAME not in local and "S1" not in local and "fast-stream" not in local
    assert stat.S_IMODE((project / ".booklet-local.yaml").stat().st_mode) == 0o600
    second = run("--id", "S2", "--name", "Dewi Jones", "--route", "fast-stream")
    assert second.exit_code == 0, second.output
    assert "Amara Okafor" in text_of(project / "output" / "people" / "S2.pdf")


def test_in_a_terminal_missing_values_are_asked_for_routes_from_a_numbered_list(project: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "booklet", "plan", "--follow-up", SOON],
        cwd=project,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    os.close(terminal)
    seen = b""

    def wait_for(text: bytes) -> None:
        nonlocal seen
        while text not in seen:
            ready, _, _ = select.select([controller], [], [], 120)
            assert ready, f"no {text!r} in {seen!r}"
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the process ended and closed the terminal
                chunk = b""
            assert chunk, f"no {text!r} in {seen!r}"
            seen += chunk

    try:
        wait_for(b"Student's id")
        os.write(controller, b"S9\n")
        wait_for(b"Student's name")
        os.write(controller, "Siân Prompted\n".encode())
        wait_for(b"Routes chosen")
        listed = seen.decode(errors="replace")
        assert " 1. " in listed and "(fast-stream)" in listed
        number = next(
            line.split(".")[0].strip() for line in listed.splitlines() if line.rstrip().endswith("(fast-stream)")
        )
        os.write(controller, b"99\n")  # not on the list: asked again
        wait_for(b"give numbers from 1 to")
        os.write(controller, f"{number}\n".encode())
        wait_for(b"S9.pdf: ")
        assert process.wait(timeout=120) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    text = text_of(project / "output" / "people" / "S9.pdf")
    assert "Siân Prompted" in text and "Fast Stream" in text


def every_file_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_plan_only_is_the_cover_and_the_plan_and_a_private_note_goes_nowhere(project: Path) -> None:
    args = ["--id", "S5", "--name", NAME, "--route", "fast-stream", "--step", "Book a mock interview"]
    args += ["--notes", "Interested in data roles", "--private-note", "Worried about money at home"]
    full = run(*args)
    assert full.exit_code == 0, full.output
    copy = project / "output" / "people" / "S5.pdf"
    whole_pages = len(PdfReader(copy).pages)
    only = run(*args, "--plan-only")
    assert only.exit_code == 0, only.output
    assert "S5.pdf: unchanged" not in only.output  # a different copy: its own cache key
    pages = len(PdfReader(copy).pages)
    assert 2 <= pages <= 3 < whole_pages
    text = text_of(copy)
    assert NAME in text and "Your action plan" in text and "Book a mock interview" in text
    assert "Adviser's note: Interested in data roles" in " ".join(text.split())
    assert "Key Public Sector AI Organisations" not in text and "Contents" not in text
    assert b"Worried about money" not in every_file_under(project)
    assert "Worried" not in only.output


def test_personalise_plan_only_and_private_notes_from_a_class_list(project: Path) -> None:
    people = project / "people.csv"
    people.write_text(
        "id,name,routes,notes,private_notes\n"
        "S1,Siân O'Connor,fast-stream,Interested in data roles,Worried about money at home\n"
        "S2,Dewi Jones,fast-stream,,Private: family circumstances\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["personalise", str(people), "--plan-only", "--print-file", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "unknown column" not in result.output and "private_notes" not in result.output
    out = project / "output" / "people"
    for student in ("S1", "S2"):
        assert 2 <= len(PdfReader(out / f"{student}.pdf").pages) <= 3
    assert "Adviser's note: Interested in data roles" in " ".join(text_of(out / "S1.pdf").split())
    assert "Adviser's note" not in text_of(out / "S2.pdf")  # no note, no label
    written = every_file_under(project / "output")
    assert b"Worried about money" not in written and b"family circumstances" not in written


def test_a_plan_only_copy_passes_both_pdf_ua_checkers(project: Path) -> None:
    from booklet.pdf.checkers import check_independently, executable

    if executable("outloud") is None or executable("pdfua") is None:
        pytest.skip("the PDF/UA checkers are installed by the test extra and tools/system-deps.sh")
    result = run("--id", "S6", "--name", NAME, "--route", "fast-stream", "--notes", "A note", "--plan-only")
    assert result.exit_code == 0, result.output
    copy = project / "output" / "people" / "S6.pdf"
    for verdict in check_independently([copy])[copy]:
        assert not verdict.failure and [f.line() for f in verdict.findings] == [], verdict.checker
