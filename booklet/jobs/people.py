"""Personal copies from a class list: plan one job per student, run them, write files named by id.

A `PersonJob` is plain, picklable data (the student's tailored booklet, brand,
settings) and `render_person` turns it into PDF bytes without touching the disk,
so any executor (a process pool here, a cluster later) can run it; the caller
writes. Personal data (UK GDPR) stays inside the PDFs:

- files are named by the student's id (`output/people/S1042.pdf`), never by name;
- the folder is created owner-only (0700) and every file in it 0600;
- the cache (`output/people/.cache.json`) holds only hashes: a hash of the id and
  a key hashed from the copy's content, never a name, note or date;
- messages and saved tracebacks name the id and the row, never the data
  (a traceback is saved without its exception message or local values);
- PDF metadata is the booklet's own (title, publisher): nothing personal;
- `forget` removes every file made for a list's ids, and their cache entries.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..adapters.classlist import ClassList, read_ids, read_people
from ..content.load import BrandAssets, Content
from ..content.model import Booklet
from ..errors import BookletError, Interrupted
from ..project import Project
from ..settings import Settings
from ..tailor.audience import tailor
from ..tailor.people import personalise
from ..util import write_atomic
from .balance import Remedies, balance, plan_rules, settings_with
from .cache import cache_key, environment_key
from .plan import Job
from .pool import process_pool
from .work import render_job, stamp

FOLDER = "people"
CACHE_FILE = ".cache.json"
PRINT_FILE = "print-file.pdf"
MANIFEST = "manifest.csv"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PLAN_ONLY_TEMPLATE = "plan-only.html.j2"
COPIES_PER_TASK = 8
"""Copies sent to a cluster worker in one task while many remain. A copy takes about 0.17 s; Dask's
own work for each task cost about 5 ms in this process and 3 ms on the worker (1,000 copies on a
local cluster: this process used 6.3 s against 1.5 s with the process pool)."""


@dataclass(frozen=True)
class PersonJob:
    """One student's copy to make: plain data, so it crosses process (and machine) boundaries."""

    project: Project
    student_id: str
    row: int
    booklet: Booklet
    brand: BrandAssets | None
    settings: Settings
    plan_only: bool = False
    """Only the cover and the action plan (for the interview, or a class that has the booklet)."""


@dataclass
class PersonResult:
    """What one student's job produced. `error` never quotes personal data."""

    student_id: str
    row: int
    output: Path
    status: str = "built"
    """built, unchanged (skipped by the cache) or failed."""
    pages: int = 0
    seconds: float = 0.0
    error: str = ""
    bug: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PersonalPdf:
    """One copy's PDF bytes, its page count and warnings (none quote personal data)."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()


def folder(project: Project) -> Path:
    return project.output / FOLDER


def output_file(project: Project, student_id: str) -> Path:
    return folder(project) / f"{student_id}.pdf"


def private_folder(path: Path) -> Path:
    """Create `path` (and its parents) with the folder itself readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    os.chmod(path, PRIVATE_DIR)  # also when it already existed, or a umask widened it
    return path


def plan_people(
    project: Project,
    content: Content,
    people: ClassList,
    settings: Settings = Settings(),
    prepared: dt.date | None = None,
    plan_only: bool = False,
) -> list[PersonJob]:
    """One job per good row; each audience's booklet is tailored once and shared by its students.
    With `plan_only`, each copy is just the student's cover and action plan."""
    content.raise_errors(strict=settings.strict)
    assert content.booklet is not None
    prepared = prepared or dt.date.today()
    audiences: dict[str | None, Booklet] = {None: content.booklet}
    jobs = []
    for person in people.people:
        if person.audience not in audiences:
            audiences[person.audience] = tailor(content.booklet, content.audience(person.audience or ""))
        booklet = personalise(audiences[person.audience], content.booklet, person, prepared)
        jobs.append(PersonJob(project, person.id, person.row, booklet, content.brand, settings, plan_only))
    return jobs


def split_rendering() -> bool:
    """Assemble copies from shared and personal pages (default), or lay out each copy whole
    (`BOOKLET_PERSONAL_RENDER=whole`, kept for the benchmark's comparison and as a fallback)."""
    return os.environ.get("BOOKLET_PERSONAL_RENDER", "split") != "whole"


