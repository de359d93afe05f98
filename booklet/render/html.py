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
from markupsafe import Markup, escape

from ..colour import MIN_TEXT_CONTRAST, contrast
from ..content.model import DIRECTORY_ABOVE, Booklet
from ..project import Project
from ..settings import Settings
from ..tailor.language import LANGUAGES, in_language
from ..util import user_cache
from ..version import __version__
from . import facts, fonts, i18n
from .css import Sandbox, escape_style
from .qr import qr_data_uri
from .terms import link_terms

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
        finalize=i18n.mark_language,
    )
    env.globals["qr"] = qr_data_uri
    env.filters["day"] = _day
    env.filters["plain"] = i18n.plain
    env.filters["lang_attr"] = i18n.lang_attr
    env.filters["display_url"] = display_url
    env.filters["link_urls"] = link_urls
    env.filters["host"] = lambda url: urlsplit(url).hostname or url
    env.filters["first_sentence"] = first_sentence
    facts.register(env)
    return env


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, day: Any) -> str:
    """A date in the language of the part being rendered."""
    return i18n.format_day(day, context.get("language", "en"))


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


_URL_BREAK = re.compile(r"(?<=[/.])(?=[^/.])")
"""After a run of `/` or `.`: where a long address may break across lines."""


ZWSP = "\u200b"
"""Zero-width space: a place a line may break, invisible, and left out of the PDF's text."""


def display_url(url: str) -> Markup:
    """The address as printed: exactly what the QR code holds, breakable after `/` and `.` only.

    The scheme is kept with the first part of the host (never "https://" alone at the end of a line).
    A zero-width space marks each place a line may break: WeasyPrint drops `<wbr>` opportunities
    inside a link, and readers' text extraction leaves zero-width spaces out of the address.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    pieces = _URL_BREAK.split(rest)
    head = f"{scheme}{sep}{pieces[0]}"
    tail = "".join(ZWSP + piece for piece in pieces[1:])
    return Markup('<span class="url-start">{}</span>{}').format(head, tail)


_URL_IN_TEXT = re.compile(r"https://[^\s<>\"']+")


def link_urls(text: str, breaks: bool = True) -> Markup:
    """Plain `text` with every https:// address in it made a link (escaped; never raw HTML).

    Only https addresses are linked, the same as the content model accepts; a full
    stop, comma or closing bracket that ends the sentence stays outside the link.
    """
    out = Markup("")
    last = 0
    for match in _URL_IN_TEXT.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        end = match.start() + len(url)
        if urlsplit(url).hostname is None or "." not in (urlsplit(url).hostname or ""):
            continue
        out += escape(text[last : match.start()])
        out += Markup('<a href="{}">{}</a>').format(url, display_url(url) if breaks else url)
        last = end
    out += escape(text[last:])
    if isinstance(text, i18n.Foreign):  # text left in the other language keeps its lang
        return Markup('<span lang="{}">{}</span>').format(text.lang, out)
    return out


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
    sandbox: Sandbox | None = None,
    template: str | None = None,
    context: dict[str, Any] | None = None,
) -> str:
    """The complete HTML document for `booklet`, with its CSS inlined.

    With a `sandbox` (the HTML edition, read by browsers) the CSS names only data:
    URIs: what the PDF build may read is inlined, the rest dropped and recorded.
    `template` replaces the template the booklet's layout chooses (its body is
    `partials/<name>-body.html.j2`) and `context` adds names to it (a personal
    copy's own pages are laid out on their own this way).
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
        css.append(page_css(settings, edition_languages(booklet, settings)))
    if brand is not None and getattr(brand, "accent", None):
        css.append(brand_css(brand.accent, getattr(brand, "accent_text", "#ffffff")))
    css += list(settings.extra_css)
    if web:
        template_name = "web.html.j2"
    else:
        template_name = "handout.html.j2" if booklet.layout == "handout" else "booklet.html.j2"
    template_name = template or template_name
    extra = dict(context or {})
    body = template_name.replace(".html.j2", "-body.html.j2")
    languages = edition_languages(booklet, settings)
    parts = []
    for index, language in enumerate(languages):
        edition = in_language(booklet, language)
        last = index == len(languages) - 1
        names = {
            **extra,
            "booklet": edition,
            "frame": edition.frame,
            "brand": brand,
            "options": settings,
            "language": language,
            "_": i18n.gettext_for(language),
            "first": index == 0,
            "main_tag": "main" if index == 0 else "div",
            # Blank pages for saddle stitching go before the one back cover that ends the document.
            "filler_pages": settings.filler_pages if last else 0,
            "notes_pages": (
                settings.part_notes[index] if index < len(settings.part_notes) else settings.notes_pages if last else 0
            ),
            "closing_rules": settings.closing_rules[index] if index < len(settings.closing_rules) else 0,
            "notes_rules": NOTES_RULES[(settings.page_size.upper(), settings.large_print)],
            "other_language": _other_language(languages, index, settings),
            "profiles": profile_layout(edition),
            "toc_organisations": len(edition.organisations) <= TOC_ORGANISATIONS,
        }
        html = env.get_template(f"partials/{body}").render(names)
        if web:
            html = link_terms(html, edition.glossary)
        if len(languages) > 1:
            html = _own_ids(html, language)
            html = Markup('<div class="edition edition-{0}" id="{0}" lang="{1}">\n{2}</div>').format(
                language, edition.frame.language, Markup(html)
            )
        parts.append(Markup(html))
    first = in_language(booklet, languages[0])
    titles = [str(in_language(booklet, lang).frame.title) for lang in languages]
    page = env.get_template(template_name)
    joined = "\n".join(css)
    if sandbox is not None:
        joined = sandbox.css(joined)
    return page.render(
        booklet=first,
        frame=first.frame,
        brand=brand,
        options=settings,
        css=escape_style(joined),
        generator=f"booklet {__version__}",
        profiles=profile_layout(booklet),
        toc_organisations=len(booklet.organisations) <= TOC_ORGANISATIONS,
        parts=parts,
        title=" / ".join(dict.fromkeys(titles)),
        page_lang=first.frame.language,
    )


TOC_ORGANISATIONS = DIRECTORY_ABOVE
"""The contents page names each organisation up to this many; above it, one line with the first page,
so the contents stays one page."""


def profile_layout(booklet: Booklet) -> str:
    """How this booklet prints its organisations: "cards" or "directory" (see Frame.profiles)."""
    chosen = booklet.frame.profiles
    if chosen == "auto":
        return "directory" if len(booklet.organisations) > DIRECTORY_ABOVE else "cards"
    return chosen


def edition_languages(booklet: Booklet, settings: Settings) -> list[str]:
    """The languages of an edition, in printed order (a bilingual one follows the frame's bilingual_order)."""
    if settings.language == "bilingual":
        return list(booklet.frame.bilingual_order)
    return [settings.language]


LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}
"""Each language's name in itself, for the link to the other language."""


