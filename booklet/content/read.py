"""Safe YAML loading: files become plain data plus the file:line:col of every key.

Only YAML's standard scalar, list and mapping types are built; custom tags
(`!!python/object` and friends), duplicate keys, tab indentation, control
characters, binary or non-UTF-8 files, oversized or special files, runaway
alias expansion ("billion laughs") and deep nesting are refused with a located
`Problem`, never a traceback. Nothing here knows what the data means; that is
the model's job.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import BookletError, Problem, Where

MAX_BYTES = 512_000
"""Content files are a few kilobytes; half a megabyte is a mistake (and keeps parsing under a second)."""
MAX_NODES = 100_000
"""Upper bound on values built from one file, which stops alias ("billion laughs") bombs."""
MAX_DEPTH = 40
"""Content nests four or five levels deep; forty is plenty and keeps recursion far from Python's limit."""

Loc = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_STANDARD_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_MERGE = _TAG + "merge"


def short(value: Any, limit: int = 80) -> str:
    """`repr` of a value cut to `limit` characters, for messages about huge inputs."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "…" + text[-3:]


def dotted(loc: Loc) -> str:
    """A key path as printed in messages: sections.why.items.2.title."""
    return ".".join(str(part) for part in loc)


@dataclass
class Document:
    """A parsed content file: its data and where each key and item starts."""

    path: Path
    name: str
    """The file's name as shown to people (relative to the project)."""
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    """Problems found while reading that did not stop it (tab indentation)."""

    def where(self, loc: Loc = ()) -> Where:
        """The position of `loc`, or of its nearest located parent."""
        loc = tuple(loc)
        while loc and loc not in self.positions:
            loc = loc[:-1]
        line, col = self.positions.get(loc, (0, 0))
        return Where(self.name, line, col)


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Diverges(Exception):
    """libyaml would read this file differently from PyYAML (positions of empty values)."""


