"""Tagged PDF/UA-1 on the real default PDF, and `booklet check --accessibility` (booklet/pdf/accessibility.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.errors import Exit
from booklet.pdf import accessibility
from booklet.pdf.accessibility import check_pdf, heading_problems, mark_page_furniture, structure_elements
from tests.render.test_clear_print import measure


def short_address(url: str) -> str:
    """How alt text names an address: no scheme, no www., no trailing slash."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def structure_elements_under(element):
    return list(accessibility._walk_structure(element))


@pytest.fixture(scope="module")
def marked_text(default_pdf) -> dict[tuple[int, int], str]:
    """(page index, marked-content id) → the characters drawn inside it."""
    return measure(Path(default_pdf.path)).marked


def element_text(tagged: pikepdf.Pdf, marked_text: dict, element) -> str:
    """The text of a structure element: the marked content it and its descendants own."""
    pages = {page.objgen: index for index, page in enumerate(tagged.pages)}
    text = []
    for node in structure_elements_under(element):
        kids = node.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int) and "/Pg" in node:
                text.append(marked_text.get((pages[node.Pg.objgen], int(kid)), ""))
    return "".join(text)


@pytest.fixture(scope="module")
def tagged(default_pdf):
    with pikepdf.open(default_pdf.path) as pdf:
        yield pdf


def test_pdf_is_tagged_pdf_ua_1_with_language_and_title(tagged, booklet_model):
    root = tagged.Root
    assert "/StructTreeRoot" in root
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang) == "en-GB"
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert str(tagged.docinfo.Title) == booklet_model.frame.title
    assert tagged.open_metadata().get("pdfuaid:part") == "1"


def test_every_figure_has_alt_text_saying_where_its_qr_code_leads(tagged, booklet_model):
    figures = [e for e in structure_elements(tagged) if str(e.S) == "/Figure"]
    alts = [str(e.get("/Alt", "")) for e in figures]
    assert figures and all(alt.strip() for alt in alts), alts
    expected = {f"QR code linking to {short_address(o.website)}" for o in booklet_model.organisations}
    expected |= {f"QR code linking to {short_address(r.url)}" for r in booklet_model.routes}
    expected.add(f"QR code linking to {short_address(booklet_model.frame.call_to_action.url)}")
    assert set(alts) == expected
    # The issue's own example, word for word.
    assert "QR code linking to civilservicejobs.service.gov.uk" in alts


def test_one_heading_hierarchy_cover_h1_sections_h2_items_h3(tagged, marked_text, booklet_model):
    elements = structure_elements(tagged)
    headings = [(int(str(e.S)[2]), e) for e in elements if re.fullmatch(r"/H[1-6]", str(e.S))]
    levels = [level for level, _ in headings]
    assert heading_problems(levels) == []
    assert levels.count(1) == 1 and levels[0] == 1
    texts = [(level, element_text(tagged, marked_text, e)) for level, e in headings]
    flat = [(level, re.sub(r"\s+", "", t)) for level, t in texts]

    def squash(text: str) -> str:
        return re.sub(r"\s+", "", text)

    frame = booklet_model.frame
    assert flat[0] == (1, squash(frame.title))
    h2 = [t for level, t in flat if level == 2]
    assert h2 == [
        squash(t)
        for t in [
            "Contents",
            "Introduction",
            frame.sections.why.heading,
            frame.sections.organisations.heading,
            frame.sections.unique.heading,
            frame.sections.routes.heading,
            frame.call_to_action.heading,
        ]
    ]
    h3 = [t for level, t in flat if level == 3]
    for org in booklet_model.organisations:
        assert squash(org.name) in h3
    for route in booklet_model.routes:
        assert squash(route.title) in h3
    assert squash(frame.sections.challenges.heading) in h3
    # Challenge and skill titles are terms of a definition list, not headings.
    assert not {squash(item.title) for item in frame.sections.challenges.items} & set(h3)


