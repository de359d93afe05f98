"""`booklet build --edition epub`: a reflowable EPUB 3 with the printed A4 edition's page numbers.

The first tests read the files themselves (container, package, navigation, XHTML). The
last ones run the independent checkers a publisher would: EPUBCheck (0 errors, 0 warnings)
and DAISY Ace (0 violations), on the default booklet, every audience, the Welsh and the
bilingual editions and a co-branded one. Each EPUB is built once per session and each
checker runs once per EPUB. Where a checker is missing they skip, saying how to install
it, unless run as root: `make test` as root (CI) installs both, so there they must run.
"""

from __future__ import annotations

import dataclasses
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from booklet.cli.app import app
from booklet.content.load import load_project_content
from booklet.jobs import default_workers, plan, run
from booklet.pdf.checkers import Verdict
from booklet.pdf.epub_checkers import ACE, EPUBCHECK, INSTALL, run_ace, run_epubcheck
from booklet.project import Project
from booklet.settings import Settings
from tests.conftest import CONTENT, branded_content

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AUDIENCES = ["school-leavers", "graduates", "career-changers", "researchers", "fair-handout"]
CHECKED = ["default", *AUDIENCES, "welsh", "bilingual", "branded", "bilingual-handout"]
NOTES = {
    "bilingual-handout": [
        "warning: bilingual-handout.epub: no page list: the A4 handout it would follow does not fit its pages"
    ]
}


