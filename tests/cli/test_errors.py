"""Failures the user can see: exit codes, one-line messages, saved tracebacks, and the previous PDF kept.

Nothing here renders: the renderer is replaced by a stub returning fixed bytes,
so each failure is injected exactly where it would happen (bad content, a
render error, Ctrl-C or a full disk while writing) and the previous PDF must
come out byte for byte identical, with no temporary file left behind.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import booklet.build.pipeline
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
    monkeypatch.setattr(booklet.build.pipeline, "render_job", lambda job: (NEW, 1, "<html></html>", []))


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

    monkeypatch.setattr(booklet.build.pipeline, "render_job", interrupt)
    result = build(project)
    assert result.exit_code == Exit.INTERRUPTED
    assert result.stderr == "interrupted: nothing was overwritten\n"
    assert_previous_pdf_kept(project)


def test_ctrl_c_while_writing_keeps_the_previous_pdf(project, fake_render, monkeypatch):
    monkeypatch.setattr(booklet.util.os, "fdopen", FailingWrites(KeyboardInterrupt()))
    result = build(project)
    assert result.exit_code == Exit.INTERRUPTED
    assert result.stderr == "interrupted: nothing was overwritten\n"
    assert_previous_pdf_kept(project)


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
    assert result.stderr == "error: -  -  something about the options\n"


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
