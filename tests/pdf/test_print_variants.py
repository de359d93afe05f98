"""Print variants on real PDFs: A5, saddle-stitched A5 on A4 sheets, print-ready, duplex, PDF/A-3u.

Each variant is rendered once per session (all in one parallel run) and every
variant must open and render in three independent readers: qpdf (pikepdf),
pdfium (pypdfium2) and poppler (pdftoppm).

Run as a script to check any PDFs in the three readers (`make verify` does):
    python -m tests.pdf.test_print_variants output/*.pdf
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from typer.testing import CliRunner

from booklet.errors import Exit
from booklet.pdf.imposition import A4_LANDSCAPE, counts
from tests.conftest import BLANK_TEXT, CONTENT, LARGE_VARIANTS, VARIANTS, BuiltPdf
from tests.pdf.test_booklet_pdf import contents_entries

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
A4 = (210 * MM, 297 * MM)


def sizes(path: Path) -> list[tuple[float, float]]:
    with pikepdf.open(path) as pdf:
        return [(float(p.trimbox[2] - p.trimbox[0]), float(p.trimbox[3] - p.trimbox[1])) for p in pdf.pages]


def page_of(built: BuiltPdf, text: str, after: int = 0) -> int:
    """1-based number of the first page after page `after` whose text contains `text`."""
    flat = re.sub(r"\s+", "", text)
    return next(i + 1 for i in range(after, len(built.page_texts)) if flat in built.flat(i))


# --- A5 -------------------------------------------------------------------------------


def test_a5_pages_are_a5_portrait(variants):
    a5 = variants["a5"]
    assert a5.result.pages == len(a5.reader.pages)
    assert sizes(a5.path) == [pytest.approx(A5, abs=0.5)] * a5.result.pages


def test_a5_contents_page_numbers_match_real_pages(variants, booklet_model):
    a5 = variants["a5"]
    entries = contents_entries(a5)
    titles = [org.name for org in booklet_model.organisations] + [r.title for r in booklet_model.routes]
    assert set(titles) <= set(entries)
    contents = page_of(a5, "Contents")
    for title, number in entries.items():
        assert page_of(a5, title, after=contents) == number, title


def test_a5_covers_fill_one_page_and_cards_split_only_with_their_title(variants, booklet_model):
    """Cards may split to fill the pages (booklet/jobs/balance.py); a card's last part is on the
    page it starts on or the next, and a checklist's last step too."""
    a5 = variants["a5"]
    frame = booklet_model.frame
    assert page_of(a5, frame.title) == 1 and page_of(a5, "Contents") == 2
    last = a5.result.pages
    assert page_of(a5, frame.call_to_action.heading, after=2) == last
    assert re.sub(r"\s+", "", frame.call_to_action.url) in a5.flat(last - 1)
    assert frame.call_to_action.heading not in a5.page_texts[last - 2]
    for org in booklet_model.organisations:
        page = page_of(a5, org.name, after=2)
        assert org.website in a5.flat(page - 1) + a5.flat(page), f"{org.name}: card runs past the next page"
    for route in booklet_model.routes:
        page = page_of(a5, route.title, after=2)
        last_step = re.sub(r"\s+", "", route.steps[-1])
        assert last_step in a5.flat(page - 1) + a5.flat(page), f"{route.title}: checklist runs past the next page"


def test_a5_text_stays_inside_the_page_margins(variants):
    document = pdfium.PdfDocument(variants["a5"].path)
    for index, page in enumerate(document):
        width, height = page.get_size()
        text = page.get_textpage()
        for i in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(i)
            if right > left:  # spaces have empty boxes
                assert 13 * MM <= left and right <= width - 13 * MM, f"page {index + 1}: text beyond the margin"
                assert bottom >= 8 * MM and top <= height - 8 * MM, f"page {index + 1}: text off the page"


def test_a5_qr_codes_still_scan(variants, booklet_model):
    addresses = {org.website for org in booklet_model.organisations} | {r.url for r in booklet_model.routes}
    addresses.add(booklet_model.frame.call_to_action.url)
    document = pdfium.PdfDocument(variants["a5"].path)
    decoded = set()
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        decoded |= {code.text for code in zxingcpp.read_barcodes(image)}
    assert decoded == addresses


# --- Saddle-stitched A5 on A4 sheets ---------------------------------------------------


def half_texts(path: Path, index: int) -> tuple[str, str]:
    document = pdfium.PdfDocument(path)
    page = document[index]
    width, height = page.get_size()
    text = page.get_textpage()
    return (text.get_text_bounded(0, 0, width / 2, height), text.get_text_bounded(width / 2, 0, width, height))


