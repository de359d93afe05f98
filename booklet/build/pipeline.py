"""Planning and running builds: content → tailored booklet → HTML → PDF → file.

`plan` turns a request (which audiences, which options) into `Job`s, each one
output file with its tailored booklet. `run` skips jobs whose cache key is
unchanged, builds the rest (in worker processes when asked), writes every file
atomically and records the keys. Jobs are plain data so they cross process
boundaries; each worker keeps its imports and font configuration between jobs.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content.load import BrandAssets, Content, load_project_content
from ..content.model import Booklet
from ..errors import BookletError, Exit, bug_message, save_traceback
from ..project import Project
from ..render import fonts
from ..render.html import allowed_dirs, render_html, style_dirs
from ..settings import Settings
from ..tailor.audience import tailor
from ..util import write_atomic
from ..version import __version__

CACHE_FILE = ".booklet-cache.json"


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


def _suffix(settings: Settings) -> str:
    """File-name suffix for non-default variants, so variants never overwrite each other."""
    options = settings
    parts = []
    language = {"en": "", "cy": "-cy", "bilingual": "-bilingual"}[settings.language]
    if options.edition == "web":
        return language + ("-large-print" if options.large_print else "")
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
    extension = ".html" if settings.edition == "web" else ".pdf"
    return project.output / f"{stem}{extension}"


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
    for audience in chosen:
        path = output_path(project, audience.output, settings)
        if output is not None and len(chosen) == 1 and not all_audiences:
            path = output
        own = _with_link(project, content.booklet, audience.output, settings)
        jobs.append(Job(project, path, tailor(content.booklet, audience), content.brand, own, audience.id, audience.id))
    return jobs


def _files_digest(folders: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def environment_key(project: Project) -> str:
    """What every output of a project shares: tool version, styles and templates, fonts."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(_files_digest(style_dirs(project.styles)).encode())
    for path in fonts.font_files().values():
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def cache_key(job: Job, environment: str | None = None) -> str:
    """Everything that affects one output: its tailored content, brand and options, plus
    `environment_key` (pass it in when keying several jobs of one project: it reads every style file)."""
    digest = hashlib.sha256((environment or environment_key(job.project)).encode())
    digest.update(job.booklet.model_dump_json().encode())
    if job.brand is not None:
        digest.update(job.brand.brand.model_dump_json().encode())
        digest.update(job.brand.logo_uri.encode())
    digest.update(repr(job.settings).encode())
    return digest.hexdigest()


class Cache:
    """Which outputs are up to date: output name → (cache key, hash of the file written)."""

    def __init__(self, project: Project) -> None:
        self.path = project.output / CACHE_FILE
        try:
            self.entries: dict[str, dict[str, str]] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def fresh(self, job: Job, key: str) -> bool:
        entry = self.entries.get(str(job.output))
        if not entry or entry.get("key") != key or not job.output.is_file():
            return False
        # Never serve a file someone replaced or damaged since we wrote it.
        return hashlib.sha256(job.output.read_bytes()).hexdigest() == entry.get("sha256")

    def record(self, job: Job, key: str) -> None:
        self.entries[str(job.output)] = {
            "key": key,
            "sha256": hashlib.sha256(job.output.read_bytes()).hexdigest(),
        }

    def save(self) -> None:
        try:
            write_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode())
        except OSError:
            pass  # e.g. a full disk: an unsaved cache only costs a rebuild next time


def render_job(job: Job) -> tuple[bytes, int, str, list[str]]:
    """Render a job's booklet: (file bytes, pages, html, warnings)."""
    from ..pdf.finish import finish_pdf
    from ..pdf.weasy import Rendered, html_to_pdf

    settings = job.settings
    html = render_html(job.booklet, settings, job.project.styles, job.brand)
    if settings.edition == "web":
        return html.encode("utf-8"), 0, html, []
    saddle = settings.imposition == "saddle"

    def layout(html: str) -> Rendered:
        return html_to_pdf(
            html,
            allowed_dirs(job.project),
            base_url=job.project.root,
            # An imposed print file cannot keep a structure tree, so it is not tagged at all.
            pdf_standard="none" if saddle else settings.pdf_standard,
            forms=settings.forms,
            strict=settings.strict,
        )

    rendered = layout(html)
    if saddle and rendered.pages % 4:
        # Lay out again with the blank pages inside the document, so "Page X of Y" counts them.
        settings = replace(settings, filler_pages=-rendered.pages % 4)
        html = render_html(job.booklet, settings, job.project.styles, job.brand)
        rendered = layout(html)
    warnings = [f"warning: {item} (only files inside the project are read)" for item in rendered.blocked]
    warnings += [f"warning: WeasyPrint: {message}" for message in rendered.warnings]
    pdf = finish_pdf(rendered.pdf, job.settings)
    return pdf, rendered.pages, html, warnings


