"""`booklet personalise`: read a class list, make each student's copy, report by row and id only.

Nothing printed here quotes a name, adviser or note: lines name the class list's
row and the student's id (personal data stays inside each student's PDF).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..adapters.cells import MAX_PROBLEM_LINES, bounded
from ..content.load import load_project_content
from ..errors import BookletError, Exit, Problem, Where, group_warnings
from ..jobs import default_workers
from ..jobs.people import PRINT_FILE, PersonResult, load_class_list, plan_people, run_people
from ..jobs.people import forget as forget_files
from ..jobs.people import print_file as make_print_file
from ..project import Project
from ..settings import Settings


def run_personalise(
    people: Path,
    *,
    content: Path | None = None,
    styles: Path | None = None,
    brand: Path | None = None,
    workers: int | None = None,
    force: bool = False,
    print_file: bool = False,
    forget: bool = False,
    date: str | None = None,
    page_size: str = "A4",
    large_print: bool = False,
    quiet: bool = False,
    cluster: str | None = None,
    sheet: str | None = None,
    allow_missing: bool = False,
    plan_only: bool = False,
    print_line: Callable[[str], None] = print,
    print_error: Callable[[str], None] = print,
) -> int:
    """Run the command; returns the exit code (1 if any row failed)."""
    project = Project.locate(content, styles)
    if forget:
        removed = forget_files(project, people, sheet)
        print_line(f"removed {len(removed)} file{'' if len(removed) == 1 else 's'} made for {people.name}")
        return int(Exit.OK)
    try:
        prepared = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise BookletError.single(f"--date {date!r} is not a date", hint="e.g. 2026-12-01", code=Exit.USAGE) from None
    loaded = load_project_content(project.content, project.root, brand)
    for problem in bounded(group_warnings(loaded.warnings), group=False):
        print_error(problem.line())
    class_list = load_class_list(people, loaded, sheet)
    for problem in bounded(class_list.warnings + class_list.problems):
        print_error(problem.line() if problem.warning else f"error: {problem.line()}")
    settings = Settings(page_size=page_size, large_print=large_print)
    jobs = plan_people(project, loaded, class_list, settings, prepared, plan_only=plan_only)
    start = time.perf_counter()
    failures: list[Problem] = []

    def done(result: PersonResult) -> None:
        if result.status == "failed":
            # Bounded like every list of problems: the first lines as they come, the rest counted at the end.
            failures.append(Problem(Where(f"{people.name}:{result.row}"), result.error, path=f"id {result.student_id}"))
            if len(failures) < MAX_PROBLEM_LINES:
                print_error(f"error: {bounded(failures[-1:])[0].line()}")
        elif not quiet:
            state = "unchanged" if result.status == "unchanged" else f"{result.pages} pages"
            print_line(f"{_relative(result.output)}: {state}")

    results = run_people(jobs, workers=workers or default_workers(), force=force, on_done=done, cluster=cluster)
    for problem in bounded(failures, group=False)[MAX_PROBLEM_LINES - 1 :]:
        print_error(f"error: {problem.line()}")
    for line in copies_warned(results):
        print_error(line)
    built = sum(r.status == "built" for r in results)
    unchanged = sum(r.status == "unchanged" for r in results)
    failed_jobs = [r for r in results if r.status == "failed"]
    failed = len(class_list.failed_rows) + len(failed_jobs)
    if print_file and results:
        missing = [f"row {row}" for row in sorted(class_list.failed_rows)] + [r.student_id for r in failed_jobs]
        if missing and not allow_missing:
            print_error(
                f"error: {PRINT_FILE} not written: {len(missing)} of {len(results) + len(class_list.failed_rows)} "
                f"copies failed (fix them and run again, or add --allow-missing to print the others)"
            )
        else:
            assert loaded.booklet is not None
            frame = loaded.booklet.frame
            author = loaded.brand.name if loaded.brand is not None else frame.publisher
            target = make_print_file(project, results, settings, frame.title, author)
            what = "every copy" if not missing else f"every copy but {_listed(missing)}"
            print_line(f"{_relative(target)}: {what}, each starting on an odd page (print both sides); manifest.csv")
    print_line(
        f"{built} built, {unchanged} unchanged, {failed} failed "
        f"in {time.perf_counter() - start:.1f} s; files in {_relative(project.output / 'people')}/"
    )
    if any(r.bug for r in failed_jobs):
        return int(Exit.BUG)
    return int(Exit.CONTENT) if failed else int(Exit.OK)


def copies_warned(results: list[PersonResult], most: int = MAX_PROBLEM_LINES) -> list[str]:
    """Each distinct warning of the copies made once, with how many copies gave it: the copies of an
    audience share their pages, so a blocked file or a WeasyPrint message comes with every one of
    them. At most `most` lines, the last saying how many more there are. (No warning quotes a student.)"""
    copies = Counter(warning for result in results for warning in dict.fromkeys(result.warnings))
    lines = [warning if n == 1 else f"{warning} (in {n:,} copies)" for warning, n in copies.items()]
    if len(lines) > most:
        lines[most - 1 :] = [f"… and {len(lines) - most + 1:,} more warnings"]
    return lines


def _listed(items: list[str], most: int = 10) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
