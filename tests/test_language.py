"""Welsh and bilingual editions: content model, check --language cy, catalogues, PDFs and HTML."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from typer.testing import CliRunner

from booklet.cli.app import app
from booklet.content.load import load_project_content
from booklet.jobs import build
from booklet.render import i18n
from booklet.render.html import render_html
from booklet.settings import Settings
from booklet.tailor.language import Foreign, in_language

from .conftest import CONTENT, ROOT, BuiltPdf, brand_placeholder_warnings

WELSH_LETTERS = "âêîôûŵŷÂÊÎÔÛŴŶïëÏË"
INTERFACE_EN = [
    "Contents",
    "Introduction",
    "Typical roles",
    "Website",
    "My notes",
    "Page ",
    "Edition:",
    "Careers guide",
]


def _pdf(tmp_path_factory, name: str, settings: Settings) -> BuiltPdf:
    out = tmp_path_factory.mktemp(name) / f"{name}.pdf"
    result = build(content=CONTENT, output=out, settings=settings)
    # No WeasyPrint warning. A page-fill warning is allowed here: the bilingual large-print A5 edition
    # is not among the editions whose fill is a target (tests/pdf/test_fill.py asserts those).
    assert [w for w in result.warnings if "% full" not in w] == [], result.warnings
    return BuiltPdf(out, result)


@pytest.fixture(scope="session")
def welsh_pdf(tmp_path_factory) -> BuiltPdf:
    return _pdf(tmp_path_factory, "cy", Settings(language="cy"))


@pytest.fixture(scope="session")
def bilingual_pdf(tmp_path_factory) -> BuiltPdf:
    return _pdf(tmp_path_factory, "bilingual", Settings(language="bilingual"))


@pytest.fixture(scope="session")
def bilingual_a5_large(tmp_path_factory) -> BuiltPdf:
    return _pdf(tmp_path_factory, "bilingual-a5-lp", Settings(language="bilingual", page_size="A5", large_print=True))


# Catalogues -------------------------------------------------------------------------------------


def _template_messages() -> set[str]:
    """Every message the templates and Python code mark, extracted the way pybabel does."""
    from babel.messages.extract import extract_from_dir

    found = set()
    for folder, method in ((ROOT / "styles", "jinja2"), (ROOT / "booklet", "python")):
        mapping = [("**.j2", "jinja2")] if method == "jinja2" else [("**.py", "python")]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=mapping, keywords={"_": None, "N_": None}
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_interface_string_has_welsh():
    with i18n.catalogue_path("cy").open("rb") as po:
        catalogue = read_po(po)
    welsh = {m.id: m.string for m in catalogue if m.id}
    messages = _template_messages()
    assert len(messages) > 20
    missing = sorted(m for m in messages if not welsh.get(m))
    assert missing == [], f"no Welsh for: {missing} (run pybabel update and translate)"
    for message in messages:  # placeholders survive translation
        assert sorted(__import__("re").findall(r"%\(\w+\)s", welsh[message])) == sorted(
            __import__("re").findall(r"%\(\w+\)s", message)
        ), message


def test_known_translations_and_dates():
    _ = i18n.gettext_for("cy")
    assert _("Contents") == "Cynnwys"
    assert _("My notes") == "Fy nodiadau"
    assert _("Typical roles") == "Rolau nodweddiadol"
    assert _("Page %(page)s of %(pages)s", page=3, pages=10) == "Tudalen 3 o 10"
    assert i18n.format_day(dt.date(2026, 11, 28), "cy") == "28 Tachwedd 2026"
    assert i18n.format_day(dt.date(2026, 11, 28), "en") == "28 November 2026"


def test_catalogue_ships_as_package_data():
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "booklet.locale.cy.LC_MESSAGES" in setuptools["packages"]
    assert setuptools["package-data"]["booklet.locale.cy.LC_MESSAGES"] == ["*.po"]
    assert i18n.catalogue_path("cy").is_file()


# Content model and check ---------------------------------------------------------------------


def without_welsh_name(booklet, org_id: str):
    """The booklet with one organisation's Welsh name taken away (the default content has Welsh for all)."""
    organisations = [o.model_copy(update={"name_cy": None}) if o.id == org_id else o for o in booklet.organisations]
    return booklet.model_copy(update={"organisations": organisations})