def _other_language(languages: list[str], index: int, settings: Settings) -> dict[str, str] | None:
    """The link to the other language: the other half of a bilingual page, or the other edition's file."""
    if len(languages) > 1:
        other = languages[1 - index]
        return {"href": f"#{other}", "lang": LANGUAGES[other], "label": LANGUAGE_NAMES[other]}
    if settings.web and settings.language == "cy" and settings.other_edition:
        return {"href": settings.other_edition, "lang": LANGUAGES["en"], "label": LANGUAGE_NAMES["en"]}
    if settings.web and settings.language == "en" and settings.other_edition:
        return {"href": settings.other_edition, "lang": LANGUAGES["cy"], "label": LANGUAGE_NAMES["cy"]}
    return None


_ID_ATTRIBUTE = re.compile(
    r'\b(id|for|aria-labelledby|aria-describedby)="([^"]+)"|\bhref="#([^"]+)"|\bname="(route\.[^"]+)"'
)


def _own_ids(html: str, language: str) -> str:
    """Give every id (and what points to one) in one half of a bilingual edition the language as prefix.

    Both halves come from the same templates, so without this they would share ids
    (and their checkboxes the same form field names). Content text cannot match: it
    is autoescaped, so it holds no `"`.
    """

    def prefixed(match: re.Match[str]) -> str:
        if match.group(3) is not None:
            if match.group(3) in LANGUAGES:  # the link to the other half
                return match.group(0)
            return f'href="#{language}-{match.group(3)}"'
        if match.group(4) is not None:
            return f'name="{language}.{match.group(4)}"'
        values = " ".join(f"{language}-{v}" for v in match.group(2).split())
        return f'{match.group(1)}="{values}"'

    return _ID_ATTRIBUTE.sub(prefixed, html)


