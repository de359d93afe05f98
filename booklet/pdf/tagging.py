"""Completing the tagged PDF where WeasyPrint 70 stops short of PDF/UA-1.

WeasyPrint writes the structure tree from the HTML; a few things a checker (and a
screen reader) needs cannot be said in HTML or CSS, so they are added here, on
the open pikepdf document, in place:

- a link inside a link (WeasyPrint makes one for `a::after` and one for a leader
  inside it), or a span inside a link, is folded into the outer link, so each
  link is one element holding its text and its annotations;
- every annotation (links and checkboxes) gets the Print flag, so what is read on
  screen and what is printed agree (ISO 14289-1 7.18.1);
- every page with annotations orders them by structure (`/Tabs /S`);
- every link annotation has `/Contents` describing it; a link to a page of the
  booklet (the contents page) is described by its entry, e.g. "Introduction, page 3";
- a tagged archive (PDF/A-2a, -3a) or press file (PDF/X-4) also declares PDF/UA-1;
- the contents page's leader dots are artifacts, not text: a screen reader reads
  "Introduction, 3", not "Introduction dot dot dot … 3";
- every table header cell says whether it heads a column or a row (`tables.py`).

Each step is idempotent and returns whether it changed anything.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from .accessibility import _number_tree_get, remark_as_artifacts
from .tables import scope_header_cells

PRINT = 1 << 2
HIDDEN = 1 << 1
NO_VIEW = 1 << 5

_LEADER = re.compile(r"^[.\s\u00a0]+$")


def complete_tags(pdf: Any, source: bytes) -> bool:
    """Every step below on a tagged document; `source` is the same PDF as bytes (for text extraction)."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return False
    changed = flatten_nested_links(pdf)
    changed |= declare_pdfua(pdf)
    changed |= flag_annotations(pdf)
    changed |= tab_order(pdf)
    changed |= describe_links_and_hide_leaders(pdf, source)
    changed |= scope_header_cells(pdf)
    return changed


def flatten_nested_links(pdf: Any) -> bool:
    """Fold every Link or Span structure element that sits inside a Link into it.

    Its kids (text, annotations) move to the outer link in its place, and the
    parent tree points at the outer link, so a reader meets one link per entry.
    """
    import pikepdf

    root = pdf.Root.StructTreeRoot
    changed = False
    stack: list[Any] = [root.get("/K")]
    seen: set[tuple[int, int]] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kids = node.get("/K")
        if node.S == "/Link" and isinstance(kids, pikepdf.Array):
            while any(_is_element(k, *_INLINE_IN_LINKS) for k in kids):
                flat = pikepdf.Array()
                for kid in kids:
                    if _is_element(kid, *_INLINE_IN_LINKS):
                        _reparent(pdf, kid, node)
                        inner = kid.get("/K")
                        if isinstance(inner, pikepdf.Array):
                            flat.extend(inner)
                        elif inner is not None:
                            flat.append(inner)
                        changed = True
                    else:
                        flat.append(kid)
                node.K = flat
                kids = node.K
        if kids is not None:
            stack.append(kids)
    return changed


_INLINE_IN_LINKS = ("/Link", "/Span")
"""Elements folded into the link around them: a link inside a link, and the spans that mark where a
printed address may break (WeasyPrint would leave the link's annotation in the span)."""


def _is_element(node: Any, *tags: str) -> bool:
    import pikepdf

    return isinstance(node, pikepdf.Dictionary) and node.get("/S") in tags


def _reparent(pdf: Any, element: Any, parent: Any) -> None:
    """Point everything that refers to `element` (its kids, the parent tree) at `parent` instead."""
    import pikepdf

    root = pdf.Root.StructTreeRoot
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = parent
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            key = kid.Obj.get("/StructParent")
            if key is not None:
                _parent_tree_set(root.ParentTree, int(key), parent)
        elif isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_name == "integer"):
            page = element.get("/Pg") or parent.get("/Pg")
            mapping = _number_tree_get(root.ParentTree, int(page.StructParents))
            if mapping is not None and int(kid) < len(mapping):
                mapping[int(kid)] = parent


def _parent_tree_set(node: Any, key: int, value: Any) -> bool:
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            if int(nums[i]) == key:
                nums[i + 1] = value
                return True
    for kid in node.get("/Kids", []):
        low, high = (int(v) for v in kid.get("/Limits", [key, key]))
        if low <= key <= high and _parent_tree_set(kid, key, value):
            return True
    return False


PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"

# PDF/A wants every XMP property outside its own schemas described in the packet itself.
_PDFUA_DECLARATION = f"""<rdf:Description rdf:about="" xmlns:pdfuaid="{PDFUA_NS}" pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA identification</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{PDFUA_NS}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>The part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def declare_pdfua(pdf: Any) -> bool:
    """Add the PDF/UA-1 identification to a tagged file whose XMP lacks it (PDF/A-2a, -3a, PDF/X-4).

    WeasyPrint writes one standard's identification; these files meet PDF/UA-1 as
    well, and say so only once the rest of this module has completed their tags.
    """
    import pikepdf

    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return False
    xmp = metadata.read_bytes().decode("utf-8")
    if PDFUA_NS in xmp or "</rdf:RDF>" not in xmp:
        return False
    xmp = xmp.replace("</rdf:RDF>", _PDFUA_DECLARATION + "</rdf:RDF>", 1)
    stream = pikepdf.Stream(pdf, xmp.encode("utf-8"))
    stream.Type = pikepdf.Name.Metadata
    stream.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)
    return True


def flag_annotations(pdf: Any) -> bool:
    """Set the Print flag (and clear Hidden and NoView) on every annotation."""
    import pikepdf

    changed = False
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            flags = int(annot.get("/F", 0))
            wanted = (flags | PRINT) & ~HIDDEN & ~NO_VIEW
            if wanted != flags or "/F" not in annot:
                annot.F = pikepdf.Integer(wanted)
                changed = True
    return changed


def tab_order(pdf: Any) -> bool:
    """Tab through each page's annotations in structure order."""
    import pikepdf

    changed = False
    for page in pdf.pages:
        if "/Annots" in page.obj and page.obj.get("/Tabs") != "/S":
            page.obj.Tabs = pikepdf.Name.S
            changed = True
    return changed