_shared: dict[tuple[str, int], object] = {}
"""Per process: (audience part's key, action-plan pages) → the laid-out copy whose shared pages
are reused. A few entries per audience, whatever the number of students; only this process sees it."""
ASSEMBLED = [0]
"""Per process: how many copies were assembled rather than laid out whole (for tests and the benchmark)."""
_rest_pages: dict[tuple[str, int], int] = {}
"""Per process: (audience part's key, action-plan pages) → pages after the action plan."""
_remedies: dict[tuple[str, int], Remedies] = {}
"""Per process: (audience part's key, action-plan pages) → what balancing the shared pages took (CSS
for every copy with a plan that long)."""
_plan_pages: dict[str, int] = {}
"""Per process: audience part's key → the plan length of the copy laid out whole last (a first guess
of the CSS and stand-in pages a copy's own pages are measured with)."""


def render_person(job: PersonJob) -> PersonalPdf:
    """Render one student's copy to PDF bytes (no file is read or written but the content's own).

    A copy shares every page but its cover and action plan with the other copies of its
    audience (given the same number of action-plan pages). Those pages are laid out once
    per process; each student's cover and plan are laid out alone, and WeasyPrint writes
    the assembled pages, building tags, links, bookmarks and form fields from them.

    The copy is the same whichever way it is made (and so whatever copies this process made
    before): the plan is fitted (its notes lines) on its own pages alone, and the
    shared pages are balanced with the plan's pages left out of every measure, so what they take
    depends on the audience and the plan's length only.
    """
    if job.plan_only:
        return _render_plan_only(job)
    if (
        not split_rendering()
        or job.booklet.layout != "booklet"
        or job.settings.duplex
        or job.settings.imposition != "none"
    ):
        name = f"student on row {job.row}"
        data, pages, _html, warnings = render_job(
            Job(job.project, Path(f"{job.student_id}.pdf"), job.booklet, job.brand, job.settings, name=name)
        )
        return PersonalPdf(data, pages, tuple(warnings))
    from ..pdf.finish import finish_pdf
    from ..pdf.weasy import Laid, Rendered, lay_out, write_pages
    from ..render.html import allowed_dirs, render_html

    settings = job.settings
    allowed = allowed_dirs(job.project)
    shared_key = _shared_key(job)

    def page(laid: Laid, anchor: str) -> int:
        index = laid.page_of(anchor)
        assert index is not None, anchor  # the templates always write these ids
        return index

    def lay(settings: Settings, **context: Any) -> Laid:
        template = "personal.html.j2" if context else None
        html = render_html(job.booklet, settings, job.project.styles, job.brand, template=template, context=context)
        return lay_out(html, allowed, job.project.root, settings.forms)

    def fit_plan(
        laid: Laid, plan: Settings, after: str, css: Remedies = Remedies(), **context: Any
    ) -> tuple[Laid, Settings, bool]:
        """The plan's own settings, measured on `laid` (a layout of `plan` with `css`, which touches no page
        of the plan; `after` is the id that follows the plan): as many notes lines as end the plan at
        the foot of a page, and fewer where its last page would hold only the notes spilled.
        Returns a layout with the plan's final length, the settings, and whether it is a layout of them
        (False: more lines would fill the plan's last page, moving no other)."""
        rules = plan_rules(laid, plan, page(laid, after) - 1)
        for _ in range(2):  # notes spilled alone: 2 lines; then none, if they still spill
            if rules is None or rules > plan.plan_rules:
                break
            plan = replace(plan, plan_rules=rules)
            laid = lay(settings_with(plan, css), **context)
            rules = plan_rules(laid, plan, page(laid, after) - 1)
            if plan.plan_rules and (rules is None or rules > plan.plan_rules):
                return laid, plan, True  # pulled back with 2 lines: more would cost a copy one more layout
        if rules is not None and rules > plan.plan_rules:
            return laid, replace(plan, plan_rules=rules), False
        return laid, plan, True

    def whole() -> tuple[Laid, Rendered]:
        first, fit, exact = fit_plan(lay(settings), settings, "introduction")
        start, rest = page(first, "action-plan"), page(first, "introduction")
        # The shared pages are balanced like any booklet's, the plan left out; each copy's own pages
        # use the same CSS.
        balanced = balance(lay, fit, first=first, unmeasured=frozenset(range(start, rest)), stale=not exact)
        laid = balanced.laid
        if (page(laid, "action-plan"), page(laid, "introduction")) == (start, rest):
            _remedies[(shared_key, rest - start)] = balanced.remedies
            _rest_pages[(shared_key, rest - start)] = len(laid.document.pages) - rest
            _shared[(shared_key, rest - start)] = laid
            _plan_pages[shared_key] = rest - start
        return laid, write_pages(laid, laid.document.pages, settings.pdf_standard, settings.forms)

    def assembled() -> tuple[Laid, Rendered] | None:
        """The copy from its own pages and the shared ones laid out for a plan as long, if this
        process has them."""
        guess = (shared_key, _plan_pages[shared_key])
        css, rest = _remedies[guess], _rest_pages[guess]
        own = lay(settings_with(settings, css), rest_pages=rest)
        own, fit, exact = fit_plan(own, settings, "stand-in-rest", css, rest_pages=rest)
        start, end = page(own, "action-plan"), page(own, "stand-in-rest")
        key = (shared_key, end - start)
        base = _shared.get(key)
        if base is None:  # a plan of a length not seen yet
            return None
        if not exact or (_remedies[key], _rest_pages[key]) != (css, rest):
            own = lay(settings_with(fit, _remedies[key]), rest_pages=_rest_pages[key])
        assert isinstance(base, Laid)
        if (page(own, "action-plan"), page(own, "stand-in-rest")) != (start, end) or page(base, "action-plan") != start:
            return None  # the plan's own pages do not line up with the shared ones
        shared_pages = base.document.pages
        pages = [own.document.pages[0], *shared_pages[1:start], *own.document.pages[start:end], *shared_pages[end:]]
        ASSEMBLED[0] += 1
        return own, write_pages(base, pages, settings.pdf_standard, settings.forms)

    made = assembled() if shared_key in _plan_pages else None
    laid, rendered = made if made is not None else whole()
    warnings = [f"warning: {item} (only files inside the project are read)" for item in laid.blocked]
    warnings += [f"warning: WeasyPrint: {message}" for message in [*laid.messages, *rendered.warnings]]
    return PersonalPdf(finish_pdf(rendered.pdf, settings, rendered.continued), rendered.pages, tuple(warnings))


