"""One structure element for each HTML element, however many pages it spans.

WeasyPrint builds the structure tree page by page: a section, a card or a list that
goes on over a page break becomes one element on each page, so a screen reader (and a
checker) meets two cards and two lists where the reader of the page sees one card split.
When it lays out, we know which boxes go on from the page before (the same HTML element
ends one page and begins the next); `continued_depths` records that as a number of
structure levels per page, and `join_fragments` joins each page's first elements to the
page before's last ones, level by level, while their tags agree.

A joined element keeps its own page (`/Pg`); the content it takes from the next page is
referred to by marked-content references that name their page, and the parent tree
points at the joined element, so text, links and form fields keep their place.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from .accessibility import _number_tree_get
from .tagging import _reparent

_UNTAGGED = ("html", "body")
"""Elements WeasyPrint does not tag (their children are tagged in their place)."""


def continued_depths(pages: Sequence[Any]) -> tuple[int, ...]:
    """For each laid-out page, how many levels of the structure tree go on from the page before.

    Counted down the first boxes of the page and the last boxes of the page before, while both
    are the same HTML element; each counts as WeasyPrint tags it: an untagged `html` or `body`
    as none, a list item without a marker as two (`LI` and its `LBody`)."""
    depths = [0]
    for before, page in pairwise(pages):
        depth = 0
        for last, first in zip(_chain(before, last=True), _chain(page, last=False), strict=False):
            if last.element is None or last.element is not first.element:
                break
            depth += _levels(first)
        depths.append(depth)
    return tuple(depths)


def _chain(page: Any, last: bool) -> list[Any]:
    """The boxes from the page down its last (or first) child at each level, to the first box
    that holds lines or nothing."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    chain: list[Any] = []
    children = [c for c in page._page_box.children if not isinstance(c, boxes.MarginBox)]
    while children:
        child = children[-1] if last else children[0]
        if isinstance(child, AbsolutePlaceholder):
            child = child._box
        if isinstance(child, (boxes.LineBox, boxes.InlineLevelBox)) or not isinstance(child, boxes.ParentBox):
            break
        chain.append(child)
        children = child.children
    return chain


def _levels(box: Any) -> int:
    if box.element_tag in _UNTAGGED:
        return 0
    if box.element_tag == "li" and ("list-item" not in box.style["display"] or box.style["list_style_type"] == "none"):
        return 2
    return 1


def join_fragments(pdf: Any, continued: Sequence[int]) -> bool:
    """Join the structure elements that `continued_depths` says go on from one page to the next."""
    import pikepdf

    if not any(continued) or len(continued) != len(pdf.pages):
        return False
    root = pdf.Root.StructTreeRoot
    top = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    if not isinstance(top.get("/K"), pikepdf.Array):
        return False
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    by_page: dict[int, list[Any]] = {}
    for kid in top.K:
        if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid:
            by_page.setdefault(pages.get(kid.Pg.objgen, -1), []).append(kid)
    changed = False
    for number, depth in enumerate(continued):
        before, here = by_page.get(number - 1), by_page.get(number)
        if depth <= 0 or not before or not here:
            continue
        if _join(pdf, before[-1], here[0], depth):
            here[0] = before[-1]
            changed = True
    return changed


def _join(pdf: Any, first: Any, second: Any, depth: int) -> bool:
    """Move `second`'s kids into `first` (same tag), then join their last and first kids, `depth`
    levels down in all."""
    import pikepdf

    if depth <= 0 or first.get("/S") != second.get("/S") or first.objgen == second.objgen:
        return False
    first_kids, second_kids = _kids(first), _kids(second)
    inner = (first_kids[-1], second_kids[0]) if first_kids and second_kids else None
    page = second.get("/Pg")
    moved = pikepdf.Array()
    mappings: dict[int, Any] = {}  # each page's part of the parent tree, looked up once
    for kid in second_kids:
        if _is_mcid(kid) and page is not None:
            kid = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=int(kid))
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            key = int(kid.Pg.StructParents)
            if key not in mappings:
                mappings[key] = _number_tree_get(pdf.Root.StructTreeRoot.ParentTree, key)
            mapping = mappings[key]
            if mapping is not None and int(kid.MCID) < len(mapping):
                mapping[int(kid.MCID)] = first
        moved.append(kid)
    second.K = moved
    _reparent(pdf, second, first)
    first.K = pikepdf.Array([*first_kids, *moved])
    parent = second.get("/P")
    if parent is not None and isinstance(parent.get("/K"), pikepdf.Array):
        parent.K = pikepdf.Array([k for k in parent.K if not (_is_element(k) and k.objgen == second.objgen)])
    if inner is not None and _is_element(inner[0]) and _is_element(inner[1]):
        _join(pdf, inner[0], inner[1], depth - 1)
    return True


def _kids(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(node: Any) -> bool:
    import pikepdf

    return isinstance(node, pikepdf.Dictionary) and "/S" in node


def _is_mcid(node: Any) -> bool:
    import pikepdf

    return isinstance(node, int) or (isinstance(node, pikepdf.Object) and node._type_name == "integer")
