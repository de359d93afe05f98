"""The safe YAML loader: positions, refusals, and random input that must never crash it."""

from __future__ import annotations

import datetime as dt
import shutil
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booklet.content import read
from booklet.content.load import load_project_content
from booklet.content.read import MAX_BYTES, MAX_DEPTH, MAX_NODES, load, parse
from booklet.errors import BookletError

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "tests" / "invalid" / "_base" / "content"


def problem(text: str) -> str:
    """The one problem in `text`: raised, or (for tab indentation, read on to find more) kept on the document."""
    try:
        doc = parse(text, "x.yaml")
    except BookletError as exc:
        problems = exc.problems
    else:
        problems = doc.problems
    assert len(problems) == 1, problems
    return problems[0].line()


# -- what it builds ------------------------------------------------------------------------------


def test_plain_data_and_positions():
    doc = parse("title: A\nitems:\n  - id: one\n    tags: [a, b]\n  - id: two\n", "f.yaml")
    assert doc.data == {"title": "A", "items": [{"id": "one", "tags": ["a", "b"]}, {"id": "two"}]}
    assert doc.where(("items", 1, "id")).line == 5
    assert str(doc.where(("items", 0, "tags", 1))) == "f.yaml:4:15"
    # A path that does not exist falls back to its nearest located parent.
    assert doc.where(("items", 0, "missing")).line == 3


def test_dates_numbers_and_booleans_are_plain_python_values():
    doc = parse("d: 2026-11-28\nn: 10\nb: true\nq: '2026-11-28'\n", "f.yaml")
    assert doc.data == {"d": dt.date(2026, 11, 28), "n": 10, "b": True, "q": "2026-11-28"}


def test_merge_keys_let_written_keys_win_without_a_duplicate_error():
    doc = parse("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  x: 3\n", "f.yaml")
    assert doc.data["item"] == {"x": 3, "y": 2}


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: A\n")
    assert load(path).data == {"title": "A"}


# -- what it refuses, with a located one-line message -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "x.yaml:3:1  a  duplicate key 'a' (first at line 1)"),
        ("a:\n\tb: 1\n", "x.yaml:2:1  -  tab used for indentation"),
        (
            "a: !!python/object/apply:os.system [ls]\n",
            "x.yaml:1:4  a  unsupported YAML tag '!!python/object/apply:os.system'",
        ),
        ("a: !!python/name:os.system\n", "unsupported YAML tag '!!python/name:os.system'"),
        ("a: !custom x\n", "unsupported YAML tag '!custom'"),
        ("a: !!binary aGk=\n", "unsupported YAML tag '!!binary'"),
        ("", "x.yaml  -  is empty"),
        ("# only a comment\n", "x.yaml  -  is empty"),
        ("d: 2026-02-29\n", "x.yaml:1:4  d  '2026-02-29' is not a real date"),
        ('a: "open\n', "x.yaml:1:4  -  quote is never closed"),
        ("a: [1, 2\n", "x.yaml:1:4  -  bracket is never closed"),
        ("a: x\x07y\n", "x.yaml:1:5  -  contains the control character U+0007"),
        ("a: *nowhere\n", "refers to an anchor (&name) that is not defined"),
        ("a: 1\n---\nb: 2\n", "x.yaml:2:1  -  holds a second YAML document"),
        ("? [a, b]\n: 1\n", "keys must be plain words"),
        ("a: &x [*x]\n", f"is nested more than {MAX_DEPTH} levels deep"),
        (
            "a: " + "[" * 60 + "]" * 60 + "\n",
            f"x.yaml:1:{4 + MAX_DEPTH}  -  is nested more than {MAX_DEPTH} levels deep",
        ),
    ],
)
def test_refusals_are_located_one_liners(text, expected):
    line = problem(text)
    assert expected in line
    assert "\n" not in line


def test_alias_bomb_is_refused_quickly():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    assert f"expands to more than {MAX_NODES:,} values" in problem("\n".join(lines) + "\n")


def test_all_duplicate_keys_are_reported_together():
    with pytest.raises(BookletError) as caught:
        parse("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n", "x.yaml")
    assert [p.path for p in caught.value.problems] == ["a", "b.c"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"a: caf\xe9\n", "x.yaml:1:7  -  is not UTF-8 text (byte 0xe9)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "x.yaml  -  is a binary file"),
        ("a: b\n".encode("utf-16"), "x.yaml  -  is UTF-16 text"),
    ],
)
def test_files_that_are_not_utf8_text(tmp_path, raw, expected):
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    with pytest.raises(BookletError) as caught:
        load(path, "x.yaml")
    assert expected in str(caught.value)


