"""HTML to PDF bytes with WeasyPrint, behind a sandboxed URL fetcher.

The fetcher lets WeasyPrint read data: URIs and regular files inside the
allowed folders (the project, the package's default styles and the font
package) and nothing else: no http, https or ftp, no file outside (symlinks are
followed before the check), and no attachments at all, wherever they are. It
serves for the document and everything it pulls in — stylesheets, @import,
@font-face, images, SVG and what an SVG references — because WeasyPrint hands
the document's fetcher to each of them (pdf.py is the only place that calls
WeasyPrint; a test keeps it that way). Each refused address is recorded with
what asked for it, so the build can report it.
"""

from __future__ import annotations

import logging
import mimetypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import BookletError, Exit, Problem, Where
from ..render.css import IMAGE, STYLESHEET, Blocked
from . import lang

lang.install()  # /Lang on structure elements whose text is in another language

LOGGER = logging.getLogger("weasyprint")

PDF_STANDARDS = {"ua-1": "pdf/ua-1", "a-2a": "pdf/a-2a", "a-3a": "pdf/a-3a", "none": None}
"""Names accepted by --pdf-standard, mapped to WeasyPrint's pdf_variant. Every one but "none" is
tagged: the archive variants are PDF/A level A (accessible) and are declared PDF/UA-1 as well."""

TAGGED = frozenset(name for name in PDF_STANDARDS if name != "none")

PRESS_VARIANT = "pdf/x-4"
"""WeasyPrint's pdf_variant for print-ready files (`write(press=True)`)."""

MAX_RESOURCE_BYTES = 50_000_000
"""A stylesheet, font or image larger than this is refused (nothing we ship comes close)."""

# Innermost WeasyPrint module on the stack → who asked for a URL, in words.
_REQUESTERS = (
    ("weasyprint.pdf.anchors", "an attachment (rel=attachment)"),
    ("weasyprint.text.fonts", "a font (@font-face)"),
    ("weasyprint.images", IMAGE),
    ("weasyprint.svg", "an SVG image"),
    ("weasyprint.css", STYLESHEET),
)
ATTACHMENT = _REQUESTERS[0][1]


def requester() -> str:
    """Who, inside WeasyPrint, is fetching: read from the call stack (WeasyPrint does not say)."""
    frame: FrameType | None = sys._getframe(1)
    inside_svg = False
    found = ""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if frame.f_code.co_name == "write_pdf_attachment":
            return ATTACHMENT
        for prefix, words in _REQUESTERS:
            if not found and module.startswith(prefix):
                found = words
        inside_svg = inside_svg or module.startswith("weasyprint.svg")
        frame = frame.f_back
    if found.startswith("an image") and inside_svg:
        return "an image inside an SVG"
    return found or "the document"


class SandboxedFetcher(URLFetcher):
    """A URL fetcher that reads only data: URIs and files inside `allowed` folders."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]
        self.blocked: list[Blocked] = []

    def local_path(self, url: str) -> Path | None:
        """The file a file: URL names, resolved (symlinks followed), if it is inside the allowed folders."""
        scheme = url.split(":", 1)[0].lower()
        if scheme != "file":
            return None
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if any(path == root or root in path.parents for root in self.allowed):
            return path
        return None

    def permits(self, url: str) -> bool:
        """Whether `url` may be read (attachments aside)."""
        return url.split(":", 1)[0].lower() == "data" or self.local_path(url) is not None

    def fetch(self, url, headers=None):
        by = requester()
        if by == ATTACHMENT or not self.permits(url):
            self.blocked.append(Blocked(url, by))
            raise ValueError(f"blocked by the sandbox: {url}")
        path = self.local_path(url)
        if path is None:  # a data: URI
            return super().fetch(url, headers)
        # Read the checked path ourselves rather than letting urllib re-read the URL.
        if not path.is_file():
            raise ValueError(f"not a file: {url}")
        with path.open("rb") as handle:
            body = handle.read(MAX_RESOURCE_BYTES + 1)
        if len(body) > MAX_RESOURCE_BYTES:
            raise ValueError(f"larger than {MAX_RESOURCE_BYTES // 1_000_000} MB: {url}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime})


@cache
def font_configuration() -> FontConfiguration:
    """One FontConfiguration per process: building it costs, reusing it is safe."""
    return FontConfiguration()


@dataclass
class Rendered:
    """A finished PDF and what happened while making it."""

    pdf: bytes
    pages: int
    blocked: list[Blocked] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    continued: tuple[int, ...] = ()
    """For each page, the structure levels that go on from the page before (`fragments.join_fragments`)."""


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def collect_warnings() -> Iterator[_Collector]:
    """Capture WeasyPrint's warnings instead of letting them print to the terminal."""
    handler = _Collector()
    propagate = LOGGER.propagate
    LOGGER.addHandler(handler)
    LOGGER.propagate = False
    try:
        yield handler
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = propagate


