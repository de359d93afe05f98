"""What a sheet holds: its columns, the YAML files it covers, and each item as a row of cells.

Shared by export and import, so the two cannot disagree about a column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...content import model
from ...content.glossary import Term
from ...content.read import load
from ...content.stories import Story
from ...content.translations import SUFFIX, translatable
from ...errors import BookletError, Problem
from . import facts

ORGANISATIONS, ROUTES, POINTS = "Organisations", "Routes", "Points"
GLOSSARY, STORIES = "Glossary", "Stories"
_ENGLISH: dict[str, list[str]] = {
    ORGANISATIONS: [
        *("id", "name", "summary", "roles", "website", "order", "tags", "source", "reviewed"),
        *("logo", "logo_alt"),
    ],
    ROUTES: ["id", "title", "summary", "url", "steps", "tags", "source", "reviewed"],
    POINTS: ["section", "id", "title", "text", "tags"],
    GLOSSARY: ["term", "definition", "source"],
    STORIES: [
        *("id", "name", "role", "organisation", "route", "quote", "story"),
        *("consent", "illustrative", "tags"),
    ],
}
_MODELS: dict[str, type[model.Model]] = {
    ORGANISATIONS: model.Organisation,
    ROUTES: model.Route,
    POINTS: model.Point,
    GLOSSARY: Term,
    STORIES: Story,
}
PHOTO: dict[str, str] = {
    "photo": "file",
    "photo_alt": "alt",
    "photo_alt_cy": "alt_cy",
    "photo_decorative": "decorative",
    "photo_credit": "credit",
    "photo_credit_cy": "credit_cy",
}
"""A story's photo as columns (`photo` is its file) → the keys under `photo:`."""


def _with_welsh(sheet: str) -> list[str]:
    """The sheet's columns, each text the model translates followed by its Welsh column (`name`, `name_cy`),
    so a translator sees the English beside the cell to fill."""
    welsh = set(translatable(_MODELS[sheet]))
    return [c for name in _ENGLISH[sheet] for c in ([name, name + SUFFIX] if name in welsh else [name])]


COLUMNS: dict[str, list[str]] = {sheet: _with_welsh(sheet) for sheet in _ENGLISH}
COLUMNS[ROUTES] += facts.COLUMNS  # the route's facts, flat: who, entry, pay_from… (see facts.py)
_AFTER_STORY = COLUMNS[STORIES].index("story_cy") + 1
COLUMNS[STORIES][_AFTER_STORY:_AFTER_STORY] = list(PHOTO)
KEYS: dict[str, str] = {GLOSSARY: "term"}
"""The column that tells a sheet's rows apart, when it is not `id`."""
REQUIRED: dict[str, set[str]] = {
    ORGANISATIONS: {"id", "name", "summary", "roles", "website", "source", "reviewed"},
    ROUTES: {"id", "title", "summary", "url", "steps", "source", "reviewed"},
    POINTS: {"section", "id", "title", "text"},
    GLOSSARY: {"term", "definition"},
    STORIES: {"id", "name", "role", "quote", "story"},
}
SECTIONS = ("why", "challenges", "skills")
_ENGLISH_LISTS = {"roles", "steps", "tags"}
LISTS = _ENGLISH_LISTS | {c for columns in COLUMNS.values() for c in columns if c[: -len(SUFFIX)] in _ENGLISH_LISTS}
WELSH_LISTS: dict[str, str] = {c: c[: -len(SUFFIX)] for c in LISTS if c.endswith(SUFFIX)}
"""A Welsh list column → its English list (`roles_cy` → `roles`): the two must have as many items."""
LISTS |= facts.LISTS  # (a fact's Welsh list is paired by the fact's own model check)
DATES = {"reviewed"} | facts.DATES
FLAGS = facts.FLAGS | {"consent", "illustrative", "photo_decorative"}
AMOUNTS = facts.AMOUNTS
SEPARATOR = ";"
_ORG_SCHEMA = "# yaml-language-server: $schema=../schemas/organisation.schema.json\n"
SCHEMA_LINES = {
    GLOSSARY: "# yaml-language-server: $schema=schemas/glossary.schema.json\n",
    STORIES: "# yaml-language-server: $schema=../schemas/story.schema.json\n",
}
"""The first line of a file an import creates, when the content folder has its schemas."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection): a CSV cell of text that starts
with one of these (after any `'`) is written with one more `'` before it, and import takes exactly one off."""


# ---------------------------------------------------------------- reading the YAML side


@dataclass
class _Project:
    """The raw (unvalidated) data of the files a sheet covers, keyed by their relative names."""

    content: Path
    root: Path
    frame: Any = None
    routes: Any = None
    organisations: dict[str, Any] = field(default_factory=dict)
    """Organisation id (file stem) → raw data."""
    glossary: Any = None
    stories: dict[str, Any] = field(default_factory=dict)
    """Story id (file stem) → raw data."""

    def name(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def _read_project(content: Path, root: Path) -> _Project:
    project = _Project(content, root)
    problems: list[Problem] = []

    def read(path: Path) -> Any:
        try:
            return load(path, str(path.relative_to(root))).data
        except BookletError as exc:
            problems.extend(exc.problems)
            return None

    project.frame = read(content / "booklet.yaml")
    project.routes = read(content / "routes.yaml")
    for path in sorted((content / "organisations").glob("*.yaml")):
        if not path.name.startswith("."):
            project.organisations[path.stem] = read(path)
    if (content / "glossary.yaml").is_file():
        project.glossary = read(content / "glossary.yaml")
    for path in sorted((content / "stories").glob("*.yaml")):
        if not path.name.startswith("."):
            project.stories[path.stem] = read(path)
    if problems:
        raise BookletError(problems)
    return project


def _rows(project: _Project) -> dict[str, list[dict[str, Any]]]:
    """Every item as a row: field → value, in sheet order."""
    rows: dict[str, list[dict[str, Any]]] = {sheet: [] for sheet in COLUMNS}
    orgs = [({**data, "id": stem}) for stem, data in project.organisations.items() if isinstance(data, dict)]
    rows[ORGANISATIONS] = sorted(orgs, key=lambda o: o.get("order", 100) if isinstance(o.get("order"), int) else 100)
    if isinstance(project.routes, dict):
        routes = [r for r in project.routes.get("routes") or [] if isinstance(r, dict)]
        rows[ROUTES] = [{**r, **facts.flatten(r.get("facts"))} for r in routes]
    sections = project.frame.get("sections", {}) if isinstance(project.frame, dict) else {}
    for key in SECTIONS:
        for item in (sections.get(key) or {}).get("items") or []:
            if isinstance(item, dict):
                rows[POINTS].append({"section": key, **item})
    if isinstance(project.glossary, dict):
        rows[GLOSSARY] = [t for t in project.glossary.get("terms") or [] if isinstance(t, dict)]
    for stem, data in project.stories.items():
        if isinstance(data, dict):
            photo = data.get("photo")
            photo = photo if isinstance(photo, dict) else {}
            rows[STORIES].append({**data, "id": stem, **{c: photo.get(k) for c, k in PHOTO.items()}})
    return rows


def _cell_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        items = [str(v) for v in value]
        bad = [v for v in items if SEPARATOR in v]
        if bad:
            raise BookletError.single(
                f"{name} item {bad[0]!r} contains ';', which separates list items in a sheet",
                hint="reword it without a semicolon before exporting",
            )
        return f"{SEPARATOR} ".join(items)
    if isinstance(value, (bool, int, float, dt.date)):
        return value
    return str(value)
