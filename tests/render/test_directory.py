"""Layouts that hold up with many organisations: the directory, the contents page, addresses and links.

Measured on real PDFs of generated projects (tests/many.py): 26 and 100 organisations
with long, Welsh and ampersand names. Page fill comes from pdfplumber's word boxes, QR
codes are decoded with zxing-cpp from pages rendered by poppler, and each contents
entry's page number is checked against the page its heading is really on.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
import zxingcpp
from PIL import Image

from booklet.content.model import DIRECTORY_ABOVE
from booklet.render.html import display_url, link_urls
from tests.many import organisation

MM = 72 / 25.4
A4_TOP, A4_BOTTOM = 20 * MM, 24 * MM  # booklet.css @page margins
ORG_URL = re.compile(r"https://www\.example-organisation-(\d{3})\.gov\.uk")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def directory_pages(pdf) -> list[int]:
    """0-based pages of the organisations section: those printing a generated organisation's address."""
    return [i for i, text in enumerate(pdf.page_texts) if ORG_URL.search(flat(text))]


def fill(path: Path, index: int) -> float:
    """How far down the text area the page's content reaches (0 to 1), the running footer left out."""
    with pdfplumber.open(path) as doc:
        page = doc.pages[index]
        bottom_of_area = page.height - A4_BOTTOM
        words = [w for w in page.extract_words() if w["bottom"] <= bottom_of_area]
        lowest = max(w["bottom"] for w in words)
        return (lowest - A4_TOP) / (bottom_of_area - A4_TOP)


def test_many_organisations_get_the_directory(many26):
    text = many26.default.text
    assert len(set(ORG_URL.findall(flat(text)))) == 26 > DIRECTORY_ABOVE
    assert "Typical roles:" in text  # the directory entry's run-in roles, not the card's list
    assert "Cyngor Sir Ynys Môn" in text and "Driver & Vehicle Licensing Agency" in text


@pytest.mark.parametrize("size", [26, 100])
def test_directory_pages_hold_five_and_are_two_thirds_full(size, many26, many100):
    pdf = many26.default if size == 26 else many100[1]
    pages = directory_pages(pdf)
    assert len(pages) >= 5
    assert pages == list(range(pages[0], pages[-1] + 1))  # one run of pages
    for index in pages[:-1]:  # the last page of the section may be short
        on_page = set(ORG_URL.findall(flat(pdf.page_texts[index])))
        assert len(on_page) >= 5, (index + 1, sorted(on_page))
        assert fill(pdf.path, index) >= 2 / 3, index + 1
    printed = [n for i in pages for n in dict.fromkeys(ORG_URL.findall(flat(pdf.page_texts[i])))]
    assert printed == [f"{n:03d}" for n in range(size)]  # every organisation once, in order


def test_cards_layout_is_kept_for_few_organisations(default_pdf):
    assert "Typical roles" in default_pdf.text
    assert "Typical roles:" not in default_pdf.text


def test_profiles_setting_forces_a_layout(tmp_path):
    from booklet.jobs import build
    from tests.many import many_project

    root = many_project(tmp_path, 8, handout=False)  # auto would print cards
    frame = root / "content" / "booklet.yaml"
    frame.write_text(frame.read_text() + "profiles: directory\n")
    result = build(content=root / "content", output=root / "output" / "four.pdf")
    text = "\n".join(page.extract_text() for page in pdfplumber.open(result.output).pages)
    assert "Typical roles:" in text


def qr_codes(path: Path, index: int, tmp_path: Path, dpi: int = 200) -> list[tuple[str, float]]:
    """(text, width in mm) of every QR code zxing-cpp finds on a page rendered at `dpi`."""
    stem = tmp_path / f"page-{index}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(index + 1), "-l", str(index + 1), path, stem],
        check=True,
    )
    found = []
    for code in zxingcpp.read_barcodes(Image.open(f"{stem}.png"), formats=zxingcpp.BarcodeFormat.QRCode):
        width_px = abs(code.position.top_right.x - code.position.top_left.x)
        found.append((code.text, width_px / dpi * 25.4))
    return found


