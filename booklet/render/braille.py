"""The braille edition: a tailored booklet as a BRF file for an embosser or a braille display.

The booklet becomes print blocks (headings, paragraphs, list items, each made of text
segments that know their language and whether they are a web address); liblouis
translates them (`louis.py`: UEB grade 2 for English, Welsh grade 2 for Welsh, web
addresses uncontracted) and `braille_layout.py` sets them on pages with braille page
numbers and a contents page. What print shows and braille cannot (QR codes, tick boxes,
pictures) is named in a transcriber's note.

liblouisutdml's `file2brl` was tried for the page layout and not used: from the HTML
edition it contracted web addresses and hyphenated them across lines, reported errors in
its own HTML semantics file, and offers no contents page with braille page numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..content.model import Booklet, PointSection
from ..errors import BookletError, Exit
from ..settings import Settings
from ..tailor.language import Foreign, in_language
from . import i18n
from .braille_layout import CENTRED, Laid, brf, lay_out
from .louis import CODES, GRADE1_WORD, translate

MIN_CELLS, MIN_LINES = 20, 10
"""The smallest page the layout can honour (a contents line needs its guide dots and number)."""

_ADDRESS = re.compile(
    r"https?://[^\s<>\"')]+[^\s<>\"').,;:!?]"  # an address with its scheme
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"  # an e-mail address
    r"|\b(?:[a-z0-9-]+\.)+(?:uk|com|org|net|gov|wales|cymru|io)\b(?:/[^\s<>\"')]*[^\s<>\"').,;:!?])?",
    re.IGNORECASE,
)
"""Web and e-mail addresses in running text: these are written in uncontracted braille."""

_PRINT_SIGNS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2026": "..."})
"""Typographic marks that the Welsh table does not know, as the plain signs it does."""

WORDS = {
    "en": {
        "note_heading": "Transcriber's note",
        "note": [
            "This braille edition was made from the printed booklet. Left out: the QR codes beside each "
            "organisation and route (their web addresses are given in full instead), the logo, and the "
            "colours and layout of the print.",
            "The print edition has a tick box beside each first step of a route. Here the steps are numbered "
            "instead: note the numbers of the steps you have done.",
            "Web addresses are in uncontracted braille. A long web address carries on to the next line "
            "without a hyphen.",
            "Page numbers are braille page numbers, at the top right of each page; the contents lists them.",
        ],
    },
    "cy": {
        "note_heading": "Nodyn y trawsgrifiwr",
        "note": [
            "Gwnaed yr argraffiad braille hwn o'r llyfryn print. Gadawyd allan: y codau QR wrth ymyl pob "
            "sefydliad a llwybr (rhoddir eu cyfeiriadau gwe yn llawn yn eu lle), y logo, a lliwiau a "
            "chynllun y fersiwn print.",
            "Yn y fersiwn print mae blwch ticio wrth ymyl pob cam cyntaf ar lwybr. Yma mae'r camau wedi'u "
            "rhifo yn lle hynny: nodwch rifau'r camau rydych wedi'u gwneud.",
            "Mae cyfeiriadau gwe mewn braille gradd 1. Mae cyfeiriad gwe hir yn parhau ar y llinell nesaf "
            "heb gysylltnod.",
            "Rhifau tudalennau braille yw rhifau'r tudalennau, ar y dde ar frig pob tudalen; mae'r cynnwys "
            "yn eu rhestru.",
        ],
    },
}
"""Words only the braille edition prints, in each language (the rest come from the gettext catalogue)."""

CODE_NAMES = {
    "en": {"en": "Unified English Braille, grade 2", "cy": "Welsh braille, grade 2"},
    "cy": {"en": "Braille Saesneg Unedig (UEB), gradd 2", "cy": "Braille Cymraeg, gradd 2"},
}
"""How the title page names the code, in the edition's language."""


@dataclass(frozen=True)
class Segment:
    """A run of text in one language; an address is written uncontracted."""

    text: str
    language: str
    address: bool = False
    joined: bool = False
    """No space before this segment (it followed the one before directly in print)."""