@dataclass
class Laid:
    """A laid-out document, not yet written: its pages can be counted and searched before writing."""

    document: Any
    fetcher: SandboxedFetcher
    messages: list[str]

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    @property
    def blocked(self) -> list[Blocked]:
        """What the sandbox refused while laying out, each once."""
        return list(dict.fromkeys(self.fetcher.blocked))

    def page_of(self, anchor: str) -> int | None:
        """The 0-based page holding the element with id `anchor`, if any."""
        for index, page in enumerate(self.document.pages):
            if anchor in page.anchors:
                return index
        return None


def lay_out(html: str, allowed: list[Path], base_url: Path, forms: bool = True) -> Laid:
    """Lay out `html` (WeasyPrint's render) with fetching confined to `allowed` folders."""
    fetcher = SandboxedFetcher(allowed)
    with collect_warnings() as log:
        document = HTML(string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_configuration(), pdf_forms=forms
        )
    return Laid(document, fetcher, log.messages)


def _continued(pages: list[Any]) -> tuple[int, ...]:
    from .fragments import continued_depths

    return continued_depths(pages)


def write(
    laid: Laid, pdf_standard: str = "ua-1", forms: bool = True, strict: bool = False, press: bool = False
) -> Rendered:
    """Write a laid-out document as PDF bytes.

    With `press`, the file is PDF/X-4 for a print shop (tagged too when `pdf_standard` is:
    finishing completes it, adds the output intent and declares PDF/UA-1); `pdf_standard`
    must then be "ua-1" or "none". With `strict`, any blocked URL is an error (BookletError)
    instead of a warning.
    """
    options: dict[str, Any] = {"pdf_variant": PDF_STANDARDS[pdf_standard]}
    if press:
        options = {"pdf_variant": PRESS_VARIANT, "pdf_tags": pdf_standard in TAGGED}
    with collect_warnings() as log:
        pdf = laid.document.write_pdf(pdf_forms=forms, **options)
    blocked = laid.blocked
    if strict and blocked:
        raise BookletError(
            [
                Problem(Where(), str(item), "only files inside the project may be used; no network, no attachments")
                for item in blocked
            ],
            code=Exit.CONTENT,
        )
    urls = {item.url for item in blocked}
    fonts_blocked = any(item.by.startswith("a font") for item in blocked)
    warnings = [
        m
        for m in [*laid.messages, *log.messages]
        if not any(url in m for url in urls)
        and not (fonts_blocked and m.startswith("Font-face ") and m.endswith("cannot be loaded"))
    ]
    return Rendered(pdf, laid.pages, blocked, warnings, _continued(laid.document.pages))


def html_to_pdf(
    html: str,
    allowed: list[Path],
    base_url: Path,
    pdf_standard: str = "ua-1",
    forms: bool = True,
    strict: bool = False,
) -> Rendered:
    """Lay out and write the PDF for `html`; fetching is confined to `allowed` folders.

    With `strict`, any blocked URL is an error (BookletError) instead of a warning.
    """
    return write(lay_out(html, allowed, base_url, forms), pdf_standard, forms, strict)


def write_pages(base: Laid, pages: list[Any], pdf_standard: str = "ua-1", forms: bool = True) -> Rendered:
    """Write `pages` (from one or more laid-out documents) as one PDF with `base`'s metadata.

    WeasyPrint builds tags, links, anchors, bookmarks and form fields from the pages
    themselves when it writes, so an assembled document keeps all of them.
    """
    with collect_warnings() as log:
        pdf = base.document.copy(pages).write_pdf(pdf_variant=PDF_STANDARDS[pdf_standard], pdf_forms=forms)
    return Rendered(pdf, len(pages), [], log.messages, _continued(pages))
