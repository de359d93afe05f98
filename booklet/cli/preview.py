"""Previews: PNG images of a booklet's pages and one contact sheet of the whole booklet.

`make_previews` builds the PDF first when it is missing or out of date (the
build cache skips it otherwise), then draws pages with pypdfium2 into
output/preview/. The contact sheet shows every page small, numbered, in a grid:
enough to check a layout at a glance or to put in a README.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..errors import BookletError, Exit

PREVIEW_DIR = "preview"
SHEET_THUMB_WIDTH = 240
"""Width in pixels of each page on the contact sheet."""
SHEET_COLUMNS = 4
SHEET_GAP = 24
SHEET_LABEL = 28
"""Height in pixels of the page-number strip under each thumbnail."""
SHEET_BACKGROUND = (232, 232, 232)


def parse_pages(spec: str | None, count: int) -> list[int]:
    """Page numbers (1-based, in order, no repeats) chosen by a spec such as `1-4`, `2,5`, `3-` or `-2`.

    None or an empty spec means every page. Raises BookletError for a spec that
    names no page of a booklet with `count` pages.
    """
    if spec is None or not spec.strip():
        return list(range(1, count + 1))
    chosen: dict[int, None] = {}
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d*)\s*-\s*(\d*)|(\d+)", part)
        if not match or part == "-":
            raise BookletError.single(
                f"--pages {spec!r}: {part!r} is not a page or a range",
                hint="use e.g. 1-4, 1,3,5, 3- or -2",
                code=Exit.USAGE,
            )
        if match.group(3):
            first = last = int(match.group(3))
        else:
            first = int(match.group(1) or 1)
            last = int(match.group(2) or count)
        if first < 1 or last < first:
            raise BookletError.single(
                f"--pages {spec!r}: {part!r} is not a range of pages", hint="pages start at 1", code=Exit.USAGE
            )
        if first > count:
            raise BookletError.single(
                f"--pages {spec!r}: the booklet has only {count} page{'s' if count != 1 else ''}",
                code=Exit.USAGE,
            )
        for number in range(first, min(last, count) + 1):
            chosen[number] = None
    return list(chosen)


def build_pdf(content: Path | None, audience: str | None, print_error: Callable[[str], None] | None = None) -> Path:
    """The booklet's PDF in output/, built first if it is missing or out of date."""
    from ..adapters.cells import bounded
    from ..content.load import load_project_content
    from ..errors import group_warnings
    from ..jobs import plan, run
    from ..project import Project
    from ..settings import Settings

    project = Project.locate(content)
    loaded = load_project_content(project.content, project.root)
    if print_error is not None:
        for problem in bounded(group_warnings(loaded.warnings), group=False):
            print_error(problem.line())
    jobs = plan(project, loaded, [audience] if audience else (), settings=Settings())
    result = run(jobs[-1:], workers=1, force=False)[0]
    if print_error is not None:
        for warning in result.warnings:
            print_error(warning)
    if result.status == "failed":
        raise BookletError.single(result.error, file=result.output, code=Exit.RENDER)
    return result.output


def render_pages(pdf_path: Path, folder: Path, pages: list[int] | None, dpi: int) -> list[Path]:
    """Draw the chosen pages (all when None) as PNG files named `<stem>-page-NN.png`."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    # The folder holds the latest previews of each booklet: drop pages from an earlier, longer run.
    for old in folder.glob(f"{pdf_path.stem}-page-*.png"):
        old.unlink()
    written = []
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        pdf.init_forms()  # draw the checklist's tick boxes, which are form fields
        numbers = pages or list(range(1, len(pdf) + 1))
        width = max(2, len(str(len(pdf))))
        for number in numbers:
            page = pdf[number - 1]
            image = page.render(scale=dpi / 72, may_draw_forms=True).to_pil()
            path = folder / f"{pdf_path.stem}-page-{number:0{width}d}.png"
            image.save(path, optimize=True)
            written.append(path)
    finally:
        pdf.close()
    return written


def contact_sheet(pdf_path: Path, target: Path, columns: int = SHEET_COLUMNS) -> Path:
    """One PNG with every page of the PDF, small and numbered, in reading order."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw, ImageFont

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        pdf.init_forms()
        thumbs = []
        for index in range(len(pdf)):
            page = pdf[index]
            scale = SHEET_THUMB_WIDTH / page.get_width()
            thumbs.append(page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB"))
    finally:
        pdf.close()
    if not thumbs:
        raise BookletError.single("the PDF has no pages", file=pdf_path, code=Exit.RENDER)
    columns = max(1, min(columns, len(thumbs)))
    rows = -(-len(thumbs) // columns)
    cell_w = SHEET_THUMB_WIDTH
    cell_h = max(t.height for t in thumbs)
    sheet = Image.new(
        "RGB",
        (SHEET_GAP + columns * (cell_w + SHEET_GAP), SHEET_GAP + rows * (cell_h + SHEET_LABEL + SHEET_GAP)),
        SHEET_BACKGROUND,
    )
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=16)
    for index, thumb in enumerate(thumbs):
        row, column = divmod(index, columns)
        x = SHEET_GAP + column * (cell_w + SHEET_GAP)
        y = SHEET_GAP + row * (cell_h + SHEET_LABEL + SHEET_GAP)
        # A thin outline keeps white pages visible against each other.
        draw.rectangle((x - 1, y - 1, x + thumb.width, y + thumb.height), outline=(160, 160, 160))
        sheet.paste(thumb, (x, y))
        label = str(index + 1)
        box = draw.textbbox((0, 0), label, font=font)
        draw.text((x + (cell_w - (box[2] - box[0])) / 2, y + thumb.height + 6), label, fill=(60, 60, 60), font=font)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)
    return target


def make_previews(
    content: Path | None = None,
    audience: str | None = None,
    pages: str | None = None,
    dpi: int = 50,
    print_error: Callable[[str], None] | None = None,
) -> list[Path]:
    """PNG previews of a booklet: the chosen pages, then a contact sheet of all pages.

    Files go to output/preview/: `<pdf name>-page-NN.png` and
    `<pdf name>-contact-sheet.png`. Returns their paths.
    """
    import pypdfium2 as pdfium

    pdf_path = build_pdf(content, audience, print_error)
    document = pdfium.PdfDocument(pdf_path)
    count = len(document)
    document.close()
    chosen = parse_pages(pages, count)
    folder = pdf_path.parent / PREVIEW_DIR
    written = render_pages(pdf_path, folder, chosen, dpi)
    written.append(contact_sheet(pdf_path, folder / f"{pdf_path.stem}-contact-sheet.png"))
    return written
