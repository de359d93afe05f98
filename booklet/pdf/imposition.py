"""Saddle-stitch imposition: booklet pages placed 2-up on sheet sides in folding order.

A saddle-stitched booklet is a stack of sheets folded once and stapled on the
fold. Each sheet carries four pages, so the page count is padded to a multiple
of four with blank pages placed *before* the back cover (the back cover stays
last). Sheet sides pair pages from the outside in: for n pages the sides are
(n, 1), (2, n−1), (n−2, 3), (4, n−3)… as (left, right). Printed duplex with
"flip on short edge" and folded, the stack reads 1, 2, 3 … n.

The order is pure arithmetic (`pad`, `reading_order`, `saddle_sides`) so it
can be property-tested; `impose` does the vector work with pikepdf: every page
becomes a Form XObject drawn onto the sheet, nothing is rasterised.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)
"""Sheet size in points for A5 pages (two A5 pages are 296 mm wide; 0.5 mm is left at each end)."""


@dataclass(frozen=True)
class Counts:
    """How a booklet of `pages` pages prints."""

    pages: int
    padded: int
    blanks: int
    sides: int
    sheets: int


def pad(pages: int) -> int:
    """The page count rounded up to a whole number of sheets (a multiple of 4)."""
    if pages < 1:
        raise ValueError("a booklet needs at least one page")
    return -(-pages // 4) * 4


def counts(pages: int) -> Counts:
    """Padded pages, blank pages added, sheet sides and sheets for a booklet of `pages`."""
    padded = pad(pages)
    return Counts(pages, padded, padded - pages, padded // 2, padded // 4)


def reading_order(pages: int) -> list[int | None]:
    """The padded booklet in reading order: source page numbers (1-based), None for a blank.

    Blanks go before the back cover, so the last source page stays last. A
    one-page "booklet" has no back cover and is followed by its blanks.
    """
    blanks = pad(pages) - pages
    if pages == 1:
        return [1] + [None] * blanks
    return list(range(1, pages)) + [None] * blanks + [pages]


def saddle_sides(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) source pages for every sheet side, in print order.

    Side 2k is the front of sheet k (outermost first), side 2k+1 its back.
    """
    order = reading_order(pages)
    n = len(order)

    def page(position: int) -> int | None:  # 1-based position in the padded booklet
        return order[position - 1]

    sides = []
    for sheet in range(n // 4):
        outer = 2 * sheet
        sides.append((page(n - outer), page(outer + 1)))
        sides.append((page(outer + 2), page(n - outer - 1)))
    return sides


def flip_order(pages: int) -> list[tuple[int, bool]]:
    """A tête-bêche booklet in reading order from the first cover: (source page, upside down).

    The source holds the two halves one after the other, each `pages // 2` long. The first
    half reads from the front cover; the second is turned over and upside down, so its last
    page meets the first half's last page in the middle and its own cover is the back.
    """
    if pages % 4:
        raise ValueError("a tête-bêche booklet needs two halves of an even length each")
    half = pages // 2
    return [(n, False) for n in range(1, half + 1)] + [(n, True) for n in range(pages, half, -1)]


def impose(
    pdf: bytes,
    blank: bytes | None = None,
    sheet: tuple[float, float] | None = None,
    flip: bool = False,
) -> bytes:
    """Impose the pages of `pdf` 2-up in saddle-stitch order; returns the new PDF's bytes.

    `blank` is a one-page PDF drawn in the padding slots (None: leave them empty). With
    `flip`, the pages are a tête-bêche booklet's (`flip_order`): the second half upside down.
    The sheet is A4 landscape when two pages fit on it side by side, otherwise
    exactly two pages wide. Pages meet at the sheet's centre line, the fold.
    The result is a print file: a new document without the source's structure
    tree, links or form fields (they cannot follow pages that were moved and
    paired), but with its title, language and outline-free metadata.
    """
    with pikepdf.open(io.BytesIO(pdf)) as source:
        if "/AcroForm" in source.Root:
            # Draw tick boxes in their current (printed) state; widgets cannot be moved onto sheets.
            source.flatten_annotations("print")
        pages = list(source.pages)
        width, height = _size(pages[0])
        if sheet is None:
            fits = 2 * width <= A4_LANDSCAPE[0] + 0.01 and height <= A4_LANDSCAPE[1] + 0.01
            sheet = A4_LANDSCAPE if fits else (2 * width, height)
        sheet_width, sheet_height = sheet
        out = pikepdf.new()
        filler = pikepdf.open(io.BytesIO(blank)) if blank else None
        try:
            spine = sheet_width / 2
            bottom = (sheet_height - height) / 2
            order = flip_order(len(pages)) if flip else None
            for left, right in saddle_sides(len(pages)):
                side = out.add_blank_page(page_size=(sheet_width, sheet_height))
                for number, x in ((left, spine - width), (right, spine)):
                    turned = False
                    if number is None:
                        if filler is None:
                            continue
                        page = filler.pages[0]
                    else:
                        if order is not None:
                            number, turned = order[number - 1]
                        page = pages[number - 1]
                    if turned:
                        _draw_turned(out, side, page, x, bottom, width, height)
                    else:
                        side.add_overlay(page, pikepdf.Rectangle(x, bottom, x + width, bottom + height))
            _copy_metadata(source, out)
            buffer = io.BytesIO()
            out.save(buffer, deterministic_id=True)
        finally:
            if filler is not None:
                filler.close()
    return buffer.getvalue()


def _draw_turned(
    out: pikepdf.Pdf, side: pikepdf.Page, page: pikepdf.Page, x: float, y: float, width: float, height: float
) -> None:
    """Draw `page` upside down (turned 180°) in the rectangle at (x, y): a Form XObject, still vector."""
    form = out.copy_foreign(page.as_form_xobject())
    name = side.add_resource(form, pikepdf.Name.XObject, prefix="Fx")
    box = page.trimbox
    # Map the page's box onto the rectangle, turned: x' = x + width - (u - x0), y' = y + height - (v - y0).
    e = x + width + float(box[0])
    f = y + height + float(box[1])
    side.contents_add(pikepdf.Stream(out, f"q -1 0 0 -1 {e:.4f} {f:.4f} cm {name} Do Q\n".encode()), prepend=False)


def _size(page: pikepdf.Page) -> tuple[float, float]:
    box = page.trimbox
    return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


def _copy_metadata(source: pikepdf.Pdf, out: pikepdf.Pdf) -> None:
    """Title, author, subject, keywords and language survive; PDF/UA or PDF/A claims do not."""
    for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate"):
        if key in source.docinfo:
            out.docinfo[key] = source.docinfo[key]
    if "/Lang" in source.Root:
        out.Root.Lang = source.Root.Lang
    out.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