@dataclass
class Block:
    """One print block of the edition: what it says and how it is set (see braille_layout.Laid)."""

    kind: str
    segments: list[Segment]
    blank_before: bool = False
    blank_after: bool = False
    new_page: bool = False
    anchor: str = ""
    page_ref: str = ""

    @property
    def text(self) -> str:
        return "".join(("" if s.joined or i == 0 else " ") + s.text for i, s in enumerate(self.segments))


@dataclass
class _Edition:
    """The blocks of an edition being assembled, with its contents entries."""

    blocks: list[Block] = field(default_factory=list)
    entries: list[tuple[int, list[Segment], str]] = field(default_factory=list)

    def add(self, kind: str, segments: list[Segment], **options: object) -> None:
        if segments:
            self.blocks.append(Block(kind, segments, **options))  # type: ignore[arg-type]

    def heading(self, level: int, segments: list[Segment], contents: bool = True) -> None:
        anchor = f"h{len(self.blocks)}" if contents else ""
        if level == 1:
            self.add(CENTRED, segments, blank_before=True, blank_after=True, anchor=anchor)
        else:
            self.add("heading", segments, blank_before=True, anchor=anchor)
        if contents:
            self.entries.append((level, segments, anchor))


def segments(value: object, language: str) -> list[Segment]:
    """A field's text as segments: its own language (an untranslated field keeps English), addresses apart."""
    if value is None or value == "":
        return []
    text = " ".join(str(value).split())
    lang = "en" if isinstance(value, Foreign) and value.lang.startswith("en") else language
    if isinstance(value, Foreign) and value.lang.startswith("cy"):
        lang = "cy"
    found: list[Segment] = []
    position = 0
    for match in _ADDRESS.finditer(text):
        before = text[position : match.start()]
        if before.strip():
            found.append(Segment(before.strip(), lang, joined=bool(found) and not before[:1].isspace()))
        found.append(Segment(match.group(), lang, address=True, joined=bool(found) and not before[-1:].isspace()))
        position = match.end()
    rest = text[position:]
    if rest.strip():
        found.append(Segment(rest.strip(), lang, joined=bool(found) and not rest[:1].isspace()))
    return found


def _label(label: str, value: object, language: str) -> list[Segment]:
    """ "Website: https://…" as segments."""
    return [Segment(label, language), *segments(value, language)]


def _language_blocks(booklet: Booklet, language: str, edition: _Edition) -> None:
    """The body of one language's part: introduction, sections, organisations, routes, call to action."""
    book = in_language(booklet, language)
    frame = book.frame
    _ = i18n.gettext_for(language)

    def seg(value: object) -> list[Segment]:
        return segments(value, language)

    words = WORDS[language]
    edition.heading(1, seg(words["note_heading"]))
    for paragraph in words["note"]:
        edition.add("para", seg(paragraph))
    edition.heading(1, seg(_("Introduction")))
    for paragraph in frame.introduction:
        edition.add("para", seg(paragraph))
    for note in book.notes:
        edition.add("para", seg(note))
    sections = frame.sections

    def points(section: PointSection) -> None:
        for point in section.items:
            edition.add("item", [*seg(f"{point.title}:"), *seg(point.text)])

    edition.heading(1, seg(sections.why.heading))
    edition.add("para", seg(sections.why.lead))
    points(sections.why)
    edition.heading(1, seg(sections.organisations.heading))
    edition.add("para", seg(sections.organisations.lead))
    for org in book.organisations:
        edition.heading(2, seg(org.name))
        edition.add("para", seg(org.summary))
        edition.add("para", seg(f"{_('Typical roles')}:"))
        for role in org.roles:
            edition.add("item", seg(role))
        edition.add("para", _label(f"{_('Website')}:", org.website, language))
    edition.heading(1, seg(sections.unique.heading))
    edition.add("para", seg(sections.unique.lead))
    for section in (sections.challenges, sections.skills):
        edition.heading(2, seg(section.heading))
        edition.add("para", seg(section.lead))
        points(section)
    edition.heading(1, seg(sections.routes.heading))
    edition.add("para", seg(sections.routes.lead))
    for route in book.routes:
        edition.heading(2, seg(route.title))
        edition.add("para", seg(route.summary))
        edition.add("para", _label(f"{_('Website')}:", route.url, language))
        edition.add("para", seg(f"{_('First steps')}:"))
        for number, step in enumerate(route.steps, start=1):
            edition.add("item", [Segment(f"{number}.", language), *seg(step)])
    action = frame.call_to_action
    edition.heading(1, seg(action.heading))
    edition.add("para", seg(action.text))
    edition.add("para", _label(f"{action.label}:", action.url, language))