class _DepthLimit:
    """Refuses to compose deeper than MAX_DEPTH: PyYAML's composer recurses, and counting here keeps
    deep input ("[[[[...") from ever reaching Python's recursion limit."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[attr-defined]
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class _Loader(_DepthLimit, yaml.SafeLoader):
    """PyYAML's safe loader, all in Python, with the depth limit: it says what is wrong, and where."""


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _FastLoader(
        _DepthLimit, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        """libyaml's scanner and parser under PyYAML's own composer (with the depth limit, alias nodes
        and positions as the Python loader makes them): the same nodes as `_Loader` in a tenth of the
        time. The C composer is not used: it recurses in C, where deep nesting could crash the process.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def compose_scalar_node(self, anchor: Any) -> Any:
            event: Any = self.peek_event()
            if not event.value and not event.style:
                # An empty plain value (`key:` with nothing after it): libyaml puts it where the next
                # token starts, PyYAML where the value would be. Leave the file to the Python loader.
                raise _Diverges
            return super().compose_scalar_node(anchor)

else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = None  # type: ignore[assignment, misc]


_DIVERGENT = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
"""Characters libyaml and PyYAML read differently (tabs after a value, other line breaks, a byte-order
mark past the start): a file with any of them is read by the Python loader alone."""


def _compose_fast(text: str) -> Any:
    """The node tree of a valid file through libyaml; None when it is not valid (or libyaml is missing):
    `parse` then reads it again in Python for the exact message and position."""
    if _FastLoader is None or _DIVERGENT.search(text):
        return None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node()
    except Exception:  # any fault: the Python loader reports it
        return None
    finally:
        loader.dispose()


def _too_deep(name: str, line: int, col: int) -> BookletError:
    return BookletError(
        [
            Problem(
                Where(name, line, col),
                f"is nested more than {MAX_DEPTH} levels deep",
                "content needs only a few levels; check the indentation and the brackets",
            )
        ]
    )


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

    def fail(self, node: yaml.Node, what: str, hint: str = "", loc: Loc = ()) -> BookletError:
        return BookletError([Problem(self.where(node), what, hint, path=dotted(loc))])

    def build(self, node: yaml.Node, loc: Loc, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node,
                f"expands to more than {MAX_NODES:,} values",
                "remove repeated YAML aliases (*name); content files do not need them",
            )
        if depth > MAX_DEPTH:
            # Only reachable through aliases (the composer limits written nesting).
            raise self.fail(
                node,
                f"is nested more than {MAX_DEPTH} levels deep",
                "an alias (*name) may refer to the list or mapping it is in",
            )
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(
                node,
                f"unsupported YAML tag {short(node.tag.replace(_TAG, '!!'), 60)}",
                "write plain text, numbers, dates, lists and keys only",
                loc,
            )
        self.positions.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            if node.tag == _TAG + "timestamp":
                raise self.fail(
                    node, f"{short(node.value)} is not a real date", "dates are YYYY-MM-DD, e.g. 2026-11-28", loc
                ) from None
            raise self.fail(
                node, f"{short(node.value)} is not a usable number", "put it in quotes if it is text", loc
            ) from None
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                raise self.fail(key_node, "keys must be plain words", "e.g. title: My booklet", loc)
            key = str(key_node.value)
            if key in result:
                first = self.positions[(*loc, key)]
                self.problems.append(
                    Problem(
                        self.where(key_node),
                        f"duplicate key {short(key)} (first at line {first[0]})",
                        "YAML keeps only the last one; remove one of them",
                        path=dotted((*loc, key)),
                    )
                )
                continue
            self.positions[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        # YAML merge keys (<<: *base): keys written here win over merged ones.
        for merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self.fail(source, "<< must be followed by a mapping, e.g. <<: *defaults", loc=loc)
                for key, value in self.build(source, loc, depth + 1).items():
                    result.setdefault(key, value)
        return result


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _text(raw: bytes, name: str) -> str:
    """Decode a file's bytes as UTF-8 text, refusing binary data with a located message."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BookletError.single("is UTF-16 text", file=name, hint="save it as UTF-8 in your editor")
    if b"\x00" in raw:
        raise BookletError.single(
            "is a binary file, not YAML text", file=name, hint="content files are plain UTF-8 text"
        )
    try:
        return raw.decode("utf-8-sig")
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


def _check_tabs(text: str, name: str) -> list[Problem]:
    """One problem for the first tab used for indentation (the rest are the same mistake)."""
    for number, line_text in enumerate(text.splitlines(), 1):
        stripped = line_text.lstrip(" \t-?:")
        indent = line_text[: len(line_text) - len(stripped)]
        if "\t" in indent:
            return [
                Problem(
                    Where(name, number, indent.index("\t") + 1),
                    "tab used for indentation",
                    "YAML needs spaces; replace the tab with two spaces",
                )
            ]
    return []


def _without_tabs(text: str) -> str | None:
    """`text` with indenting tabs read as spaces, at the first width that makes valid YAML, else None.

    Nobody can know what width the writer's editor showed; aligning with the line
    above, then 2, 4 and 8 spaces, is tried, so no width invents errors of its own.
    """
    lines = text.split("\n")

    def expand(width: int | None) -> str:
        out = []
        for index, line in enumerate(lines):
            lead = line[: len(line) - len(line.lstrip(" \t-?:"))]
            rest = line[len(lead) :]
            if "\t" in lead:
                size = width
                if size is None:  # the column where the line above starts its text
                    above = next((x for x in reversed(lines[:index]) if x.strip()), "")
                    size = len(above) - len(above.lstrip(" -?:"))
                lead = lead.replace("\t", " " * max(size - len(lead.replace("\t", "")), 1), 1)
                lead = lead.replace("\t", " " * (width or 2))
            out.append(lead + rest)
        return "\n".join(out)

    for width in (None, 2, 4, 8):
        candidate = expand(width)
        try:
            yaml.compose(candidate, Loader=_Loader)
        except (yaml.YAMLError, _TooDeep, RecursionError):
            continue
        return candidate
    return None


CURLY_QUOTES = "“”‘’„«»"


def _word_processor_mistake(exc: yaml.MarkedYAMLError, name: str, lines: list[str]) -> Problem | None:
    """Mistakes of text written in a word processor, which PyYAML reports far from their cause.

    A value in curly quotes that contains ': ' reads as a second key; a line
    whose colon is missing runs on into the next line, which then "has a
    colon too many".
    """
    mark = exc.problem_mark
    if mark is None or "mapping values are not allowed" not in (exc.problem or ""):
        return None
    line = lines[mark.line] if mark.line < len(lines) else ""
    key, sep, value = line.partition(": ")
    value = value.strip()
    if sep and value and value[0] in CURLY_QUOTES:
        inner = value.strip(CURLY_QUOTES + " ")
        return Problem(
            Where(name, mark.line + 1, len(key) + 3),
            f"curly quotes {value[0]} {value[-1] if value[-1] in CURLY_QUOTES else ''} are not quotes in YAML, "
            "so the ': ' inside the text reads as a second key".replace("  ", " "),
            f'use straight quotes: {key.strip()}: "{inner[:50]}"',
        )
    # The previous line, at the same indentation, with no colon: its colon is missing.
    previous = mark.line - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if previous < 0:
        return None
    before = lines[previous]
    indent = len(before) - len(before.lstrip(" "))
    body = before.strip()
    same_indent = indent == len(line) - len(line.lstrip(" "))
    if same_indent and ":" not in body and not body.startswith(("-", "#")) and " " in body:
        word, rest = body.split(" ", 1)
        return Problem(
            Where(name, previous + 1, indent + len(word) + 1),
            f"line has no colon after {word!r}",
            f"write {word}: {rest[:50]}",
        )
    return None


_SYNTAX = [
    # (words in PyYAML's message, point at the context mark?, message, hint)
    ("'\\t'", False, "tab character here", "YAML needs spaces; replace the tab, or put the text in quotes"),
    ("quoted scalar", True, "quote is never closed", "end the text with the same quote mark it starts with"),
    (
        "mapping values are not allowed",
        False,
        "unexpected colon",
        "put text that contains ': ' in quotes, or line this key up with the keys above",
    ),
    ("could not find expected ':'", True, "line has no colon", "write key: value"),
    (
        "but found '<block",
        False,
        "indentation does not line up with the lines above",
        "indent with the same number of spaces as the other keys at this level",
    ),
    (
        "but found '?'",
        False,
        "a list and keys are mixed at the same indentation",
        "indent the keys, or start each list item with '- '",
    ),
    ("but found '<scalar>'", False, "unexpected text after a quoted value", "put the whole value inside the quotes"),
    ("that cannot start any token", False, "text cannot start with this character", "put the text in quotes"),
    (
        "while scanning an alias",
        False,
        "'*' here starts a YAML alias (*name)",
        "if it is a pasted bullet, delete it: the '- ' already makes a list item; otherwise put the text in quotes",
    ),
    (
        "undefined alias",
        False,
        "refers to an anchor (&name) that is not defined",
        "define it above, or write the value out",
    ),
    ("but got", True, "bracket is never closed", "close the [ or { that starts here, or remove it"),
    ("another document", False, "holds a second YAML document (---)", "one file holds one document; remove the ---"),
]


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str, text: str = "") -> Problem:
    """A PyYAML syntax error, rephrased for people who do not know YAML's grammar."""
    better = _word_processor_mistake(exc, name, text.splitlines())
    if better is not None:
        return better
    problem = exc.problem or ""
    text = f"{exc.context or ''} {problem}"
    what, hint, mark = f"{exc.context}, {problem}" if exc.context else problem, "", exc.problem_mark
    for words, at_context, message, advice in _SYNTAX:
        if words in text:
            what, hint = message, advice
            if at_context and exc.context_mark is not None:
                mark = exc.context_mark
            break
    found = re.search(r"found character '(.+?)' that cannot start", problem)
    if found and what == "text cannot start with this character":
        what = f"text cannot start with {found.group(1)!r}"
    mark = mark or exc.context_mark
    where = Where(name, mark.line + 1, mark.column + 1) if mark else Where(name)
    return Problem(where, what or "is not valid YAML", hint or "check indentation, colons and quotes")


