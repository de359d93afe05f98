"""Safe YAML loading: files become plain data plus the file:line:col of every key.

Only YAML's standard scalar, list and mapping types are built; custom tags,
duplicate keys, tab indentation, binary or non-UTF-8 files, oversized files,
runaway alias expansion and deep nesting are refused with a located `Problem`.
Nothing here knows what the data means; that is the model's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import BookletError, Problem, Where

MAX_BYTES = 1_000_000
"""Content files are a few kilobytes; anything near a megabyte is a mistake."""
MAX_NODES = 100_000
"""Upper bound on values built from one file, which stops alias ("billion laughs") bombs."""
MAX_DEPTH = 40
"""Content nests four or five levels deep; forty is plenty and keeps recursion safe."""

Loc = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


@dataclass
class Document:
    """A parsed content file: its data and where each key and item starts."""

    path: Path
    name: str
    """The file's name as shown to people (relative to the project)."""
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc = ()) -> Where:
        """The position of `loc`, or of its nearest located parent."""
        loc = tuple(loc)
        while loc and loc not in self.positions:
            loc = loc[:-1]
        line, col = self.positions.get(loc, (0, 0))
        return Where(self.name, line, col)


class _Builder:
    """Turns a composed node tree into plain Python data, recording positions."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")

    def where(self, node: yaml.Node) -> Where:
        mark = node.start_mark
        return Where(self.name, mark.line + 1, mark.column + 1)

    def fail(self, node: yaml.Node, what: str, hint: str = "") -> BookletError:
        return BookletError([Problem(self.where(node), what, hint)])

    def build(self, node: yaml.Node, loc: Loc, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node,
                f"expands to more than {MAX_NODES:,} values",
                "remove repeated YAML aliases (*name); content files do not need them",
            )
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(
                node,
                f"unsupported YAML tag {node.tag!r}",
                "write plain text, numbers, dates, lists and keys only",
            )
        self.positions.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            raise self.fail(
                node, f"{node.value!r} is not a real date or number", "dates are YYYY-MM-DD"
            ) from None
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        self.constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                raise self.fail(key_node, "keys must be plain words", "e.g. title: My booklet")
            key = str(key_node.value)
            if key in result:
                first = self.positions[(*loc, key)]
                self.problems.append(
                    Problem(
                        self.where(key_node),
                        f"duplicate key {key!r} (first at line {first[0]})",
                        "YAML keeps only the last one; remove one of them",
                        path=".".join(str(p) for p in (*loc, key)),
                    )
                )
                continue
            self.positions[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result


def _text(raw: bytes, name: str) -> str:
    """Decode a file's bytes as UTF-8 text, refusing binary data with a located message."""
    if b"\x00" in raw:
        raise BookletError.single(
            "is a binary file, not YAML text", file=name, hint="save it as plain UTF-8 text"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BookletError(
            [
                Problem(
                    Where(name, line, col),
                    f"is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                    "save the file as UTF-8 in your editor",
                )
            ]
        ) from None
    for number, line_text in enumerate(text.splitlines(), 1):
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent:
            raise BookletError(
                [
                    Problem(
                        Where(name, number, indent.index("\t") + 1),
                        "tab used for indentation",
                        "YAML needs spaces; replace the tab with two spaces",
                    )
                ]
            )
    return text


def parse(text: str, name: str, path: Path | None = None) -> Document:
    """Parse YAML text into a `Document`; raise `BookletError` on anything unsafe or broken."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Where(name, mark.line + 1, mark.column + 1) if mark else Where(name)
        what = exc.problem or "is not valid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        raise BookletError([Problem(where, what, "check indentation and quotes")]) from None
    except yaml.YAMLError as exc:
        raise BookletError.single(f"is not valid YAML ({exc})", file=name) from None
    except RecursionError:
        raise BookletError.single(f"is nested more than {MAX_DEPTH} levels deep", file=name) from None
    finally:
        loader.dispose()
    if node is None:
        raise BookletError.single("is empty", file=name, hint="a content file needs at least one key")
    builder = _Builder(name)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise BookletError.single(f"is nested more than {MAX_DEPTH} levels deep", file=name) from None
    if builder.problems:
        raise BookletError(builder.problems)
    return Document(path or Path(name), name, data, builder.positions)


def load(path: Path, name: str | None = None) -> Document:
    """Read and parse one content file."""
    name = name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BookletError.single(
                f"is {size / 1_000_000:.1f} MB; content files must be under {MAX_BYTES // 1000} kB",
                file=name,
            )
        raw = path.read_bytes()
    except IsADirectoryError:
        raise BookletError.single("is a folder, not a YAML file", file=name) from None
    except OSError as exc:
        raise BookletError.single(f"cannot be read ({exc.strerror})", file=name) from None
    return parse(_text(raw, name), name, path)
