"""`booklet preview`: page PNGs and a contact sheet, built from an up-to-date PDF."""

from __future__ import annotations

import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from booklet.cli import app
from booklet.cli.init import init_project
from booklet.cli.preview import SHEET_COLUMNS, SHEET_THUMB_WIDTH, make_previews, parse_pages
from booklet.errors import BookletError, Exit
from tests.conftest import STARTER_PLACEHOLDERS


@pytest.mark.parametrize(
    ("spec", "pages"),
    [
        (None, [1, 2, 3, 4, 5, 6, 7]),
        ("", [1, 2, 3, 4, 5, 6, 7]),
        ("1-4", [1, 2, 3, 4]),
        ("3", [3]),
        ("1,3,5", [1, 3, 5]),
        ("5-", [5, 6, 7]),
        ("-2", [1, 2]),
        ("2-3, 3-4", [2, 3, 4]),
        ("6-10", [6, 7]),
    ],
)
def test_page_ranges(spec, pages):
    assert parse_pages(spec, 7) == pages


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("x", "is not a page or a range"),
        ("-", "is not a page or a range"),
        ("0-2", "pages start at 1"),
        ("4-2", "pages start at 1"),
        ("8", "the booklet has only 7 pages"),
    ],
)
def test_bad_page_ranges(spec, message):
    with pytest.raises(BookletError, match=message) as caught:
        parse_pages(spec, 7)
    assert caught.value.code == Exit.USAGE


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preview") / "p"
    init_project(folder, print_line=lambda _line: None)
    return folder


def test_pages_and_contact_sheet(project):
    errors: list[str] = []
    paths = make_previews(project / "content", print_error=errors.append)
    # The starter's placeholder texts are listed as warnings; nothing else goes wrong.
    assert [line.split("  warning: ")[0] for line in errors] == STARTER_PLACEHOLDERS, errors
    folder = project / "output" / "preview"
    names = [p.name for p in paths]
    pages = len(PdfReader(project / "output" / "careers-in-your-sector.pdf").pages)
    assert pages >= 6
    assert names == [f"careers-in-your-sector-page-{n:02d}.png" for n in range(1, pages + 1)] + [
        "careers-in-your-sector-contact-sheet.png"
    ]
    assert all(p.parent == folder for p in paths)
    with Image.open(paths[0]) as page:
        # A4 at 50 dpi: 210 mm × 297 mm.
        width, height = page.size
        assert abs(width - 210 / 25.4 * 50) <= 1 and abs(height - 297 / 25.4 * 50) <= 1
    with Image.open(paths[-1]) as sheet:
        rows = -(-7 // SHEET_COLUMNS)
        assert sheet.width > SHEET_COLUMNS * SHEET_THUMB_WIDTH
        assert sheet.height > rows * SHEET_THUMB_WIDTH * 297 / 210
        # The cover is dark (the brand's accent); the gaps are light grey.
        assert sheet.getpixel((40, 40))[1] < 120
        assert sheet.getpixel((5, 5)) == (232, 232, 232)


def test_reuses_an_up_to_date_pdf_and_drops_stale_pages(project):
    make_previews(project / "content")
    pdf = project / "output" / "careers-in-your-sector.pdf"
    before = pdf.stat().st_mtime_ns
    paths = make_previews(project / "content", pages="2-3", dpi=30)
    assert pdf.stat().st_mtime_ns == before
    assert [p.name for p in paths[:-1]] == ["careers-in-your-sector-page-02.png", "careers-in-your-sector-page-03.png"]
    left = sorted(p.name for p in (project / "output" / "preview").glob("careers-in-your-sector-page-*.png"))
    assert left == [p.name for p in paths[:-1]]


def test_rebuilds_a_changed_booklet(project):
    booklet = project / "content" / "booklet.yaml"
    original = booklet.read_text(encoding="utf-8")
    pdf = project / "output" / "careers-in-your-sector.pdf"
    make_previews(project / "content", pages="1")
    before = pdf.stat().st_mtime_ns
    booklet.write_text(original.replace("title: Careers in Your Sector", "title: Careers in Health"), encoding="utf-8")
    try:
        make_previews(project / "content", pages="1")
    finally:
        booklet.write_text(original, encoding="utf-8")
    assert pdf.stat().st_mtime_ns != before


def test_an_audience(project):
    paths = make_previews(project / "content", audience="fair-handout", pages="1-2")
    assert [p.name for p in paths] == [
        "careers-in-your-sector-handout-page-01.png",
        "careers-in-your-sector-handout-page-02.png",
        "careers-in-your-sector-handout-contact-sheet.png",
    ]


def test_unknown_audience(project):
    with pytest.raises(BookletError, match="unknown audience 'fair'"):
        make_previews(project / "content", audience="fair")


def test_command(project, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["preview", "--pages", "1", "--dpi", "20"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        "output/preview/careers-in-your-sector-page-01.png",
        "output/preview/careers-in-your-sector-contact-sheet.png",
    ]
    assert [line.split("  warning: ")[0] for line in result.stderr.splitlines()] == STARTER_PLACEHOLDERS
    bad = CliRunner().invoke(app, ["preview", "--pages", "99"])
    assert bad.exit_code == Exit.USAGE
    pages = len(PdfReader(project / "output" / "careers-in-your-sector.pdf").pages)
    assert f"the booklet has only {pages} pages" in bad.output
