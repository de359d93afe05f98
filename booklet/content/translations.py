"""Which content fields have a Welsh version beside them, and which lack one (`booklet check --language cy`).

A translatable field `x` has a sibling `x_cy` in the model; nothing else marks it, so a
new field becomes translatable by adding its `_cy` sibling.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from ..errors import Problem
from . import model
from .read import Document, dotted

SUFFIX = "_cy"


def translatable(model: type[BaseModel]) -> list[str]:
    """Names of the fields of `model` that have a Welsh sibling (`x` for each `x_cy`)."""
    fields = model.model_fields
    return [name[: -len(SUFFIX)] for name in fields if name.endswith(SUFFIX) and name[: -len(SUFFIX)] in fields]


def _children(value: Any) -> Iterator[tuple[tuple[str | int, ...], BaseModel]]:
    if isinstance(value, BaseModel):
        yield (), value
        for name in type(value).model_fields:
            for path, child in _children(getattr(value, name)):
                yield (name, *path), child
    elif isinstance(value, list):
        for i, item in enumerate(value):
            for path, child in _children(item):
                yield (i, *path), child


def missing(value: BaseModel) -> list[tuple[tuple[str | int, ...], str]]:
    """(path of the model, field name) for every text field without a Welsh version, in document order."""
    found = []
    for path, item in _children(value):
        for name in translatable(type(item)):
            english = getattr(item, name)
            if english in ("", [], None):
                continue  # nothing to translate
            if getattr(item, name + SUFFIX) is None:
                found.append((path, name))
    return found


def missing_welsh(
    frame: model.Frame | None,
    organisations: list[model.Organisation],
    routes: list[model.Route],
    audiences: list[model.Audience],
    documents: dict[str, Document],
    strict: bool = False,
    extra: Sequence[tuple[BaseModel, str, tuple[str | int, ...]]] = (),
) -> list[Problem]:
    """A warning (an error with `strict`) at every text field that has no Welsh version.

    `extra` adds (model, file name ending, key path in that file) for the optional parts
    (stories, the glossary: see `extras.welsh_items`)."""
    by_file: list[tuple[BaseModel, Document | None, tuple[str | int, ...]]] = []

    def doc(suffix: str) -> Document | None:
        return next((d for name, d in documents.items() if name.replace("\\", "/").endswith(suffix)), None)

    if frame is not None:
        by_file.append((frame, doc("booklet.yaml"), ()))
    for org in organisations:
        by_file.append((org, doc(f"organisations/{org.id}.yaml") or doc(f"organisations/{org.id}.yml"), ()))
    for i, route in enumerate(routes):
        by_file.append((route, doc("routes.yaml"), ("routes", i)))
    for i, audience in enumerate(audiences):
        by_file.append((audience, doc("audiences.yaml"), ("audiences", i)))
    for value, suffix, prefix in extra:
        by_file.append((value, doc(suffix), prefix))
    problems = []
    for value, document, prefix in by_file:
        if document is None:
            continue
        for path, name in missing(value):
            loc = (*prefix, *path, name)
            problems.append(
                Problem(
                    document.where(loc),
                    "has no Welsh version",
                    f"add {name}{SUFFIX}: beside it",
                    path=dotted(loc),
                    warning=not strict,
                )
            )
    return problems
