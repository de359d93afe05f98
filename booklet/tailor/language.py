"""Languages: the booklet in one language, from text fields that carry a Welsh version beside them.

Content keeps each Welsh version in a sibling key (`name_cy:` beside `name:`), so an
adviser sees both together. `in_language(booklet, "cy")` returns the booklet with every
translated field replaced by its Welsh version; a field without one keeps its English
text, wrapped in `Foreign` so the renderer can mark it `lang="en-GB"` (a screen reader
then reads it with English rules). `missing(model)` lists the fields without Welsh, for
`booklet check --language cy`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..content.model import Booklet
from ..content.translations import SUFFIX, translatable

LANGUAGES = {"en": "en-GB", "cy": "cy-GB"}
"""Edition languages and the BCP 47 tag each one is marked with."""


class Foreign(str):
    """Text that is not in the language of the page around it (it carries its own BCP 47 tag)."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Foreign:
        value = super().__new__(cls, text)
        value.lang = lang
        return value

    def __reduce__(self) -> Any:  # pickled into worker processes with its language
        return (Foreign, (str(self), self.lang))


def _mark(value: Any, lang: str) -> Any:
    if isinstance(value, str):
        return Foreign(value, lang) if value else value
    if isinstance(value, list):
        return [_mark(v, lang) for v in value]
    return value


def _translate(value: Any, language: str, fallback_lang: str) -> Any:
    """`value` with each translated field in `language` (recursively); the rest marked as foreign."""
    if isinstance(value, list):
        return [_translate(v, language, fallback_lang) for v in value]
    if not isinstance(value, BaseModel):
        return value
    update: dict[str, Any] = {}
    names = translatable(type(value))
    for name in type(value).model_fields:
        if name.endswith(SUFFIX):
            continue
        current = getattr(value, name)
        if name in names and language == "cy":
            welsh = getattr(value, name + SUFFIX)
            update[name] = welsh if welsh is not None else _mark(current, fallback_lang)
        elif isinstance(current, (BaseModel, list)):
            update[name] = _translate(current, language, fallback_lang)
    return value.model_copy(update=update)


def in_language(booklet: Booklet, language: str) -> Booklet:
    """The booklet in `language` ("en" or "cy"); text without a Welsh version stays English, marked so.

    An organisation whose `name_language` matches the edition needs no mark; one
    whose name is in another language (a Welsh name in an English edition) is marked.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    translated: Booklet = _translate(booklet, language, LANGUAGES["en"])
    page = LANGUAGES[language]
    organisations = []
    for org in translated.organisations:
        if org.name_language and not org.name_language.startswith(language):
            org = org.model_copy(update={"name": Foreign(str(org.name), org.name_language)})
        elif org.name_language:
            org = org.model_copy(update={"name": str(org.name)})  # already in the page's language
        organisations.append(org)
    # The English text keeps the language its frame names (en-GB unless a project says otherwise).
    frame = translated.frame.model_copy(update={"language": page}) if language == "cy" else translated.frame
    return translated.model_copy(update={"frame": frame, "organisations": organisations, "language": language})