def test_imposed_sides_are_a4_landscape_and_half_the_padded_pages(variants):
    saddle, a5 = variants["saddle"], variants["a5"]
    assert saddle.result.pages == a5.result.pages  # the A5 pages that were imposed
    c = counts(saddle.result.pages)
    assert len(saddle.reader.pages) == c.sides == c.padded // 2
    assert sizes(saddle.path) == [pytest.approx(A4_LANDSCAPE, abs=0.5)] * c.sides
    assert A4_LANDSCAPE == pytest.approx((A4[1], A4[0]))


def test_side_one_has_the_back_cover_left_and_the_cover_title_right(variants, booklet_model):
    left, right = half_texts(variants["saddle"].path, 0)
    frame = booklet_model.frame
    flat = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    # (The back cover's colophon repeats the title, so the cover is told apart by its strapline.)
    assert flat(frame.call_to_action.heading) in flat(left) and flat(frame.strapline) not in flat(left)
    assert flat(frame.title) in flat(right) and flat(frame.strapline) in flat(right)
    assert flat(frame.call_to_action.heading) not in flat(right)


def test_imposed_contents_keeps_reading_order_page_numbers(variants):
    saddle, a5 = variants["saddle"], variants["a5"]
    # Page 2 sits on the left half of side 2 (the back of the outer sheet).
    left, _ = half_texts(saddle.path, 1)
    imposed = BuiltPdf(saddle.path, saddle.result)
    imposed.__dict__["page_texts"] = [left]
    assert contents_entries(imposed) == contents_entries(a5)


def test_imposed_file_is_vector_and_a_plain_print_file(variants, booklet_model):
    with pikepdf.open(variants["saddle"].path) as pdf:
        for side in pdf.pages:
            assert all(x.Subtype == "/Form" for x in side.Resources.XObject.values())
        assert "/StructTreeRoot" not in pdf.Root and "/AcroForm" not in pdf.Root
        assert str(pdf.docinfo["/Title"]) == booklet_model.frame.title
        assert str(pdf.Root.Lang) == booklet_model.frame.language
    c = counts(variants["saddle"].result.pages)
    blanks = [i for i, t in enumerate(variants["saddle"].page_texts) if "intentionally left blank" in t]
    assert bool(blanks) == bool(c.blanks)


# --- Print-ready -----------------------------------------------------------------------


def test_media_box_exceeds_trim_box_by_exactly_3mm_each_side(variants):
    with pikepdf.open(variants["print-ready"].path) as pdf:
        for page in pdf.pages:
            media = [float(v) for v in page.MediaBox]
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            assert [trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3]] == pytest.approx(
                [3 * MM] * 4, abs=0.01
            )
            assert bleed == pytest.approx(media)
            assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A4, abs=0.5)


def render_media_box(path: Path, index: int, dpi: int = 300):
    document = pdfium.PdfDocument(path)
    return document[index].render(scale=dpi / 72).to_pil().convert("RGB"), dpi / 72