@dataclass
class Epub:
    """A built EPUB and parsed views of its parts."""

    path: Path

    @cached_property
    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(self.path)

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    @cached_property
    def package(self):
        return self.xml("EPUB/package.opf")

    @cached_property
    def nav(self):
        return self.xml("EPUB/nav.xhtml")

    def metas(self, prop: str) -> list[str]:
        return [m.text for m in self.package.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    @cached_property
    def documents(self) -> dict[str, object]:
        """The spine's content documents (in reading order) by file name."""
        manifest = {i.get("id"): i.get("href") for i in self.package.iterfind("opf:manifest/opf:item", NS)}
        hrefs = [manifest[r.get("idref")] for r in self.package.iterfind("opf:spine/opf:itemref", NS)]
        return {href: self.xml(f"EPUB/{href}") for href in hrefs if href != "nav.xhtml"}

    def page_list(self) -> list[tuple[int, str]]:
        nav = self.nav.find(".//x:nav[@epub:type='page-list']", NS)
        return [(int(a.text), a.get("href")) for a in nav.iterfind(".//x:a", NS)]


@pytest.fixture(scope="session")
def epubs(tmp_path_factory) -> dict[str, Epub]:
    """Every distinct EPUB the tests look at, built once, in parallel."""
    folder = tmp_path_factory.mktemp("epub")
    project = Project.locate(CONTENT)
    loaded = load_project_content(project.content, project.root)
    branded = Project.locate(branded_content(tmp_path_factory.mktemp("epub-brand")))
    branded_loaded = load_project_content(branded.content, branded.root)
    wanted = [("default", project, loaded, (), Settings(edition="epub"))]
    wanted += [(name, project, loaded, (name,), Settings(edition="epub")) for name in AUDIENCES]
    # The default content has Welsh for every text: one name without it shows how English is marked.
    organisations = [
        o.model_copy(update={"name_cy": None}) if o.id == "alan-turing-institute" else o
        for o in loaded.booklet.organisations
    ]
    gap = dataclasses.replace(loaded, booklet=loaded.booklet.model_copy(update={"organisations": organisations}))
    wanted += [("welsh", project, gap, (), Settings(edition="epub", language="cy"))]
    wanted += [("bilingual", project, loaded, (), Settings(edition="epub", language="bilingual"))]
    wanted += [("branded", branded, branded_loaded, (), Settings(edition="epub"))]
    # The bilingual handout does not fit four A4 pages, so it has no printed edition to follow.
    wanted += [
        ("bilingual-handout", project, loaded, ("fair-handout",), Settings(edition="epub", language="bilingual"))
    ]
    jobs = [
        job
        for name, where, content, audiences, settings in wanted
        for job in plan(where, content, audiences, output=folder / f"{name}.epub", settings=settings)
    ]
    results = run(jobs, workers=min(default_workers(), len(jobs)), force=True)
    built = {}
    for (name, *_), result in zip(wanted, results, strict=True):
        assert result.status == "built", result.error
        assert result.warnings == NOTES.get(name, []), (name, result.warnings)
        built[name] = Epub(result.output)
    return built


# --- The files themselves --------------------------------------------------------------------------


def test_container_has_mimetype_first_and_uncompressed(epubs):
    archive = epubs["default"].zip
    first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/epub+zip"
    container = epubs["default"].xml("META-INF/container.xml")
    (rootfile,) = container.iterfind(".//c:rootfile", NS)
    assert rootfile.get("full-path") == "EPUB/package.opf"


def test_same_booklet_gives_the_same_bytes(epubs, tmp_path):
    """The zip is dated the edition's day and its identifier derives from the booklet: builds are reproducible."""
    from booklet.jobs import build

    again = build(content=CONTENT, output=tmp_path / "default.epub", settings=Settings(edition="epub"))
    assert again.output.read_bytes() == epubs["default"].path.read_bytes()


def test_package_declares_language_and_accessibility_metadata(epubs):
    book = epubs["default"]
    assert book.package.get("version") == "3.0"
    assert [e.text for e in book.package.iterfind("opf:metadata/dc:language", NS)] == ["en-GB"]
    assert book.metas("schema:accessMode") == ["textual"]
    assert book.metas("schema:accessModeSufficient") == ["textual"]
    assert set(book.metas("schema:accessibilityFeature")) == {
        "tableOfContents",
        "structuralNavigation",
        "readingOrder",
        "pageNavigation",
        "displayTransformability",
    }
    assert book.metas("schema:accessibilityHazard") == ["none"]
    (summary,) = book.metas("schema:accessibilitySummary")
    assert "page numbers of the printed A4 edition" in summary
    assert book.metas("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", book.metas("dcterms:modified")[0])
    # The page list's source: the printed edition, refined as the source of pagination.
    (source,) = book.package.iterfind("opf:metadata/dc:source", NS)
    assert source.text == "default.pdf"  # the A4 PDF of the same name
    assert book.package.find("opf:metadata/opf:meta[@property='source-of']", NS).text == "pagination"


def test_welsh_and_bilingual_editions_mark_every_language(epubs, booklet_model):
    welsh = epubs["welsh"]
    assert welsh.package.get(XML_LANG) == "cy-GB"
    assert [e.text for e in welsh.package.iterfind("opf:metadata/dc:language", NS)] == ["cy-GB"]
    (document,) = welsh.documents.values()
    assert document.get("lang") == document.get(XML_LANG) == "cy-GB"
    # Text that has no Welsh yet stays English, and says so (for a screen reader's voice), both ways XHTML reads it.
    english = [e for e in document.iter() if e.get("lang") == "en-GB"]
    assert english and all(e.get(XML_LANG) == "en-GB" for e in english)
    assert "The Alan Turing Institute" in {"".join(e.itertext()) for e in english}
    assert welsh.nav.get("lang") == "cy-GB"

    bilingual = epubs["bilingual"]
    assert [e.text for e in bilingual.package.iterfind("opf:metadata/dc:language", NS)] == ["cy-GB", "en-GB"]
    titles = [(t.get(XML_LANG), t.text) for t in bilingual.package.iterfind("opf:metadata/dc:title", NS)]
    assert titles == [(None, booklet_model.frame.title_cy), ("en-GB", booklet_model.frame.title)]
    assert {name: doc.get("lang") for name, doc in bilingual.documents.items()} == {
        "cy.xhtml": "cy-GB",
        "en.xhtml": "en-GB",
    }
    toc = bilingual.nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)
    assert [li.get("lang") for li in toc.iterfind("x:li", NS)] == [None, "en-GB"]


def test_navigation_has_contents_and_landmarks(epubs, booklet_model):
    book = epubs["default"]
    toc = book.nav.find(".//x:nav[@epub:type='toc']", NS)
    links = {a.get("href"): "".join(a.itertext()) for a in toc.iterfind(".//x:a", NS)}
    for org in booklet_model.organisations:
        assert links[f"en.xhtml#org-{org.id}"] == org.name
    for route in booklet_model.routes:
        assert links[f"en.xhtml#route-{route.id}"] == route.title
    document = book.documents["en.xhtml"]
    ids = {e.get("id") for e in document.iter() if e.get("id")}
    assert {href.partition("#")[2] for href in links} <= ids
    landmarks = book.nav.find(".//x:nav[@epub:type='landmarks']", NS)
    assert {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iterfind(".//x:a", NS)} == {
        "toc": "nav.xhtml#toc",
        "bodymatter": "en.xhtml#main",
    }


def _page_of_each_article(book: Epub) -> dict[str, int]:
    """Each organisation's and route's page in the EPUB: the page-break marker last before it."""
    pages = {}
    page = 0
    for document in book.documents.values():
        for element in document.iter():
            if element.get(EPUB_TYPE) == "pagebreak":
                page = int(element.get("aria-label"))
            elif element.tag == f"{{{NS['x']}}}article":
                pages[element.get("id")] = page
    return pages


