"""The braille edition's optional parts: a route's facts, stories, dates to know and the glossary.

Each function adds print blocks to an edition being assembled (`braille_text.Edition`), in the
language of the part. The words are the print edition's: the facts are worded by
`render/facts.py` (pay, where, clearance, a window's status on the edition date), the
interface words come from the gettext catalogue, and stories print where the print
edition's `partials/stories-after.html.j2` puts them. What braille leaves out is what
cannot be felt: a routes-at-a-glance table (each route's facts follow its summary), logos,
and decorative photos; a photo with alt text is described in a transcriber's note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..content.facts import by_month, key_dates
from ..tailor.language import Foreign
from . import facts, i18n
from .braille_text import Edition, Segment, label, segments

TN_OPEN, TN_CLOSE = "@.<", "@.>"
"""UEB's opening and closing transcriber's note indicators (dots 4, 46, 126 and dots 4, 46, 345) in BRF.
The Welsh code has none: there the note's own words and its indent mark it."""

PHOTO = {"en": "Photo:", "cy": "Llun:"}
"""The word that opens a photo's description (the catalogue has no such interface word)."""

DATE_SEPARATOR = " \u2013 "
"""Between a day and what happens on it: a dash, as punctuation straight after a number reads back
as a digit in the Welsh code."""


def route_facts(edition: Edition, route: Any, language: str, on: dt.date) -> None:
    """A route's facts as labelled lines, the entry requirements as a list (as "Typical roles" is)."""
    found = route.facts
    if found is None:
        return
    _ = i18n.gettext_for(language)

    def line(text: str, value: object) -> None:
        edition.add("para", label(_(text), value, language))

    if found.who is not None:
        line("Who it is for:", found.who.text)
    if found.entry is not None:
        edition.add("para", segments(_("What you need:"), language))
        for item in found.entry.items:
            edition.add("item", segments(item, language))
    if found.pay is not None:
        line("Pay:", facts.pay_text(found.pay, language))
    if found.where is not None:
        line("Where:", facts.where_text(found.where, language))
    if found.clearance is not None:
        line("Security clearance:", facts.clearance_text(found.clearance, language))
    if found.length is not None:
        line("Length:", found.length.text)
    if found.apply is not None:
        line("When to apply:", facts.status_text(found.apply, on, language))


def glance_printed(booklet: Any) -> bool:
    """Whether the print edition has routes at a glance (braille gives each route's facts instead)."""
    if not booklet.routes_at_a_glance or booklet.layout == "handout":
        return False
    return any(facts.has_glance_facts(route.facts) for route in booklet.routes)


def stories_after(booklet: Any, org: Any = None, route: Any = None) -> list[Any]:
    """The stories that print after `org` (those naming it) or after `route` (those naming it whose
    organisation is not printed in this booklet): the selection of `partials/stories-after.html.j2`."""
    if org is not None:
        return [s for s in booklet.stories if s.organisation == org.id]
    printed = {o.id for o in booklet.organisations}
    return [s for s in booklet.stories if route is not None and s.route == route.id and s.organisation not in printed]


def story(edition: Edition, told: Any, language: str) -> None:
    """One story: its label if invented, name and role as a minor heading, the quote, the text, and
    the photo described in a transcriber's note (a decorative photo is left out, as a screen reader
    skips it)."""
    _ = i18n.gettext_for(language)
    if told.illustrative:
        edition.heading(3, segments(_("Illustrative example"), language))
    name = [*segments(_same(told.name, f"{told.name},"), language), *segments(told.role, language)]
    edition.heading(3, name, blank=not told.illustrative)
    edition.add("para", segments(_same(told.quote, f"\u201c{told.quote}\u201d"), language))
    for paragraph in str(told.story).split("\n\n"):
        edition.add("para", segments(_same(told.story, paragraph), language))
    photo = told.photo
    if photo is not None and not photo.decorative and photo.alt:
        edition.add("note", photo_note(photo, language))


def photo_note(photo: Any, language: str) -> list[Segment]:
    """ "Photo: what it shows. Its credit." as a transcriber's note (between UEB's indicators in English)."""
    alt = " ".join(str(photo.alt).split()).rstrip(".")
    words = [*segments(PHOTO[language], language), *segments(_same(photo.alt, f"{alt}."), language)]
    words += segments(photo.credit, language)
    if language != "en":
        return words
    first = words[0]
    opened = Segment(first.text, first.language, first.address, joined=True)
    return [
        Segment(TN_OPEN, "en", braille=True),
        opened,
        *words[1:],
        Segment(TN_CLOSE, "en", joined=True, braille=True),
    ]


def _same(value: object, text: str) -> str:
    """`text` (made from `value`) in the language `value` is in: English kept in a Welsh part stays marked."""
    return Foreign(text, value.lang) if isinstance(value, Foreign) else text


def dates_to_know(edition: Edition, booklet: Any, language: str) -> None:
    """Every opening and closing date from the edition date on, by month: the print edition's
    "Dates to know" (the same `key_dates` and `by_month` as its `key_dates_by_month` filter)."""
    months = by_month(key_dates(booklet.routes, booklet.frame.edition))
    if not months:
        return
    _ = i18n.gettext_for(language)
    edition.heading(1, segments(_("Dates to know"), language))
    for first, dates in months:
        edition.heading(2, segments(facts.month_heading(first, language), language), contents=False)
        for date in dates:
            day = i18n.format_day(date.day, language)
            edition.add("item", segments(day + DATE_SEPARATOR + facts.event_text(date, language), language))


def glossary(edition: Edition, booklet: Any, language: str) -> None:
    """The glossary as a section: each term then its definition, as a list item (runovers in cell 3)."""
    if not booklet.glossary:
        return
    _ = i18n.gettext_for(language)
    edition.heading(1, segments(_("Glossary"), language))
    for entry in booklet.glossary:
        term = segments(_same(entry.term, f"{entry.term}:"), language)
        edition.add("item", [*term, *segments(entry.definition, language)])
