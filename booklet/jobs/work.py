"""One job's work: render its booklet (HTML, layout, PDF, finishing) and write its files atomically.

Whatever executor runs a job (this process, a process pool, a Dask worker), it calls these
functions; failures come back as a failed `Result` and the previous file stays as it was.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..content.model import Booklet
from ..errors import BookletError, Exit, Problem, Where, bug_message, group_lines, save_traceback, visible
from ..render.css import Sandbox
from ..render.html import allowed_dirs, render_html
from ..settings import Settings
from ..util import write_atomic
from .fit import HandoutTooLong
from .plan import Job, Result, printed_html_path

if TYPE_CHECKING:
    from ..pdf.weasy import Laid


@dataclass
class LaidJob:
    """A job's printed booklet laid out (balanced, padded to whole sheets), not yet written."""

    laid: Any
    html: str
    fills: list[Any]
    """`booklet.pdf.fill.PageFill` of every page."""
    layouts: int = 1
    """How many times the document was laid out to get here."""


def lay_out_job(job: Job, balanced: bool = True) -> LaidJob:
    """Lay out a print job's booklet: the handout fitted to its pages, any other booklet balanced
    (`balance.py`) unless `balanced` is False, and a folded edition padded with Notes pages."""
    from ..pdf.fill import page_fills
    from ..pdf.weasy import lay_out
    from .balance import balance, plan_rules, settings_with

    settings = job.settings
    # PDF/X allows no printing form fields on the page: a print-ready file draws empty tick boxes.
    forms = settings.forms and not settings.bleed_mm
    pages: dict[int, str] = {}

    def layout(booklet: Booklet, settings: Settings) -> Laid:
        html = render_html(booklet, settings, job.project.styles, job.brand)
        laid = lay_out(html, allowed_dirs(job.project), base_url=job.project.root, forms=forms)
        pages[id(laid)] = html
        return laid

    if fits_handout(job.booklet, settings):
        from .fit import compacted, fit_handout

        def at(level: int) -> Laid:
            return layout(compacted(job.booklet, level), replace(settings, compact=level))

        laid, _level, made = fit_handout(at, job.booklet, job.origin)
        return LaidJob(laid, pages[id(laid)], page_fills(laid.document), made)
    # BOOKLET_BALANCE=0 measures without remedies: for the benchmark's comparison, and as a way out.
    balanced = balanced and os.environ.get("BOOKLET_BALANCE", "1") != "0"
    first = None
    if balanced and job.booklet.plan is not None:
        # A student's copy: as many notes lines as end the action plan at the foot of a page (as the
        # assembled copies in people.py do), then the rest balanced as any booklet.
        first = layout(job.booklet, settings)
        intro = first.page_of("introduction")
        rules = plan_rules(first, settings, intro - 1) if intro else None
        if rules is not None:
            settings, first = replace(settings, plan_rules=rules), None
    # A folded edition is whole sheets: ruled Notes pages before the back cover, inside the document
    # so that "Page X of Y" counts them.
    result = balance(
        lambda s: layout(job.booklet, s),
        settings,
        rounds=None if balanced else 0,
        whole_sheets=folded(settings) and settings.imposition != "flip",
        first=first,
    )
    laid, fills, made = result.laid, result.fills, result.layouts
    if settings.imposition == "flip":
        # Tête-bêche: both halves the same even length, so they meet in the middle of the booklet.
        second = max(laid.page_of(part) or 0 for part in ("cy", "en"))
        halves = (second, laid.pages - second)
        length = max(halves) + max(halves) % 2
        notes = tuple(length - h for h in halves)
        if any(notes):
            laid = layout(job.booklet, replace(settings_with(settings, result.remedies), part_notes=notes))
            fills, made = page_fills(laid.document), made + 1
    return LaidJob(laid, pages[id(laid)], fills, made)