def test_welsh_sits_beside_english_and_tailors(booklet_model):
    welsh = in_language(without_welsh_name(booklet_model, "alan-turing-institute"), "cy")
    gds = next(o for o in welsh.organisations if o.id == "gds")
    assert gds.name == "Gwasanaeth Digidol y Llywodraeth (GDS)"
    assert gds.roles == ["Gwyddonwyr Data", "Peirianwyr AI", "Cynghorwyr Polisi"]
    turing = next(o for o in welsh.organisations if o.id == "alan-turing-institute")
    assert isinstance(turing.name, Foreign) and turing.name.lang == "en-GB"  # falls back, marked English
    assert welsh.frame.language == "cy-GB"
    assert in_language(booklet_model, "en").organisations[0].name == booklet_model.organisations[0].name


def test_check_language_cy_reports_each_field_without_welsh(project_copy):
    runner = CliRunner()
    office = project_copy / "content" / "organisations" / "office-for-ai.yaml"
    office.write_text(office.read_text().replace("name_cy: Y Swyddfa AI\n", ""))
    content = str(project_copy / "content")
    result = runner.invoke(app, ["check", "--content", content, "--language", "cy"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "has no Welsh version" in line]
    assert "content/organisations/office-for-ai.yaml:3:1  name  warning: has no Welsh version" in "\n".join(lines)
    assert not any("organisations/gds.yaml" in line for line in lines)
    assert not any("booklet.yaml" in line and "sections" in line for line in lines)
    strict = runner.invoke(app, ["check", "--content", content, "--language", "cy", "--strict"])
    assert strict.exit_code == 1
    assert runner.invoke(app, ["check", "--content", str(CONTENT), "--language", "cy", "--strict"]).exit_code == 0
    plain = runner.invoke(app, ["check", "--content", content])
    assert "Welsh" not in plain.stdout


def test_paired_lists_must_match(project_copy):
    path = project_copy / "content" / "organisations" / "gds.yaml"
    path.write_text(path.read_text().replace("  - Cynghorwyr Polisi\n", ""))
    loaded = load_project_content(project_copy / "content", project_copy)
    assert any("roles_cy has 2 items and roles 3" in p.line() for p in loaded.errors), [p.line() for p in loaded.errors]


def test_bilingual_order_from_booklet_yaml(project_copy, booklet_model):
    html = render_html(booklet_model, Settings(language="bilingual"))
    assert html.index('lang="cy-GB"') < html.index('class="edition edition-en"')
    english_first = booklet_model.model_copy(
        update={"frame": booklet_model.frame.model_copy(update={"bilingual_order": ["en", "cy"]})}
    )
    html = render_html(english_first, Settings(language="bilingual"))
    assert html.index('class="edition edition-en"') < html.index('class="edition edition-cy"')
    assert '<html lang="en-GB">' in html


# PDFs --------------------------------------------------------------------------------------------


def _lang_tags(path: Path) -> dict[str, set[str]]:
    """Structure type → the /Lang values set on elements of that type."""
    found: dict[str, set[str]] = {}
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary):
                continue
            if "/Lang" in node:
                found.setdefault(str(node.get("/S")), set()).add(str(node.Lang))
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
        found["document"] = {str(pdf.Root.Lang)}
    return found


def test_welsh_edition_has_no_english_interface_words(welsh_pdf):
    text = welsh_pdf.text
    for word in ("Cynnwys", "Cyflwyniad", "Rolau nodweddiadol", "Gwefan", "Fy nodiadau", "Tudalen 3 o", "Tachwedd"):
        assert word in text, word
    for word in INTERFACE_EN:
        assert word not in text, word
    assert "Gwasanaeth Digidol y Llywodraeth" in text