NOTES_RULES = {("A4", False): 24, ("A4", True): 20, ("A5", False): 16, ("A5", True): 13}
"""Ruled lines on a Notes page, by page size and large print: as many as fill the page's body."""


def page_css(settings: Settings, languages: list[str] | None = None) -> str:
    """Page rules that depend on settings rather than on the style: size, A5, duplex, bleed.

    Duplex starts each main section on a right-hand page, puts the back cover on
    a left-hand one (the back of the last sheet) and prints the blank-page text
    on pages left empty for that. Bleed grows every page by `bleed_mm` on each
    side and draws crop marks in it; page backgrounds (the covers) fill it.
    """
    languages = languages or [settings.language if settings.language != "bilingual" else "en"]
    rules = [f"@page {{ size: {settings.page_size} portrait; }}", *page_number_css(languages)]
    # pyphen has no Welsh dictionary: never hyphenate Welsh with another language's rules.
    rules.append(":lang(cy) { hyphens: manual; }")
    lines = [settings.blank_page_text]
    if settings.blank_page_text == Settings.blank_page_text:  # the default is said in each language
        lines = [i18n.gettext_for(lang)(i18n.BLANK_PAGE) for lang in languages]
    blank_page = blank_page_boxes(*lines)
    if settings.duplex:
        rules.append(".major { break-before: right; }")
        rules.append(".back { break-before: left; }")
        rules.append(f"@page :blank {blank_page}")
    if len(languages) > 1 and settings.imposition != "flip":
        # Each language's half opens on a right-hand page, as a booklet printed on both sides should.
        # (A tête-bêche booklet opens each half from its own cover instead.)
        rules.append(".edition + .edition .cover { break-before: right; }")
        if not settings.duplex:
            rules.append(f"@page :blank {blank_page}")
    if settings.filler_pages:
        rules.append(".filler { page: filler; break-before: page; }")
        rules.append(f"@page filler {blank_page}")
    if settings.bleed_mm:
        rules.append(f"@page {{ bleed: {settings.bleed_mm:g}mm; marks: crop cross; }}")
    return "\n".join(rules)


def page_number_css(languages: list[str]) -> list[str]:
    """The running footer's "Page 3 of 10" in the language of each page.

    One language: the words go straight into the footer. Two: each half of the
    edition sets the words with `string-set`, and each page's footer takes the
    words of the first half that appears on it.
    """

    def words(language: str) -> tuple[str, str, str]:
        text = i18n.gettext_for(language)(i18n.PAGE_OF, page="\0page\0", pages="\0pages\0")
        before, _, rest = text.partition("\0page\0")
        middle, _, after = rest.partition("\0pages\0")
        return before, middle, after

    if len(languages) == 1:
        before, middle, after = (css_string(w) for w in words(languages[0]))
        content = f"{before} counter(page) {middle} counter(pages) {after}"
        return [f"@page {{ @bottom-right {{ content: {content}; }} }}"]
    rules = []
    for language in languages:
        before, middle, after = (css_string(w) for w in words(language))
        words_css = f"page-before {before}, page-of {middle}, page-after {after}"
        rules.append(f".edition-{language} {{ string-set: {words_css}; }}")
    content = "string(page-before, first) counter(page) string(page-of, first) counter(pages) string(page-after, first)"
    rules.append(f"@page {{ @bottom-right {{ content: {content}; }} }}")
    return rules


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


def blank_page_boxes(*lines: str) -> str:
    """The margin boxes of a page left blank on purpose: `lines` at the top (a bilingual edition's
    one line in each language: as one long line, a checker reads the artifact as prose), no footer and
    no card's "(continued)" title (a card that ends a chapter has not cleared it yet)."""
    content = ' "\\A" '.join(css_string(line) for line in lines)
    return (
        f"{{ @top-center {{ content: {content}; white-space: pre-line; font-family: {fonts.STACK};"
        " font-size: 12pt; color: #444444; vertical-align: bottom; }"
        " @top-left { content: none; } @bottom-left { content: none; } @bottom-right { content: none; } }"
    )


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (for `content:`)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
