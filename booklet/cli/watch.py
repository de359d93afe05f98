"""Watch mode: one long-lived process that rebuilds what each edit affects.

The process imports WeasyPrint and builds its font configuration once; every
change then reloads the content (milliseconds), plans all jobs and lets the
build cache skip the ones the change did not touch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..adapters.cells import bounded
from ..content.load import Content
from ..errors import BookletError
from ..jobs import Result, plan, run
from ..jobs.plan import load_content
from ..project import Project
from ..settings import Settings


def rebuild(project: Project, all_audiences: bool, brand: Path | None) -> list[Result]:
    """One pass: reload, plan and build what changed. Raises BookletError on bad content."""
    content, results = rebuild_variants(project, brand, all_audiences=all_audiences)
    content.raise_errors()
    return [r for r in results if r.status != "unchanged"]


def rebuild_variants(
    project: Project,
    brand: Path | None,
    audiences: Iterable[str] = (),
    all_audiences: bool = False,
    variants: Iterable[Settings] = (Settings(),),
) -> tuple[Content, list[Result]]:
    """Reload the content and build what changed, for each variant (e.g. the PDF and the web edition).

    Returns the content (with its problems) and one Result per output, unchanged ones included;
    no Results when the content has errors. Raises BookletError for an unknown audience.
    """
    content = load_content(project, brand)
    if content.errors:
        return content, []
    jobs = [job for settings in variants for job in plan(project, content, audiences, all_audiences, settings=settings)]
    return content, run(jobs, workers=1)


def watched_paths(project: Project, brand: Path | None = None) -> list[Path]:
    """The folders whose changes call for a rebuild: content and styles. The brand file may sit in
    a busy folder (a home folder), so it and its logo are watched as files (`watched_files`)."""
    return [project.content] + ([project.styles] if project.styles else [])


def watched_files(brand: Path | None) -> Callable[[], list[Path]]:
    """The brand file and the logo it names now (the name may change with the file)."""

    def files() -> list[Path]:
        if brand is None:
            return []
        found = [brand.absolute()]
        try:
            import yaml

            data = yaml.safe_load(brand.read_text(encoding="utf-8"))
            logo = data.get("logo") if isinstance(data, dict) else None
            if isinstance(logo, str) and logo.strip():
                found.append(brand.absolute().parent / logo.strip())
        except (OSError, ValueError, yaml.YAMLError):
            pass  # the build reports a broken brand file; the file itself is still watched
        return found

    return files


def _signature(paths: list[Path]) -> tuple[tuple[int, int, int] | None, ...]:
    """What tells a file changed, without reading it: inode (editors save by renaming), size, mtime."""
    found: list[tuple[int, int, int] | None] = []
    for path in paths:
        try:
            stat = path.stat()
            found.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
        except OSError:
            found.append(None)
    return tuple(found)


def watch_loop(
    paths: list[Path],
    on_change: Callable[[], None],
    on_ready: Callable[[], None] = lambda: None,
    stop: threading.Event | None = None,
    raise_interrupt: bool = True,
    files: Callable[[], list[Path]] = lambda: [],
) -> None:
    """Call `on_change` after each batch of file changes under `paths` (or to one of `files`),
    until `stop` is set or Ctrl-C. `files` are looked at each time the watcher wakes (at least
    every 200 ms), so only they, not their whole folder, are watched.

    Ctrl-C ends the loop as it ends build (exit 130, one line); a loop in a thread other than
    the main one passes raise_interrupt=False and is ended with `stop`.
    """
    from watchfiles import watch

    announced = False
    watched = files()
    seen = _signature(watched)
    # yield_on_timeout: the first (empty) batch arrives once the watcher is really running,
    # so "watching" is never announced before an edit could be seen.
    for changes in watch(
        *paths,
        debounce=100,
        step=25,
        stop_event=stop,
        raise_interrupt=raise_interrupt,
        yield_on_timeout=True,
        rust_timeout=200,
    ):
        if not announced:
            on_ready()
            announced = True
        touched = _signature(watched) != seen
        if touched:
            watched = files()
            seen = _signature(watched)
        if changes or touched:
            on_change()


def describe(result: Result) -> str:
    if result.status == "failed":
        return f"failed  {result.name}: {result.error}"
    return f"rebuilt {result.output.name}: {result.pages} pages in {result.seconds:.1f} s"


def watch_project(
    content: Path | None,
    styles: Path | None,
    all_audiences: bool,
    brand: Path | None,
    print_line: Callable[[str], None] = print,
    print_error: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Build once, then rebuild on every change until interrupted (or `stop` is set)."""
    project = Project.locate(content, styles)
    paths = watched_paths(project, brand)
    files = watched_files(brand)

    def one_pass() -> None:
        try:
            results = rebuild(project, all_audiences, brand)
        except BookletError as exc:
            for problem in bounded(exc.problems, group=False):
                print_error(f"error: {problem.line()}")
            return
        for result in results:
            (print_error if result.status == "failed" else print_line)(describe(result))

    one_pass()
    watch_loop(
        paths,
        one_pass,
        on_ready=lambda: print_line(f"watching {', '.join(str(p) for p in paths + files())} (Ctrl-C to stop)"),
        stop=stop,
        files=files,
    )
