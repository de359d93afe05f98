"""The handout's promise: at most four A4 pages for any content, or a clear failure.

The build lays a handout out, counts its pages and compacts it (two columns, routes
on the organisations' page, 15 mm QR codes, no summaries, one step per route) until
it fits; text never goes below 12 pt. When even the most compact handout is too long
the build fails with exit code 1, a message naming the pages it would take and what
did not fit, and the previous file untouched.
"""

from __future__ import annotations

import pdfplumber
from typer.testing import CliRunner

from booklet.cli import app
from booklet.errors import Exit
from booklet.jobs.fit import HANDOUT_PAGES, LEVELS, fit_handout


def test_a_handout_of_many_organisations_fits_four_pages(many26):
    handout = many26.handout
    assert handout.result.pages == len(handout.reader.pages) <= HANDOUT_PAGES
    text = handout.text
    # Every organisation and route the audience chose is there (nothing dropped to make it fit).
    for index in range(0, 26, 3):
        assert f"example-organisation-{index:03d}" in handout.flat(1) + handout.flat(2)
    for route in ("Graduate scheme", "Apprenticeship", "Internship", "Fellowship", "Welsh public sector"):
        assert route in text


def test_a_compacted_handout_keeps_clear_print_sizes(many26):
    with pdfplumber.open(many26.handout.path) as pdf:
        sizes = {round(char["size"], 1) for page in pdf.pages for char in page.chars if char["text"].strip()}
    assert min(sizes) >= 12


def test_a_handout_that_cannot_fit_fails_clearly_and_keeps_the_old_file(many100):
    root, _ = many100
    previous = root / "output" / "fair.pdf"
    previous.write_bytes(b"%PDF-1.7 the previous handout")
    result = CliRunner().invoke(app, ["build", "--content", str(root / "content"), "--audience", "fair", "--force"])
    assert result.exit_code == Exit.CONTENT == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: content/audiences.yaml:17:3  layout  the handout would take 7 A4 pages even at its most compact, "
        "and a handout has at most 4: only 21 of 34 organisations and 0 of 5 entry routes fit; the first that do "
        "not: org-063, org-066, org-069, org-072 and 14 more (exclude some with organisations.exclude or "
        "routes.exclude, or use layout: booklet)"
    ]
    assert previous.read_bytes() == b"%PDF-1.7 the previous handout"


class Pages:
    """Stands in for a laid-out document: only its page count matters to the search."""

    def __init__(self, pages: int) -> None:
        self.pages = pages


def test_the_search_lays_out_few_times_and_picks_the_least_compaction():
    for needed in range(1, max(LEVELS) + 1):
        made: list[int] = []

        def lay_out(level: int, needed: int = needed, made: list[int] = made) -> Pages:
            made.append(level)
            return Pages(HANDOUT_PAGES if level >= needed else HANDOUT_PAGES + 2)

        laid, level, count = fit_handout(lay_out, None)  # type: ignore[arg-type]
        assert level == needed and laid.pages == HANDOUT_PAGES
        assert count == len(made) <= 5 and len(set(made)) == len(made)