def test_page_list_follows_the_printed_a4_edition(epubs, default_pdf, booklet_model):
    """Every page of the A4 PDF is in the page list, in order, and each organisation and route
    is on the EPUB page that the PDF prints it on."""
    book = epubs["default"]
    listed = book.page_list()
    assert [number for number, _ in listed] == list(range(1, len(default_pdf.page_texts) + 1))
    document = book.documents["en.xhtml"]
    markers = {e.get("id"): e for e in document.iter() if e.get(EPUB_TYPE) == "pagebreak"}
    for number, href in listed:
        marker = markers[href.removeprefix("en.xhtml#")]
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == str(number)
    names = {f"org-{o.id}": o.name for o in booklet_model.organisations}
    names |= {f"route-{r.id}": r.title for r in booklet_model.routes}
    pages = _page_of_each_article(book)
    assert set(pages) == set(names)
    for anchor, page in pages.items():
        assert re.sub(r"\s+", "", names[anchor]) in default_pdf.flat(page - 1), (anchor, page)


def test_every_edition_has_a_whole_page_list(epubs):
    for name, book in epubs.items():
        if name in NOTES:
            continue
        numbers = [number for number, _ in book.page_list()]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 4, name
    assert len(epubs["fair-handout"].page_list()) == 4  # the handout's four A4 pages
    assert len(epubs["bilingual"].page_list()) > len(epubs["default"].page_list())


def test_without_a_printed_edition_there_is_no_page_list(epubs):
    book = epubs["bilingual-handout"]
    assert book.nav.find(".//x:nav[@epub:type='page-list']", NS) is None
    assert not [e for d in book.documents.values() for e in d.iter() if e.get(EPUB_TYPE) == "pagebreak"]
    assert "pageNavigation" not in book.metas("schema:accessibilityFeature")
    assert book.package.find("opf:metadata/dc:source", NS) is None
    assert "page numbers" not in book.metas("schema:accessibilitySummary")[0]


def test_links_replace_qr_codes_and_checklists_are_lists(epubs, booklet_model):
    document = epubs["default"].documents["en.xhtml"]
    assert not list(document.iter(f"{{{NS['x']}}}img"))  # no QR codes (and no logo without a brand)
    assert not list(document.iter(f"{{{NS['x']}}}input"))
    hrefs = {a.get("href") for a in document.iter(f"{{{NS['x']}}}a")}
    for org in booklet_model.organisations:
        assert org.website in hrefs
    for route in booklet_model.routes:
        assert route.url in hrefs
        route_card = document.find(f".//x:article[@id='route-{route.id}']", NS)
        (checklist,) = route_card.iterfind(".//x:ol", NS)
        steps = [re.sub(r"\s+", " ", "".join(li.itertext())).strip() for li in checklist.iterfind("x:li", NS)]
        assert steps == [str(step) for step in route.steps]


def test_images_carry_their_alt_text(epubs):
    book = epubs["branded"]
    (img,) = book.documents["en.xhtml"].iter(f"{{{NS['x']}}}img")
    assert img.get("alt") == "Your Careers Service"
    assert img.get("src").startswith("images/") and img.get("src").endswith(".svg")
    item = book.package.find(f"opf:manifest/opf:item[@href='{img.get('src')}']", NS)
    assert item.get("media-type") == "image/svg+xml"
    assert book.zip.read(f"EPUB/{img.get('src')}").startswith(b"<")
    assert book.metas("schema:accessMode") == ["textual", "visual"]
    assert "alternativeText" in book.metas("schema:accessibilityFeature")


# --- The command line --------------------------------------------------------------------------------


def test_edition_option_checks_the_extension_and_html_is_the_html_edition(project_copy):
    runner = CliRunner()
    args = ["--content", str(project_copy / "content")]
    wrong = runner.invoke(app, ["build", *args, "--edition", "epub", "-o", str(project_copy / "x.pdf")])
    assert wrong.exit_code == 3
    assert "the output file must end in .epub (the EPUB edition is a .epub file: use -o" in wrong.output
    assert not (project_copy / "x.pdf").exists()
    pdf_name = runner.invoke(app, ["build", *args, "-o", str(project_copy / "x.epub")])
    assert pdf_name.exit_code == 3 and "add --edition epub for an e-book" in pdf_name.output
    both = runner.invoke(app, ["build", *args, "--html-edition", "--edition", "epub"])
    assert both.exit_code == 3 and "--html-edition cannot be combined with --edition epub" in both.output
    large = runner.invoke(app, ["build", *args, "--edition", "epub", "--large-print"])
    assert large.exit_code == 3 and "an e-book's text size is the reader's to choose" in large.output
    html = runner.invoke(app, ["build", *args, "--edition", "html", "-o", str(project_copy / "a.html"), "-q"])
    old = runner.invoke(app, ["build", *args, "--html-edition", "-o", str(project_copy / "b.html"), "-q"])
    assert html.exit_code == old.exit_code == 0, html.output + old.output
    assert (project_copy / "a.html").read_bytes() == (project_copy / "b.html").read_bytes()


