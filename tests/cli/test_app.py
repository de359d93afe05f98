"""The `booklet` command as people use it: output lines, exit codes, audiences, brand."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from booklet import __version__
from booklet.cli import app
from tests.conftest import ROOT

runner = CliRunner()


def test_version_via_python_dash_m():
    done = subprocess.run([sys.executable, "-m", "booklet", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"booklet {__version__}"


def test_installed_command_builds_end_to_end(project_copy):
    exe = Path(sys.executable).with_name("booklet")
    out = project_copy / "output" / "e2e.pdf"
    done = subprocess.run(
        [str(exe), "build", "--content", "content", "--output", str(out)],
        cwd=project_copy,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    pages = len(PdfReader(out).pages)
    assert re.fullmatch(rf"output/e2e\.pdf: {pages} pages, \d+ kB, \d+\.\d s", done.stdout.strip())
    assert done.stderr == ""


def test_audiences_lists_one_line_per_audience(content):
    result = runner.invoke(app, ["audiences", "--content", str(ROOT / "content")])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(content.audiences)
    for line, audience in zip(lines, content.audiences, strict=True):
        assert line.split()[0] == audience.id
        assert audience.name in line
        assert line.endswith(f"output/{audience.output}")


def test_unknown_audience_is_a_clear_error(project_copy):
    result = runner.invoke(app, ["build", "--content", str(project_copy / "content"), "--audience", "reserchers"])
    assert result.exit_code == 1
    assert "unknown audience 'reserchers'" in result.stderr
    assert "did you mean 'researchers'?" in result.stderr
    assert "Traceback" not in result.output
    assert not list((project_copy / "output").glob("*.pdf"))


def test_several_audiences_print_a_summary_table(project_copy):
    args = ["build", "--content", str(project_copy / "content"), "-a", "graduates", "-a", "researchers", "--jobs", "2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert re.search(r"graduates .* built", result.stdout)
    assert re.search(r"researchers .* built", result.stdout)
    again = runner.invoke(app, args)
    assert again.stdout.count("unchanged") == 2


def test_bad_output_suffix_is_a_usage_error(project_copy):
    result = runner.invoke(app, ["build", "--content", str(project_copy / "content"), "-o", "x.docx"])
    assert result.exit_code == 3
    assert "must end in .pdf" in result.stderr


@pytest.fixture(scope="module")
def branded(tmp_path_factory):
    out = tmp_path_factory.mktemp("brand") / "branded.pdf"
    result = runner.invoke(
        app,
        [
            "build",
            "--content",
            str(ROOT / "content"),
            "--brand",
            str(ROOT / "examples/brand/brand.yaml"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return out


def test_brand_on_cover_and_back_cover(branded):
    import pikepdf
    import yaml

    brand = yaml.safe_load((ROOT / "examples/brand/brand.yaml").read_text())
    reader = PdfReader(branded)
    cover = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    back = re.sub(r"\s+", " ", reader.pages[-1].extract_text())
    assert brand["name"] in cover
    for key in ("name", "email", "phone", "web", "hours"):
        assert brand[key] in back, key
    with pikepdf.open(branded) as pdf:
        assert str(pdf.docinfo["/Author"]) == brand["name"]


def test_poor_accent_colour_reports_the_measured_ratio(tmp_path):
    brand = tmp_path / "brand.yaml"
    brand.write_text('name: Pale Careers\naccent: "#ffdd00"\naccent_text: "#ffffff"\n')
    result = runner.invoke(
        app, ["build", "--content", str(ROOT / "content"), "--brand", str(brand), "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert re.search(r"contrast 1\.\d\d:1; text needs at least 4\.5:1", result.stderr)
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_logo_needs_alt_text(tmp_path):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    brand = tmp_path / "brand.yaml"
    brand.write_text("name: Careers\nlogo: logo.svg\n")
    result = runner.invoke(
        app, ["build", "--content", str(ROOT / "content"), "--brand", str(brand), "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert "logo needs logo_alt" in result.stderr
