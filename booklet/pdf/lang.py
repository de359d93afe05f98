"""Language on PDF structure elements: `/Lang` from the HTML `lang` attribute.

WeasyPrint 70 writes the document's `/Lang` from `<html lang>` but no `/Lang` on
structure elements, so a Welsh name in an English booklet would be read with
English rules. `install()` wraps WeasyPrint's tag-tree builder: each structure
element made for an HTML element with its own `lang` gets that `/Lang` (PDF
structure elements inherit it, like HTML). Installed once per process, from `weasy`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_installed = False


def install() -> None:
    """Make WeasyPrint's tagging copy `lang` attributes to `/Lang` (idempotent)."""
    global _installed
    if _installed:
        return
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def with_lang(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        element = getattr(getattr(box, "_box", box), "element", None)
        lang = None
        if element is not None and element.tag not in ("html", "body"):
            lang = element.get("lang")
        for struct in original(box, *args, **kwargs):
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            yield struct

    tags._build_box_tree = with_lang
    _installed = True
