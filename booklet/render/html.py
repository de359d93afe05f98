"""Rendering: a validated Booklet becomes one HTML string, through Jinja2 templates.

Templates and stylesheets are looked up in the project's own styles folder
first and the package defaults second, so a project overrides file by file.
The environment autoescapes everything and fails on undefined names: content
is always text, never markup.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from ..colour import MIN_TEXT_CONTRAST, contrast
from ..content.model import Booklet
from ..project import Project
from ..settings import Settings
from ..util import user_cache
from ..version import __version__
from . import fonts
from .qr import qr_data_uri

PAPER = "#ffffff"
CUSTOM_CSS = "custom.css"
"""A project's own stylesheet, read after the defaults (print and web editions alike)."""


def default_styles_dir() -> Path:
    """The default templates and stylesheets: data, not code.

    An installed package carries them as `booklet/styles/` (package data from the
    repository's top-level `styles/`); in a source checkout (an editable install)
    they are read from that `styles/` folder itself.
    """
    package = Path(__file__).resolve().parents[1]
    installed = package / "styles"
    return installed if installed.is_dir() else package.parent / "styles"


def allowed_dirs(project: Project) -> list[Path]:
    """Folders WeasyPrint may read: the content, the styles, the package styles, the fonts.

    Not the whole project folder: with `--content ~/content` that would be the
    home folder, and a template could then read any file in it.
    """
    dirs = [project.content, default_styles_dir(), *fonts.font_dirs()]
    if project.styles is not None:
        dirs.append(project.styles)
    return dirs


def style_dirs(project_styles: Path | None) -> list[Path]:
    """Folders searched for templates and CSS, the project's first."""
    dirs = []
    if project_styles is not None and project_styles.is_dir():
        dirs.append(project_styles)
    default = default_styles_dir()
    if not dirs or dirs[0].resolve() != default.resolve():
        dirs.append(default)
    return dirs


@cache
def environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["qr"] = qr_data_uri
    env.filters["display_url"] = display_url
    env.filters["host"] = lambda url: urlsplit(url).hostname or url
    env.filters["first_sentence"] = first_sentence
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja checks each template's source is unchanged)."""
    folder = user_cache("templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph (for the handout's one-line summaries)."""
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z])", text)
    return text[: match.start()] if match else text


def display_url(url: str) -> str:
    """The address as printed: exactly what the QR code holds."""
    return url


def read_style(name: str, dirs: list[Path]) -> str:
    """Text of a stylesheet from the first styles folder that has it."""
    for folder in dirs:
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def stylesheets(settings: Settings) -> list[str]:
    """Names of the stylesheets that make up this variant, in cascade order."""
    if settings.edition == "web":
        names = ["web.css"]
    else:
        names = ["booklet.css"]
        if settings.page_size.upper() == "A5":
            names.append("print.css")  # smaller margins, covers and QR codes for A5 pages
    if settings.large_print:
        names.append("large-print.css")
        if settings.edition != "web" and settings.page_size.upper() == "A5":
            names.append("large-print-a5.css")
    return names


def render_html(
    booklet: Booklet,
    settings: Settings = Settings(),
    project_styles: Path | None = None,
    brand: Any = None,
    template: str | None = None,
    context: dict[str, Any] | None = None,
) -> str:
    """The complete HTML document for `booklet`, with its CSS inlined.

    `template` replaces the template the booklet's layout chooses and `context` adds names to it
    (a personal copy's own pages are laid out on their own this way).
    """
    dirs = style_dirs(project_styles)
    env = environment(tuple(dirs))
    web = settings.edition == "web"
    # A website cannot read the builder's font files, so the web edition uses the reader's sans serif.
    css = [] if web else [fonts.font_face_css()]
    css += [read_style(name, dirs) for name in stylesheets(settings)]
    if project_styles is not None and (project_styles / CUSTOM_CSS).is_file():
        # A project's small additions (a colour, a margin) without copying booklet.css.
        css.append((project_styles / CUSTOM_CSS).read_text(encoding="utf-8"))
    if not web:
        css.append(page_css(settings))
    if brand is not None and getattr(brand, "accent", None):
        css.append(brand_css(brand.accent, getattr(brand, "accent_text", "#ffffff")))
    css += list(settings.extra_css)
    if web:
        template_name = "web.html.j2"
    else:
        template_name = "handout.html.j2" if booklet.layout == "handout" else "booklet.html.j2"
    return env.get_template(template or template_name).render(
        **(context or {}),
        booklet=booklet,
        frame=booklet.frame,
        brand=brand,
        options=settings,
        css="\n".join(css),
        generator=f"booklet {__version__}",
    )


def page_css(settings: Settings) -> str:
    """Page rules that depend on settings rather than on the style: size, A5, duplex, bleed.

    Duplex starts each main section on a right-hand page, puts the back cover on
    a left-hand one (the back of the last sheet) and prints the blank-page text
    on pages left empty for that. Bleed grows every page by `bleed_mm` on each
    side and draws crop marks in it; page backgrounds (the covers) fill it.
    """
    rules = [f"@page {{ size: {settings.page_size} portrait; }}"]
    blank_page = blank_page_boxes(settings.blank_page_text)
    if settings.duplex:
        rules.append(".major { break-before: right; }")
        rules.append(".back { break-before: left; }")
        rules.append(f"@page :blank {blank_page}")
    if settings.filler_pages:
        rules.append(".filler { page: filler; break-before: page; }")
        rules.append(f"@page filler {blank_page}")
    if settings.bleed_mm:
        rules.append(f"@page {{ bleed: {settings.bleed_mm:g}mm; marks: crop cross; }}")
    return "\n".join(rules)


def brand_css(accent: str, accent_text: str) -> str:
    """Colour overrides for a careers service's brand.

    Covers always take the brand colour (its text colour is contrast-checked
    by the model); headings on white paper take it only when it is dark enough.
    """
    rules = [
        f".cover, .back {{ --on-accent: {accent_text}; }}",
        f"@page cover {{ background: {accent}; }}",
        f"@page back {{ background: {accent}; }}",
    ]
    if contrast(accent, PAPER) >= MIN_TEXT_CONTRAST:
        rules.append(f":root {{ --accent: {accent}; }}")
    return "\n".join(rules)


def blank_page_boxes(text: str) -> str:
    """The margin boxes of a page left blank on purpose: `text` at the top, no running footer."""
    return (
        f"{{ @top-center {{ content: {css_string(text)}; font-family: {fonts.STACK};"
        " font-size: 12pt; color: #444444; vertical-align: bottom; }"
        " @bottom-left { content: none; } @bottom-right { content: none; } }"
    )


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (for `content:`)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
