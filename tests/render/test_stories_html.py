"""Stories, organisation logos and the glossary in the HTML and EPUB editions: glossary links on first use,
alt text, decorative pictures, and the checkers (axe in Chromium, EPUBCheck, DAISY Ace) clean."""

from __future__ import annotations

import re
import zipfile

import pytest

from booklet.jobs import build
from booklet.pdf.epub_checkers import run_ace, run_epubcheck
from booklet.settings import Settings
from tests.render.test_epub import _ran
from tests.render.test_html_edition import DESKTOP, PHONE, Page, axe_violations, browser, open_page  # noqa: F401
from tests.stories import stories_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return stories_project(tmp_path_factory.mktemp("stories-html"))


@pytest.fixture(scope="module")
def html_edition(project):
    out = project / "output" / "stories.html"
    result = build(content=project / "content", output=out, settings=Settings(edition="web"))
    assert result.status == "built" and not result.warnings, result.warnings
    return out


@pytest.fixture(scope="module")
def bilingual_edition(project):
    out = project / "output" / "stories-bilingual.html"
    build(content=project / "content", output=out, settings=Settings(edition="web", language="bilingual"))
    return out


@pytest.fixture(scope="module")
def epub(project):
    out = project / "output" / "stories.epub"
    result = build(content=project / "content", output=out, settings=Settings(edition="epub"))
    assert result.status == "built", result.error
    return out


def test_first_use_of_each_term_links_to_its_glossary_entry(html_edition):
    html = html_edition.read_text(encoding="utf-8")
    page = Page(html)
    term_links = [(href, text) for href, text in page.links if href.startswith("#term-")]
    # Once each, though the Fast Stream is named many times; never in a heading (the route titles).
    assert sorted(href for href, _ in term_links) == [
        "#term-civil-service-jobs",
        "#term-fast-stream",
        "#term-success-profiles",
    ]
    assert {"term-fast-stream", "term-success-profiles", "term-civil-service-jobs", "glossary"} <= set(page.ids)
    headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S)
    assert [h for h in headings if "Fast Stream" in h] and not [h for h in headings if "term-link" in h]
    assert ("#glossary", "Glossary") in page.links  # the contents names the page


def test_each_half_of_a_bilingual_edition_links_to_its_own_glossary(bilingual_edition):
    page = Page(bilingual_edition.read_text(encoding="utf-8"))
    hrefs = [href for href, _ in page.links if "-term-" in href]
    assert "#cy-term-llwybr-carlam" in hrefs and "#en-term-fast-stream" in hrefs
    assert {h.removeprefix("#") for h in hrefs} <= set(page.ids)


def test_photos_and_logos_have_alt_text_and_a_decorative_picture_is_no_image(html_edition):
    html = html_edition.read_text(encoding="utf-8")
    page = Page(html)
    alts = {a["alt"] for t, a in page.tags if t == "img" and "qr" not in a.get("class", "")}
    assert {"Priya at her desk, smiling", "GDS logo", "UKHSA logo"} <= alts
    jordan = re.search(r'<aside class="story illustrative with-photo" id="story-jordan".*?</aside>', html, re.S)
    assert jordan and "<img" not in jordan.group(0) and 'role="presentation"' in jordan.group(0)
    assert "Illustrative example" in jordan.group(0) and "Illustration: booklet tests, CC0" in jordan.group(0)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violations(open_page, html_edition, viewport):  # noqa: F811
    assert axe_violations(open_page(html_edition, viewport)) == []


def test_epub_carries_the_photo_as_a_file_and_passes_epubcheck(epub):
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        body = book.read("EPUB/en.xhtml").decode("utf-8")
    assert any(n.endswith(".jpg") for n in names) and any(n.endswith(".png") for n in names)
    assert 'alt="Priya at her desk, smiling"' in body and 'href="#term-fast-stream"' in body
    verdict = _ran(run_epubcheck(epub))
    assert [f.line() for f in verdict.findings] == []


def test_ace_finds_no_violations_in_the_epub(epub):
    verdict = _ran(run_ace(epub))
    assert [f.line() for f in verdict.findings] == []
