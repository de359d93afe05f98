"""Planning and running builds: content → tailored booklet → HTML → PDF → file.

A `Job` describes one output file; `run_job` makes it. Jobs are plain data so
they can go to worker processes; each worker keeps its imports, font
configuration and templates between jobs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .check import Content, load_project_content
from .errors import BookletError, Exit
from .finish import write_atomic
from .project import Project
from .render import Options, render_html


@dataclass(frozen=True)
class Job:
    """One PDF to build."""

    project: Project
    output: Path
    options: Options = Options()
    pdf_standard: str = "ua-1"
    write_html: bool = False
    audience: str | None = None


@dataclass
class Result:
    """What a job produced."""

    output: Path
    pages: int = 0
    size: int = 0
    seconds: float = 0.0
    status: str = "built"
    warnings: list[str] = field(default_factory=list)
    audience: str | None = None


def default_output(project: Project, content: Content) -> Path:
    assert content.booklet is not None
    return project.output / content.booklet.frame.output


def render_pdf(job: Job, content: Content) -> tuple[bytes, int, str, list[str]]:
    """Render the booklet of `content` for `job`: (pdf, pages, html, warnings)."""
    from .pdf import html_to_pdf

    booklet = content.booklet
    assert booklet is not None
    html = render_html(booklet, job.options, job.project.styles)
    rendered = html_to_pdf(
        html,
        job.project.allowed_dirs(),
        base_url=job.project.root,
        pdf_standard=job.pdf_standard,
        forms=job.options.forms,
    )
    warnings = [f"blocked {url}" for url in rendered.blocked] + rendered.warnings
    return rendered.pdf, rendered.pages, html, warnings


def run_job(job: Job, content: Content | None = None) -> Result:
    """Build one PDF and write it atomically; raise BookletError on failure."""
    start = time.perf_counter()
    if content is None:
        content = load_project_content(job.project.content, job.project.root)
    content.raise_errors()
    try:
        pdf, pages, html, warnings = render_pdf(job, content)
    except BookletError:
        raise
    except Exception as exc:  # WeasyPrint failures are render errors, not content errors
        raise BookletError.single(
            f"could not render the PDF: {type(exc).__name__}: {exc}", file=job.output, code=Exit.RENDER
        ) from exc
    write_atomic(job.output, pdf)
    if job.write_html:
        write_atomic(job.output.with_suffix(".html"), html.encode("utf-8"))
    return Result(
        output=job.output,
        pages=pages,
        size=len(pdf),
        seconds=time.perf_counter() - start,
        warnings=[w.line() for w in content.warnings] + warnings,
        audience=job.audience,
    )


def build(
    content: Path | None = None,
    styles: Path | None = None,
    output: Path | None = None,
    options: Options = Options(),
    pdf_standard: str = "ua-1",
    write_html: bool = False,
) -> Result:
    """Build the default booklet of a project (library entry point)."""
    project = Project.locate(content, styles)
    loaded = load_project_content(project.content, project.root)
    loaded.raise_errors()
    job = Job(project, output or default_output(project, loaded), options, pdf_standard, write_html)
    return run_job(replace(job), loaded)
