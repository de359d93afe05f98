"""Watch mode: one long-lived process that rebuilds what each edit affects.

The process imports WeasyPrint and builds its font configuration once; every
change then reloads the content (milliseconds), plans all jobs and lets the
build cache skip the ones the change did not touch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ..build import Result, plan, run
from ..build.pipeline import load_content
from ..errors import BookletError
from ..project import Project


def rebuild(project: Project, all_audiences: bool, brand: Path | None) -> list[Result]:
    """One pass: reload, plan and build what changed. Raises BookletError on bad content."""
    content = load_content(project, brand)
    jobs = plan(project, content, (), all_audiences)
    return [r for r in run(jobs, workers=1) if r.status != "unchanged"]


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
    from watchfiles import watch

    project = Project.locate(content, styles)
    paths = [project.content] + ([project.styles] if project.styles else [])
    if brand is not None:
        paths.append(brand.absolute().parent)

    def one_pass() -> None:
        try:
            results = rebuild(project, all_audiences, brand)
        except BookletError as exc:
            for problem in exc.problems:
                print_error(f"error: {problem.line()}")
            return
        for result in results:
            (print_error if result.status == "failed" else print_line)(describe(result))

    one_pass()
    announced = False
    # yield_on_timeout: the first (empty) batch arrives once the watcher is really running,
    # so "watching" is never printed before an edit could be seen.
    for changes in watch(
        *paths,
        debounce=100,
        step=25,
        stop_event=stop,
        raise_interrupt=True,  # Ctrl-C ends watch as it ends build: exit 130, one line
        yield_on_timeout=True,
        rust_timeout=200,
    ):
        if not announced:
            print_line(f"watching {', '.join(str(p) for p in paths)} (Ctrl-C to stop)")
            announced = True
        if changes:
            one_pass()