def _render_plan_only(job: PersonJob) -> PersonalPdf:
    """The cover and the action plan alone (1-2 pages after the cover), laid out as one short document."""
    from ..pdf.finish import finish_pdf
    from ..pdf.weasy import lay_out, write_pages
    from ..render.html import allowed_dirs, render_html

    html = render_html(job.booklet, job.settings, job.project.styles, job.brand, template=PLAN_ONLY_TEMPLATE)
    laid = lay_out(html, allowed_dirs(job.project), job.project.root, job.settings.forms)
    rendered = write_pages(laid, laid.document.pages, job.settings.pdf_standard, job.settings.forms)
    warnings = [f"warning: {item} (only files inside the project are read)" for item in laid.blocked]
    warnings += [f"warning: WeasyPrint: {message}" for message in [*laid.messages, *rendered.warnings]]
    return PersonalPdf(finish_pdf(rendered.pdf, job.settings, rendered.continued), rendered.pages, tuple(warnings))


def _shared_key(job: PersonJob) -> str:
    """What the shared pages of a copy depend on: the booklet without the plan, brand, settings, styles."""
    digest = hashlib.sha256(job.booklet.model_copy(update={"plan": None}).model_dump_json().encode())
    digest.update(repr(job.settings).encode())
    if job.brand is not None:
        digest.update(job.brand.brand.model_dump_json().encode())
    digest.update(str(job.project.styles).encode())
    return digest.hexdigest()


def _id_hash(student_id: str) -> str:
    return hashlib.sha256(f"booklet-person:{student_id}".encode()).hexdigest()


def person_key(job: PersonJob, environment: str) -> str:
    """A hash of everything in one copy: the content (with the student's plan), brand, settings, styles,
    and whether it is the plan alone."""
    key = cache_key(job, environment)
    return hashlib.sha256(f"{key}:plan-only".encode()).hexdigest() if job.plan_only else key


