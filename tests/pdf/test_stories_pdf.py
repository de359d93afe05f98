"""A booklet with stories, organisation logos and a glossary (tests/stories.py): printed in place, tagged,
and clean for both independent PDF/UA checkers and our own rules, in A4, A5, bilingual, large print and duplex."""

from __future__ import annotations

import re

import pikepdf
import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.pdf.accessibility import figures
from booklet.pdf.checkers import check_independently
from booklet.settings import Settings
from tests.conftest import BuiltPdf, _built
from tests.stories import stories_project

EDITIONS = {
    "a4": Settings(),
    "a5": Settings(page_size="A5"),
    "bilingual": Settings(language="bilingual"),
    "large-print": Settings(large_print=True),
    "duplex": Settings(duplex=True),
}
OWN_RULES = ["a4", "large-print", "bilingual"]
KNOWN: dict[tuple[str, str], list[str]] = {}
"""Findings known and accepted, by (edition, checker): none."""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, BuiltPdf]:
    root = stories_project(tmp_path_factory.mktemp("stories-pdf"))
    return {name: _built(root, output=root / "output" / f"{name}.pdf", settings=s) for name, s in EDITIONS.items()}


@pytest.mark.parametrize("checker", ["outloud", "pdfua"])
def test_both_checkers_find_nothing(built, checker):
    verdicts = check_independently([b.path for b in built.values()])
    report = {}
    for name, pdf in built.items():
        verdict = next(v for v in verdicts[pdf.path] if v.checker == checker)
        assert not verdict.missing and not verdict.failure, (name, verdict.failure)
        if [f.rule for f in verdict.findings] != KNOWN.get((name, checker), []):
            report[name] = [f.line() for f in verdict.findings]
    assert report == {}


@pytest.mark.parametrize("name", OWN_RULES)
def test_our_own_accessibility_rules_pass(built, name):
    result = CliRunner().invoke(app, ["check", "--accessibility", str(built[name].path)])
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


def test_each_story_prints_after_what_it_names(built):
    text = re.sub(r"\s+", " ", " ".join(built["a4"].page_texts[2:]))  # after the contents
    gds, priya, ukhsa = (
        text.index(s) for s in ("Government Digital Service (GDS)", "Priya, Data", "UK Health Security")
    )
    assert gds < priya < ukhsa
    morgan, turing = text.index("Morgan, Epidemiologist"), text.index("The Alan Turing Institute")
    assert ukhsa < morgan < turing
    # Jordan names the Fast Stream route (no organisation): after that route's checklist, before the next route.
    names = ("Fast Stream UK government", "Jordan, Fast Stream", "NHS Internships Entry point")
    fast, jordan, nhs = (text.index(s) for s in names)
    assert fast < jordan < nhs


def test_invented_people_are_labelled_and_real_ones_are_not(built):
    text = re.sub(r"\s+", " ", built["a4"].text)
    assert text.count("Illustrative example") == 2
    assert "Illustrative example Jordan" in text and "Illustrative example Morgan" in text
    assert "Illustrative example Priya" not in text
    welsh_half = re.sub(r"\s+", " ", built["bilingual"].text)
    assert "Enghraifft ddychmygol Morgan, Epidemiolegydd" in welsh_half
    assert "Mae ein modelau’n helpu’r wlad i baratoi." in welsh_half


def test_photos_and_logos_are_figures_with_alt_and_a_decorative_picture_is_not(built):
    with pikepdf.open(built["a4"].path) as pdf:
        alts = [alt for alt, _ in figures(pdf)]
    assert None not in alts
    assert {"Priya at her desk, smiling", "GDS logo", "UKHSA logo"} <= set(alts)
    assert not [a for a in alts if "Jordan" in a]
    with pikepdf.open(built["bilingual"].path) as pdf:
        alts = [alt for alt, _ in figures(pdf)]
    assert "Logo GDS" in alts and "GDS logo" in alts  # each half its own language


def test_glossary_is_a_page_in_the_contents(built):
    pages = built["a4"].page_texts
    # Its own page, or run on after a short last page of routes (the balancer's choice).
    [page] = [i for i, t in enumerate(pages) if i > 1 and re.search(r"^Glossary$", t, re.M)]
    assert "Success Profiles" in pages[page] and "Civil Service Jobs" in pages[page]
    contents = re.sub(r"\s+", " ", pages[1])
    assert re.search(rf"Glossary[ .]*{page + 1}\b", contents), contents


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_pages_with_stories_meet_the_fill_targets(built, name):
    """A story may go on to the next page like a card (its label, name and quote kept together), so the
    balancer can fill the pages around it: no edition warns about a short page."""
    assert [w for w in built[name].result.warnings if "% full" in w] == []


def test_duplex_chapters_start_on_the_right_and_the_glossary_runs_on(built):
    """In duplex the chapters open on right-hand pages; the glossary after the routes may follow them on
    the same page rather than leave a short page and a blank one before it. A blank page carries its
    line and nothing else: not the "(continued)" title of the card that ended the chapter before it."""
    pages = built["duplex"].page_texts
    starts = {
        h: next(i + 1 for i, t in enumerate(pages) if i > 1 and re.search(rf"^{h}$", t, re.M))
        for h in (
            "Introduction",
            "Key Public Sector AI Organisations",
            "Unique Aspects of Public Sector AI",
            "Getting Your Foot In",
            "Glossary",
        )
    }
    assert all(n % 2 == 1 for h, n in starts.items() if h != "Glossary"), starts
    glossary = pages[starts["Glossary"] - 1]
    assert "Research Fellowships" in glossary, glossary  # the last route ends on the glossary's page
    blank = [t.strip() for t in pages if "intentionally left blank" in t]
    assert blank and set(blank) == {"This page is intentionally left blank"}, blank
