"""Opening a brand's logo before anything is rendered, so a logo that cannot print is an error in `check`.

A PNG is opened with Pillow under a pixel limit (a 40,000 × 40,000 image is a
small file that unpacks to gigabytes); an SVG is parsed with defusedxml, which
refuses entity declarations and external references, and then searched for
anything that would make WeasyPrint fetch another file or address. What the
sandbox would block at render time would leave a blank box on the cover, so it
is refused here, with the reason.
"""

from __future__ import annotations

import io
import re
import struct
import warnings

MAX_PIXELS = 25_000_000
"""A logo needs about 1,000 pixels across; 25 million pixels (5,000 × 5,000) is far beyond any use."""

_SVG = "{http://www.w3.org/2000/svg}"
_HREF = ("href", "{http://www.w3.org/1999/xlink}href")
_CSS_URL = re.compile(r"""@import|url\(\s*['"]?\s*(?!['"]?\s*(?:#|data:))""", re.I)


def check_png(raw: bytes) -> str | None:
    """Why this PNG cannot be used as a logo, or None."""
    return _check_raster(raw, "PNG")


def check_jpeg(raw: bytes) -> str | None:
    """Why this JPEG cannot be used (as a story's photo), or None: the same limits as a PNG logo."""
    return _check_raster(raw, "JPEG")


def _check_raster(raw: bytes, kind: str) -> str | None:
    """Why this PNG or JPEG (`kind`, Pillow's format name) cannot be printed, or None."""
    from PIL import Image, UnidentifiedImageError

    if kind == "PNG" and len(raw) >= 24 and raw[12:16] == b"IHDR":
        # Read the size from the header first: Pillow refuses huge images without saying how huge.
        width, height = struct.unpack(">II", raw[16:24])
        if width * height > MAX_PIXELS:
            return (
                f"is {width:,} × {height:,} pixels; a logo must have at most {MAX_PIXELS // 1_000_000} "
                "million pixels (export it again about 1,000 pixels wide)"
            )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # verify() checks every chunk and its checksum even when an imported library (WeasyPrint)
            # has told Pillow to accept truncated images, which load() alone would then do.
            with Image.open(io.BytesIO(raw), formats=[kind]) as image:
                image.verify()
            with Image.open(io.BytesIO(raw), formats=[kind]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return (
                        f"is {width:,} × {height:,} pixels; a logo must have at most {MAX_PIXELS // 1_000_000} "
                        "million pixels (export it again about 1,000 pixels wide)"
                    )
                image.load()  # decodes every row: a truncated or damaged file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"has too many pixels (at most {MAX_PIXELS // 1_000_000} million; export it again smaller)"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        detail = str(exc)[:80]
        return (
            f"cannot be opened as a {kind} image, the file is damaged or incomplete: {detail} "
            f"(export it again as {kind})"
        )
    if width == 0 or height == 0:
        return f"has no pixels (export it again as {kind})"
    return None


def check_svg(raw: bytes) -> str | None:
    """Why this SVG cannot be used as a logo, or None."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return "declares a DTD or entities, which are not allowed (export it again as plain SVG)"
    except ParseError as exc:
        return f"is not well-formed SVG: {exc} (export it again as SVG)"
    if root.tag != _SVG + "svg":
        return "is not an SVG image: its first element is not <svg> (export it again as SVG)"
    drawn = False
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        for name in _HREF:
            target = (element.get(name) or "").strip()
            if target and not target.startswith(("#", "data:")):
                return (
                    f"refers to another file or address ({target[:60]}), which is not read "
                    "(embed the image in the SVG, or export it again as one self-contained file)"
                )
        css = (element.text or "") if tag == _SVG + "style" else ""
        css += " " + (element.get("style") or "")
        if _CSS_URL.search(css):
            return (
                "loads a stylesheet, font or image from another file or address (@import or url()), which is "
                "not read (export it again with the styles written out, e.g. as presentation attributes)"
            )
        if tag.removeprefix(_SVG) in (
            "path",
            "rect",
            "circle",
            "ellipse",
            "line",
            "polyline",
            "polygon",
            "text",
            "image",
            "use",
        ):
            drawn = True
    if not drawn:
        return "draws nothing: it has no shapes, text or images (export it again as SVG)"
    return None