def test_welsh_pdf_lang(welsh_pdf, project_copy):
    tags = _lang_tags(welsh_pdf.path)
    assert tags["document"] == {"cy-GB"}
    assert "/Span" not in tags  # the default content has Welsh for every text
    office = project_copy / "content" / "organisations" / "office-for-ai.yaml"
    office.write_text(office.read_text().replace("name_cy: Y Swyddfa AI\n", ""))
    out = project_copy / "output" / "cy.pdf"
    assert build(content=project_copy / "content", output=out, settings=Settings(language="cy")).status == "built"
    assert _lang_tags(out)["/Span"] == {"en-GB"}  # an untranslated name, read as English


def test_bilingual_pdf(bilingual_pdf, welsh_pdf):
    tags = _lang_tags(bilingual_pdf.path)
    assert tags["document"] == {"cy-GB"}
    assert tags["/Div"] == {"cy-GB", "en-GB"}
    texts = bilingual_pdf.page_texts
    assert "Cynnwys" in texts[1] and "Tudalen 2 o" in texts[1]
    english_start = next(i for i, t in enumerate(texts) if "Contents" in t)
    assert english_start > len(texts) // 3
    assert f"Page {english_start + 1} of {len(texts)}" in texts[english_start]
    outline = [item.title for item in bilingual_pdf.reader.outline if not isinstance(item, list)]
    assert "Cynnwys" in outline and "Contents" in outline


def test_bilingual_contents_page_numbers_are_right(bilingual_pdf):
    texts = bilingual_pdf.page_texts
    start = next(i for i, t in enumerate(texts) if "Contents" in t)
    english_contents = texts[start]
    line = next(line for line in english_contents.splitlines() if line.startswith("Key Public Sector AI"))
    page = int(line.rstrip(".").split(".")[-1].strip().split()[-1])
    assert "Key Public Sector AI Organisations" in texts[page - 1]


def test_our_accessibility_rules_pass_a_bilingual_edition(bilingual_pdf):
    """Each language's half is a booklet with its own H1: the heading rule checks each half's outline."""
    result = CliRunner().invoke(app, ["check", "--accessibility", str(bilingual_pdf.path)])
    assert result.exit_code == 0, result.output
    assert "headings: 2 H1" in result.output and "no level skipped" in result.output


def test_the_heading_rule_still_finds_a_second_h1_in_one_half():
    from booklet.pdf.accessibility import heading_problems

    assert heading_problems([1, 2, 1, 2]) == ["2 H1 headings, expected exactly 1"]


def test_bilingual_a5_large_print(bilingual_a5_large):
    page = bilingual_a5_large.reader.pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 148
    assert "Cynnwys" in bilingual_a5_large.text and "Contents" in bilingual_a5_large.text


def test_bilingual_saddle_and_brand(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for name in ("brand.yaml", "logo.svg"):
        shutil.copy(ROOT / "booklet" / "starter" / "content" / name, content / name)
    out = tmp_path / "saddle.pdf"
    result = build(
        content=content,
        output=out,
        settings=Settings(language="bilingual", imposition="saddle", page_size="A5", forms=False),
    )
    # The starter's brand is placeholder text; a page-fill warning may come too (a branded saddle
    # edition is not among the editions whose fill is a target: tests/pdf/test_fill.py).
    assert [w for w in result.warnings if "% full" not in w] == brand_placeholder_warnings("content/brand.yaml")
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) % 2 == 0
        box = pdf.pages[0].mediabox
        assert round(float(box[2]) / 72 * 25.4) == 297  # A4 landscape sheets
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Dosbarthwyd gan:" in text and "Handed out by" in text
    assert "Barod i Gael Effaith Gyhoeddus?" in text and "Ready to Make a Public Impact?" in text