def test_reading_order_follows_the_booklet(tagged, marked_text, booklet_model):
    """The structure tree reads cover, contents, sections and back cover in printed order."""
    order = [
        element_text(tagged, marked_text, e) for e in structure_elements(tagged) if re.fullmatch(r"/H[1-6]", str(e.S))
    ]
    text = " | ".join(order)
    names = [o.name for o in booklet_model.organisations]
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
    routes = [text.index(r.title) for r in booklet_model.routes]
    assert routes == sorted(routes)
    assert text.index("Contents") < text.index("Introduction") < positions[0] < routes[0]


def test_decorations_are_artifacts_and_text_is_tagged(default_pdf):
    """Borders, card backgrounds and rules are artifacts (QR modules belong to their Figure); all text is tagged."""
    printed = measure(Path(default_pdf.path))
    assert set(printed.shape_tags) <= {"Artifact", "Figure"}, printed.shape_tags
    assert printed.shape_tags["Artifact"] > 50
    assert printed.untagged == []


def test_running_footers_become_artifacts(default_pdf, tmp_path):
    """WeasyPrint 70 tags footer text outside the tree; mark_page_furniture makes it an artifact."""
    fixed = tmp_path / "fixed.pdf"
    fixed.write_bytes(mark_page_furniture(default_pdf.path.read_bytes()))
    with pikepdf.open(default_pdf.path) as before, pikepdf.open(fixed) as after:
        assert accessibility.orphaned_mcids(after) == {}
        assert len(structure_elements(after)) == len(structure_elements(before))
    with pdfplumber.open(fixed) as pdf:
        page = pdf.pages[2]
        footer = [c for c in page.chars if c["top"] > page.height - 30 * 72 / 25.4]
        assert "".join(c["text"] for c in footer).replace(" ", "").startswith("AICareers")
        assert {c["tag"] for c in footer} == {"Artifact"}
        body = [c for c in page.chars if c["top"] < page.height / 2]
        assert body and all(c["tag"] not in (None, "Artifact") for c in body)
    report = check_pdf(fixed)
    assert report.rule("page furniture").passed
    assert report.passed
    # Idempotent: nothing left to move the second time.
    assert mark_page_furniture(fixed.read_bytes()) == fixed.read_bytes()


def test_schema_requires_alt_text_for_a_logo():
    from pydantic import ValidationError

    from booklet.content.model import Brand

    with pytest.raises(ValidationError, match="logo_alt"):
        Brand(name="Careers Service", logo="logo.png")
    assert Brand(name="Careers Service", logo="logo.png", logo_alt="Careers Service").logo_alt