def render_job(job: Job) -> tuple[bytes, int, str, list[str]]:
    """Render a job's booklet: (file bytes, pages, html, warnings)."""
    from ..pdf.finish import finish_pdf
    from ..pdf.weasy import write
    from .balance import fill_warnings

    settings = job.settings
    if settings.edition == "braille":
        from ..render.braille import braille_edition

        data = braille_edition(job.booklet, settings)
        return data, data.count(b"\f"), "", []
    if settings.edition == "web":
        # Browsers fetch what a page names: the web page gets the PDF's sandbox, applied in advance.
        sandbox = Sandbox(allowed_dirs(job.project), job.project.root)
        html = render_html(job.booklet, settings, job.project.styles, job.brand, sandbox=sandbox)
        return html.encode("utf-8"), 0, html, _blocked(list(dict.fromkeys(sandbox.blocked)), settings.strict)
    if settings.edition == "epub":
        return render_epub_job(job)
    saddle = settings.imposition in ("saddle", "flip")
    laid_job = lay_out_job(job)
    # An imposed print file cannot keep a structure tree, so it is not tagged at all.
    rendered = write(
        laid_job.laid,
        pdf_standard="none" if saddle else settings.pdf_standard,
        forms=settings.forms and not settings.bleed_mm,
        strict=settings.strict,
        press=bool(settings.bleed_mm),
    )
    warnings = _blocked(rendered.blocked, strict=False)
    warnings += [f"warning: WeasyPrint: {message}" for message in rendered.warnings]
    if not fits_handout(job.booklet, settings):  # the handout has its own promise: four pages
        warnings += fill_warnings(laid_job.fills)
    pdf = finish_pdf(rendered.pdf, job.settings, rendered.continued)
    return pdf, rendered.pages, laid_job.html, group_lines([visible(w) for w in warnings])


def render_epub_job(job: Job) -> tuple[bytes, int, str, list[str]]:
    """The EPUB edition, with the page list of the printed A4 edition in the same language.

    The A4 booklet is laid out (not written) to learn the page each part starts on. A handout
    too full for its four pages has no printed edition: its EPUB is made without a page list.
    """
    from ..render.epub import render_epub

    printed = Settings(language=job.settings.language, strict=job.settings.strict)
    first_pages: dict[str, int] = {}
    notes = []
    try:
        laid = lay_out_job(replace(job, settings=printed)).laid
    except HandoutTooLong:
        notes.append(f"warning: {job.output.name}: no page list: the A4 handout it would follow does not fit its pages")
    else:
        for index, page in reversed(list(enumerate(laid.document.pages))):
            first_pages.update(dict.fromkeys(page.anchors, index + 1))
    sandbox = Sandbox(allowed_dirs(job.project), job.project.root)
    print_name = job.output.with_suffix(".pdf").name  # the A4 PDF `build` writes beside it, same name
    data = render_epub(job.booklet, job.settings, job.project.styles, job.brand, first_pages, sandbox, print_name)
    return data, 0, "", notes + _blocked(list(dict.fromkeys(sandbox.blocked)), job.settings.strict)


def _blocked(blocked: list[Any], strict: bool) -> list[str]:
    """Warnings for addresses the sandbox refused; with `strict`, one error naming them all."""
    if strict and blocked:
        raise BookletError(
            [
                Problem(Where(), str(item), "only files inside the project may be used; no network, no attachments")
                for item in blocked
            ],
            code=Exit.CONTENT,
        )
    return [visible(f"warning: {item} (only files inside the project are read)") for item in blocked]


def folded(settings: Settings) -> bool:
    """Whether the edition is printed as folded sheets (A5 or saddle-stitched): whole sheets of four pages."""
    return settings.imposition in ("saddle", "flip") or settings.page_size.upper() == "A5"


def fits_handout(booklet: Booklet, settings: Settings) -> bool:
    """Whether this output keeps the handout's promise of four A4 pages (compacting, or failing, to keep it).

    Large print and A5 handouts are set at their own sizes and may run longer.
    """
    # A personal copy adds its action plan to the handout's four pages; the shared pages still fit.
    personal = booklet.plan is not None
    return (
        booklet.layout == "handout" and settings.page_size.upper() == "A4" and not settings.large_print and not personal
    )