class PeopleCache:
    """Which copies are up to date: hash of id → (hash of the copy's inputs, hash of the file). Hashes only."""

    def __init__(self, project: Project) -> None:
        self.path = folder(project) / CACHE_FILE
        try:
            self.entries: dict[str, dict[str, str]] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def fresh(self, student_id: str, output: Path, key: str) -> bool:
        entry = self.entries.get(_id_hash(student_id))
        if not entry or entry.get("key") != key or not output.is_file():
            return False
        return hashlib.sha256(output.read_bytes()).hexdigest() == entry.get("sha256")

    def record(self, student_id: str, key: str, data: bytes) -> None:
        self.entries[_id_hash(student_id)] = {"key": key, "sha256": hashlib.sha256(data).hexdigest()}

    def forget(self, student_id: str) -> bool:
        return self.entries.pop(_id_hash(student_id), None) is not None

    def save(self) -> None:
        try:
            write_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode(), PRIVATE_FILE)
        except OSError:
            pass  # an unsaved cache only costs a rebuild next time


def _attempt(job: PersonJob) -> tuple[PersonalPdf | None, str, bool]:
    """Run one job where it runs (this process or a worker): (rendered, error, bug)."""
    try:
        return render_person(job), "", False
    except BookletError as exc:
        return None, str(exc), False
    except Exception as exc:
        from ..errors import bug_message, save_traceback
        from ..render.faults import template_fault

        if fault := template_fault(exc, job.project.styles, redact=True):  # the project's template, not a bug
            return None, fault, False
        # The message of an exception may quote the content (a name): save and show its type only.
        saved = save_traceback(f"job: student id {job.student_id}, row {job.row}", redact=True)
        return None, f"could not render ({type(exc).__name__}); " + bug_message(saved), True


def run_people(
    jobs: list[PersonJob],
    workers: int = 1,
    force: bool = False,
    on_done: Callable[[PersonResult], None] | None = None,
    cluster: str | None = None,
) -> list[PersonResult]:
    """Make every copy that is not up to date and write it (0600, atomically); one result per job, in order.

    With `cluster` (tcp://HOST:PORT or local:N) the copies are made on a Dask cluster's workers and
    written here, as with the process pool. Each job catches its own failures and saves only a
    redacted traceback, so a student's details never leave their copy, even in an error.
    """
    if not jobs:
        return []
    project = jobs[0].project
    private_folder(folder(project))
    cache = PeopleCache(project)
    environment = environment_key(project)
    keys = {job.student_id: person_key(job, environment) for job in jobs}
    results: dict[str, PersonResult] = {}
    todo = []
    for job in jobs:
        output = output_file(project, job.student_id)
        if not force and cache.fresh(job.student_id, output, keys[job.student_id]):
            results[job.student_id] = PersonResult(job.student_id, job.row, output, "unchanged")
            if on_done:
                on_done(results[job.student_id])
        else:
            todo.append(job)

    def finished(job: PersonJob, outcome: tuple[PersonalPdf | None, str, bool], seconds: float) -> None:
        output = output_file(project, job.student_id)
        rendered, error, bug = outcome
        result = PersonResult(job.student_id, job.row, output, seconds=seconds)
        if rendered is None:
            result.status, result.error, result.bug = "failed", error, bug
        else:
            try:
                write_atomic(output, rendered.pdf, PRIVATE_FILE)
                cache.record(job.student_id, keys[job.student_id], rendered.pdf)
                result.pages, result.warnings = rendered.pages, list(rendered.warnings)
            except OSError as exc:
                result.status = "failed"
                result.error = f"could not write {output.name}: {exc.strerror or exc}; the previous file is unchanged"
        results[job.student_id] = result
        if on_done:
            on_done(result)

    workers = max(1, min(workers, len(todo)))
    before = {job.student_id: stamp(output_file(project, job.student_id)) for job in todo}
    try:
        if cluster is not None:
            from .cluster import run_batch

            def landed(job: PersonJob, outcome: Any) -> None:
                value = outcome.value if outcome.value is not None else (None, outcome.error, outcome.bug)
                finished(job, value, outcome.seconds)

            run_batch(
                cluster,
                todo,
                [keys[job.student_id] for job in todo],
                _attempt,
                landed,
                label=lambda job: f"student id {job.student_id}, row {job.row}",
                per_task=COPIES_PER_TASK,
            )
        elif workers == 1:
            for job in todo:
                start = time.perf_counter()
                finished(job, _attempt(job), time.perf_counter() - start)
        else:
            with process_pool(workers) as pool:
                started = time.perf_counter()
                futures = {pool.submit(_attempt, job): job for job in todo}
                for future in as_completed(futures):
                    job = futures.pop(future)  # drop the reference: memory stays flat in the number of students
                    finished(job, future.result(), time.perf_counter() - started)
    except KeyboardInterrupt:
        # Copies are written here, each atomically: every file is whole and new or as it was, read from the disk.
        outputs = {job.student_id: output_file(project, job.student_id) for job in todo}
        changed = {key for key, path in outputs.items() if stamp(path) != before[key]}
        written = [path for key, path in outputs.items() if key in changed]
        raise Interrupted(written, [path for key, path in outputs.items() if key not in changed]) from None
    finally:
        cache.save()
    return [results[job.student_id] for job in jobs]


