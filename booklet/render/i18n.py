"""Interface words in the edition's language: gettext catalogues read with Babel, dates formatted by Babel.

Catalogues are the `.po` files in `booklet/locale/LANG/LC_MESSAGES/booklet.po` (package
data). They are read at run time (Babel parses a `.po` in a few milliseconds and the
result is cached per process), so there is no compile step to forget and no `.mo`
file that can fall out of date with its `.po`. English is the source language: its
catalogue is the messages themselves.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from ..tailor.language import LANGUAGES, Foreign

DOMAIN = "booklet"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
BABEL_LOCALES = {"en": "en_GB", "cy": "cy_GB"}


def N_(message: str) -> str:
    """Mark a message in Python code for extraction (`pybabel extract -k N_`); it is translated where used."""
    return message


PAGE_OF = N_("Page %(page)s of %(pages)s")
"""The running footer's page number."""
BLANK_PAGE = N_("This page is intentionally left blank")
"""The text of a page left blank on purpose (duplex printing, saddle stitching)."""


def catalogue_path(language: str) -> Path:
    """The `.po` file of `language`."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> NullTranslations:
    """The gettext translations of `language` (English: the messages unchanged)."""
    if language == "en":
        return NullTranslations()
    from babel.messages.mofile import write_mo  # only for another language than English
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=BABEL_LOCALES[language], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext_for(language: str) -> Callable[..., str]:
    """`_(message, **values)`: the message in `language`, with `%(name)s` values filled in."""
    table = translations(language)

    def _(message: str, **values: Any) -> str:
        text = table.gettext(message)
        return text % {k: str(v) for k, v in values.items()} if values else text

    return _


def format_day(day: dt.date, language: str) -> str:
    """A date as printed: "28 November 2026", "28 Tachwedd 2026"."""
    return format_date(day, "d MMMM y", locale=BABEL_LOCALES[language])


def format_month(day: dt.date, language: str) -> str:
    """The month and year of a date, as in a sentence: "September 2027", "Medi 2027"."""
    return format_date(day, "MMMM y", locale=BABEL_LOCALES[language])


def mark_language(value: Any) -> Any:
    """Jinja `finalize`: text in another language than the page's is wrapped in `<span lang>`.

    Attributes (`title=`, `alt=`) must not receive markup: templates print those
    through the `plain` filter.
    """
    if isinstance(value, Foreign):
        return Markup('<span lang="{}">{}</span>').format(value.lang, escape(str(value)))
    return value


def lang_attr(value: Any) -> Markup:
    """` lang="…"` for text in another language, to put on the element that holds it.

    Used inside links: WeasyPrint 70 leaves a link annotation outside its /Link
    structure element when the link's text is a `<span>`, so the link itself carries `lang`.
    """
    if isinstance(value, Foreign):
        return Markup(' lang="{}"').format(value.lang)
    return Markup("")


def plain(value: Any) -> str:
    """Text without its language mark, for attributes and the document title."""
    return str(value)


def lang_tag(language: str) -> str:
    """The BCP 47 tag an edition is marked with (en-GB, cy-GB)."""
    return LANGUAGES[language]
