"""Editing YAML in place for an import: ruamel.yaml round-trip data, set key by key from a sheet's row,
and written back so that every top-level key the edit left alone keeps its text exactly.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ...content.translations import SUFFIX
from .workbook import _Row


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _plain(value: Any) -> Any:
    """ruamel's round-trip types as plain Python values, for comparing."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _update(target: Any, row: _Row, columns: list[str], skip: tuple[str, ...] = ()) -> None:
    """Put a row's values into a ruamel mapping, touching only what differs.

    A column the sheet does not have leaves its key alone: a sheet saved before the Welsh
    columns existed keeps the Welsh in the YAML rather than deleting it."""
    for name in columns:
        if name in skip or name not in row.columns:
            continue
        _assign(target, name, row.values.get(name))


def _assign(target: Any, name: str, new: Any) -> None:
    """Set one key of a ruamel mapping to a cell's value (an empty cell deletes it), only if it differs."""
    from ruamel.yaml.comments import CommentedSeq

    old = target.get(name)
    if _empty(new):
        if name in target and not _empty(old):
            del target[name]
        return
    if _plain(old) == new or (isinstance(new, dt.date) and isinstance(old, str) and old == new.isoformat()):
        return  # a date written as quoted text ('2026-11-28') reads back as the same date
    if isinstance(new, list):
        # Items that did not change keep their quoting.
        kept = {str(v): v for v in old} if isinstance(old, list) else {}
        seq = CommentedSeq([kept.get(item, item) for item in new])
        if getattr(getattr(old, "fa", None), "flow_style", lambda: False)() or (old is None and name == "tags"):
            seq.fa.set_flow_style()
        _put(target, name, seq)
    else:
        _put(target, name, new)


def _put(target: Any, name: str, value: Any) -> None:
    """Set a key; a new Welsh key goes right after its English one (`name`, then `name_cy`), as people write it."""
    english = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else None
    if name in target or english not in target or not hasattr(target, "insert"):
        target[name] = value
    else:
        target.insert(list(target).index(english) + 1, name, value)


def _dump(data: Any, like: str = "") -> str:
    """YAML text of `data`, its lists indented as in `like` (the file's old text) and every top-level key
    the edit left alone written as it was, so a file written by another tool (PyYAML's `- item` at the
    key's column, text wrapped at 80) changes only where the sheet did."""
    yaml = _yaml()
    if like:
        from ruamel.yaml.util import load_yaml_guess_indent

        try:
            _, indent, offset = load_yaml_guess_indent(like)
        except Exception:  # the old text was read once already; a guess that fails keeps the defaults
            indent = offset = None
        if isinstance(indent, int) and isinstance(offset, int) and 2 <= indent <= 8 and 0 <= offset < indent:
            yaml.indent(mapping=2, sequence=indent, offset=offset)
    out = io.StringIO()
    yaml.dump(data, out)
    return _keep_unchanged(like, out.getvalue()) if like else out.getvalue()


def _chunks(text: str) -> tuple[list[str], dict[str, list[str]]] | None:
    """A block mapping's text cut at its top-level keys: (lines before the first key, key → its lines)."""
    data = _yaml().load(text)
    if not hasattr(data, "lc") or not data:
        return None
    lines = text.splitlines(keepends=True)
    starts = [data.lc.key(key)[0] for key in data]
    if any(data.lc.key(key)[1] != 0 for key in data) or starts != sorted(set(starts)):
        return None  # not one key a line at the left margin (flow style, say): no cutting
    ends = [*starts[1:], len(lines)]
    return lines[: starts[0]], {str(k): lines[a:b] for k, a, b in zip(data, starts, ends, strict=True)}


def _keep_unchanged(old: str, new: str) -> str:
    """`new` with every top-level key whose value did not change written exactly as in `old`: ruamel
    re-wraps long plain text its own way, and a file written by another tool (PyYAML wraps at 80) would
    otherwise change on lines nobody edited."""
    try:
        before, after = _chunks(old), _chunks(new)
        if before is None or after is None:
            return new
        old_data, new_data = _plain(_yaml().load(old)), _plain(_yaml().load(new))
        parts = list(before[0])
        for key, lines in after[1].items():
            same = key in before[1] and old_data.get(key) == new_data.get(key)
            parts += before[1][key] if same else lines
        if parts and not parts[-1].endswith("\n"):
            parts[-1] += "\n"
        spliced = "".join(parts)
        return spliced if _plain(_yaml().load(spliced)) == new_data else new
    except Exception:  # both texts are ruamel's own; if cutting fails, the plain dump is still right
        return new