def print_file(project: Project, results: list[PersonResult], settings: Settings, title: str, author: str) -> Path:
    """One PDF of every copy for one duplex print job, each copy starting on an odd page; plus manifest.csv.

    A print file is for the printer: no tags, links or form fields (each copy keeps them).
    """
    import pikepdf

    from ..pdf.finish import blank_page

    out = folder(project)
    combined = pikepdf.new()
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["id", "file", "pages", "sha256", "first_page"])
    blank = None
    opened = []
    for result in results:
        if result.status == "failed":
            continue
        data = result.output.read_bytes()
        source = pikepdf.open(io.BytesIO(data))
        opened.append(source)
        first = len(combined.pages) + 1
        for page in source.pages:
            combined.pages.append(page)
            added = combined.pages[-1].obj
            for key in ("/Annots", "/StructParents", "/Tabs"):
                if key in added:
                    del added[key]
        pages = len(source.pages)
        if pages % 2:
            if blank is None:
                blank = pikepdf.open(io.BytesIO(blank_page(settings.page_size, settings.blank_page_text)))
                opened.append(blank)
            combined.pages.append(blank.pages[0])
        writer.writerow([result.student_id, result.output.name, pages, hashlib.sha256(data).hexdigest(), first])
    combined.docinfo["/Title"] = title
    combined.docinfo["/Author"] = author
    buffer = io.BytesIO()
    combined.save(buffer, deterministic_id=True)
    for source in opened:
        source.close()
    target = out / PRINT_FILE
    write_atomic(target, buffer.getvalue(), PRIVATE_FILE)
    write_atomic(out / MANIFEST, manifest.getvalue().encode("utf-8"), PRIVATE_FILE)
    return target


def forget(project: Project, people: Path, sheet: str | None = None) -> list[Path]:
    """Remove every file made for the ids in `people` (their copies, cache entries, and the print file
    and manifest if they hold any of them). Returns the files removed."""
    ids = read_ids(people, sheet)
    out = folder(project)
    removed: list[Path] = []
    if not out.is_dir():
        return removed
    cache = PeopleCache(project)
    for student_id in ids:
        for path in [out / f"{student_id}.pdf", *out.glob(f".{student_id}.pdf.*.tmp")]:
            if path.exists():
                path.unlink()
                removed.append(path)
        cache.forget(student_id)
    manifest = out / MANIFEST
    if manifest.is_file():
        listed = {row.get("id") for row in csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8")))}
        if listed & set(ids):
            for path in (out / PRINT_FILE, manifest):
                if path.exists():
                    path.unlink()
                    removed.append(path)
    cache.save()
    return removed


def load_class_list(path: Path, content: Content, sheet: str | None = None) -> ClassList:
    """Read `path` (its sheet `sheet`, if named) and check it against the content's audiences, routes
    and organisations."""
    content.raise_errors()
    assert content.booklet is not None
    return read_people(path, content.booklet, content.audiences, sheet)