def test_check_accessibility_passes_the_default_pdf_rule_by_rule(default_pdf):
    result = CliRunner().invoke(app, ["check", "--accessibility", str(default_pdf.path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for rule in ("tagged", "language", "title displayed", "headings", "alt text", "smallest text", "contrast"):
        assert any(line.strip().startswith(f"PASS  {rule}:") for line in lines), (rule, result.output)
    assert "language: en-GB" in result.output
    assert "smallest text: 12.0 pt" in result.output
    contrast = float(re.search(r"contrast: min ([\d.]+):1", result.output).group(1))
    assert contrast >= 4.5
    assert re.search(r"alt text: (\d+) of \1 figures", result.output)
    assert lines[-1] == "All checks passed: both independent PDF/UA checkers and our own rules."


def test_check_accessibility_fails_a_damaged_pdf(default_pdf, tmp_path):
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(default_pdf.path) as pdf:
        del pdf.Root["/Lang"]
        pdf.Root.ViewerPreferences.DisplayDocTitle = False
        figure = next(e for e in structure_elements(pdf) if str(e.S) == "/Figure")
        del figure["/Alt"]
        pdf.Root.MarkInfo.Marked = False
        pdf.save(damaged)
    result = CliRunner().invoke(app, ["check", "--accessibility", str(damaged)])
    assert result.exit_code == int(Exit.CONTENT), result.output
    for rule in ("tagged", "language", "title displayed", "alt text"):
        assert re.search(rf"^\s*FAIL  {rule}:", result.output, re.M), (rule, result.output)
    assert re.search(r"alt text: 11 of 12 figures; missing on page \d+", result.output)
    assert "PASS  contrast" in result.output
    # The independent checkers see the same damage, so both are named among the failures.
    assert re.search(
        r"\d+ check\(s\) failed: outloud, pdfua, tagged, language, title displayed, alt text", result.output
    )


def test_check_accessibility_measures_small_pale_text(tmp_path):
    from booklet.pdf.weasy import html_to_pdf

    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Pale</title></head><body>'
        '<h1 style="font-size:20pt">A heading</h1>'
        '<p style="font-size:9pt; color:#999999">Small grey print on white paper</p>'
        '<p style="font-size:12pt; background:#12436d; color:#1b1b1b">Dark on dark</p></body></html>'
    )
    rendered = html_to_pdf(html, [tmp_path], base_url=tmp_path)
    path = tmp_path / "pale.pdf"
    path.write_bytes(rendered.pdf)
    report = check_pdf(path)
    smallest = report.rule("smallest text")
    assert not smallest.passed and smallest.detail.startswith("9.0 pt")
    contrast = report.rule("contrast")
    assert not contrast.passed
    assert "#1b1b1b on #12436d" in contrast.detail
    assert not report.passed


def test_check_accessibility_explains_a_missing_file(tmp_path):
    result = CliRunner().invoke(app, ["check", "--accessibility", str(tmp_path / "nothing.pdf")])
    assert result.exit_code == int(Exit.USAGE)
    assert "no such PDF" in result.output + (result.stderr if result.stderr_bytes else "")


def test_heading_problems_name_the_skip():
    assert heading_problems([1, 2, 3, 2, 3]) == []
    assert heading_problems([1, 3]) == ["H1 is followed by H3"]
    assert heading_problems([2, 3])[0] == "the first heading is H2, not H1"
    assert heading_problems([]) == ["no headings"]


def test_contrast_is_measured_on_the_real_backgrounds(default_pdf):
    """Cover text is white on the accent colour, card text is ink on the tint: read from the pages."""
    samples = accessibility.text_samples(Path(default_pdf.path))
    pairs = {(s.colour, s.background) for s in samples}
    assert ("#ffffff", "#12436d") in pairs
    assert ("#1b1b1b", "#eef3f8") in pairs
    assert ("#1b1b1b", "#ffffff") in pairs
    assert min(s.contrast for s in samples) >= 4.5


@pytest.fixture(scope="module")
def branded_pdf(tmp_path_factory) -> Path:
    """The default booklet co-branded with the starter project's careers service (logo and green accent)."""
    from booklet.jobs import build
    from tests.conftest import brand_placeholder_warnings, branded_content

    folder = tmp_path_factory.mktemp("branded")
    content = branded_content(folder)
    out = folder / "branded.pdf"
    result = build(content=content, output=out, brand=content / "brand.yaml")
    assert result.warnings == brand_placeholder_warnings("brand.yaml"), result.warnings
    return out


def test_a_brand_logo_is_a_figure_with_its_alt_text_and_brand_colours_keep_contrast(branded_pdf):
    with pikepdf.open(branded_pdf) as pdf:
        alts = [str(e.get("/Alt", "")) for e in structure_elements(pdf) if str(e.S) == "/Figure"]
    assert alts.count("Your Careers Service") == 2  # cover and back cover
    assert all(alt.strip() for alt in alts)
    report = check_pdf(branded_pdf)
    assert report.passed, [rule.line() for rule in report.rules]
    samples = accessibility.text_samples(branded_pdf)
    assert ("#ffffff", "#0b5e55") in {(s.colour, s.background) for s in samples}  # the brand's cover