def test_crop_marks_are_drawn_at_the_trim_lines_in_the_bleed(variants):
    image, scale = render_media_box(variants["print-ready"].path, 1)  # a white inner page
    width, height = image.size
    bleed = 3 * MM * scale
    dark = lambda xy: sum(image.getpixel(xy)) < 200  # noqa: E731
    trim_x, trim_y = round(bleed), round(bleed)
    # Each corner: a horizontal mark on the trim's top/bottom line, a vertical one on its left/right line.
    for x_edge, y_edge in ((0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)):
        inward_x = 1 if x_edge == 0 else -1
        inward_y = 1 if y_edge == 0 else -1
        y_line = y_edge + inward_y * trim_y
        x_line = x_edge + inward_x * trim_x
        horizontal = [(x_edge + inward_x * d, y_line + dy) for d in range(2, 8) for dy in (-1, 0, 1)]
        vertical = [(x_line + dx, y_edge + inward_y * d) for d in range(2, 8) for dx in (-1, 0, 1)]
        assert any(dark(p) for p in horizontal), f"no horizontal crop mark at corner {x_edge, y_edge}"
        assert any(dark(p) for p in vertical), f"no vertical crop mark at corner {x_edge, y_edge}"
    # Away from the marks the bleed of a white page stays white.
    assert not dark((width // 3, 2))


def test_cover_colour_extends_into_the_bleed(variants):
    image, scale = render_media_box(variants["print-ready"].path, 0)
    width, height = image.size
    cover = (0x12, 0x43, 0x6D)
    # 1 mm from the paper edge, inside the bleed, away from the marks.
    for xy in (
        (round(MM * scale), height // 3),
        (width - round(MM * scale), height // 3),
        (width // 3, round(MM * scale)),
        (width // 3, height - round(MM * scale)),
    ):
        assert image.getpixel(xy) == pytest.approx(cover, abs=6), xy


# --- Duplex ----------------------------------------------------------------------------


def test_duplex_starts_main_sections_on_right_hand_pages(variants, booklet_model):
    duplex = variants["duplex"]
    sections = booklet_model.frame.sections
    contents = page_of(duplex, "Contents")
    headings = ["Introduction", sections.organisations.heading, sections.unique.heading, sections.routes.heading]
    starts = [page_of(duplex, heading, after=contents) for heading in headings]
    assert all(number % 2 == 1 for number in starts), dict(zip(headings, starts, strict=True))
    total = duplex.result.pages
    assert total % 2 == 0 and page_of(duplex, booklet_model.frame.call_to_action.heading, after=2) == total


def test_duplex_blank_pages_carry_the_configured_text(variants):
    duplex = variants["duplex"]
    blank = [i + 1 for i, text in enumerate(duplex.page_texts) if BLANK_TEXT in text]
    assert blank, "the sample booklet needs at least one blank page in duplex"
    for number in blank:
        assert duplex.page_texts[number - 1].strip() == BLANK_TEXT  # no footer, nothing else
        # A blank page is the left-hand page before a section, or the page that puts the back cover on
        # the back of the last sheet.
        assert number % 2 == 0 or number == len(duplex.page_texts) - 1, number
    assert len(duplex.page_texts) % 2 == 0
    assert "intentionally" not in duplex.text


# --- PDF standards ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "part"), [("a-2a", "2"), ("a-3a", "3")])
def test_archive_copies_are_tagged_pdf_a_level_a_and_pdf_ua(variants, name, part):
    with pikepdf.open(variants[name].path) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == part and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "en-GB"
        # PDF/A wants the PDF/UA property described in the packet (an extension schema).
        assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in pdf.Root.Metadata.read_bytes()
        assert "/Filter" not in pdf.Root.Metadata
        assert "/NeedAppearances" not in pdf.Root.AcroForm
        assert all("/Off" in w.AP.N for p in pdf.pages for w in p.get("/Annots", []) if w.get("/FT") == "/Btn")


def test_the_default_declares_pdf_ua(default_pdf):
    with pikepdf.open(default_pdf.path) as pdf:
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        assert "/StructTreeRoot" in pdf.Root


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--imposition", "saddle", "--pdf-standard", "a-3a"], "a-3a cannot be combined with --imposition"),
        (["--imposition", "saddle", "--pdf-standard", "a-2a"], "a-2a cannot be combined with --imposition"),
        (["--imposition", "saddle", "--print-ready"], "--print-ready cannot be combined"),
        (["--html-edition", "--print-ready"], "--html-edition cannot be combined"),
    ],
)
def test_cli_refuses_combinations_it_cannot_produce(arguments, message, tmp_path):
    from booklet.cli import app

    result = CliRunner().invoke(app, ["build", "--content", str(CONTENT), "-o", str(tmp_path / "x.pdf"), *arguments])
    assert result.exit_code == Exit.USAGE
    assert message in result.output
    assert not (tmp_path / "x.pdf").exists()


# --- Three independent readers ---------------------------------------------------------


def reader_problems(path: Path) -> list[str]:
    """What qpdf, pdfium and poppler say about `path` (empty: all three open and render it)."""
    problems = []
    try:
        with pikepdf.open(path) as pdf:
            problems += [f"qpdf: {p}" for p in pdf.check_pdf_syntax()]
            pages = len(pdf.pages)
            for page in pdf.pages:
                pikepdf.parse_content_stream(page)  # decode and parse every content stream
    except pikepdf.PdfError as exc:
        return [f"qpdf: {exc}"]
    try:
        document = pdfium.PdfDocument(path)
        document.init_forms()
        for index, page in enumerate(document):
            image = page.render(scale=20 / 72, may_draw_forms=True).to_pil().convert("L")
            if image.getextrema()[0] == 255:
                problems.append(f"pdfium: page {index + 1} renders empty")
        if len(document) != pages:
            problems.append(f"pdfium: {len(document)} pages, qpdf {pages}")
    except pdfium.PdfiumError as exc:
        problems.append(f"pdfium: {exc}")
    done = subprocess.run(["pdftoppm", "-r", "20", "-gray", str(path)], capture_output=True)
    if done.returncode or done.stderr:
        problems.append(f"poppler: exit {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    elif done.stdout.count(b"P5\n") != pages:
        problems.append(f"poppler: rendered {done.stdout.count(b'P5')} pages of {pages}")
    return problems


@pytest.mark.parametrize("name", ["default", *VARIANTS, *(f"large-{n}" for n in LARGE_VARIANTS)])
def test_every_variant_opens_and_renders_in_three_readers(name, variants, default_pdf):
    built = default_pdf if name == "default" else variants[name]
    assert reader_problems(built.path) == []


if __name__ == "__main__":
    failed = False
    for argument in sys.argv[1:]:
        found = reader_problems(Path(argument))
        failed |= bool(found)
        print(f"{argument}: " + ("; ".join(found) if found else "ok in qpdf, pdfium and poppler"))
    sys.exit(1 if failed else 0)
