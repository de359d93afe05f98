"""Clear print in the default style (RNIB Clear Print, GDS), measured on the real PDF and the CSS.

Sizes, line spacing and line lengths come from the characters pdfplumber reads off the
default PDF; contrast is computed from the stylesheets' custom properties.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
import tinycss2

from booklet.colour import contrast
from booklet.pdf.accessibility import colour_pairs, custom_properties, declared_pairs

ROOT = Path(__file__).resolve().parents[2]
STYLES = ROOT / "styles"
BODY_PT = 12.0


@dataclass
class Printed:
    """What pdfplumber reads off a PDF, in one pass: character sizes, font names and lines."""

    sizes: Counter[float]
    """How many characters are printed at each size (pt, one decimal)."""
    fonts: set[str]
    lines: list[tuple[int, list[dict]]]
    """(page number, lines of that page)."""
    marked: dict[tuple[int, int], str]
    """(page index, marked-content id) → the characters drawn inside it."""
    shape_tags: Counter[str | None]
    """Marked-content tag of every rectangle, line and curve (borders, backgrounds, QR modules)."""
    untagged: list[tuple[int, str]]
    """(page number, character) for text drawn outside any marked content."""


@cache
def measure(path: Path) -> Printed:
    """Read a PDF once per test session (pdfminer takes ~0.2 s a page)."""
    sizes: Counter[float] = Counter()
    fonts = set()
    lines = []
    marked: dict[tuple[int, int], str] = {}
    shape_tags: Counter[str | None] = Counter()
    untagged = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            shape_tags.update(shape["tag"] for shape in page.rects + page.lines + page.curves)
            untagged += [(page.page_number, char["text"]) for char in page.chars if char["tag"] is None]
            for char in page.chars:
                if char["mcid"] is not None:
                    key = (index, char["mcid"])
                    marked[key] = marked.get(key, "") + char["text"]
                if char["text"].strip():
                    sizes[round(char["size"], 1)] += 1
                    fonts.add(char["fontname"])
            lines.append((page.page_number, text_lines(page)))
    return Printed(sizes, fonts, lines, marked, shape_tags, untagged)


def text_lines(page) -> list[dict]:
    """Printed lines of one page, one per column: text, x0, x1, top, size."""
    words = page.extract_words(extra_attrs=["size"])
    rows: dict[tuple[float, float], list[dict]] = {}
    for word in words:
        rows.setdefault((round(word["top"]), round(word["size"], 1)), []).append(word)
    lines = []
    for (_, size), row in rows.items():
        row.sort(key=lambda w: w["x0"])
        current = [row[0]]
        for word in row[1:]:
            # A gap much wider than a space separates two columns (reason cards, footers).
            if word["x0"] - current[-1]["x1"] > 2.5 * size:
                lines.append((size, current))
                current = [word]
            else:
                current.append(word)
        lines.append((size, current))
    return [
        {
            "text": " ".join(w["text"] for w in ws),
            "x0": ws[0]["x0"],
            "x1": ws[-1]["x1"],
            "top": min(w["top"] for w in ws),
            "size": size,
        }
        for size, ws in lines
    ]


@pytest.fixture(scope="module")
def printed(default_pdf) -> Printed:
    return measure(Path(default_pdf.path))


def running_text(size: float, body: float = BODY_PT) -> bool:
    """Body-sized text (up to a lead paragraph's 1.2 em); headings and cover display type are larger."""
    return size <= body * 1.2 + 0.05


def test_body_text_is_never_under_12_pt(printed):
    sizes = printed.sizes
    assert min(sizes) >= BODY_PT
    assert sizes.most_common(1)[0][0] == BODY_PT


def test_line_spacing_of_running_text_is_at_least_one_and_a_half(printed):
    checked = 0
    for number, page_lines in printed.lines:
        for line in page_lines:
            if not running_text(line["size"]):
                continue
            below = [
                other
                for other in page_lines
                if other["top"] > line["top"] + 1 and other["x0"] < line["x1"] and other["x1"] > line["x0"]
            ]
            if not below:
                continue
            following = min(below, key=lambda other: other["top"])
            if following["size"] != line["size"]:
                continue
            ratio = (following["top"] - line["top"]) / line["size"]
            assert ratio >= 1.5 - 0.01, f"page {number}: {line['text'][:30]!r} to the next line is {ratio:.2f}×"
            checked += 1
    assert checked > 100


def test_lines_hold_at_most_about_70_characters(printed):
    """Running text on the inner pages; the covers are display type and the contents has dot leaders."""
    inner = printed.lines[1:-1]
    longest = max(
        (len(line["text"]), number, line["text"])
        for number, page_lines in inner
        for line in page_lines
        if running_text(line["size"]) and not re.search(r"(?:\. ?){4}", line["text"])
    )
    assert longest[0] <= 70, longest
    assert longest[0] >= 55  # the measure is used, not just narrow columns


def test_no_italic_fonts_and_no_capitals_for_running_text(printed):
    fonts = printed.fonts
    assert fonts and not [f for f in fonts if re.search(r"italic|oblique", f, re.I)], fonts
    for number, page_lines in printed.lines:
        for line in page_lines:
            words = re.findall(r"[A-Za-z]{2,}", line["text"])
            capitals = [w.isupper() and len(w) > 1 for w in words]
            runs = [capitals[i : i + 3] for i in range(len(capitals) - 2)]
            assert not any(all(run) for run in runs), f"page {number}: capitals in {line['text']!r}"


def declarations(css: str):
    """(selector, property, value) for every declaration, inside @media and @page blocks too."""

    def walk(nodes, selector):
        for node in nodes:
            if node.type == "declaration":
                yield selector, node.lower_name, tinycss2.serialize(node.value).strip()
            elif node.type == "qualified-rule":
                inner = tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
                yield from walk(inner, tinycss2.serialize(node.prelude).strip())
            elif node.type == "at-rule" and node.content is not None:
                name = f"@{node.lower_at_keyword} {tinycss2.serialize(node.prelude).strip()}".strip()
                if node.lower_at_keyword == "media":
                    inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                else:
                    inner = tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
                yield from walk(inner, name)

    yield from walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), "")


