"""Stories: one person's way in (content/stories/NAME.yaml), read, validated and checked.

A story names the organisation or route it belongs to and prints after it. It is
either a real person's, who agreed to be printed (`consent: true`), or an invented
example (`illustrative: true`, printed with a visible label); a story that says
neither is an error, because a reader must never mistake an invented person for a
real one. Its photo is read through the same sandbox and limits as the brand logo
(`load.image_uri`), and needs a credit line and alt text (unless it is decorative).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from ..errors import Problem
from .model import STORY_WORDS, Id, Model, Text, _image_kind
from .read import Document, Loc, dotted, short

QUOTE_WORDS = 40
"""A pull quote is a sentence or two; longer, it is the story again."""


class Photo(Model):
    """A photo printed with a story."""

    file: str = Field(examples=["priya.png"])
    """Image file (JPEG, PNG or SVG), relative to the story file, e.g. priya.jpg."""
    alt: str | None = Field(default=None, examples=["Priya at her desk, smiling"])
    """What the photo shows, for people who cannot see it; required unless decorative is true."""
    alt_cy: str | None = Field(default=None, examples=["Priya wrth ei desg, yn gwenu"])
    """Welsh version of alt."""
    decorative: bool = Field(default=False, examples=[True])
    """true when the photo adds nothing the text does not say: readers that speak skip it."""
    credit: str | None = Field(default=None, examples=["Photo: Sam Jones, used with permission"])
    """Who took the photo or holds its rights, printed under it, e.g. "Photo: Sam Jones"; required."""
    credit_cy: str | None = Field(default=None, examples=["Llun: Sam Jones"])
    """Welsh version of credit."""

    @field_validator("file")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _image_kind(value, "the photo", photo=True) or value


class Story(Model):
    """One person's story (one file in stories/; its id is the file name)."""

    id: Id
    """Identifier, taken from the file name (stories/priya.yaml has id priya)."""
    name: Text
    """The person's name as printed, e.g. "Priya"; a first name is enough."""
    role: Text
    """Their role, e.g. "Data scientist"."""
    organisation: Id | None = Field(default=None, examples=["gds"])
    """Id of the organisation the story prints after (the file name of organisations/ID.yaml)."""
    route: Id | None = Field(default=None, examples=["fast-stream"])
    """Id of the entry route the story prints after when there is no organisation (or it is not printed)."""
    quote: Text
    """A short quote in their words, one or two sentences, printed large."""
    story: Text
    """The story: how they got in and what the work is like (at most 200 words, or booklet.yaml's story_words)."""
    photo: Photo | None = None
    """An optional photo, with its credit and alt text."""
    consent: bool = Field(default=False, examples=[True])
    """true when this is a real person who agreed to their story (and photo) being printed."""
    illustrative: bool = Field(default=False, examples=[True])
    """true when the person is invented: the story prints with a visible "Illustrative example" label."""
    tags: list[Id] = Field(default=[])
    """Labels that audiences use to include or exclude this story."""
    role_cy: Text | None = Field(default=None, examples=["Gwyddonydd data"])
    """Welsh version of role (Cymraeg), used by Welsh and bilingual editions."""
    quote_cy: Text | None = Field(default=None, examples=["Rwy’n gweld effaith fy ngwaith bob dydd."])
    """Welsh version of quote."""
    story_cy: Text | None = Field(default=None, examples=["Ymunais ar ôl fy ngradd."])
    """Welsh version of story."""

    @property
    def paragraphs(self) -> list[str]:
        """The story's paragraphs (separated by a blank line in the file)."""
        return [p.strip() for p in self.story.split("\n\n") if p.strip()]


def words(text: str) -> int:
    """How many words a text has (what the word limit counts)."""
    return len(text.split())


