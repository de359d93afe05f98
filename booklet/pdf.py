"""HTML to PDF bytes with WeasyPrint, behind a sandboxed URL fetcher.

The fetcher lets WeasyPrint read data: URIs and files inside the allowed folders
(the project, the package's default styles and the font package) and nothing
else: no http, https or ftp, no file outside. Each refused address is recorded
with what asked for it, so the build can report it.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

LOGGER = logging.getLogger("weasyprint")

PDF_STANDARDS = {"ua-1": "pdf/ua-1", "a-3u": "pdf/a-3u", "none": None}
"""Names accepted by --pdf-standard, mapped to WeasyPrint's pdf_variant."""


class SandboxedFetcher(URLFetcher):
    """A URL fetcher that reads only data: URIs and files inside `allowed` folders."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]
        self.blocked: list[str] = []

    def permits(self, url: str) -> bool:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return True
        if scheme != "file":
            return False
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(unquote(parts.path))).resolve()
        return any(path == root or root in path.parents for root in self.allowed)

    def fetch(self, url, headers=None):  # noqa: ANN001, ANN201 - WeasyPrint's signature
        if not self.permits(url):
            self.blocked.append(url)
            raise ValueError(f"blocked by the sandbox: {url}")
        return super().fetch(url, headers)


@cache
def font_configuration() -> FontConfiguration:
    """One FontConfiguration per process: building it costs, reusing it is safe."""
    return FontConfiguration()


@dataclass
class Rendered:
    """A finished PDF and what happened while making it."""

    pdf: bytes
    pages: int
    blocked: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


def html_to_pdf(
    html: str,
    allowed: list[Path],
    base_url: Path,
    pdf_standard: str = "ua-1",
    forms: bool = True,
) -> Rendered:
    """Lay out and write the PDF for `html`; fetching is confined to `allowed` folders."""
    fetcher = SandboxedFetcher(allowed)
    variant = PDF_STANDARDS[pdf_standard]
    with collect_warnings() as log:
        document = HTML(
            string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=font_configuration(), pdf_forms=forms)
        pdf = document.write_pdf(pdf_variant=variant, pdf_forms=forms)
    blocked = list(dict.fromkeys(fetcher.blocked))
    warnings = [m for m in log.messages if not any(url in m for url in blocked)]
    return Rendered(pdf, len(document.pages), blocked, warnings)