Rendering = tuple[tuple[bytes, int, str, list[str]], float]
"""A job rendered but not written: ((file bytes, pages, html to keep or "", warnings), seconds)."""


def attempt(job: Job) -> Rendering | Result:
    """Render one job without writing anything: its rendering, or the failed Result.

    A process pool's workers run this and the parent writes, so a worker can be stopped
    at any moment (Ctrl-C) without leaving a half-written file.
    """
    start = time.perf_counter()
    try:
        data, pages, html, warnings = render_job(job)
    except BookletError as exc:
        return failed_result(job, str(exc), code=failure_code(exc))
    except Exception as exc:
        from ..render.faults import template_fault

        if fault := template_fault(exc, job.project.styles):  # the project's template, not a bug
            return failed_result(job, fault, code=Exit.CONTENT)
        saved = save_traceback(f"job: {job.name} -> {job.output}")
        return failed_result(job, f"could not render ({_brief(exc)}); " + bug_message(saved), bug=True)
    keep_html = job.settings.write_html and job.settings.edition == "print"
    return (data, pages, html if keep_html else "", warnings), time.perf_counter() - start


def write_attempt(job: Job, outcome: Rendering | Result) -> Result:
    """Write what `attempt` rendered (atomically, here); a failure is passed on as it is."""
    if isinstance(outcome, Result):
        return outcome
    (data, pages, html, warnings), seconds = outcome
    return write_outputs(job, data, pages, html, warnings, seconds)


def run_job(job: Job) -> Result:
    """Build one output and write it atomically; failures come back as a failed Result.

    Whatever fails (bad content, a render error, a full disk), the previous
    output file is left exactly as it was: write_atomic renames a complete
    temporary file into place or removes it. Ctrl-C (KeyboardInterrupt) is
    passed on after the same clean-up.
    """
    return write_attempt(job, attempt(job))


def failure_code(exc: BookletError) -> Exit:
    """Only a handout too full is the content's to fix; other render failures keep the render code."""
    return exc.code if isinstance(exc, HandoutTooLong) else Exit.RENDER


def failed_result(job: Job, error: str, bug: bool = False, code: Exit = Exit.RENDER) -> Result:
    """The Result of a job that produced no file (its previous file is untouched)."""
    return Result(job.output, job.name, status="failed", error=error, audience=job.audience, bug=bug, code=code)


def _brief(exc: BaseException) -> str:
    detail = str(exc) if len(str(exc)) <= 120 else str(exc)[:117] + "…"
    return f"{type(exc).__name__}: {detail}"


def write_outputs(job: Job, data: bytes, pages: int, html: str, warnings: list[str], seconds: float) -> Result:
    """Write a rendered job's file (and its HTML when asked) atomically, here, wherever it was rendered."""
    previous = stamp(job.output)
    try:
        write_atomic(job.output, data)
        if job.settings.write_html and job.settings.edition == "print":
            write_atomic(printed_html_path(job.output), html.encode("utf-8"))
    except OSError as exc:
        # Disk full, read-only folder, permissions: the previous file is as it was.
        kept = "the previous file is unchanged" if previous is not None else "no file was written"
        return failed_result(job, f"could not write {job.output}: {exc.strerror or exc}; {kept}")
    return Result(
        job.output, job.name, pages=pages, size=len(data), seconds=seconds, warnings=warnings, audience=job.audience
    )


def render_for_file(job: Job) -> tuple[bytes, int, str, list[str]]:
    """`render_job` as a cluster worker runs it: the HTML travels back only when it is to be written."""
    try:
        data, pages, html, warnings = render_job(job)
    except BookletError as exc:
        exc.code = failure_code(exc)  # decided here: the class does not travel back, its code does
        raise
    keep_html = job.settings.write_html and job.settings.edition == "print"
    return data, pages, html if keep_html else "", warnings


def stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity of the file at `path` (inode, size, mtime), None when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)
