"""Finishing: post-processing rendered PDF bytes for print, and writing files atomically.

WeasyPrint lays out the pages; this stage only works on the finished PDF, in
vector form (pikepdf), never rasterising:

- fillable checklist: each tick box gets an "off" appearance beside WeasyPrint's
  "on" one, so it shows and prints as an empty box until ticked, and field names
  become a proper hierarchy (`route` → route id → `step-1`), whose fully
  qualified names read `route.<id>.step-<n>`;
- print-ready: the BleedBox is set to the whole bleed (WeasyPrint caps it at 10 pt), and
  the PDF/X-4 file gets its output intent and colour-managed RGB (`press`);
- saddle imposition: pages padded and placed 2-up on A4 sheets (`imposition`).

Combinations that cannot be produced are refused with a clear error.
Writing is atomic, so a failed build never costs a good PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import BookletError, Exit
from ..settings import Settings

if TYPE_CHECKING:
    import pikepdf

IMPOSITIONS = ("none", "saddle", "flip")


def finish_pdf(pdf: bytes, settings: Settings, continued: Sequence[int] = ()) -> bytes:
    """Post-process rendered PDF bytes for the requested print settings.

    `continued` says, for each page, how many levels of the structure tree go on from the page
    before (`Rendered.continued`): those elements are joined into one."""
    import pikepdf

    check_settings(settings)
    if settings.imposition in ("saddle", "flip"):
        from .imposition import impose

        with pikepdf.open(io.BytesIO(pdf)) as source:
            pages = len(source.pages)
        # The build lays blank pages out inside the document (so page totals count them);
        # a blank page is drawn here only for PDFs that arrive without them.
        blank = None if pages % 4 == 0 else blank_page(settings.page_size, settings.blank_page_text)
        return impose(pdf, blank, flip=settings.imposition == "flip")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        changed = complete_checkboxes(document)
        if settings.bleed_mm:
            from .press import prepare_for_press

            changed |= set_bleed_boxes(document)
            changed |= prepare_for_press(document)
        if "/StructTreeRoot" in document.Root:
            from .accessibility import mark_furniture_in
            from .fragments import join_fragments
            from .tagging import complete_tags

            changed |= join_fragments(document, continued)
            changed |= mark_furniture_in(document)
            changed |= complete_tags(document, pdf)
        if not changed:
            return pdf
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
    return out.getvalue()


def check_settings(settings: Settings) -> None:
    """Refuse combinations the pipeline cannot produce, saying what to use instead."""

    def refuse(what: str, hint: str) -> None:
        raise BookletError.single(what, hint=hint, code=Exit.USAGE)

    if settings.imposition not in IMPOSITIONS:
        refuse(f"unknown imposition {settings.imposition!r}", "use none, saddle or flip")
    if settings.imposition == "flip" and settings.language != "bilingual":
        refuse(
            "--imposition flip needs --bilingual: a tête-bêche booklet is read from either cover, one language each",
            "add --bilingual, or use --imposition saddle",
        )
    if settings.bleed_mm and settings.pdf_standard.startswith("a-"):
        refuse(
            f"--print-ready cannot be combined with --pdf-standard {settings.pdf_standard}: a print-ready file "
            "is PDF/X-4, which cannot also be PDF/A",
            "build the archive copy and the print-ready file separately",
        )
    if settings.imposition in ("saddle", "flip"):
        if settings.pdf_standard.startswith("a-"):
            refuse(
                f"--pdf-standard {settings.pdf_standard} cannot be combined with --imposition: imposed sheets lose "
                "the tagged "
                "structure and metadata an archive file needs",
                "archive the A5 or A4 booklet instead",
            )
        if settings.bleed_mm:
            refuse(
                "--print-ready cannot be combined with --imposition saddle: a print shop imposes single "
                "pages with bleed itself, and an office printer cannot print bleed",
                "use --print-ready --format a5 for a print shop, --imposition saddle for an office printer",
            )


def complete_checkboxes(document: pikepdf.Pdf) -> bool:
    """Give every checkbox an "Off" appearance and every dotted field name a real hierarchy.

    WeasyPrint writes check boxes with only an "on" appearance and asks viewers to
    make the rest (NeedAppearances), which PDF/A forbids and viewers do differently.
    The "Off" appearance draws nothing: the empty box itself is page content, so an
    unticked box looks and prints the same in every reader. Returns True if the
    document changed.
    """
    import pikepdf

    form: Any = document.Root.get("/AcroForm")
    if form is None or "/Fields" not in form:
        return False
    for field in list(form.Fields):
        for widget in _terminal_fields(field):
            normal = widget.get("/AP", {}).get("/N")
            if widget.get("/FT") != "/Btn" or not isinstance(normal, pikepdf.Dictionary):
                continue
            if int(widget.get("/Ff", 0)) & (1 << 15 | 1 << 16):
                continue  # radio buttons and push buttons keep WeasyPrint's appearances
            if "/Off" not in normal:
                on = next(iter(normal.values()))
                off = pikepdf.Stream(document, b"")
                off.Type = pikepdf.Name.XObject
                off.Subtype = pikepdf.Name.Form
                off.BBox = on.BBox
                off.Resources = pikepdf.Dictionary()
                normal.Off = document.make_indirect(off)
            rect = [float(v) for v in widget.Rect]
            # WeasyPrint writes top and bottom swapped; some readers expect lower-left first.
            widget.Rect = [min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])]
            if widget.get("/AS") not in normal:
                widget.AS = pikepdf.Name.Off
            widget.V = widget.AS
    if "/NeedAppearances" in form:
        del form["/NeedAppearances"]
    form.Fields = pikepdf.Array(_nest_dotted_names(document, list(form.Fields)))
    return True


def _terminal_fields(field: Any) -> list[Any]:
    kids = field.get("/Kids")
    if kids is None:
        return [field]
    return [leaf for kid in kids for leaf in _terminal_fields(kid)]


def _nest_dotted_names(document: pikepdf.Pdf, fields: list[Any]) -> list[Any]:
    """Turn `/T (route.x.step-1)` into nodes route → x → step-1.

    A partial field name must not contain a period (ISO 32000-1, 12.7.3.2); the
    period joins partial names into the fully qualified name, which stays
    `route.x.step-1` for readers, scripts and pypdf's `get_fields()`.
    """
    import pikepdf

    top: list[pikepdf.Object] = []
    nodes: dict[tuple[str, ...], pikepdf.Dictionary] = {}

    def node(path: tuple[str, ...]) -> pikepdf.Dictionary:
        if path not in nodes:
            made = document.make_indirect(pikepdf.Dictionary(T=pikepdf.String(path[-1]), Kids=pikepdf.Array()))
            nodes[path] = made
            if len(path) == 1:
                top.append(made)
            else:
                parent = node(path[:-1])
                made.Parent = parent
                parent.Kids.append(made)
        return nodes[path]

    for field in fields:
        name = str(field.get("/T", ""))
        parts = tuple(name.split("."))
        if len(parts) < 2 or not all(parts) or "/Parent" in field:
            top.append(field)
            continue
        parent = node(parts[:-1])
        field.T = pikepdf.String(parts[-1])
        field.Parent = parent
        parent.Kids.append(field)
    return top


def set_bleed_boxes(document: pikepdf.Pdf) -> bool:
    """Make each page's BleedBox the whole bleed area (its MediaBox).

    WeasyPrint draws the bleed into the MediaBox but caps the BleedBox at 10 pt
    beyond the TrimBox, which is less than a configured 4 mm or 5 mm bleed.
    """
    changed = False
    for page in document.pages:
        if "/TrimBox" in page.obj and list(page.obj.get("/BleedBox", [])) != list(page.MediaBox):
            page.obj.BleedBox = page.MediaBox
            changed = True
    return changed


@cache
def blank_page(page_size: str, text: str) -> bytes:
    """A one-page PDF of `page_size` that says `text`, for pages added to fill a sheet.

    It matches the booklet's own blank pages (duplex): the booklet typeface at
    12 pt in the top margin, no running footer.
    """
    from ..render import fonts
    from ..render.html import blank_page_boxes, default_styles_dir
    from .weasy import html_to_pdf

    top = "15mm" if page_size.upper() == "A5" else "20mm"
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Blank page</title><style>'
        f"{fonts.font_face_css()}\n"
        f"@page {{ size: {page_size} portrait; margin: {top} 14mm 19mm; }}\n"
        f"@page {blank_page_boxes(text)}"
        "</style></head><body></body></html>"
    )
    rendered = html_to_pdf(html, fonts.font_dirs(), base_url=default_styles_dir(), pdf_standard="none", forms=False)
    if rendered.warnings or rendered.blocked:
        raise RuntimeError(f"blank page: {rendered.warnings + rendered.blocked}")
    return rendered.pdf