def test_embedded_font_has_every_welsh_letter(tmp_path):
    source = tmp_path / "content"
    shutil.copytree(CONTENT, source)
    frame = source / "booklet.yaml"
    frame.write_text(frame.read_text().replace("strapline_cy: ", f"strapline_cy: {WELSH_LETTERS} ", 1))
    out = tmp_path / "letters.pdf"
    result = build(content=source, output=out, settings=Settings(language="cy"))
    assert result.warnings == []
    covered: set[int] = set()
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                data = descendant.FontDescriptor.get("/FontFile2") or descendant.FontDescriptor.get("/FontFile3")
                if data is None:
                    continue
                (tmp_path / "f.ttf").write_bytes(data.read_bytes())
                ttf = TTFont(tmp_path / "f.ttf")
                glyphs = set(ttf.getGlyphOrder())
                assert len(glyphs) > 1
            # The letters come back out as text: each was drawn with a real glyph and a ToUnicode entry.
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    covered = {c for c in WELSH_LETTERS if c in text}
    assert covered == set(WELSH_LETTERS)
    from booklet.render import fonts

    for path in fonts.font_files().values():
        cmap = TTFont(path).getBestCmap()
        assert all(ord(c) in cmap for c in WELSH_LETTERS), path


def test_checkers_find_nothing_new_in_welsh_editions(default_pdf, welsh_pdf, bilingual_pdf):
    outloud = shutil.which("outloud") or str(Path(sys.executable).parent / "outloud")
    if not Path(outloud).exists():
        pytest.skip("outloud is not installed")

    def rules(path: Path) -> dict[str, int]:
        report = subprocess.run(
            [outloud, "--json", "-", "--fail-on", "never", str(path)], capture_output=True, text=True, check=True
        )
        result = json.loads(report.stdout)["results"][0]
        return {f["rule"]: f.get("count", 1) for f in result["findings"]}

    english = rules(default_pdf.path)
    assert set(rules(welsh_pdf.path)) <= set(english)
    bilingual = rules(bilingual_pdf.path)
    assert set(bilingual) <= set(english)
    assert all(bilingual[r] <= 2 * english[r] for r in bilingual)


# HTML edition ------------------------------------------------------------------------------------


def test_html_editions_link_and_mark_language(booklet_model, tmp_path):
    gap = without_welsh_name(booklet_model, "alan-turing-institute")
    web = render_html(gap, Settings(edition="web", language="bilingual"))
    assert web.count("<main") == 1
    assert 'href="#en"' in web and 'href="#cy"' in web
    assert '<span lang="en-GB">The Alan Turing Institute</span>' in web
    ids = __import__("re").findall(r'\bid="([^"]+)"', web)
    assert len(ids) == len(set(ids))
    result = build(content=CONTENT, output=tmp_path / "cy.html", settings=Settings(edition="web", language="cy"))
    html = (tmp_path / "cy.html").read_text()
    assert result.status == "built" and '<html lang="cy-GB">' in html
    assert 'hreflang="en-GB"' in html and "ai-careers-uk-public-sector.html" in html
    assert "Neidio i&#39;r prif gynnwys" in html or "Neidio i'r prif gynnwys" in html


def test_build_in_welsh_says_how_much_is_still_english(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    runner = CliRunner()
    done = runner.invoke(app, ["build", "--language", "cy", "--edition", "braille"])
    assert done.exit_code == 0 and "Welsh" not in done.stderr  # the default content has Welsh for every text
    office = project_copy / "content" / "organisations" / "office-for-ai.yaml"
    office.write_text(office.read_text().replace("name_cy: Y Swyddfa AI\n", ""))
    done = runner.invoke(app, ["build", "--language", "cy", "--edition", "braille"])
    assert done.exit_code == 0
    assert done.stderr.splitlines()[-1] == "1 of 92 texts has no Welsh yet: booklet check --language cy lists them"


def test_a_shorter_checklist_cuts_the_welsh_steps_too(content):
    from booklet.tailor.audience import tailor

    handout = tailor(content.booklet, content.audience("fair-handout"))
    welsh = in_language(handout, "cy")
    assert all(len(route.steps) == 2 for route in welsh.routes)
    assert welsh.routes[0].steps[0].startswith("Crëwch gyfrif")
