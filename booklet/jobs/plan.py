"""Planning a request: which output files, each with the booklet tailored for it, and their names.

`plan` turns a request (which audiences, which options) into `Job`s. A job is plain
data, so it crosses process boundaries; what becomes of it is `work.py`'s and `pool.py`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..content.check import sorted_problems
from ..content.load import BrandAssets, Content, load_project_content
from ..content.model import Booklet
from ..errors import BookletError, Exit, Where
from ..project import Project
from ..render.coverage import glyph_problems
from ..settings import Settings
from ..tailor.audience import tailor


@dataclass(frozen=True)
class Job:
    """One output file to build, with the booklet already tailored for it."""

    project: Project
    output: Path
    booklet: Booklet
    brand: BrandAssets | None = None
    settings: Settings = field(default_factory=Settings)
    audience: str | None = None
    name: str = "default"
    origin: Where | None = None
    """Where the audience is defined (audiences.yaml), for errors about its output."""


@dataclass
class Result:
    """What a job produced."""

    output: Path
    name: str = "default"
    pages: int = 0
    size: int = 0
    seconds: float = 0.0
    status: str = "built"
    """built, unchanged (skipped by the cache) or failed."""
    bug: bool = False
    """The failure was an internal error (a traceback was saved), not a problem with the input."""
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    audience: str | None = None
    code: Exit = Exit.RENDER
    """The exit code a failure calls for: CONTENT when the content must change (a handout too full)."""


EXTENSIONS = {"print": ".pdf", "web": ".html", "epub": ".epub", "braille": ".brf"}
"""Each edition's file extension (Settings.edition → suffix)."""

EDITION_NAMES = {"print": "PDF", "web": "HTML edition", "epub": "EPUB edition", "braille": "braille edition"}
"""What an edition is called in messages."""


def _suffix(settings: Settings) -> str:
    """File-name suffix for non-default variants, so variants never overwrite each other."""
    options = settings
    parts = []
    language = {"en": "", "cy": "-cy", "bilingual": "-bilingual"}[settings.language]
    if options.edition == "web":
        return language + ("-large-print" if options.large_print else "")
    if options.edition != "print":  # a reflowable or braille edition: the reader sets its size
        return language
    if options.page_size != "A4":
        parts.append(options.page_size.lower())
    if settings.imposition != "none":
        parts.append(settings.imposition)
    if options.bleed_mm:
        parts.append("print-ready")
    if options.large_print:
        parts.append("large-print")
    if options.duplex:
        parts.append("duplex")
    if settings.pdf_standard not in ("ua-1",):
        parts.append(settings.pdf_standard)
    return language + "".join(f"-{p}" for p in parts)


def output_path(project: Project, file_name: str, settings: Settings) -> Path:
    """Where a booklet with this file name is written for these settings."""
    stem = Path(file_name).stem + _suffix(settings)
    return project.output / f"{stem}{EXTENSIONS[settings.edition]}"


PRINTED_HTML = ".print.html"
"""Ending of the HTML that `build --html` writes beside a PDF: never the HTML edition's `.html`."""


def printed_html_path(output: Path) -> Path:
    """Where `build --html` writes the HTML a PDF was printed from: `output/<name>.print.html` for
    `output/<name>.pdf`, so it can never replace the HTML edition (`output/<name>.html`)."""
    return output.with_name(output.stem + PRINTED_HTML)


def load_content(project: Project, brand: Path | None = None, **options: Any) -> Content:
    """A project's content with every check, including the characters its typeface cannot print."""
    content = load_project_content(project.content, project.root, brand, **options)
    content.problems = sorted_problems(content.problems + glyph_problems(content.documents))
    return content


