"""Saddle-stitch imposition: the page order (property-tested) and the vector sheets it makes."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from booklet.pdf.finish import blank_page
from booklet.pdf.imposition import A4_LANDSCAPE, MM, counts, flip_order, impose, pad, reading_order, saddle_sides

A5 = (148 * MM, 210 * MM)


def folded_reading_order(sides: list[tuple[int | None, int | None]]) -> list[int | None]:
    """Read the booklet a stack of printed sheets folds into, modelling the paper, not the formula.

    Sheet k is side 2k (front) and 2k+1 (back). Printed duplex with flip on the
    short edge, the back's left half lies behind the front's right half. Folded
    with sheet 0 outside, the right-hand leaves are read from the outside in
    (front right, then the back left behind it), then the left-hand leaves from
    the inside out (back right, then front left behind it).
    """
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
    order: list[int | None] = []
    for front, back in sheets:
        order += [front[1], back[0]]
    for front, back in reversed(sheets):
        order += [back[1], front[0]]
    return order


def check_saddle_order(pages: int) -> None:
    sides = saddle_sides(pages)
    padded = pad(pages)
    assert padded % 4 == 0 and pages <= padded < pages + 4
    assert len(sides) == padded // 2 == counts(pages).sides
    placed = [p for side in sides for p in side]
    assert sorted(p for p in placed if p is not None) == list(range(1, pages + 1))
    assert placed.count(None) == padded - pages == counts(pages).blanks
    # Folded, the booklet reads 1, 2, … with the blanks just before the back cover.
    expected = list(range(1, pages)) + [None] * (padded - pages) + ([pages] if pages > 1 else [])
    if pages == 1:
        expected = [1] + [None] * (padded - 1)
    assert folded_reading_order(sides) == expected == reading_order(pages)
    # The guide's pairing by position: (n, 1), (2, n−1), (n−2, 3), (4, n−3)…
    position = {id_: i + 1 for i, id_ in enumerate(reading_order(pages)) if id_ is not None}
    for k, (left, right) in enumerate(sides):
        sheet, back = divmod(k, 2)
        want = (2 * sheet + 2, padded - 2 * sheet - 1) if back else (padded - 2 * sheet, 2 * sheet + 1)
        got = tuple(position.get(p) for p in (left, right))
        assert all(g is None or g == w for g, w in zip(got, want, strict=True)), (k, got, want)
    if pages > 1:
        assert sides[0] == (pages, 1)  # side 1: back cover on the left, front cover on the right


@given(st.integers(min_value=1, max_value=64))
@example(1)
@example(2)
@example(4)
@example(5)
@example(63)
@example(64)
def test_saddle_order_property(pages):
    check_saddle_order(pages)


def test_saddle_order_for_every_page_count_up_to_64():
    for pages in range(1, 65):
        check_saddle_order(pages)


def test_counts_of_a_23_page_booklet():
    c = counts(23)
    assert (c.padded, c.blanks, c.sides, c.sheets) == (24, 1, 12, 6)
    assert saddle_sides(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert saddle_sides(6) == [(6, 1), (2, None), (None, 3), (4, 5)]
    with pytest.raises(ValueError):
        pad(0)


def numbered_pdf(pages: int, size: tuple[float, float] = A5) -> bytes:
    """A PDF whose page k says `Pk` (vector text), to follow pages through imposition."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for number in range(1, pages + 1):
        page = pdf.add_blank_page(page_size=size)
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 24 Tf 60 300 Td (P{number}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def halves(data: bytes) -> list[tuple[str, str]]:
    """(left half text, right half text) of every sheet side, read by pdfium."""
    document = pdfium.PdfDocument(data)
    result = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        result.append(
            (
                text.get_text_bounded(0, 0, width / 2, height).strip(),
                text.get_text_bounded(width / 2, 0, width, height).strip(),
            )
        )
    return result


@pytest.fixture(scope="module")
def blank_a5() -> bytes:
    return blank_page("A5", "Blank for the test")


@pytest.mark.parametrize("pages", [1, 2, 3, 4, 5, 7, 10, 16])
def test_imposed_sheets_carry_the_pages_in_saddle_order(pages, blank_a5):
    imposed = impose(numbered_pdf(pages), blank_a5)
    with pikepdf.open(io.BytesIO(imposed)) as pdf:
        assert len(pdf.pages) == pad(pages) // 2
        for side in pdf.pages:
            box = [float(v) for v in side.MediaBox]
            assert box == pytest.approx([0, 0, *A4_LANDSCAPE], abs=0.01)
            # Vector only: each half is a Form XObject, nothing was rasterised.
            xobjects = side.Resources.get("/XObject", {})
            assert all(x.Subtype == "/Form" for x in xobjects.values())
            assert "/Annots" not in side.obj
    for (left, right), (want_left, want_right) in zip(halves(imposed), saddle_sides(pages), strict=True):
        for got, want in ((left, want_left), (right, want_right)):
            assert got == (f"P{want}" if want else "Blank for the test")


def test_pages_meet_at_the_fold_in_the_middle_of_the_sheet():
    imposed = impose(numbered_pdf(4))
    with pikepdf.open(io.BytesIO(imposed)) as pdf:
        content = pdf.pages[0].Contents.read_bytes().decode()
    # Two placements, scale 1, at x = centre − 148 mm and x = centre.
    centre = A4_LANDSCAPE[0] / 2
    xs = sorted(float(line.split()[4]) for line in content.splitlines() if line.endswith(" cm"))
    assert xs == pytest.approx([centre - A5[0], centre], abs=0.01)


def test_padding_without_a_blank_page_leaves_the_slots_empty():
    sides = halves(impose(numbered_pdf(5)))
    assert sides[1] == ("P2", "")  # (2, blank): positions 7 and 6 are blanks before the back cover P5
    assert sides[0] == ("P5", "P1")


def test_pages_larger_than_a5_get_a_sheet_two_pages_wide():
    a4 = (210 * MM, 297 * MM)
    with pikepdf.open(io.BytesIO(impose(numbered_pdf(4, a4)))) as pdf:
        assert [float(v) for v in pdf.pages[0].MediaBox] == pytest.approx([0, 0, 2 * a4[0], a4[1]], abs=0.01)


def test_tete_beche_order_meets_in_the_middle():
    # 8 pages: 1-4 the first language, 5-8 the second; the second half is read from the back cover.
    assert flip_order(8) == [(1, False), (2, False), (3, False), (4, False), (8, True), (7, True), (6, True), (5, True)]
    with pytest.raises(ValueError):
        flip_order(6)


@pytest.mark.parametrize("pages", [4, 8, 16])
def test_tete_beche_sheets_carry_the_second_half_upside_down(pages):
    """Side 1 has the first cover on the right and the second language's cover (turned) on the left;
    the middle spread pairs each half's last page. Turned pages are still vector Form XObjects."""
    imposed = impose(numbered_pdf(pages), flip=True)
    order = flip_order(pages)
    document = pdfium.PdfDocument(imposed)
    for side, (left, right) in zip(document, saddle_sides(pages), strict=True):
        width, _height = side.get_size()
        text = side.get_textpage()
        for number, (x0, x1) in ((left, (0, width / 2)), (right, (width / 2, width))):
            assert number is not None
            source, turned = order[number - 1]
            chars = [text.get_charbox(i) for i in range(text.count_chars()) if text.get_text_range(i, 1).strip()]
            inside = [c for c in chars if x0 <= (c[0] + c[2]) / 2 <= x1]
            assert inside, (number, source)
            # "P<n>" reads left to right when upright; turned half a circle its characters run right to left.
            backwards = inside[0][0] > inside[-1][0]
            assert backwards == turned, (number, source)
            assert len(inside) == len(f"P{source}")


def test_tete_beche_needs_a_bilingual_edition(tmp_path):
    from typer.testing import CliRunner

    from booklet.cli import app
    from booklet.errors import Exit

    result = CliRunner().invoke(app, ["build", "--imposition", "flip", "--content", str(tmp_path)])
    assert result.exit_code == Exit.USAGE
    assert "--imposition flip needs --bilingual" in result.output