def edition_blocks(booklet: Booklet, settings: Settings = Settings()) -> list[Block]:
    """The print blocks of the braille edition, in reading order, before translation."""
    languages = list(booklet.frame.bilingual_order) if settings.language == "bilingual" else [settings.language]
    title_page = _Edition()
    for language in languages:
        book = in_language(booklet, language)
        frame = book.frame
        _ = i18n.gettext_for(language)
        title_page.add(CENTRED, segments(frame.title, language), blank_before=True)
        title_page.add(CENTRED, segments(frame.strapline, language), blank_before=True)
        title_page.add(CENTRED, segments(book.cover_line, language), blank_before=True)
        title_page.add(CENTRED, segments(_("Published by %(publisher)s", publisher=frame.publisher), language))
    first = languages[0]
    edition_date = i18n.gettext_for(first)("Edition: %(date)s", date=i18n.format_day(booklet.frame.edition, first))
    title_page.add(CENTRED, segments(edition_date, first), blank_before=True)
    codes = "; ".join(CODE_NAMES[first][code] for code in languages)
    title_page.add(CENTRED, [Segment(codes, first)], blank_before=True)
    body = _Edition()
    for language in languages:
        _language_blocks(booklet, language, body)
    contents = _Edition()
    heading = " / ".join(i18n.gettext_for(language)("Contents") for language in languages)
    contents.add(CENTRED, [Segment(heading, languages[0])], blank_after=True, new_page=True)
    for level, title, anchor in body.entries:
        contents.add("item" if level == 1 else "subitem", title, page_ref=anchor)
    if body.blocks:
        body.blocks[0].new_page = True
    return title_page.blocks + contents.blocks + body.blocks


def _braille_text(block: Block, translated: dict[tuple[str, bool, str], str]) -> str:
    parts = []
    for i, segment in enumerate(block.segments):
        cells = translated[(segment.language, segment.address, segment.text)]
        parts.append(("" if segment.joined or i == 0 else " ") + cells)
    return "".join(parts)


def _translate_all(blocks: Iterable[Block]) -> dict[tuple[str, bool, str], str]:
    """Every segment's braille, one liblouis run per table."""
    wanted: dict[str, list[tuple[str, bool, str]]] = {}
    for block in blocks:
        for s in block.segments:
            # UEB writes an address in grade 1; the Welsh table puts addresses in computer braille itself.
            table = CODES[s.language].uncontracted if s.address and s.language == "en" else CODES[s.language].table
            key = (s.language, s.address, s.text)
            if key not in wanted.setdefault(table, []):
                wanted[table].append(key)
    translated: dict[tuple[str, bool, str], str] = {}
    for table, keys in wanted.items():
        lines = [text if language == "en" else text.translate(_PRINT_SIGNS) for language, _a, text in keys]
        for key, cells in zip(keys, translate(lines, table), strict=True):
            if key[1] and key[0] == "en":
                cells = GRADE1_WORD + cells
            translated[key] = cells
    return translated


def braille_edition(booklet: Booklet, settings: Settings = Settings()) -> bytes:
    """The braille edition of `booklet` as BRF bytes (pages of settings.braille_cells × braille_lines).

    Raises BookletError naming the Debian package when liblouis or one of its tables is missing.
    """
    width, height = settings.braille_cells, settings.braille_lines
    if width < MIN_CELLS or height < MIN_LINES:
        raise BookletError.single(
            f"a braille page needs at least {MIN_CELLS} cells and {MIN_LINES} lines", code=Exit.USAGE
        )
    blocks = edition_blocks(booklet, settings)
    translated = _translate_all(blocks)
    laid = [
        Laid(
            b.kind,
            _braille_text(b, translated),
            blank_before=b.blank_before,
            blank_after=b.blank_after,
            new_page=b.new_page,
            anchor=b.anchor,
            page_ref=b.page_ref,
        )
        for b in blocks
    ]
    return brf(lay_out(laid, width, height))