def run_job(job: Job) -> Result:
    """Build one output and write it atomically; failures come back as a failed Result.

    Whatever fails (bad content, a render error, a full disk), the previous
    output file is left exactly as it was: write_atomic renames a complete
    temporary file into place or removes it. Ctrl-C (KeyboardInterrupt) is
    passed on after the same clean-up.
    """
    start = time.perf_counter()

    def failed(error: str, bug: bool = False) -> Result:
        return Result(job.output, job.name, status="failed", error=error, audience=job.audience, bug=bug)

    try:
        data, pages, html, warnings = render_job(job)
    except BookletError as exc:
        return failed(str(exc))
    except Exception as exc:
        saved = save_traceback(f"job: {job.name} -> {job.output}")
        detail = str(exc) if len(str(exc)) <= 120 else str(exc)[:117] + "…"
        return failed(f"could not render ({type(exc).__name__}: {detail}); " + bug_message(saved), bug=True)
    try:
        write_atomic(job.output, data)
        if job.settings.write_html and job.settings.edition != "web":
            write_atomic(job.output.with_suffix(".html"), html.encode("utf-8"))
    except OSError as exc:
        # Disk full, read-only folder, permissions: the previous file is as it was.
        return failed(f"could not write {job.output}: {exc.strerror or exc}; the previous file is unchanged")
    return Result(
        job.output,
        job.name,
        pages=pages,
        size=len(data),
        seconds=time.perf_counter() - start,
        warnings=warnings,
        audience=job.audience,
    )


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork shares the already imported WeasyPrint with the workers; spawn would re-import it.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run(
    jobs: list[Job],
    workers: int = 1,
    force: bool = False,
    on_start: Callable[[Job], None] | None = None,
    on_done: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Build the jobs that are not up to date; returns one Result per job, in job order."""
    if not jobs:
        return []
    cache = Cache(jobs[0].project)
    environment = environment_key(jobs[0].project)  # plan() gives every job the same project
    keys = {job.output: cache_key(job, environment) for job in jobs}
    results: dict[Path, Result] = {}
    todo = []
    for job in jobs:
        if not force and cache.fresh(job, keys[job.output]):
            results[job.output] = Result(
                job.output, job.name, status="unchanged", size=job.output.stat().st_size, audience=job.audience
            )
            if on_done:
                on_done(results[job.output])
        else:
            todo.append(job)

    def finished(job: Job, result: Result) -> None:
        results[job.output] = result
        if result.status == "built":
            cache.record(job, keys[job.output])
        if on_done:
            on_done(result)

    workers = max(1, min(workers, len(todo)))
    try:
        if workers == 1:
            for job in todo:
                if on_start:
                    on_start(job)
                finished(job, run_job(job))
        else:
            from ..pdf import weasy  # noqa: F401 - imported once here, inherited by forked workers

            with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
                futures = {}
                for job in todo:
                    if on_start:
                        on_start(job)
                    futures[pool.submit(run_job, job)] = job
                for future in as_completed(futures):
                    finished(futures[future], future.result())
    finally:
        cache.save()
    return [results[job.output] for job in jobs]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def build(
    content: Path | None = None,
    styles: Path | None = None,
    output: Path | None = None,
    settings: Settings = Settings(),
    audiences: Iterable[str] = (),
    all_audiences: bool = False,
    brand: Path | None = None,
    workers: int = 1,
    force: bool = True,
) -> list[Result] | Result:
    """Build booklets without the CLI.

    With no audiences it returns the default booklet's Result (and raises
    BookletError if it failed); otherwise a list of Results, one per output.
    """
    project = Project.locate(content, styles)
    loaded = load_project_content(project.content, project.root, brand)
    jobs = plan(project, loaded, audiences, all_audiences, output, settings)
    results = run(jobs, workers=workers, force=force)
    if not audiences and not all_audiences:
        result = results[0]
        if result.status == "failed":
            raise BookletError.single(result.error, file=result.output, code=Exit.RENDER)
        result.warnings = [w.line() for w in loaded.warnings] + result.warnings
        return result
    return results
