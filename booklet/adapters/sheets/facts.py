"""Route facts as flat columns of the Routes sheet (`pay_from`, `apply_closes`, `who_source`…), both ways.

A route's `facts:` is two levels deep (group, then key); an adviser reads one row per route, so
each fact key gets its own column named after its group, and each group its own `_source` and
`_reviewed` columns. The single thing a group says is named by the group alone (`who`, `entry`,
`clearance`, `length`). Lists (`entry`, `where_places`) are `;`-separated like the other list columns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...content import facts as model

_MAIN = {"who": "text", "entry": "items", "clearance": "level", "length": "text"}
"""The group whose one fact takes the group's own name as its column."""

_MODELS: dict[str, type[model.Sourced]] = {
    "who": model.Who,
    "entry": model.Entry,
    "pay": model.Pay,
    "where": model.Where,
    "clearance": model.Clearance,
    "length": model.Length,
    "apply": model.Apply,
}


def _keys(group: str) -> list[tuple[str, str]]:
    """(YAML key, field name) of a group, in the model's order with source and reviewed last."""
    fields = _MODELS[group].model_fields
    keys = [(info.alias or name, name) for name, info in fields.items() if name not in ("source", "reviewed")]
    return [*keys, ("source", "source"), ("reviewed", "reviewed")]


def _column(group: str, key: str) -> str:
    main = _MAIN.get(group)
    if key == main:
        return group
    if main is not None and key == main + "_cy":
        return group + "_cy"
    return f"{group}_{key}"


FACTS: list[tuple[str, str, str]] = [
    (_column(group, key), group, key) for group in model.GROUPS for key, _ in _keys(group)
]
"""(column, group, YAML key) of every fact, in sheet order."""
COLUMNS = [column for column, _, _ in FACTS]
SUMMARY = "who, entry, pay_from, pay_to, pay_per, where_places, clearance, length, apply_opens, apply_closes…"
"""The fact columns in brief, for a message about an unknown column."""
_AT = {(group, key): column for column, group, key in FACTS}
DATES = {c for c, _, key in FACTS if key in ("reviewed", "opens", "closes")}
FLAGS = {c for c, _, key in FACTS if key in ("remote", "hybrid", "all_year")}
AMOUNTS = {c for c, _, key in FACTS if key in ("from", "to")}
LISTS = {c for c, _, key in FACTS if key in ("items", "items_cy", "places", "places_cy")}


def describe(column: str) -> str:
    """The heading note of a fact column: its group and what the field means."""
    group, key = next((g, k) for c, g, k in FACTS if c == column)
    name = next(n for k, n in _keys(group) if k == key)
    info = _MODELS[group].model_fields[name]
    return f"Route facts, {group}: {info.description or ''}".strip()


def flatten(facts: Any) -> dict[str, Any]:
    """A route's raw `facts:` mapping as column → value."""
    cells: dict[str, Any] = {}
    if not isinstance(facts, dict):
        return cells
    for group, values in facts.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            column = _AT.get((str(group), str(key)))
            if column is not None:
                cells[column] = value
    return cells


def column_for(path: tuple[str, ...], what: str, present: dict[str, int]) -> str | None:
    """The column a problem at `facts.GROUP[.KEY]` belongs to (a problem with the whole group goes to the
    key its message names first, else the group's first column the sheet has)."""
    if not path:
        return None
    group = path[0]
    key = path[1] if len(path) > 1 else None
    if key is None and group in _MODELS:
        named = what.split(" ", 1)[0].rstrip(":,")
        key = next((k for k, _ in _keys(group) if k == named), None)
    column = _AT.get((group, key)) if key is not None else None
    if column in present:
        return column
    return next((c for c, g, _ in FACTS if g == group and c in present), None)


Assign = Callable[[Any, str, Any], None]
"""Sets (or, for an empty value, deletes) one key of a ruamel mapping, touching it only when it differs."""


def update(route: Any, values: dict[str, Any], present: dict[str, int], assign: Assign) -> None:
    """Write a row's fact cells into a route's ruamel mapping. A column the sheet does not have leaves
    its key alone (a sheet saved before the fact columns keeps every fact); an emptied group goes, and
    `facts:` with it when nothing is left."""
    from ruamel.yaml.comments import CommentedMap

    if not any(c in present for c in COLUMNS):
        return
    facts = route.get("facts")
    if not isinstance(facts, dict):
        facts = CommentedMap()
    for group in model.GROUPS:
        columns = [(c, key) for c, g, key in FACTS if g == group and c in present]
        order = [key for key, _ in _keys(group)]
        update_block(facts, group, columns, values, order, list(model.GROUPS), assign)
    if facts and "facts" not in route:
        _make_room(route, "facts", ["facts", "tags", "source", "reviewed"])
        route["facts"] = facts
    elif not facts and "facts" in route:
        del route["facts"]


def update_block(
    parent: Any,
    key: str,
    columns: list[tuple[str, str]],
    values: dict[str, Any],
    order: list[str],
    siblings: list[str],
    assign: Assign,
) -> None:
    """Write the cells `columns` ((column, key) pairs the sheet has) into the mapping `parent[key]`,
    made when a cell is filled and taken out when every key is gone. New keys go where `order` puts
    them, and a new block where `siblings` puts it among `parent`'s keys."""
    from ruamel.yaml.comments import CommentedMap

    if not columns:
        return
    block = parent.get(key)
    if not isinstance(block, dict):
        if all(values.get(c) in (None, "", []) for c, _ in columns):
            return
        block = CommentedMap()
    for column, name in columns:
        if name not in block and values.get(column) not in (None, "", []):
            _make_room(block, name, order)
        assign(block, name, values.get(column))
    if block:
        if key not in parent:
            _make_room(parent, key, siblings)
            parent[key] = block
    elif key in parent:
        del parent[key]


def _make_room(mapping: Any, key: str, order: list[str]) -> None:
    """Insert `key` (value None, set next) before the first key already there that `order` puts after
    it (or at the end), so a new fact reads in the model's order and `facts:` comes before `tags:`."""
    if key in mapping or not hasattr(mapping, "insert"):
        return
    rank = {k: i for i, k in enumerate(order)}
    mine = rank.get(key, len(order))
    keys = list(mapping)
    position = next((i for i, k in enumerate(keys) if rank.get(str(k), -1) > mine), len(keys))
    mapping.insert(position, key, None)