def check_story(
    story: Story,
    doc: Document,
    organisations: set[str] | None,
    routes: set[str] | None,
    limit: int = STORY_WORDS,
) -> list[Problem]:
    """What is wrong with one valid-looking story: who it is, its photo, what it names, its length.

    `organisations` and `routes` are the known ids (None when their files have errors,
    so one broken file does not echo here as "does not exist"); `limit` is the word limit
    in force (booklet.yaml's `story_words`).
    """
    problems: list[Problem] = []

    def add(loc: Loc, what: str, hint: str, warning: bool = False) -> None:
        problems.append(Problem(doc.where(loc), what, hint, dotted(loc), warning=warning))

    if story.consent and story.illustrative:
        add(
            ("illustrative",),
            "story says both consent: true and illustrative: true",
            "a real person who agreed keeps consent: true; an invented example keeps illustrative: true",
        )
    elif not story.consent and not story.illustrative:
        add(
            ("name",),
            f"story {story.id!r} says neither consent: true nor illustrative: true",
            "add consent: true if a real person agreed to be printed, or illustrative: true if the person is invented",
        )
    if story.photo is not None:
        if not story.photo.decorative and not (story.photo.alt or "").strip():
            add(
                ("photo",),
                "photo has no alt text",
                "add alt: a short description of what it shows, or decorative: true if it adds nothing to the text",
            )
        if not (story.photo.credit or "").strip():
            add(
                ("photo",),
                "photo has no credit line",
                "add credit: who took it or holds its rights, e.g. Photo: Sam Jones",
            )
    if story.organisation is None and story.route is None:
        add(
            ("name",),
            f"story {story.id!r} names no organisation or route",
            "add organisation: ID or route: ID to place it",
        )
    for key, known in (("organisation", organisations), ("route", routes)):
        named = getattr(story, key)
        if named is not None and known is not None and named not in known:
            add((key,), f"names {key} {named!r}, which does not exist", _suggest(named, known))
    count = words(story.story)
    if count > limit:
        own = "" if limit == STORY_WORDS else " (story_words in booklet.yaml)"
        add(
            ("story",),
            f"story {story.id!r} has {count} words; at most {limit}{own} print beside its quote and photo",
            "shorten it, or keep the rest for the organisation's website",
            warning=True,
        )
    if words(story.quote) > QUOTE_WORDS:
        add(
            ("quote",),
            f"quote has {words(story.quote)} words; a quote printed large holds at most {QUOTE_WORDS}",
            "keep one or two sentences",
            warning=True,
        )
    return problems


def _suggest(word: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + (", ".join(sorted(known)) or "none")


ImageReader = Callable[[Path, str, Document, Path, Loc, str], tuple[str, list[Problem]]]
"""(image path, name as written, document, folder it must stay in, key, owner) → (data: URI, problems)."""


def load_stories(
    reader: Any,
    folder: Path,
    read_image: ImageReader,
    organisations: set[str] | None,
    routes: set[str] | None,
    limit: int = STORY_WORDS,
) -> tuple[list[Story], dict[str, str]]:
    """Every story in `folder` (content/stories/), in file-name order, and their photos by "story:ID".

    `reader` is load.py's reader: its `read` and `validate` collect problems in `reader.problems`;
    `limit` is the word limit of a story's text.
    """
    stories: list[Story] = []
    images: dict[str, str] = {}
    if not folder.is_dir():
        return stories, images
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("."):
            continue
        doc = reader.read(path)
        if doc is None:
            continue
        data = doc.data
        if isinstance(data, dict):
            if "id" in data and data["id"] != path.stem:
                reader.problems.append(
                    Problem(
                        doc.where(("id",)),
                        f"id {short(data['id'])} differs from the file name",
                        f"use id: {path.stem}, or rename the file",
                        "id",
                    )
                )
                continue
            data = {"id": path.stem, **data}
        story = reader.validate(doc, Story, data=data)
        if story is None:
            continue
        found = check_story(story, doc, organisations, routes, limit)
        reader.problems.extend(found)
        if story.photo is not None:
            uri, image_problems = read_image(
                path.parent / story.photo.file, story.photo.file, doc, path.parent, ("photo", "file"), "story file"
            )
            reader.problems.extend(image_problems)
            if uri:
                images[f"story:{story.id}"] = uri
        stories.append(story)
    return stories, images
