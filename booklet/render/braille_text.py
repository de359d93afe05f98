"""The braille edition's print blocks before translation: text segments that know their language and
whether they are a web address, blocks of them, and an edition being assembled with its contents entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..tailor.language import Foreign
from .braille_layout import CENTRED

_ADDRESS = re.compile(
    r"https?://[^\s<>\"')]+[^\s<>\"').,;:!?]"  # an address with its scheme
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"  # an e-mail address
    r"|\b(?:[a-z0-9-]+\.)+(?:uk|com|org|net|gov|wales|cymru|io)\b(?:/[^\s<>\"')]*[^\s<>\"').,;:!?])?",
    re.IGNORECASE,
)
"""Web and e-mail addresses in running text: these are written in uncontracted braille."""


@dataclass(frozen=True)
class Segment:
    """A run of text in one language; an address is written uncontracted."""

    text: str
    language: str
    address: bool = False
    joined: bool = False
    """No space before this segment (it followed the one before directly in print)."""
    braille: bool = False
    """Already braille (BRF), not print: an indicator braille has and print has not, left untranslated."""


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
        """What the block says in print (braille-only indicators left out)."""
        shown = [s for s in self.segments if not s.braille]
        return "".join(("" if s.joined or i == 0 else " ") + s.text for i, s in enumerate(shown))


@dataclass
class Edition:
    """The blocks of an edition being assembled, with its contents entries."""

    blocks: list[Block] = field(default_factory=list)
    entries: list[tuple[int, list[Segment], str]] = field(default_factory=list)

    def add(self, kind: str, segments: list[Segment], **options: object) -> None:
        if segments:
            self.blocks.append(Block(kind, segments, **options))  # type: ignore[arg-type]

    def heading(self, level: int, segments: list[Segment], contents: bool = True, blank: bool = True) -> None:
        """A heading: 1 centred, 2 in cell 5, 3 in cell 7; levels 1 and 2 are listed in the contents."""
        contents = contents and level < 3 and bool(segments)
        anchor = f"h{len(self.blocks)}" if contents else ""
        if level == 1:
            self.add(CENTRED, segments, blank_before=True, blank_after=True, anchor=anchor)
        else:
            self.add("heading" if level == 2 else "minor", segments, blank_before=blank, anchor=anchor)
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


def label(label: str, value: object, language: str) -> list[Segment]:
    """ "Website: https://…" as segments."""
    return [Segment(label, language), *segments(value, language)]
