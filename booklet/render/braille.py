"""The braille edition: a tailored booklet as a BRF file for an embosser or a braille display.

The booklet becomes print blocks (headings, paragraphs, list items, each made of text
segments that know their language and whether they are a web address: `braille_text.py`;
the optional parts, route facts, stories, dates to know and the glossary: `braille_parts.py`); liblouis
translates them (`louis.py`: UEB grade 2 for English, Welsh grade 2 for Welsh, web
addresses uncontracted) and `braille_layout.py` sets them on pages with braille page
numbers and a contents page. What print shows and braille cannot (QR codes, tick boxes,
logos, photos, the routes-at-a-glance table) is named in a transcriber's note.

liblouisutdml's `file2brl` was tried for the page layout and not used: from the HTML
edition it contracted web addresses and hyphenated them across lines, reported errors in
its own HTML semantics file, and offers no contents page with braille page numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..content.model import Booklet, PointSection
from ..errors import BookletError, Exit
from ..settings import Settings
from ..tailor.language import in_language
from . import braille_parts as parts
from . import i18n
from .braille_layout import CENTRED, Laid, brf, lay_out
from .braille_text import Block, Edition, Segment, label, segments
from .louis import CODES, GRADE1_WORD, translate

MIN_CELLS, MIN_LINES = 20, 10
"""The smallest page the layout can honour (a contents line needs its guide dots and number)."""

_PRINT_SIGNS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2026": "..."})
"""Typographic marks that the Welsh table does not know, as the plain signs it does."""

WORDS = {
    "en": {
        "note_heading": "Transcriber's note",
        "note": [
            "This braille edition was made from the printed booklet. Left out: the QR codes beside each "
            "organisation and route (their web addresses are given in full instead), the logos, and the "
            "colours and layout of the print.",
            "The print edition has a tick box beside each first step of a route. Here the steps are numbered "
            "instead: note the numbers of the steps you have done.",
            "Web addresses are in uncontracted braille. A long web address carries on to the next line "
            "without a hyphen.",
            "Page numbers are braille page numbers, at the top right of each page; the contents lists them.",
        ],
        "photos": "Photos are left out. A photo that shows more than decoration is described where it appears, "
        "in a transcriber's note set in from the margin that begins with the word Photo.",
        "glance": "The print edition compares the routes in a table, routes at a glance. Here each route's "
        "facts follow its summary instead.",
    },
    "cy": {
        "note_heading": "Nodyn y trawsgrifiwr",
        "note": [
            "Gwnaed yr argraffiad braille hwn o'r llyfryn print. Gadawyd allan: y codau QR wrth ymyl pob "
            "sefydliad a llwybr (rhoddir eu cyfeiriadau gwe yn llawn yn eu lle), y logos, a lliwiau a "
            "chynllun y fersiwn print.",
            "Yn y fersiwn print mae blwch ticio wrth ymyl pob cam cyntaf ar lwybr. Yma mae'r camau wedi'u "
            "rhifo yn lle hynny: nodwch rifau'r camau rydych wedi'u gwneud.",
            "Mae cyfeiriadau gwe mewn braille gradd 1. Mae cyfeiriad gwe hir yn parhau ar y llinell nesaf "
            "heb gysylltnod.",
            "Rhifau tudalennau braille yw rhifau'r tudalennau, ar y dde ar frig pob tudalen; mae'r cynnwys "
            "yn eu rhestru.",
        ],
        "photos": "Gadawyd y lluniau allan. Disgrifir llun sy'n dangos mwy nag addurn lle mae'n ymddangos, "
        "mewn nodyn y trawsgrifiwr wedi'i fewnoli sy'n dechrau gyda'r gair Llun.",
        "glance": "Mae'r fersiwn print yn cymharu'r llwybrau mewn tabl, Cipolwg ar y llwybrau. Yma mae "
        "ffeithiau pob llwybr yn dilyn ei grynodeb yn lle hynny.",
    },
}
"""Words only the braille edition prints, in each language (the rest come from the gettext catalogue)."""

CODE_NAMES = {
    "en": {"en": "Unified English Braille, grade 2", "cy": "Welsh braille, grade 2"},
    "cy": {"en": "Braille Saesneg Unedig (UEB), gradd 2", "cy": "Braille Cymraeg, gradd 2"},
}
"""How the title page names the code, in the edition's language."""


def _language_blocks(booklet: Booklet, language: str, edition: Edition) -> None:
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
    if any(story.photo is not None for story in book.stories):
        edition.add("para", seg(words["photos"]))
    if parts.glance_printed(book):
        edition.add("para", seg(words["glance"]))
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
        edition.add("para", label(f"{_('Website')}:", org.website, language))
        for told in parts.stories_after(book, org=org):
            parts.story(edition, told, language)
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
        edition.add("para", label(f"{_('Website')}:", route.url, language))
        parts.route_facts(edition, route, language, frame.edition)
        edition.add("para", seg(f"{_('First steps')}:"))
        for number, step in enumerate(route.steps, start=1):
            edition.add("item", [Segment(f"{number}.", language), *seg(step)])
        for told in parts.stories_after(book, route=route):
            parts.story(edition, told, language)
    parts.dates_to_know(edition, book, language)
    parts.glossary(edition, book, language)
    action = frame.call_to_action
    edition.heading(1, seg(action.heading))
    edition.add("para", seg(action.text))
    edition.add("para", label(f"{action.label}:", action.url, language))


def edition_blocks(booklet: Booklet, settings: Settings = Settings()) -> list[Block]:
    """The print blocks of the braille edition, in reading order, before translation."""
    languages = list(booklet.frame.bilingual_order) if settings.language == "bilingual" else [settings.language]
    title_page = Edition()
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
    body = Edition()
    for language in languages:
        _language_blocks(booklet, language, body)
    contents = Edition()
    heading = " / ".join(i18n.gettext_for(language)("Contents") for language in languages)
    contents.add(CENTRED, [Segment(heading, languages[0])], blank_after=True, new_page=True)
    for level, title, anchor in body.entries:
        contents.add("item" if level == 1 else "subitem", title, page_ref=anchor)
    if body.blocks:
        body.blocks[0].new_page = True
    return title_page.blocks + contents.blocks + body.blocks


def _braille_text(block: Block, translated: dict[tuple[str, bool, str], str]) -> str:
    pieces = []
    for i, segment in enumerate(block.segments):
        cells = segment.text if segment.braille else translated[(segment.language, segment.address, segment.text)]
        pieces.append(("" if segment.joined or i == 0 else " ") + cells)
    return "".join(pieces)


def _translate_all(blocks: Iterable[Block]) -> dict[tuple[str, bool, str], str]:
    """Every segment's braille, one liblouis run per table."""
    wanted: dict[str, list[tuple[str, bool, str]]] = {}
    for block in blocks:
        for s in block.segments:
            if s.braille:
                continue
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