def check_output(path: Path, edition: str) -> None:
    """Refuse, before anything is rendered, an output whose name does not fit the edition or cannot be written.

    A PDF must end in .pdf, the HTML edition in .html (but not .print.html, the name
    `--html` writes beside a PDF), the EPUB edition in .epub and the braille edition in
    .brf, so a good PDF is never replaced by a web page (or a PDF hidden under an .html
    name), nor one HTML file by another; a path that is a folder, or runs through a file,
    fails now rather than after a full render.
    """
    wanted = EXTENSIONS[edition]
    if edition == "web" and path.name.lower().endswith(PRINTED_HTML):
        raise BookletError.single(
            f"the HTML edition must not end in {PRINTED_HTML}: that name is kept for the HTML a PDF was printed from",
            file=path,
            hint=f"e.g. -o {path.name[: -len(PRINTED_HTML)]}.html",
            code=Exit.USAGE,
        )
    if path.suffix.lower() != wanted:
        if edition == "braille":
            hint = f"the braille edition is a BRF file: use -o {path.with_suffix('.brf')}"
        elif edition == "web":
            hint = f"the HTML edition is a web page: use -o {path.with_suffix('.html')}"
        elif edition != "print":
            hint = f"the {EDITION_NAMES[edition]} is a {wanted} file: use -o {path.with_suffix(wanted)}"
        elif path.suffix.lower() == ".epub":
            hint = f"use -o {path.with_suffix('.pdf')}, or add --edition epub for an e-book"
        elif path.suffix.lower() in (".html", ".htm"):
            hint = f"use -o {path.with_suffix('.pdf')}, or add --html-edition for a web page"
        else:
            hint = f"e.g. -o {path.with_suffix('.pdf').name}"
        raise BookletError.single(f"the output file must end in {wanted}", file=path, hint=hint, code=Exit.USAGE)
    if path.is_dir():
        raise BookletError.single(
            "is a folder; the output must be a file",
            file=path,
            hint=f"e.g. -o {path / ('booklet' + wanted)}",
            code=Exit.USAGE,
        )
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise BookletError.single(
                    f"cannot be written: {parent} is a file, not a folder",
                    file=path,
                    hint="choose an output path inside a folder",
                    code=Exit.USAGE,
                )
            break


def _with_link(project: Project, booklet: Booklet, file_name: str, settings: Settings) -> Settings:
    """The HTML edition links to the same edition in the other language (English to Welsh only when
    the content has Welsh)."""
    if not settings.web or settings.language == "bilingual":
        return settings
    if settings.language == "en" and booklet.frame.title_cy is None:
        return settings
    other = replace(settings, language="cy" if settings.language == "en" else "en")
    return replace(settings, other_edition=output_path(project, file_name, other).name)


def plan(
    project: Project,
    content: Content,
    audiences: Iterable[str] = (),
    all_audiences: bool = False,
    output: Path | None = None,
    settings: Settings = Settings(),
) -> list[Job]:
    """The jobs for a request: the default booklet, chosen audiences, or all of them."""
    content.raise_errors(strict=settings.strict)
    assert content.booklet is not None
    chosen = [content.audience(a) for a in dict.fromkeys(audiences)]
    if all_audiences:
        chosen = list(content.audiences)
    jobs = []
    if all_audiences or not chosen:
        path = output or output_path(project, content.booklet.frame.output, settings)
        own = _with_link(project, content.booklet, content.booklet.frame.output, settings)
        jobs.append(Job(project, path, content.booklet, content.brand, own))
    audiences_doc = next((d for n, d in content.documents.items() if Path(n).name == "audiences.yaml"), None)
    for audience in chosen:
        path = output_path(project, audience.output, settings)
        if output is not None and len(chosen) == 1 and not all_audiences:
            path = output
        index = content.audiences.index(audience)
        origin = audiences_doc.where(("audiences", index, "layout")) if audiences_doc is not None else None
        own = _with_link(project, content.booklet, audience.output, settings)
        jobs.append(
            Job(project, path, tailor(content.booklet, audience), content.brand, own, audience.id, audience.id, origin)
        )
    for job in jobs:
        check_output(job.output, settings.edition)
    return jobs