def test_directory_qr_codes_decode_at_their_size(many26, tmp_path):
    pdf = many26.default
    for index in directory_pages(pdf)[:2]:
        decoded = qr_codes(pdf.path, index, tmp_path)
        on_page = list(dict.fromkeys(ORG_URL.findall(flat(pdf.page_texts[index]))))
        assert sorted(text for text, _ in decoded) == sorted(organisation(int(n))["website"] for n in on_page)
        assert all(width >= 18 for _, width in decoded), decoded


def test_handout_qr_codes_decode_and_are_at_least_15_mm(many26, tmp_path):
    pdf = many26.handout
    decoded = [code for index in range(1, pdf.result.pages - 1) for code in qr_codes(pdf.path, index, tmp_path)]
    assert len(decoded) == 5  # one per route
    assert all(text.startswith("https://www.example-route-") for text, _ in decoded)
    assert all(width >= 14.8 for _, width in decoded), decoded  # 15 mm, less a pixel of rendering


CONTENTS_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\.\s?){3,}\s*(?P<page>\d+)$")


@pytest.mark.parametrize("which", ["default", "many26", "many100"])
def test_contents_is_one_page_and_its_numbers_are_real(which, default_pdf, many26, many100):
    pdf = {"default": default_pdf, "many26": many26.default, "many100": many100[1]}[which]
    contents = pdf.page_texts[1]
    assert contents.startswith("Contents")
    assert not pdf.page_texts[2].startswith("Contents")  # nothing spilled onto a second page
    entries = [m.groupdict() for m in map(CONTENTS_LINE.match, contents.splitlines()) if m]
    assert len(entries) >= 8
    for entry in entries:
        title = re.sub(r" \(\d+ organisations\)$", "", entry["title"])
        page = int(entry["page"])
        assert flat(title) in flat(pdf.page_texts[page - 1]), (title, page)


def test_contents_names_the_directory_once_with_its_count(many100):
    contents = many100[1].page_texts[1]
    assert "Key Public Sector AI Organisations (100 organisations)" in contents
    assert "Cyngor Sir Ynys Môn" not in contents


def lines_of(pdf) -> list[str]:
    return [line.strip() for text in pdf.page_texts for line in text.splitlines()]


@pytest.mark.parametrize("which", ["a5", "handout", "default"])
def test_addresses_never_break_after_the_scheme(which, many26):
    pdf = getattr(many26, which)
    lines = lines_of(pdf)
    assert not [line for line in lines if re.search(r"https?://(www\.)?$", line)]
    # Where an address does break, the line ends after "/", "." or a hyphen, never inside a word.
    long = "https://www.example-organisation-009.gov.uk/careers/data-and-artificial-intelligence/graduate-roles"
    assert long in flat(pdf.text)
    for index, line in enumerate(lines[:-1]):
        if line.startswith("https://") and line not in long and flat(line + lines[index + 1]) in long:
            assert line[-1] in "/.-", line


def test_display_url_marks_breaks_and_escapes():
    marked = display_url("https://www.gov.uk/a-b/c?x=1&y=<2>")
    assert str(marked) == (
        '<span class="url-start">https://www.</span>\u200bgov.\u200buk/\u200ba-b/\u200bc?x=1&amp;y=&lt;2&gt;'
    )


def test_step_addresses_become_safe_links():
    html = str(link_urls('See https://www.gov.uk/jobs. Then <b>"http://old.example.com"</b> (https://a.gov.uk/x).'))
    assert html.count("<a ") == 2
    assert '<a href="https://www.gov.uk/jobs">' in html  # the full stop stays outside the link
    assert '<a href="https://a.gov.uk/x">' in html  # so does the closing bracket
    assert "&lt;b&gt;&#34;http://old.example.com&#34;&lt;/b&gt;" in html  # not https: text, and escaped
    assert "<b>" not in html


def test_a_step_address_is_a_link_in_the_pdf(many26):
    from pypdf import PdfReader

    reader = PdfReader(many26.default.path)
    uris = {
        annot.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/A")
    }
    assert "https://www.gov.uk/government/organisations" in uris


@pytest.mark.parametrize("which", ["default", "handout", "a5"])
def test_new_layouts_pass_the_accessibility_rules(which, many26):
    from booklet.pdf.accessibility import check_pdf

    report = check_pdf(getattr(many26, which).path)
    assert report.passed, [f"{r.name}: {r.detail}" for r in report.rules if not r.passed]
