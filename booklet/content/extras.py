"""The optional parts of a content folder, read for `load.load_project_content`: stories, the glossary,
organisation logos, and audiences' choice of stories.

Each part's problems go into the reader's list with all the others; what is valid
comes back for the booklet. Images are read by load.py's `_logo_uri` (passed in), so
an organisation's logo and a story's photo meet the brand logo's sandbox and limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem
from . import model
from .glossary import Glossary, Term, check_unused
from .read import Document, dotted
from .stories import ImageReader, Story, load_stories


@dataclass
class Extras:
    """What the optional parts add to a booklet."""

    stories: list[Story] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    images: dict[str, str] = field(default_factory=dict)


def organisation_logo(
    org: model.Organisation, doc: Document, path: Path, read_image: ImageReader, problems: list[Problem]
) -> dict[str, str]:
    """The organisation's logo as {"organisation:ID": data URI}, or {} (its problems added to `problems`)."""
    if not org.logo:
        return {}
    uri, found = read_image(path.parent / org.logo, org.logo, doc, path.parent, ("logo",), "organisation file")
    problems.extend(found)
    return {f"organisation:{org.id}": uri} if uri else {}


def load_extras(
    reader: Any,
    content_dir: Path,
    read_image: ImageReader,
    frame: model.Frame | None,
    organisations: list[model.Organisation],
    files: list[Path],
    routes: model.Routes | None,
    audiences: list[model.Audience],
    audiences_doc: Document | None,
) -> Extras:
    """Read stories/ and glossary.yaml (both optional) and check audiences' story rules."""
    org_ids = {o.id for o in organisations} if len(organisations) == len(files) else None
    route_ids = {r.id for r in routes.routes} if routes is not None else None
    limit = frame.story_words if frame is not None else model.STORY_WORDS
    stories, images = load_stories(reader, content_dir / "stories", read_image, org_ids, route_ids, limit)
    extras = Extras(stories, [], images)
    story_dir = content_dir / "stories"
    story_files = (
        sorted(p for p in story_dir.glob("*.yaml") if not p.name.startswith(".")) if story_dir.is_dir() else []
    )
    if audiences_doc is not None:
        known = {p.stem for p in story_files}
        tags = {t for s in stories for t in s.tags} if len(stories) == len(story_files) else None
        reader.problems.extend(_check_story_rules(audiences, audiences_doc, known, tags))
    path = content_dir / "glossary.yaml"
    doc = reader.read(path, required=False)
    glossary = reader.validate(doc, Glossary)
    if glossary is not None and doc is not None:
        extras.terms = list(glossary.terms)
        if frame is not None and routes is not None:
            reader.problems.extend(check_unused(glossary, doc, [frame, organisations, routes, stories]))
    return extras


def _check_story_rules(
    audiences: list[model.Audience], doc: Document, known: set[str], tags: set[str] | None
) -> list[Problem]:
    """Audiences may only name stories and story tags that exist."""
    import difflib

    problems = []
    for index, audience in enumerate(audiences):
        for rule_kind in ("include", "exclude"):
            for j, rule in enumerate(getattr(audience.stories, rule_kind)):
                loc = ("audiences", index, "stories", rule_kind, j)
                if rule.startswith("tag:"):
                    name, pool, what = rule[4:], tags, f"no stories carry the tag {rule[4:]!r}"
                else:
                    name, pool, what = rule, known, f"names story {rule!r}, which does not exist"
                if pool is None or name in pool:
                    continue
                close = difflib.get_close_matches(name, sorted(pool), n=1)
                hint = f"did you mean {close[0]!r}?" if close else "known: " + (", ".join(sorted(pool)) or "none")
                problems.append(Problem(doc.where(loc), what, hint, dotted(loc)))
    return problems


def welsh_items(booklet: model.Booklet) -> list[tuple[Any, str, tuple[str | int, ...]]]:
    """(model, file name ending, key path) of each story and glossary term, for `missing_welsh`."""
    items: list[tuple[Any, str, tuple[str | int, ...]]] = [(s, f"stories/{s.id}.yaml", ()) for s in booklet.stories]
    items += [(term, "glossary.yaml", ("terms", i)) for i, term in enumerate(booklet.glossary)]
    return items
