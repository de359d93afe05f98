"""One job's work: render its booklet (HTML, layout, PDF, finishing) and write its files atomically.

Whatever executor runs a job (this process, a process pool, a Dask worker), it calls these
functions; failures come back as a failed `Result` and the previous file stays as it was.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..content.model import Booklet
from ..errors import BookletError, Exit, Problem, Where, bug_message, group_lines, save_traceback, visible
from ..render.css import Sandbox
from ..render.html import allowed_dirs, render_html
from ..settings import Settings
from ..util import write_atomic
from .fit import HandoutTooLong
from .plan import Job, Result


def render_job(job: Job) -> tuple[bytes, int, str, list[str]]:
    """Render a job's booklet: (file bytes, pages, html, warnings)."""
    from ..pdf.finish import finish_pdf
    from ..pdf.weasy import Laid, lay_out, write

    settings = job.settings
    if settings.edition == "web":
        # Browsers fetch what a page names: the web page gets the PDF's sandbox, applied in advance.
        sandbox = Sandbox(allowed_dirs(job.project), job.project.root)
        html = render_html(job.booklet, settings, job.project.styles, job.brand, sandbox=sandbox)
        return html.encode("utf-8"), 0, html, _blocked(list(dict.fromkeys(sandbox.blocked)), settings.strict)
    saddle = settings.imposition == "saddle"
    press = bool(settings.bleed_mm)
    # PDF/X allows no printing form fields on the page: a print-ready file draws empty tick boxes.
    forms = settings.forms and not press
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

        laid, _level, _made = fit_handout(at, job.booklet, job.origin)
    else:
        laid = layout(job.booklet, settings)
        if saddle and laid.pages % 4:
            # Lay out again with the blank pages inside the document, so "Page X of Y" counts them.
            laid = layout(job.booklet, replace(settings, filler_pages=-laid.pages % 4))
    html = pages[id(laid)]
    # An imposed print file cannot keep a structure tree, so it is not tagged at all.
    rendered = write(
        laid,
        pdf_standard="none" if saddle else settings.pdf_standard,
        forms=forms,
        strict=settings.strict,
        press=press,
    )
    warnings = _blocked(rendered.blocked, strict=False)
    warnings += [f"warning: WeasyPrint: {message}" for message in rendered.warnings]
    pdf = finish_pdf(rendered.pdf, job.settings)
    return pdf, rendered.pages, html, group_lines([visible(w) for w in warnings])


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


def fits_handout(booklet: Booklet, settings: Settings) -> bool:
    """Whether this output keeps the handout's promise of four A4 pages (compacting, or failing, to keep it).

    Large print and A5 handouts are set at their own sizes and may run longer.
    """
    # A personal copy adds its action plan to the handout's four pages; the shared pages still fit.
    personal = booklet.plan is not None
    return (
        booklet.layout == "handout" and settings.page_size.upper() == "A4" and not settings.large_print and not personal
    )


def run_job(job: Job) -> Result:
    """Build one output and write it atomically; failures come back as a failed Result.

    Whatever fails (bad content, a render error, a full disk), the previous
    output file is left exactly as it was: write_atomic renames a complete
    temporary file into place or removes it. Ctrl-C (KeyboardInterrupt) is
    passed on after the same clean-up.
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
    return write_outputs(job, data, pages, html, warnings, time.perf_counter() - start)


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
        if job.settings.write_html and job.settings.edition != "web":
            write_atomic(job.output.with_suffix(".html"), html.encode("utf-8"))
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
    keep_html = job.settings.write_html and job.settings.edition != "web"
    return data, pages, html if keep_html else "", warnings


def stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity of the file at `path` (inode, size, mtime), None when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)
