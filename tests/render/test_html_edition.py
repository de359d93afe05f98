"""`booklet build --html-edition`: one self-contained, responsive, accessible HTML file.

The first tests read the file itself. The rest open it in a real headless browser
(Debian's chromium, driven by Playwright) and run axe-core for WCAG 2.2 AA. They skip,
saying why, where chromium or Playwright is missing; `make test` installs chromium when
run as root, so CI runs them.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from booklet.jobs import build
from booklet.settings import Settings
from tests.conftest import CONTENT, branded_content

CHROMIUM = Path(os.environ.get("BOOKLET_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


class Page(HTMLParser):
    """The parts of the page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.headings: list[tuple[int, str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._open: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" or re.fullmatch(r"h[1-6]", tag):
            self._open.append([tag, attributes, ""])

    def handle_data(self, data: str) -> None:
        for item in self._open:
            item[2] += data

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            name, attributes, text = self._open.pop()
            text = re.sub(r"\s+", " ", text).strip()
            if name == "a":
                self.links.append((attributes.get("href", ""), text))
            else:
                self.headings.append((int(name[1]), text))


@pytest.fixture(scope="session")
def html_edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("web") / "booklet.html"
    result = build(content=CONTENT, output=out, settings=Settings(edition="web"))
    assert result.status == "built" and result.warnings == []
    return out


@pytest.fixture(scope="session")
def large_print_edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("web-large") / "booklet.html"
    build(content=CONTENT, output=out, settings=Settings(edition="web", large_print=True))
    return out


@pytest.fixture(scope="session")
def branded_edition(tmp_path_factory) -> Path:
    """The HTML edition co-branded with the starter project's careers service (logo, contact details)."""
    folder = tmp_path_factory.mktemp("web-branded")
    content = branded_content(folder)
    out = folder / "branded.html"
    build(content=content, output=out, settings=Settings(edition="web"), brand=content / "brand.yaml")
    return out


@pytest.fixture(scope="session")
def page(html_edition) -> Page:
    return Page(html_edition.read_text(encoding="utf-8"))


# --- The file ------------------------------------------------------------------------------


def test_is_one_self_contained_file(html_edition, page):
    html = html_edition.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not [t for t, a in page.tags if t in ("link", "script", "iframe", "object", "embed")]
    for tag, attributes in page.tags:
        if "src" in attributes:
            assert attributes["src"].startswith("data:"), (tag, attributes["src"][:60])
    assert "file:" not in html
    assert not re.search(r"url\((?!['\"]?data:)", html), "a stylesheet fetches something"
    assert ("html", {"lang": "en-GB"}) in page.tags
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.tags


def test_links_replace_qr_codes(html_edition, page, booklet_model):
    html = html_edition.read_text(encoding="utf-8")
    assert "QR code" not in html and "<img" not in html  # the default has no brand logo
    hrefs = {href for href, _ in page.links}
    for org in booklet_model.organisations:
        assert org.website in hrefs
        assert (
            org.website,
            f"{org.name} on {re.sub(r'^https://(www.)?', '', org.website).split('/')[0]}",
        ) in page.links
    for route in booklet_model.routes:
        assert route.url in hrefs
    cta = booklet_model.frame.call_to_action
    assert (cta.url, cta.label) in page.links
    # Link text says where it goes: never a bare "click here" or "website".
    vague = [text for _, text in page.links if text.lower() in ("click here", "here", "website", "more", "link")]
    assert not vague


def test_skip_link_and_contents_links_point_to_existing_ids(page, booklet_model):
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert page.links[0] == ("#main", "Skip to main content")
    internal = [href[1:] for href, _ in page.links if href.startswith("#")]
    missing = [target for target in internal if target not in page.ids]
    assert not missing
    for org in booklet_model.organisations:
        assert f"org-{org.id}" in internal
    for route in booklet_model.routes:
        assert f"route-{route.id}" in internal


def test_one_heading_hierarchy(page, booklet_model):
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(after <= before + 1 for before, after in pairwise(levels))
    assert page.headings[0] == (1, booklet_model.frame.title)
    h3 = {text for level, text in page.headings if level == 3}
    assert {o.name for o in booklet_model.organisations} <= h3
    assert {r.title for r in booklet_model.routes} <= h3


def test_the_same_content_as_the_booklet(html_edition, booklet_model):
    html = re.sub(r"\s+", " ", html_edition.read_text(encoding="utf-8").replace("&#39;", "'").replace("&amp;", "&"))
    frame = booklet_model.frame
    for paragraph in frame.introduction:
        assert re.sub(r"\s+", " ", paragraph) in html
    for org in booklet_model.organisations:
        assert org.summary in html and all(role in html for role in org.roles)
    for route in booklet_model.routes:
        assert all(step in html for step in route.steps)
    for item in frame.sections.challenges.items + frame.sections.skills.items + frame.sections.why.items:
        assert item.title in html and item.text in html


def test_has_a_print_stylesheet(html_edition):
    html = html_edition.read_text(encoding="utf-8")
    print_css = html[html.index("@media print") :]
    assert ".skip-link" in print_css and "display: none" in print_css
    assert 'content: " (" attr(href) ")"' in print_css


def test_a_brand_adds_its_logo_with_alt_text_and_its_contact_details(branded_edition):
    branded = Page(branded_edition.read_text(encoding="utf-8"))
    logos = [a for t, a in branded.tags if t == "img"]
    assert len(logos) == 1 and logos[0]["alt"] == "Your Careers Service"
    assert logos[0]["src"].startswith("data:image/svg+xml")
    assert ("mailto:careers@example.ac.uk", "careers@example.ac.uk") in branded.links
    assert (2, "Your Careers Service") in branded.headings


def test_large_print_edition_uses_16_pt_text(large_print_edition):
    html = large_print_edition.read_text(encoding="utf-8")
    assert "--body-size: 16pt" in html


# --- In a real browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM}: `make test` installs it when run as root "
            "(or: sudo apt-get install chromium; BOOKLET_CHROMIUM=/path/to/chromium to use another)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser):
    pages = []

    def opener(path: Path, viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, reduced_motion="reduce")
        tab = context.new_page()
        pages.append(context)
        tab.goto(path.resolve().as_uri())
        return tab

    yield opener
    for context in pages:
        context.close()


def axe_violations(tab) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_wcag_2_2_aa_violations(open_page, html_edition, viewport):
    tab = open_page(html_edition, viewport)
    assert axe_violations(tab) == []


def test_axe_finds_no_violations_in_large_print_branded_or_print_media(
    open_page, large_print_edition, branded_edition, html_edition
):
    assert axe_violations(open_page(large_print_edition, PHONE)) == []
    assert axe_violations(open_page(branded_edition, DESKTOP)) == []
    tab = open_page(html_edition)
    tab.emulate_media(media="print")
    assert axe_violations(tab) == []


def test_skip_link_is_first_visible_on_focus_and_moves_focus_to_main(open_page, html_edition):
    tab = open_page(html_edition, PHONE)
    skip = tab.locator(".skip-link")
    assert not skip.evaluate("e => e.getBoundingClientRect().right > 0")  # hidden until focused
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to main content"
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 100 and box["height"] > 20
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    assert tab.evaluate("location.hash") == "#main"
    # The next Tab lands on the first link inside the main content, not back in the contents.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('main') !== null")


def test_contents_links_jump_to_their_sections(open_page, html_edition, booklet_model):
    tab = open_page(html_edition)
    targets = tab.eval_on_selector_all(
        "nav.contents a", "links => links.map(a => document.getElementById(a.hash.slice(1)) !== null)"
    )
    assert targets and all(targets)
    last = booklet_model.routes[-1]
    tab.click(f"nav.contents a[href='#route-{last.id}']")
    top = tab.evaluate(f"document.getElementById('route-{last.id}').getBoundingClientRect().top")
    assert 0 <= top < 50


@pytest.mark.parametrize("width", [320, 768, 1280])
def test_reflows_without_sideways_scrolling(open_page, html_edition, width):
    tab = open_page(html_edition, {"width": width, "height": 800})
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    sidebar = tab.evaluate("getComputedStyle(document.querySelector('.layout')).display")
    assert sidebar == ("grid" if width >= 1024 else "block")


def test_fetches_nothing_but_itself(browser, html_edition):
    context = browser.new_context()
    tab = context.new_page()
    requests = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(html_edition.resolve().as_uri())
    tab.wait_for_load_state("networkidle")
    context.close()
    assert [url for url in requests if not url.startswith("data:")] == [html_edition.resolve().as_uri()]


def test_print_media_hides_navigation_aids_and_writes_out_addresses(open_page, html_edition, booklet_model):
    tab = open_page(html_edition)
    tab.emulate_media(media="print")
    assert tab.evaluate("getComputedStyle(document.querySelector('.skip-link')).display") == "none"
    org = booklet_model.organisations[0]
    after = tab.evaluate(f"getComputedStyle(document.querySelector('#org-{org.id} .more a'), '::after').content")
    assert org.website in after
    size = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('#introduction p')).fontSize)")
    assert size >= 16  # 12 pt


@pytest.mark.parametrize("language", ["cy", "bilingual"])
def test_axe_finds_no_violations_in_welsh_and_bilingual_editions(open_page, tmp_path, language):
    out = tmp_path / f"{language}.html"
    build(content=CONTENT, output=out, settings=Settings(edition="web", language=language))
    tab = open_page(out, DESKTOP)
    assert axe_violations(tab) == []
    tab.screenshot(path=str(tmp_path / f"{language}.png"))
    # Every element whose text is in the other language says so.
    assert tab.locator("[lang='en-GB']").count() > 0
