"""Every command's --help shows an example; shell completion and `python -m booklet` work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from booklet.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
SCRIPT = Path(sys.executable).parent / "booklet"


def test_the_commands_are_found():
    assert {"build", "check", "init", "preview", "schema", "audiences", "watch"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command):
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert f"Example: booklet {command}" in result.output, (
        f"`booklet {command} --help` shows no example: add a line 'Example: booklet {command} ...' "
        "to the command's docstring"
    )


def test_top_level_help_has_an_example():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "Example: booklet build" in result.output


def test_short_help_option():
    result = CliRunner().invoke(app, ["init", "-h"])
    assert result.exit_code == 0 and "Example: booklet init" in result.output


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


@pytest.mark.skipif(not SCRIPT.exists(), reason="the booklet script is not installed beside this Python")
@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [("booklet pre", 1, "preview"), ("booklet build --imp", 2, "--imposition"), ("booklet build --format ", 3, "a5")],
)
def test_shell_completion(words, cword, expected):
    run = _run(str(SCRIPT), env={"_BOOKLET_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert run.returncode == 0, run.stderr
    assert expected in run.stdout.split()


@pytest.mark.skipif(not SCRIPT.exists(), reason="the booklet script is not installed beside this Python")
def test_completion_script():
    run = _run(str(SCRIPT), "--show-completion", "bash")
    assert run.returncode == 0, run.stderr
    assert "_booklet_completion" in run.stdout and "complete " in run.stdout


def test_python_m_booklet():
    run = _run(sys.executable, "-m", "booklet", "--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("booklet ")


@pytest.mark.parametrize("command", ["build", "personalise"])
def test_help_names_the_extra_to_install_in_full(command):
    """Rich reads `[cluster]` as markup and drops it unless it is escaped."""
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert "Needs booklet[cluster]" in result.output, result.output
