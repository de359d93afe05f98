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
from typing import Any

from ..content.check import sorted_problems
from ..content.load import BrandAssets, Content, load_project_content
from ..content.model import Booklet
from ..errors import BookletError, Exit, Interrupted, Problem, Where, bug_message, group_lines, save_traceback, visible
from ..project import Project
from ..render import fonts
from ..render.coverage import glyph_problems
from ..render.css import Sandbox
from ..render.html import allowed_dirs, render_html, style_dirs
from ..settings import Settings
from ..tailor.audience import tailor
from ..util import write_atomic
from ..version import __version__
from .fit import HandoutTooLong

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


def load_content(project: Project, brand: Path | None = None, **options: Any) -> Content:
    """A project's content with every check, including the characters its typeface cannot print."""
    content = load_project_content(project.content, project.root, brand, **options)
    content.problems = sorted_problems(content.problems + glyph_problems(content.documents))
    return content


def check_output(path: Path, edition: str) -> None:
    """Refuse, before anything is rendered, an output whose name does not fit the edition or cannot be written.

    A PDF must end in .pdf and the HTML edition in .html, so a good PDF is never
    replaced by a web page (or a PDF hidden under an .html name); a path that is
    a folder, or runs through a file, fails now rather than after a full render.
    """
    wanted = ".html" if edition == "web" else ".pdf"
    if path.suffix.lower() != wanted:
        if edition == "web":
            hint = f"the HTML edition is a web page: use -o {path.with_suffix('.html')}"
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


def cache_key(job: Job | Any, environment: str | None = None) -> str:
    """Everything that affects one output: its tailored content, brand and options, plus
    `environment_key` (pass it in when keying several jobs of one project: it reads every style file).

    Any job with `project`, `booklet`, `brand` and `settings` can be keyed (a personal copy too)."""
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
    previous = _stamp(job.output)
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
    cluster: str | None = None,
) -> list[Result]:
    """Build the jobs that are not up to date; returns one Result per job, in job order.

    `cluster` sends them to a Dask scheduler (`tcp://host:8786`) or a new local
    cluster (`local` or `local:N`) instead of this machine's processes; see
    `booklet.build.cluster`. Either way the files are written here, atomically.
    """
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
    before = {job.output: _stamp(job.output) for job in todo}
    try:
        if cluster is not None and todo:
            _run_on_cluster(cluster, todo, keys, finished, on_start)
        elif workers == 1:
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
    except KeyboardInterrupt:
        # Each file is replaced atomically, so every output is either complete and new or
        # exactly as it was; which one is read from the disk, not from what we managed to hear.
        written = [job.output for job in todo if _stamp(job.output) != before[job.output]]
        raise Interrupted(written, [job.output for job in todo if job.output not in written]) from None
    finally:
        cache.save()
    return [results[job.output] for job in jobs]


def render_for_file(job: Job) -> tuple[bytes, int, str, list[str]]:
    """`render_job` as a cluster worker runs it: the HTML travels back only when it is to be written."""
    try:
        data, pages, html, warnings = render_job(job)
    except BookletError as exc:
        exc.code = failure_code(exc)  # decided here: the class does not travel back, its code does
        raise
    keep_html = job.settings.write_html and job.settings.edition != "web"
    return data, pages, html if keep_html else "", warnings


def _run_on_cluster(
    spec: str,
    jobs: list[Job],
    keys: dict[Path, str],
    finished: Callable[[Job, Result], None],
    on_start: Callable[[Job], None] | None,
) -> None:
    """Render `jobs` on the Dask cluster `spec`; write each file here, then call `finished`."""
    from .cluster import Outcome, run_batch

    def done(job: Job, outcome: Outcome[tuple[bytes, int, str, list[str]]]) -> None:
        if outcome.value is None:
            finished(job, failed_result(job, outcome.error, outcome.bug, Exit(outcome.code)))
            return
        data, pages, html, warnings = outcome.value
        finished(job, write_outputs(job, data, pages, html, warnings, outcome.seconds))

    run_batch(
        spec,
        jobs,
        [keys[job.output] for job in jobs],
        render_for_file,
        done,
        on_start,
        label=lambda job: f"{job.name} -> {job.output}",
    )


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity of the file at `path` (inode, size, mtime), None when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


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
    cluster: str | None = None,
) -> list[Result] | Result:
    """Build booklets without the CLI.

    With no audiences it returns the default booklet's Result (and raises
    BookletError if it failed); otherwise a list of Results, one per output.
    """
    project = Project.locate(content, styles)
    loaded = load_content(project, brand)
    jobs = plan(project, loaded, audiences, all_audiences, output, settings)
    results = run(jobs, workers=workers, force=force, cluster=cluster)
    if not audiences and not all_audiences:
        result = results[0]
        if result.status == "failed":
            raise BookletError.single(result.error, file=result.output, code=result.code)
        result.warnings = [w.line() for w in loaded.warnings] + result.warnings
        return result
    return results