def test_oversized_special_and_missing_files(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: b\n" * (MAX_BYTES // 5 + 1))
    with pytest.raises(BookletError, match="content files must be under 512 kB"):
        load(big, "big.yaml")
    with pytest.raises(BookletError, match="is a folder"):
        load(tmp_path, "dir")
    with pytest.raises(BookletError, match="cannot be read"):
        load(tmp_path / "missing.yaml", "missing.yaml")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(BookletError, match="is not a regular file"):
        load(fifo, "pipe.yaml")


# -- random input: never a traceback ----------------------------------------------------------

YAML_BITS = st.sampled_from(
    [
        ": ",
        "- ",
        "\n",
        "\n  ",
        "\n    ",
        "\t",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<: ",
        "!!python/object:os.system ",
        "!!str ",
        "!!binary ",
        "!x ",
        "? ",
        "|\n  ",
        ">-\n  ",
        "'",
        '"',
        "#",
        "%",
        "@",
        "`",
        "---\n",
        "...\n",
        "~",
        "null",
        "yes",
        "no",
        "2026-02-30",
        "2026-11-28",
        "1e999",
        "0x1F",
        "0o17",
        "-.inf",
        ".nan",
        "id",
        "name",
        "title",
        "summary",
        "roles",
        "reviewed",
        "source",
        "https://www.gov.uk",
        "http://x",
        "é",
        "ŵ",
        "\u2028",
        "\x85",
        "\ufeff",
        "\x00",
        "\x07",
        "\\",
        "=",
        "<script>",
    ]
)
YAML_TEXT = st.lists(
    st.one_of(YAML_BITS, st.text(string.ascii_letters + string.digits + " ", max_size=8)), max_size=60
).map("".join)


@settings(max_examples=400, deadline=None)
@given(YAML_TEXT)
def test_random_yaml_like_text_never_crashes_the_loader(text):
    try:
        doc = parse(text, "random.yaml")
    except BookletError as exc:
        assert exc.problems and all(p.line() and "\n" not in p.where.file for p in exc.problems)
    else:
        assert doc.name == "random.yaml"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_loader(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bytes") / "random.yaml"
    path.write_bytes(raw)
    try:
        load(path, "random.yaml")
    except BookletError as exc:
        assert exc.problems


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.dates(),
    st.text(max_size=20),
    st.sampled_from(["gds", "tag:graduates", "https://www.gov.uk", "http://x", "2026-02-30"]),
)
KEYS = st.sampled_from(
    [
        "id",
        "name",
        "title",
        "summary",
        "roles",
        "steps",
        "website",
        "url",
        "source",
        "reviewed",
        "routes",
        "audiences",
        "sections",
        "items",
        "featured",
        "include",
        "organisations",
        "tags",
        "order",
        "heading",
        "x",
        "websit",
    ]
)
DATA = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=25
)
FILES = st.sampled_from(
    ["booklet.yaml", "routes.yaml", "audiences.yaml", "brand.yaml", "organisations/gds.yaml", "organisations/new.yaml"]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(FILES, st.one_of(DATA, YAML_TEXT), min_size=1, max_size=3))
def test_random_content_never_crashes_the_checker(tmp_path_factory, files):
    content = tmp_path_factory.mktemp("project") / "content"
    shutil.copytree(BASE, content)
    for name, value in files.items():
        text = value if isinstance(value, str) else yaml.safe_dump(value, allow_unicode=True)
        (content / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    loaded = load_project_content(content)
    for p in loaded.problems:
        assert p.line().count("\n") == 0
    assert not loaded.errors or loaded.booklet is None


def _nodes(node: yaml.Node) -> list[tuple]:
    """A node tree flattened: kind, tag, value of scalars, and where each node starts (each node once)."""
    out: list[tuple] = []
    stack = [node]
    seen: dict[int, int] = {}  # an alias is the node it names: listed once, then by its number
    while stack:
        node = stack.pop()
        if id(node) in seen:
            out.append(("alias", seen[id(node)]))
            continue
        seen[id(node)] = len(seen)
        mark = (node.start_mark.line, node.start_mark.column)
        if isinstance(node, yaml.ScalarNode):
            out.append(("scalar", node.tag, node.value, mark))
        else:
            out.append((type(node).__name__, node.tag, mark))
            children = node.value if isinstance(node, yaml.SequenceNode) else [x for pair in node.value for x in pair]
            stack.extend(reversed(children))
    return out


def _built(node: yaml.Node) -> tuple:
    """What reading keeps of a node tree: the data, each key's line and column, and any problems."""
    builder = read._Builder("x.yaml")
    try:
        data = builder.build(node, ())
    except BookletError as exc:
        return ("refused", [p.line() for p in exc.problems])
    return (data, builder.positions, [p.line() for p in builder.problems])


YAML_FILES = sorted(
    p
    for pattern in ("content/**/*.yaml", "booklet/starter/**/*.yaml", "tests/invalid/**/*.yaml")
    for p in ROOT.glob(pattern)
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_libyaml_reads_every_file_as_the_python_loader_does(path):
    """Valid files are read through libyaml (ten times faster): the nodes, their tags, values and
    positions, and so the data and every key's position, must be the Python loader's exactly; a file
    either loader refuses is read in Python alone, so its message and position are the same as ever."""
    text = path.read_text(encoding="utf-8", errors="replace")
    fast = read._compose_fast(text)
    try:
        slow = read._Loader(text).get_single_node()
    except (yaml.YAMLError, read._TooDeep, RecursionError):
        slow = None
    if fast is None:
        return  # refused by libyaml (or empty): the Python loader reads it, as before
    assert slow is not None, "libyaml accepted a file the Python loader refuses"
    assert _nodes(fast) == _nodes(slow)
    assert _built(fast) == _built(slow)


def test_deep_nesting_through_libyaml_stops_at_the_same_limit():
    assert read._compose_fast("a: " + "[" * 60 + "]" * 60) is None  # our composer's limit, not a crash
    assert read._compose_fast("a: " + "[" * 10 + "]" * 10) is not None
    with pytest.raises(BookletError) as caught:
        read.parse("a: " + "[" * 60 + "]" * 60, "deep.yaml")
    assert f"nested more than {read.MAX_DEPTH} levels deep" in str(caught.value)


@settings(max_examples=1000, deadline=None)
@given(YAML_TEXT)
def test_random_text_libyaml_accepts_is_read_as_the_python_loader_reads_it(text):
    fast = read._compose_fast(text)
    if fast is None:
        return
    assert _built(fast) == _built(read._Loader(text).get_single_node())
