"""Braille pages: lines of translated braille laid out on pages of N cells by M lines, as a BRF file.

The layout follows the conventions of UK braille on paper (as UKAAF's guiding principles for
the presentation of braille and RNIB's house style set them out; each choice is listed here so
a transcriber can check it): the braille page number on the right of the first line of every
page; main headings centred with a blank line before and after; subheadings blocked in cell 5
with a blank line before; minor headings (a story's label and name) blocked in cell 7;
paragraphs starting in cell 3 with runovers in cell 1; list items in cell 1 with runovers in
cell 3; a transcriber's note inside the text (a photo described) in cell 7 with runovers in
cell 5; a heading (with any headings straight after it) never left at the foot of a page
without two lines of what it heads; contents entries joined to their page numbers by guide
dots (dots 3-6). Words are never divided; a web address too long for a line is broken after
a slash or a dot, with no hyphen added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .louis import number

# Where each kind of block starts its first line and its runovers (0 = cell 1).
INDENTS = {
    "para": (2, 0),
    "item": (0, 2),
    "subitem": (2, 4),
    "heading": (4, 4),
    "minor": (6, 6),
    "note": (6, 4),
    "plain": (0, 0),
}
CENTRED = "centred"
HEADINGS = (CENTRED, "heading", "minor")
GUIDE = "-"
"""Guide dots (dots 3-6) in BRF."""
PAGE_BREAK = "\f"
LINE_END = "\r\n"
"""BRF lines end with CR LF and pages with a form feed, as embossers expect."""
MIN_AFTER_HEADING = 2
"""A heading is moved to the next page unless this many lines of what follows fit under it."""


@dataclass
class Laid:
    """A block ready for pages: its braille text and how it is set."""

    kind: str
    """centred, heading (cell 5), minor (cell 7), para, item, subitem, note or plain (see INDENTS)."""
    braille: str
    blank_before: bool = False
    blank_after: bool = False
    new_page: bool = False
    """Start on a new page (the contents, the text after the title page)."""
    anchor: str = ""
    """Key under which the page this block starts on is recorded (for the contents)."""
    page_ref: str = ""
    """For a contents entry: the anchor whose page number ends the entry."""


def _cut(word: str, width: int) -> int:
    """Where to break a word longer than a line: after a slash or a dot where possible, else at the margin."""
    for signs in ("/4.", "-"):  # "_/" is a slash and "4" a dot in UEB's BRF; "." in computer braille
        for i in range(width, width // 3, -1):
            if word[i - 1] in signs:
                return i
    return width


def wrap(braille: str, width: int, first: int = 0, rest: int = 0) -> list[str]:
    """`braille` in lines of at most `width` cells, the first indented `first` cells, the others `rest`."""
    lines: list[str] = []
    current = ""

    def room() -> int:
        return width - (first if not lines else rest)

    for word in braille.split():
        if current and len(current) + 1 + len(word) <= room():
            current += " " + word
            continue
        if current:
            lines.append(current)
            current = ""
        while len(word) > room():
            cut = _cut(word, room())
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return [(" " * (first if i == 0 else rest)) + line for i, line in enumerate(lines)]


def centre(braille: str, width: int) -> list[str]:
    """A centred heading: at least three blank cells each side, long headings on several centred lines."""
    inner = max(width - 6, 10)
    return [" " * ((width - len(line)) // 2) + line for line in wrap(braille, inner)]


def contents_entry(braille: str, page: int, width: int, level: int) -> list[str]:
    """A contents line: the entry, guide dots, the braille page number at the right margin."""
    num = number(page)
    first, rest = (0, 2) if level == 1 else (2, 4)
    lines = wrap(braille, width - len(num) - 3, first, rest)
    last = lines[-1]
    dots = width - len(last) - len(num) - 2
    if dots >= 2:
        lines[-1] = f"{last} {GUIDE * dots} {num}"
    else:
        lines.append(" " * (width - len(num)) + num)
    return lines


def block_lines(block: Laid, width: int, pages: dict[str, int]) -> list[str]:
    """The lines of one block (without the blank lines around it)."""
    if block.kind == CENTRED:
        return centre(block.braille, width)
    if block.page_ref:
        level = 2 if block.kind == "subitem" else 1
        return contents_entry(block.braille, pages.get(block.page_ref, 0), width, level)
    first, rest = INDENTS[block.kind]
    return wrap(block.braille, width, first, rest)


def _kept_with(blocks: Sequence[Laid], all_lines: Sequence[list[str]], index: int) -> int:
    """Lines after the heading at `index` that must share its page: the headings straight after it
    (a story's label and name) and the first lines of what they head."""
    need = 1 if blocks[index].blank_after else 0
    following = index + 1
    while following < len(blocks) and blocks[following].kind in HEADINGS:
        need += len(all_lines[following]) + (1 if blocks[following].blank_before else 0)
        need += 1 if blocks[following].blank_after else 0
        following += 1
    if following < len(blocks):
        need += min(MIN_AFTER_HEADING, len(all_lines[following]))
    return need


def paginate(
    blocks: Sequence[Laid], width: int, height: int, pages: dict[str, int]
) -> tuple[list[list[str]], dict[str, int]]:
    """The pages (lines, the first holding the page number) and the page each anchored block starts on.

    `pages` gives the page numbers the contents entries print (from the previous pass).
    """
    laid: list[list[str]] = []
    body: list[str] = []
    anchors: dict[str, int] = {}
    room = height - 1  # line 1 is the page number line
    laid.append(body)
    all_lines = [block_lines(b, width, pages) for b in blocks]
    for index, block in enumerate(blocks):
        lines = all_lines[index]
        if block.new_page and body:
            laid.append([])
            body = laid[-1]
        blank = block.blank_before and bool(body) and body[-1] != ""
        need = len(lines) + (1 if blank else 0)
        if block.kind in HEADINGS:
            need += _kept_with(blocks, all_lines, index)
        if body and len(body) + need > room and need <= room:
            laid.append([])
            body = laid[-1]
            blank = False
        if blank:
            body.append("")
        if block.anchor:
            anchors[block.anchor] = len(laid)
        for line in lines:
            if len(body) >= room:
                laid.append([])
                body = laid[-1]
            body.append(line)
        if block.blank_after and len(body) < room:
            body.append("")
    if not laid[-1]:
        laid.pop()
    result = []
    for page_number, page in enumerate(laid, start=1):
        while page and page[-1] == "":
            page.pop()
        num = number(page_number)
        result.append([" " * (width - len(num)) + num, *page])
    return result, anchors


def lay_out(blocks: Sequence[Laid], width: int, height: int) -> list[list[str]]:
    """Pages for `blocks`, the contents' page numbers settled (their own length can move pages)."""
    pages: dict[str, int] = {}
    for _ in range(4):
        laid, anchors = paginate(blocks, width, height, pages)
        if anchors == pages:
            break
        pages = anchors
    return laid


def brf(pages: Sequence[Sequence[str]]) -> bytes:
    """The BRF file: ASCII braille, CR LF line ends, a form feed after each page."""
    text = "".join(LINE_END.join(page) + LINE_END + PAGE_BREAK for page in pages)
    return text.encode("ascii")
