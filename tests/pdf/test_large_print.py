"""`booklet build --large-print`: the same booklet with 16 pt body text and larger headings."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.jobs import build
from booklet.pdf.accessibility import check_pdf
from booklet.settings import Settings
from tests.conftest import CONTENT, BuiltPdf
from tests.pdf.test_booklet_pdf import assert_contents_pages_correct
from tests.render.test_clear_print import measure, running_text

LARGE_PT = 16.0


@pytest.fixture(scope="module")
def large_pdf(tmp_path_factory) -> BuiltPdf:
    out = tmp_path_factory.mktemp("large") / "booklet-large-print.pdf"
    result = build(content=CONTENT, output=out, settings=Settings(large_print=True))
    assert result.warnings == [], result.warnings
    return BuiltPdf(out, result)


@pytest.fixture(scope="module")
def large_printed(large_pdf):
    return measure(Path(large_pdf.path))


def test_body_text_is_at_least_16_pt_everywhere(large_printed):
    sizes = large_printed.sizes
    assert sizes.most_common(1)[0][0] == LARGE_PT
    # Nothing is printed smaller than the body, not even the running footer.
    assert min(sizes) >= LARGE_PT


def test_headings_are_larger_than_in_the_default_booklet(large_printed, default_pdf):
    def heading_sizes(printed) -> dict[str, float]:
        found: dict[str, float] = {}
        for _, lines in printed.lines:
            for line in lines:
                found.setdefault(line["text"], line["size"])
        return found

    default, large = heading_sizes(measure(Path(default_pdf.path))), heading_sizes(large_printed)
    for heading in ("Introduction", "Key Public Sector AI Organisations", "UK Health Security Agency"):
        assert large[heading] > default[heading] >= 12, heading
        assert large[heading] >= 20


def test_more_pages_and_contents_page_numbers_still_correct(large_pdf, default_pdf, booklet_model):
    assert large_pdf.result.pages > default_pdf.result.pages
    assert_contents_pages_correct(large_pdf, booklet_model)
    # The footer counts the new total.
    total = len(large_pdf.page_texts)
    assert f"Page 3 of {total}" in large_pdf.page_texts[2]


def test_large_print_keeps_clear_print_line_spacing(large_printed):
    for number, lines in large_printed.lines:
        for line in lines:
            if not running_text(line["size"], LARGE_PT):
                continue
            below = [o for o in lines if o["top"] > line["top"] + 1 and o["x0"] < line["x1"] and o["x1"] > line["x0"]]
            following = min(below, key=lambda o: o["top"], default=None)
            if following is not None and following["size"] == line["size"]:
                assert (following["top"] - line["top"]) / line["size"] >= 1.49, (number, line["text"])


def test_large_print_passes_the_accessibility_check(large_pdf):
    report = check_pdf(large_pdf.path, min_size=LARGE_PT)
    failed = [rule.line() for rule in report.rules if rule.required and not rule.passed]
    assert not failed
    assert report.rule("smallest text").detail.startswith("16.0 pt")


def test_large_print_combines_with_an_audience(project_copy):
    result = CliRunner().invoke(
        app,
        ["build", "--content", str(project_copy / "content"), "--audience", "graduates", "--large-print", "-j", "1"],
    )
    assert result.exit_code == 0, result.output
    built = list((project_copy / "output").glob("*graduates*large-print*.pdf"))
    assert len(built) == 1, list((project_copy / "output").iterdir())
    printed = measure(built[0])
    assert min(printed.sizes) >= LARGE_PT
    text = " ".join(line["text"] for _, lines in printed.lines for line in lines)
    assert "For students and graduates" in text


def test_large_print_wins_over_the_a5_page_size(tmp_path):
    """The A5 stylesheet shrinks cover and back-cover type; large print must keep it at 16 pt or more."""
    out = tmp_path / "a5-large.pdf"
    result = build(content=CONTENT, output=out, settings=Settings(page_size="A5", large_print=True))
    # Large print A5 is the one edition that misses a page-fill target (tests/pdf/test_fill.py KNOWN_SHORT).
    assert [w for w in result.warnings if "% full" not in w] == []
    assert min(measure(out).sizes) >= LARGE_PT
