"""The one settings value that flows down the pipeline: every option that changes an output.

The command line (or a library caller) makes one `Settings`; `build` hands it to
each stage, and each stage reads only the fields it needs: `render` the page
size, edition and print options, `pdf` the standard and form fields, `finish`
the imposition and bleed. Being frozen and plain, it crosses process
boundaries and its `repr` is part of every output's cache key.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    """Everything that changes what a build writes."""

    page_size: str = "A4"
    large_print: bool = False
    duplex: bool = False
    """Main sections start on a right-hand page; the back cover is a left-hand page."""
    blank_page_text: str = "This page is intentionally left blank"
    filler_pages: int = 0
    """Blank pages added before the back cover."""
    closing_rules: tuple[int, ...] = ()
    """Ruled lines for notes after the last section of each language's part (the balancer fills a
    short last page with them)."""
    plan_rules: int = 4
    """Ruled lines under "My notes" on a student's action plan (the build fits them to its last page)."""
    notes_pages: int = 0
    part_notes: tuple[int, ...] = ()
    """Ruled Notes pages at the end of each language's half (a tête-bêche edition: both halves the same length)."""
    """Ruled "Notes" pages added before the back cover (folded editions need a multiple of four pages)."""
    forms: bool = True
    """Tick boxes are real PDF checkboxes."""
    bleed_mm: float = 0.0
    """Bleed around each page for print shops (0: none); crop marks come with it."""
    edition: str = "print"
    """'print' for the PDF, 'web' for the self-contained HTML edition, 'epub' for the EPUB 3 edition,
    'braille' for the BRF braille edition."""
    extra_css: tuple[str, ...] = field(default=())
    pdf_standard: str = "ua-1"
    """ua-1 (tagged, accessible), a-2a or a-3a (tagged archive copies, PDF/UA-1 too) or none."""
    imposition: str = "none"
    """none; saddle: A5 pages imposed 2-up on A4 sheets for folding; flip: a bilingual saddle booklet
    read from either cover (tête-bêche), the second language upside down, the halves meeting in the middle."""
    write_html: bool = False
    """Also write the HTML each PDF was rendered from, beside it."""
    language: str = "en"
    """en, cy (a Welsh edition) or bilingual (both, in the order booklet.yaml gives)."""
    other_edition: str = ""
    """File name of the edition in the other language, linked from the HTML edition (empty: no link)."""
    strict: bool = False
    """Warnings are errors: content warnings stop the build, a blocked URL fails the job."""
    compact: int = 0
    """How tightly a handout is set, 0 (not at all) to 4; the build chooses it to fit four pages."""
    braille_cells: int = 40
    """Cells on a line of the braille edition (edition "braille")."""
    braille_lines: int = 25
    """Lines on a page of the braille edition, the page number line included."""

    @property
    def web(self) -> bool:
        return self.edition == "web"