def test_build_edition_epub_writes_output_name_epub(project_copy, epubs):
    result = CliRunner().invoke(app, ["build", "--content", str(project_copy / "content"), "--edition", "epub"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (project_copy / "output").iterdir() if not p.name.startswith("."))
    assert written == ["ai-careers-uk-public-sector.epub"]
    built = Epub(project_copy / "output" / written[0])
    for part in ("EPUB/en.xhtml", "EPUB/nav.xhtml", "EPUB/style.css"):
        assert built.zip.read(part) == epubs["default"].zip.read(part)
    # The page list's source is the A4 PDF that `build` writes under the same name.
    assert built.package.find("opf:metadata/dc:source", NS).text == "ai-careers-uk-public-sector.pdf"


# --- Independent checkers ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def verdicts(epubs) -> dict[tuple[str, str], Verdict]:
    """EPUBCheck's and Ace's verdict on every EPUB, two at a time."""
    tasks = [(name, checker) for name in epubs for checker in (EPUBCHECK, ACE)]
    runners = {EPUBCHECK: run_epubcheck, ACE: run_ace}
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda task: runners[task[1]](epubs[task[0]].path), tasks)
        return dict(zip(tasks, done, strict=True))


def _ran(verdict: Verdict) -> Verdict:
    if verdict.missing:
        reason = f"{verdict.checker} is not installed: {INSTALL[verdict.checker]}"
        if os.geteuid() == 0:  # `make test` as root installs it: CI must run it
            pytest.fail(reason + " (run `make test`, which installs it as root)")
        pytest.skip(reason)
    assert not verdict.failure, verdict.failure
    return verdict


@pytest.mark.parametrize("name", CHECKED)
def test_epubcheck_finds_no_errors_or_warnings(verdicts, name):
    verdict = _ran(verdicts[(name, EPUBCHECK)])
    assert [f.line() for f in verdict.findings] == []
    assert verdict.version


@pytest.mark.parametrize("name", CHECKED)
def test_ace_finds_no_violations(verdicts, name):
    verdict = _ran(verdicts[(name, ACE)])
    assert [f.line() for f in verdict.findings] == []
    assert verdict.version


def test_check_accessibility_runs_both_checkers_on_an_epub(epubs, verdicts, tmp_path):
    for checker in (EPUBCHECK, ACE):
        _ran(verdicts[("default", checker)])
    result = CliRunner().invoke(app, ["check", "--accessibility", str(epubs["default"].path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"PASS  EPUBCheck [\d.]+: 0 errors, 0 warnings", result.output)
    assert re.search(r"PASS  DAISY Ace [\d.]+: 0 violations", result.output)
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"not a zip")
    result = CliRunner().invoke(app, ["check", "--accessibility", str(broken)])
    assert result.exit_code == 1
    assert "FAIL  EPUBCheck" in result.output and "2 check(s) failed: EPUBCheck, DAISY Ace." in result.output


def test_the_checkers_catch_a_broken_epub(epubs, tmp_path):
    """The checkers are not rubber stamps: an EPUB without its language and with an image without alt fails both."""
    for checker in (EPUBCHECK, ACE):
        _ran(verdicts_of(epubs["default"].path, checker))
    source = epubs["default"]
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as out:
        for info in source.zip.infolist():
            data = source.zip.read(info)
            if info.filename == "EPUB/package.opf":
                data = data.replace(b"<dc:language>en-GB</dc:language>", b"")
            if info.filename == "EPUB/en.xhtml":
                data = data.replace(b' lang="en-GB" xml:lang="en-GB"', b"", 1)
                data = data.replace(b"<main ", b'<img src="none.png"/><main ', 1)
            out.writestr(info, data)
    epubcheck = run_epubcheck(broken)
    assert {f.rule for f in epubcheck.findings} >= {"RSC-005"}, [f.line() for f in epubcheck.findings]
    ace = run_ace(broken)
    assert ace.findings, "Ace found nothing wrong"


def verdicts_of(path: Path, checker: str) -> Verdict:
    """Only whether the checker is installed (a cheap stand-in for running it)."""
    from booklet.pdf.epub_checkers import ace_command, chromium, epubcheck_jar

    installed = epubcheck_jar() is not None if checker == EPUBCHECK else None not in (ace_command(), chromium())
    return Verdict(checker, missing=not installed)