def parse(text: str, name: str, path: Path | None = None) -> Document:
    """Parse YAML text into a `Document`; raise `BookletError` on anything unsafe or broken.

    Tabs in indentation are reported, then read as two spaces each so that the
    file's other problems are found in the same pass (the document keeps the
    tab problems, so it is never used for a booklet).
    """
    tabs = _check_tabs(text, name)
    if tabs:
        expanded = _without_tabs(text)
        if expanded is None:
            raise BookletError(tabs)
        text = expanded
    node = _compose_fast(text)
    loader = None
    try:
        if node is None:
            loader = _Loader(text)
            node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        raise BookletError(
            [
                Problem(
                    Where(name, line, col),
                    f"contains the control character U+{exc.character:04X}, which YAML does not allow",
                    "delete it; it often comes from text copied out of a PDF or a word processor",
                )
            ]
        ) from None
    except _TooDeep as exc:
        raise _too_deep(name, exc.mark.line + 1, exc.mark.column + 1) from None
    except yaml.MarkedYAMLError as exc:
        raise BookletError([*tabs, _syntax_problem(exc, name, text)]) from None
    except yaml.YAMLError as exc:
        raise BookletError.single(f"is not valid YAML ({short(str(exc), 80)})", file=name) from None
    except RecursionError:  # belt and braces: _Loader stops long before this
        raise _too_deep(name, 0, 0) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise BookletError.single("is empty", file=name, hint="a content file needs at least one key")
    builder = _Builder(name)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise _too_deep(name, 0, 0) from None
    if builder.problems:
        raise BookletError([*tabs, *builder.problems])
    return Document(path or Path(name), name, data, builder.positions, tabs)


def read_bytes(path: Path, name: str, limit: int = MAX_BYTES, what: str = "content files") -> bytes:
    """Read a regular file of at most `limit` bytes; anything else is a located error.

    FIFOs, devices and folders are refused before they are opened, so a
    hostile file can neither hang the tool nor make it read forever.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise BookletError.single("is a folder, not a file", file=name)
        if not stat.S_ISREG(info.st_mode):
            raise BookletError.single("is not a regular file", file=name, hint="replace it with a plain text file")
        if info.st_size > limit:
            raise BookletError.single(
                f"is {_size(info.st_size)}; {what} must be under {_size(limit)}",
                file=name,
                hint="is this the right file?",
            )
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise BookletError.single("is not a regular file", file=name)
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise BookletError.single(f"cannot be read ({exc.strerror or exc})", file=name) from None
    if len(raw) > limit:  # it grew after stat
        raise BookletError.single(f"is larger than {_size(limit)}", file=name)
    return raw


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


def load(path: Path, name: str | None = None) -> Document:
    """Read and parse one content file."""
    name = name or str(path)
    return parse(_text(read_bytes(path, name), name), name, path)
