"""The default booklet, checked on the real PDF: text, pages, contents, fonts, QR codes, metadata."""

from __future__ import annotations

import re

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from booklet.jobs.plan import printed_html_path

A4 = (595.28, 841.89)  # points
MM = 72 / 25.4


def test_every_page_is_a4_portrait(default_pdf):
    assert default_pdf.result.pages == len(default_pdf.reader.pages)
    for page in default_pdf.reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(A4[0], abs=0.5)
        assert height == pytest.approx(A4[1], abs=0.5)


def test_all_seed_headings_are_in_the_text(default_pdf, booklet_model):
    frame = booklet_model.frame
    wanted = [frame.title, frame.strapline, frame.call_to_action.heading, frame.call_to_action.label]
    for key in ("why", "challenges", "skills"):
        section = getattr(frame.sections, key)
        wanted.append(section.heading)
        wanted += [item.title for item in section.items]
    wanted += [org.name for org in booklet_model.organisations]
    wanted += [route.title for route in booklet_model.routes]
    text = re.sub(r"\s+", " ", default_pdf.text)
    missing = [w for w in wanted if w not in text]
    assert not missing
    assert len(booklet_model.organisations) == 6
    assert len(booklet_model.routes) == 5
    assert len(frame.sections.why.items) == 4
    assert len(frame.sections.challenges.items) == 5
    assert len(frame.sections.skills.items) == 5


def test_introduction_and_roles_are_printed(default_pdf, booklet_model):
    flat = re.sub(r"\s+", "", default_pdf.text)
    for paragraph in booklet_model.frame.introduction:
        assert re.sub(r"\s+", "", paragraph) in flat
    for org in booklet_model.organisations:
        for role in org.roles:
            assert re.sub(r"\s+", "", role) in flat


def contents_entries(default_pdf) -> dict[str, int]:
    """Title → page number, read from the contents page's dot leaders."""
    index = next(i for i, t in enumerate(default_pdf.page_texts) if t.lstrip().startswith("Contents"))
    entries = {}
    for line in default_pdf.page_texts[index].splitlines():
        match = re.match(r"^(.*?)\s*(?:\.\s?){3,}\s*(\d+)\s*$", line.strip())
        if match:
            entries[match.group(1).strip()] = int(match.group(2))
    return entries


def assert_contents_pages_correct(built, booklet_model) -> dict[str, int]:
    """Every contents entry (all organisations and routes among them) names the page its heading is on."""
    entries = contents_entries(built)
    expected_titles = [org.name for org in booklet_model.organisations]
    expected_titles += [route.title for route in booklet_model.routes]
    expected_titles += [booklet_model.frame.sections.why.heading, "Introduction"]
    assert set(expected_titles) <= set(entries)
    # A title may be named before its heading (routes at a glance lists the routes), so the page of its
    # heading is the outline's (bookmarks are made from the headings themselves).
    marks = list(outline_pages(built))
    outline = dict(marks)
    assert len(outline) == len(marks), "a title is bookmarked twice"
    for title, number in entries.items():
        assert title in re.sub(r"\s+", " ", built.page_texts[number - 1]), (title, number)
        if title in outline:
            assert outline[title] == number, f"{title}: contents says {number}, heading is on {outline[title]}"
    assert set(expected_titles) - {"Introduction"} <= set(outline)
    return entries


def outline_pages(built):
    """(title, page) of every bookmark, in order."""
    reader = built.reader

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title, reader.get_destination_page_number(item) + 1

    return walk(reader.outline)


def test_contents_page_numbers_match_real_pages(default_pdf, booklet_model):
    assert_contents_pages_correct(default_pdf, booklet_model)


def test_outline_has_sections_and_organisations(default_pdf, booklet_model):
    outline = dict(outline_pages(default_pdf))
    entries = contents_entries(default_pdf)
    for org in booklet_model.organisations:
        assert outline[org.name] == entries[org.name]
    for key in ("why", "challenges", "skills", "organisations", "routes"):
        heading = getattr(booklet_model.frame.sections, key).heading
        assert heading in outline


def test_metadata_title_language_and_author(default_pdf, booklet_model):
    with pikepdf.open(default_pdf.path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        info = pdf.docinfo
        assert str(info["/Title"]) == booklet_model.frame.title
        assert str(info["/Author"]) == booklet_model.frame.publisher
        assert str(info["/Subject"]) == booklet_model.frame.subject
        assert "careers" in str(info["/Keywords"])


def test_every_font_is_embedded(default_pdf):
    seen = 0
    with pikepdf.open(default_pdf.path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendants = font.get("/DescendantFonts")
                target = descendants[0] if descendants else font
                descriptor = target.get("/FontDescriptor")
                assert descriptor is not None, font.get("/BaseFont")
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                assert "Booklet-Sans" in str(font.BaseFont)
                seen += 1
    assert seen


def test_footer_on_inner_pages_but_not_cover(default_pdf, booklet_model):
    total = len(default_pdf.page_texts)
    assert "Page 1 of" not in default_pdf.page_texts[0]
    for number in range(2, total):
        text = default_pdf.page_texts[number - 1]
        assert f"Page {number} of {total}" in text
        assert booklet_model.frame.title in text


def decoded_codes(path, index: int) -> list[str]:
    document = pdfium.PdfDocument(path)
    image = document[index].render(scale=200 / 72).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_every_qr_code_decodes_to_the_address_printed_beside_it(default_pdf, booklet_model):
    addresses = {org.website for org in booklet_model.organisations}
    addresses |= {route.url for route in booklet_model.routes}
    addresses.add(booklet_model.frame.call_to_action.url)
    decoded_all = set()
    for index in range(len(default_pdf.page_texts)):
        codes = decoded_codes(default_pdf.path, index)
        flat = default_pdf.flat(index)
        for code in codes:
            assert code in flat, f"page {index + 1}: QR {code} not printed on the page"
        printed = {a for a in addresses if a in flat}
        assert printed <= set(codes), f"page {index + 1}: printed {printed - set(codes)} without a QR"
        decoded_all |= set(codes)
    assert decoded_all == addresses


def test_html_is_written_beside_the_pdf(default_pdf):
    html = printed_html_path(default_pdf.path).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert 'lang="en-GB"' in html
