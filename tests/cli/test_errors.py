"""Failures the user can see: exit codes, one-line messages, saved tracebacks, and the previous PDF kept.

Nothing here renders: the renderer is replaced by a stub returning fixed bytes,
so each failure is injected exactly where it would happen (bad content, a
render error, Ctrl-C or a full disk while writing) and the previous PDF must
come out byte for byte identical, with no temporary file left behind.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import booklet.jobs.work
import booklet.util
from booklet.cli import app
from booklet.errors import BookletError, Exit

BASE = Path(__file__).resolve().parents[1] / "invalid" / "_base" / "content"
OLD = b"%PDF-1.7\n% the previous, good booklet\n%%EOF\n"
NEW = b"%PDF-1.7\n% the new booklet " + b"x" * 100_000 + b"\n%%EOF\n"


@pytest.fixture
def project(tmp_path) -> Path:
    """A valid project whose output/ already holds a good PDF."""
    shutil.copytree(BASE, tmp_path / "content")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "booklet.pdf").write_bytes(OLD)
    return tmp_path


@pytest.fixture
def fake_render(monkeypatch):
    """Rendering that costs nothing: the new PDF is a fixed byte string."""
    monkeypatch.setattr(booklet.jobs.work, "render_job", lambda job: (NEW, 1, "<html></html>", []))


def build(project: Path):
    return CliRunner().invoke(app, ["build", "--content", str(project / "content"), "--force"])


def assert_previous_pdf_kept(project: Path) -> None:
    assert (project / "output" / "booklet.pdf").read_bytes() == OLD
    leftovers = [p.name for p in (project / "output").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


class FailingWrites:
    """Wraps os.fdopen so that writing the new PDF fails half-way with `error`."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.real = os.fdopen

    def __call__(self, fd, *args, **kwargs):
        handle = self.real(fd, *args, **kwargs)
        error = self.error

        class Handle:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                handle.close()
                return False

            def write(self, data):
                if bytes(data[:30]) == NEW[:30]:
                    handle.write(data[: len(data) // 2])
                    handle.flush()
                    raise error
                return handle.write(data)

            def __getattr__(self, name):
                return getattr(handle, name)

        return Handle()


def test_a_good_build_replaces_the_pdf(project, fake_render):
    result = build(project)
    assert result.exit_code == 0, result.output
    assert (project / "output" / "booklet.pdf").read_bytes() == NEW


def test_bad_content_keeps_the_previous_pdf(project, fake_render):
    (project / "content" / "routes.yaml").write_text("routes: not a list\n")
    result = build(project)
    assert result.exit_code == Exit.CONTENT
    assert result.stderr.startswith("error: content/routes.yaml:1:1  routes  expected a list")
    assert_previous_pdf_kept(project)


def test_a_render_error_keeps_the_previous_pdf(project, monkeypatch):
    import booklet.pdf.weasy

    def explode(*args, **kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr(booklet.pdf.weasy, "lay_out", explode)
    result = build(project)
    # An unexpected exception is a bug in booklet: its own exit code, as the message says.
    assert result.exit_code == Exit.BUG
    (line,) = result.stderr.splitlines()
    assert "could not render (RuntimeError: the renderer fell over)" in line
    assert "this is a bug in booklet" in line
    saved = Path(line.split("the full traceback is in ")[1].split(" ")[0])
    assert "RuntimeError: the renderer fell over" in saved.read_text()
    saved.unlink()
    assert_previous_pdf_kept(project)


def test_ctrl_c_while_rendering_keeps_the_previous_pdf(project, monkeypatch):
    def interrupt(job):
        raise KeyboardInterrupt

    monkeypatch.setattr(booklet.jobs.work, "render_job", interrupt)
    result = build(project)
    assert result.exit_code == Exit.INTERRUPTED
    assert result.stderr == f"interrupted: 1 left as it was ({project / 'output' / 'booklet.pdf'})\n"
    assert_previous_pdf_kept(project)


def test_ctrl_c_while_writing_keeps_the_previous_pdf(project, fake_render, monkeypatch):
    monkeypatch.setattr(booklet.util.os, "fdopen", FailingWrites(KeyboardInterrupt()))
    result = build(project)
    assert result.exit_code == Exit.INTERRUPTED
    assert result.stderr == f"interrupted: 1 left as it was ({project / 'output' / 'booklet.pdf'})\n"
    assert_previous_pdf_kept(project)


@pytest.mark.parametrize("stop_at", [1, 2, 4])
def test_ctrl_c_part_way_through_several_outputs_says_which_were_written(project, monkeypatch, stop_at):
    """The message names exactly the files that were replaced (checked against the disk) and those left alone."""
    calls = []

    def render_or_stop(job):
        calls.append(job)
        if len(calls) == stop_at:
            raise KeyboardInterrupt
        return NEW, 1, "<html></html>", []

    monkeypatch.setattr(booklet.jobs.work, "render_job", render_or_stop)
    with (project / "content" / "audiences.yaml").open("a", encoding="utf-8") as handle:
        for name in ("leavers", "changers"):
            handle.write(f"  - id: {name}\n    name: People {name}\n    output: {name}.pdf\n")
    result = CliRunner().invoke(
        app, ["build", "--content", str(project / "content"), "--all", "--jobs", "1", "--force"]
    )
    assert result.exit_code == Exit.INTERRUPTED
    (line,) = result.stderr.splitlines()
    outputs = sorted((project / "output").glob("*.pdf"))
    new = [p for p in outputs if p.read_bytes() == NEW]
    assert len(new) == stop_at - 1
    assert (project / "output" / "booklet.pdf").read_bytes() == (NEW if stop_at > 1 else OLD)
    if new:
        assert f"{len(new)} file{'s' if len(new) > 1 else ''} finished and written in full" in line
    for path in new:
        assert str(path) in line
    assert "nothing was overwritten" not in line
    assert re.search(r"\d+ left as (it was|they were)", line)


def test_a_full_disk_with_no_previous_file_does_not_claim_one(project, fake_render, monkeypatch):
    (project / "output" / "booklet.pdf").unlink()
    monkeypatch.setattr(booklet.util.os, "fdopen", FailingWrites(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    result = build(project)
    assert result.exit_code == Exit.RENDER
    assert result.stderr.rstrip().endswith("No space left on device; no file was written")
    assert "previous" not in result.stderr


def test_a_full_disk_keeps_the_previous_pdf(project, fake_render, monkeypatch):
    monkeypatch.setattr(booklet.util.os, "fdopen", FailingWrites(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    result = build(project)
    assert result.exit_code == Exit.RENDER
    (line,) = result.stderr.splitlines()
    assert line == (
        f"error: could not write {project / 'output' / 'booklet.pdf'}: No space left on device; "
        "the previous file is unchanged"
    )
    assert_previous_pdf_kept(project)


def test_a_full_disk_when_syncing_keeps_the_previous_pdf(project, fake_render, monkeypatch):
    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(booklet.util.os, "fsync", no_space)
    result = build(project)
    assert result.exit_code == Exit.RENDER
    assert_previous_pdf_kept(project)


# -- exit codes and the bug line -----------------------------------------------------------------


def test_an_internal_error_is_one_line_naming_the_saved_traceback(monkeypatch):
    import booklet.cli.check

    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(booklet.cli.check, "run_check", broken)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == Exit.BUG == 70
    (line,) = result.stderr.splitlines()
    assert line.startswith("internal error: this is a bug in booklet, not in your content; the full traceback is in ")
    saved = Path(line.split("the full traceback is in ")[1].split(" ")[0])
    text = saved.read_text()
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: oops" in text
    assert "Traceback" not in result.output
    saved.unlink()


def test_a_user_error_is_one_line_with_its_own_code(monkeypatch):
    import booklet.cli.check

    def refuse(*args, **kwargs):
        raise BookletError.single("something about the options", code=Exit.USAGE)

    monkeypatch.setattr(booklet.cli.check, "run_check", refuse)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == Exit.USAGE
    assert result.stderr == "error: something about the options\n"


def test_options_that_cannot_be_combined_print_the_message_alone(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["build", "--all", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == Exit.USAGE
    assert result.stderr == "error: --output builds one booklet; it cannot be used with --all\n"
    assert not (tmp_path / "x.pdf").exists()


def test_exit_codes_are_distinct_and_typer_parse_errors_are_two():
    assert len({int(code) for code in Exit}) == len(Exit)
    result = CliRunner().invoke(app, ["check", "--no-such-option"])
    assert result.exit_code == Exit.PARSE == 2


def test_check_exit_codes(project):
    content = project / "content"
    assert CliRunner().invoke(app, ["check", "--content", str(content)]).exit_code == Exit.OK
    stale = content / "organisations" / "gds.yaml"
    stale.write_text(stale.read_text().replace("reviewed: 2026-06-01", "reviewed: 2020-06-01"))
    warned = CliRunner().invoke(app, ["check", "--content", str(content)])
    assert warned.exit_code == Exit.OK and "warning:" in warned.stdout
    assert CliRunner().invoke(app, ["check", "--content", str(content), "--strict"]).exit_code == Exit.CONTENT
    stale.write_text(stale.read_text().replace("name:", "nmae:"))
    assert CliRunner().invoke(app, ["check", "--content", str(content)]).exit_code == Exit.CONTENT


# -- output names that do not fit the edition, or cannot be written ------------------------------


def never_render(job):
    pytest.fail("rendered although the output name was wrong")


@pytest.mark.parametrize(
    ("options", "name", "words"),
    [
        (["--html-edition"], "booklet.pdf", "must end in .html"),
        (["--html-edition"], "good.PDF", "must end in .html"),
        (["--html-edition", "--large-print"], "x.txt", "must end in .html"),
        ([], "x.html", "must end in .pdf"),
        ([], "x.htm", "must end in .pdf"),
        (["--large-print"], "x.HTML", "must end in .pdf"),
        ([], "x", "must end in .pdf"),
        (["--format", "a5"], "x.pdf.txt", "must end in .pdf"),
        (["--html-edition"], "booklet.print.html", "must not end in .print.html"),
        (["--html-edition"], "booklet.PRINT.html", "must not end in .print.html"),
    ],
)
def test_an_output_name_that_does_not_fit_the_edition_is_a_usage_error(project, monkeypatch, options, name, words):
    monkeypatch.setattr(booklet.jobs.work, "render_job", never_render)
    target = project / "output" / name
    if name.lower() == "booklet.pdf" or name == "good.PDF":
        target = project / "output" / "booklet.pdf"
    args = ["build", "--content", str(project / "content"), "-o", str(target), "--force", *options]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == Exit.USAGE, result.output
    (line,) = result.stderr.splitlines()
    assert words in line
    assert_previous_pdf_kept(project)


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (lambda out: None, "booklet.pdf/x.pdf", "booklet.pdf is a file, not a folder"),
        (lambda out: None, "booklet.pdf/deeper/x.pdf", "booklet.pdf is a file, not a folder"),
        (lambda out: (out / "folder.pdf").mkdir(), "folder.pdf", "is a folder"),
    ],
)
def test_an_output_path_that_cannot_be_written_fails_before_rendering(project, monkeypatch, make, name, words):
    monkeypatch.setattr(booklet.jobs.work, "render_job", never_render)
    make(project / "output")
    result = CliRunner().invoke(
        app, ["build", "--content", str(project / "content"), "-o", str(project / "output" / name), "--force"]
    )
    assert result.exit_code == Exit.USAGE, result.output
    assert words in result.stderr
    assert_previous_pdf_kept(project)


# -- build --html beside the HTML edition -------------------------------------------------------


def test_build_html_never_replaces_the_html_edition(project):
    content = ["--content", str(project / "content")]
    edition = CliRunner().invoke(app, ["build", *content, "--html-edition"])
    assert edition.exit_code == Exit.OK, edition.output
    (web,) = (project / "output").glob("*.html")
    before = web.read_bytes()
    printed = CliRunner().invoke(app, ["build", *content, "--html", "--force"])
    assert printed.exit_code == Exit.OK, printed.output
    assert web.read_bytes() == before, "build --html replaced the HTML edition"
    beside = web.with_name(web.stem + ".print.html")
    assert beside.is_file() and beside.read_bytes() != before
    assert sorted(p.name for p in (project / "output").glob("*.html")) == sorted([web.name, beside.name])
    assert "<name>.print.html" in CliRunner().invoke(app, ["build", "--help"]).stdout