STYLESHEETS = ["booklet.css", "web.css"]


@pytest.mark.parametrize("name", STYLESHEETS)
def test_every_declared_text_colour_pair_contrasts_at_least_4_5(name):
    css = (STYLES / name).read_text(encoding="utf-8")
    pairs = colour_pairs(css)
    assert len(pairs) >= 7
    weak = [(text, background, round(ratio, 2)) for text, background, ratio in pairs if ratio < 4.5]
    assert not weak
    # The default palette, as computed from the custom properties.
    props = custom_properties(css)
    assert contrast(props["--ink"], props["--paper"]) > 15
    assert contrast(props["--on-accent"], props["--accent"]) >= 4.5


@pytest.mark.parametrize("name", [*STYLESHEETS, "large-print.css"])
def test_every_text_colour_the_styles_use_is_in_a_checked_pair(name):
    """A new `color:` must name a custom property (or literal) that the contrast pairs cover."""
    css = (STYLES / name).read_text(encoding="utf-8")
    base = (STYLES / "booklet.css").read_text(encoding="utf-8") if name == "large-print.css" else css
    texts = {text for text, _ in declared_pairs(base)} | {text for text, _ in declared_pairs(css)}
    if name == "web.css":
        # The print stylesheet inside web.css prints black on white paper.
        texts |= {"#000000"}
    for selector, prop, value in declarations(css):
        if prop != "color" or value in ("inherit", "currentColor", "transparent"):
            continue
        match = re.fullmatch(r"var\((--[\w-]+)\)", value)
        colour = match.group(1) if match else value.lower()
        assert colour in texts, f"{name}: {selector} {{ color: {value} }} is in no contrast pair"


def test_running_text_is_left_aligned_upright_and_not_in_capitals():
    for name in [*STYLESHEETS, "large-print.css"]:
        for selector, prop, value in declarations((STYLES / name).read_text(encoding="utf-8")):
            if prop == "text-align":
                # Only the numbers in round step markers may be centred.
                assert value in ("left", "start") or "::before" in selector, (name, selector, value)
            assert not (prop == "font-style" and value in ("italic", "oblique")), (name, selector)
            assert not (prop == "text-transform" and value in ("uppercase", "capitalize")), (name, selector)
            assert not (prop == "font-variant" and "caps" in value), (name, selector)
            if prop == "line-height" and selector in ("html", "body", "p", "dd", "li"):
                assert value == "var(--line)" or float(value) >= 1.5, (name, selector, value)


def test_body_size_and_line_height_in_the_css():
    props = custom_properties((STYLES / "booklet.css").read_text(encoding="utf-8"))
    assert props["--body-size"] == "12pt"
    assert float(props["--line"]) >= 1.5
    large = custom_properties((STYLES / "large-print.css").read_text(encoding="utf-8"))
    assert large["--body-size"] == "16pt"
