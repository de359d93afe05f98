"""How full each page is, read from WeasyPrint's laid-out pages before anything is written.

A body page's fill is how far down its body area (the page's content box: below the top
margin, above the running footer) its lowest visible thing reaches: a line of text, an
image or QR code, a tick box, a background or a border. Covers, back covers, contents
pages and pages left blank on purpose are not body pages and have no fill. The measure
works on the box tree (`Document.pages[i]._page_box`), so the balancer can measure a
layout, change it and measure again without writing a PDF; `../shared/tools/page_fill.py`
measures the same thing independently from a finished PDF.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure import boxes

TARGET = 50
"""Every body page at least this full (per cent)."""
GOOD = 70
"""At most one body page in ten (rounded up) under this (per cent)."""

COVER_PAGES = ("cover", "back")
"""Named pages (CSS `page:`) that are covers, not body pages."""


@dataclass(frozen=True)
class PageFill:
    """One page: its kind and, for a body page, how full it is."""

    number: int
    """1-based, as printed."""
    kind: str
    """body, cover, contents or blank."""
    fill: int | None
    """Per cent of the body area the content reaches (body pages only)."""
    first: str = ""
    """The id of the first element that starts on the page, for messages ("the route-x card")."""
    lowest: float = 0.0
    """Where the lowest visible thing ends, in CSS px from the page's top."""
    top: float = 0.0
    height: float = 0.0
    """The body area: its top (px from the page's top) and height."""


def _visible_bottom(box: Any) -> float | None:
    """The bottom of what `box` itself paints (not its children), or None if it paints nothing."""
    if isinstance(box, boxes.TextBox):
        return box.position_y + box.height if box.text.strip() else None
    if isinstance(box, boxes.ReplacedBox):
        return box.position_y + box.margin_top + box.border_height()
    style = box.style
    painted = style["background_color"].alpha > 0 or any(kind != "none" for kind, _ in style["background_image"])
    bordered = any(
        getattr(box, f"border_{side}_width", 0) > 0 and style[f"border_{side}_style"] not in ("none", "hidden")
        for side in ("top", "right", "bottom", "left")
    )
    form = box.element is not None and box.element_tag == "input"
    if painted or bordered or form:
        return box.position_y + box.margin_top + box.border_height()
    return None


def _descendants(box: Any) -> Iterator[Any]:
    stack = [box]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, boxes.ParentBox):
            stack.extend(reversed(current.children))


def _is_contents(box: Any) -> bool:
    return box.element_tag == "nav" and "contents" in (box.element.get("class") or "").split()


def page_fills(document: Any) -> list[PageFill]:
    """Every page of a laid-out WeasyPrint document, with the fill of each body page."""
    out: list[PageFill] = []
    started: set[int] = set()
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        name = page_box.page_type.name
        top = page_box.content_box_y()
        height = page_box.height
        content = [c for c in page_box.children if not isinstance(c, boxes.MarginBox)]
        lowest = None
        contents = False
        first = ""
        for root in content:
            for box in _descendants(root):
                if box.element is not None and _is_contents(box):
                    contents = True
                element = box.element
                if not first and element is not None and element.get("id") and id(element) not in started:
                    if box.element_tag not in ("html", "body"):
                        first = element.get("id")
                if element is not None:
                    started.add(id(element))
                bottom = _visible_bottom(box)
                if bottom is not None and box.element_tag not in ("html", "body"):
                    lowest = bottom if lowest is None else max(lowest, bottom)
        if name in COVER_PAGES:
            kind = "cover"
        elif contents:
            kind = "contents"
        elif page_box.page_type.blank or name == "filler" or lowest is None:
            kind = "blank"
        else:
            kind = "body"
        fill = None
        if kind == "body" and lowest is not None and height > 0:
            fill = max(0, min(100, round(100 * (lowest - top) / height)))
        out.append(PageFill(number, kind, fill, first, lowest or 0.0, top, height))
    return out


def short_pages(fills: list[PageFill]) -> list[PageFill]:
    """The body pages that miss the targets: every one under TARGET, and those under GOOD past
    the allowance of one in ten (rounded up), emptiest first."""
    body = [f for f in fills if f.fill is not None]
    under_target = [f for f in body if f.fill is not None and f.fill < TARGET]
    under_good = sorted((f for f in body if f.fill is not None and TARGET <= f.fill < GOOD), key=lambda f: f.fill or 0)
    allowance = allowed_under_good(len(body))
    return sorted(under_target, key=lambda f: f.fill or 0) + under_good[: max(0, len(under_good) - allowance)]


def allowed_under_good(body_pages: int) -> int:
    """One body page in ten may be under GOOD, rounded up (one in a booklet of up to ten)."""
    return math.ceil(body_pages / 10) if body_pages else 0


def meets_targets(fills: list[PageFill]) -> bool:
    """Every body page at least TARGET full and at most one in ten under GOOD."""
    body = [f.fill for f in fills if f.fill is not None]
    return all(f >= TARGET for f in body) and sum(f < GOOD for f in body) <= allowed_under_good(len(body))


def score(fills: list[PageFill]) -> tuple[int, int, int]:
    """Lower is better: how many pages miss the targets, how empty they are, and the page count."""
    missing = short_pages(fills)
    return (len(missing), sum(GOOD - (f.fill or 0) for f in missing), len(fills))


def describe(fills: list[PageFill]) -> str:
    """The fill of every page in one line: "- - 84 92 71 - …" ('-' where a page is not a body page)."""
    return " ".join("-" if f.fill is None else str(f.fill) for f in fills)