def _internal_link_pages(pdf: Any) -> list[int]:
    pages = []
    for index, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                pages.append(index)
                break
    return pages


def marked_text(source: bytes, pages: list[int]) -> list[dict[int, str]]:
    """For each of these pages (0-based) of the PDF `source`, the text of each marked-content id.

    PDFium reads the text objects (a few milliseconds a page; pdfminer took a third of a second).
    A hyphen that ends a line comes back as PDFium's soft-hyphen mark, and is given back as "-".
    """
    if not pages:
        return []
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    found = []
    document = pdfium.PdfDocument(source)
    try:
        for index in pages:
            page = document[index]
            textpage = page.get_textpage()
            texts: dict[int, str] = defaultdict(str)
            for item in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
                mcid = raw.FPDFPageObj_GetMarkedContentID(item)
                size = raw.FPDFTextObj_GetText(item, textpage, None, 0)  # bytes, UTF-16 with a final NUL
                if mcid < 0 or size <= 2:
                    continue
                buffer = (ctypes.c_ushort * (size // 2))()
                raw.FPDFTextObj_GetText(item, textpage, buffer, size)
                texts[mcid] += bytes(buffer)[: size - 2].decode("utf-16-le", "replace").replace("\x02", "-")
            found.append(dict(texts))
            textpage.close()
            page.close()
    finally:
        document.close()
    return found


def describe_links_and_hide_leaders(pdf: Any, source: bytes) -> bool:
    """On pages with links into the booklet (the contents), mark leader dots as artifacts and
    describe each such link by its entry's text and page number; give other links /Contents too."""
    import pikepdf

    changed = False
    root = pdf.Root.StructTreeRoot
    pages = _internal_link_pages(pdf)
    for index, texts in zip(pages, marked_text(source, pages), strict=True):
        page = pdf.pages[index]
        mapping = _number_tree_get(root.ParentTree, int(page.obj.get("/StructParents", -1)))
        if mapping is None:
            continue
        leaders = {m for m, text in texts.items() if _LEADER.match(text) and _is_link(mapping, m)}
        if leaders:
            _make_artifacts(pdf, page, mapping, leaders)
            changed = True
        changed |= _describe_internal_links(root, page, mapping, texts)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Link" and "/Contents" not in annot:
                uri = annot.get("/A", {}).get("/URI")
                if uri is not None:
                    annot.Contents = pikepdf.String(f"Link to {uri}")
                    changed = True
    return changed


def _is_link(mapping: Any, mcid: int) -> bool:
    if mcid >= len(mapping):
        return False
    element = mapping[mcid]
    return element is not None and element.get("/S") == "/Link"


def _make_artifacts(pdf: Any, page: Any, mapping: Any, mcids: set[int]) -> None:
    """Re-mark these marked-content ids as layout artifacts and drop them from the structure."""
    import pikepdf

    remark_as_artifacts(pdf, page, mcids, b"/Layout")
    # A contents page has a thousand or more dots, many under one link: rebuild each link's kids once.
    elements: dict[tuple[int, int], tuple[Any, set[int]]] = {}
    for mcid in mcids:
        element = mapping[mcid]
        elements.setdefault(element.objgen, (element, set()))[1].add(mcid)
        mapping[mcid] = None
    for element, dropped in elements.values():
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Array):
            element.K = pikepdf.Array([k for k in kids if not (isinstance(k, int) and int(k) in dropped)])


def _describe_internal_links(root: Any, page: Any, mapping: Any, texts: dict[int, str]) -> bool:
    """A contents entry's link annotation says what the entry says: its title and page."""
    import pikepdf

    changed = False
    elements: dict[tuple[int, int], list[int]] = defaultdict(list)
    for mcid in range(len(mapping)):
        element = mapping[mcid]
        if element is not None and element.get("/S") == "/Link":
            elements[element.objgen].append(mcid)
    for annot in page.obj.get("/Annots", []):
        if annot.get("/Subtype") != "/Link" or "/Dest" not in annot:
            continue
        key = annot.get("/StructParent")
        link = None if key is None else _number_tree_get(root.ParentTree, int(key))
        if link is None:
            continue
        words = " ".join(texts.get(m, "") for m in elements.get(link.objgen, [])).split()
        if not words:
            continue
        title, number = (words[:-1], words[-1]) if words[-1].isdigit() and len(words) > 1 else (words, "")
        description = " ".join(title) + (f", page {number}" if number else "")
        if str(annot.get("/Contents", "")) != description:
            annot.Contents = pikepdf.String(description)
            changed = True
    return changed
