"""`booklet plan`: one student's action plan after a guidance interview, from options or prompts.

The values are checked as a one-row class list (adapters/classlist.py's row checks, which also
refuse control and bidi characters in names, steps and notes) plus what only a plan made today
can get wrong (a follow-up in the past),
and the copy is made by the same code as `booklet personalise` (jobs/people.py): the same
file name (output/people/ID.pdf), permissions, cache and redacted errors. The `serve` page's
form uses `check_plan` and `make_plan` too. Messages name the option (or the form's field),
never a value the student gave but ids and dates.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..adapters.cells import bounded
from ..adapters.classlist import ClassList, Person, Table, check_rows
from ..content.load import Content, load_project_content
from ..errors import Exit, group_warnings
from ..jobs.people import PRINT_FILE, PersonResult, plan_people, run_people
from ..project import Project
from ..settings import Settings
from ..util import write_atomic

OPTIONS = {
    "id": "--id",
    "name": "--name",
    "audience": "--audience",
    "routes": "--route",
    "organisations": "--organisation",
    "next_steps": "--step",
    "follow_up": "--follow-up",
    "adviser": "--adviser",
    "notes": "--notes",
}
"""Class-list column → the option that gives it (messages name the option)."""
SOURCE = Path("plan")
LOCAL_SETTINGS = ".booklet-local.yaml"
"""In the project's folder: what this computer's adviser chose to remember (never a student's data)."""


@dataclass
class PlanInput:
    """What an adviser gives for one plan (from options, prompts or the serve page's form)."""

    id: str = ""
    name: str = ""
    audience: str = ""
    routes: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    follow_up: str = ""
    """YYYY-MM-DD, or empty."""
    adviser: str = ""
    notes: str = ""


@dataclass(frozen=True)
class FieldProblem:
    """One bad value: which field (a class-list column name), what is wrong, how to fix it."""

    field: str
    what: str
    hint: str = ""

    def line(self) -> str:
        return f"{OPTIONS.get(self.field, self.field)}: {self.what}" + (f" ({self.hint})" if self.hint else "")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None  # the row checks say it is not a date


def check_plan(values: PlanInput, content: Content, today: dt.date) -> tuple[Person | None, list[FieldProblem]]:
    """The student's checked row, or the problems with each field (no value quoted but ids and dates)."""
    assert content.booklet is not None
    steps = [s.strip() for s in values.next_steps if s.strip()]
    row = {
        "id": values.id.strip(),
        "name": values.name.strip(),
        "audience": values.audience.strip(),
        "routes": ";".join(r.strip() for r in values.routes),
        "organisations": ";".join(o.strip() for o in values.organisations),
        # A `;` inside one step must not split it: the checks only count the steps.
        "next_steps": ";".join(s.replace(";", ",") for s in steps),
        "adviser": values.adviser.strip(),
        "follow_up": values.follow_up.strip(),
        "notes": values.notes.strip(),
    }
    checked = check_rows(Table([list(row), list(row.values())]), SOURCE, content.booklet, content.audiences)
    problems = [FieldProblem(p.path, p.what, p.hint) for p in checked.problems]
    # A row with nothing in it is skipped by the row checks (a blank line in a spreadsheet).
    if not row["id"] and not any(p.field == "id" for p in problems):
        problems.append(FieldProblem("id", "no id", "e.g. S1042; never a name"))
    if not row["name"] and not any(p.field == "name" for p in problems):
        problems.append(FieldProblem("name", "no name", "the cover says who the copy was prepared for"))
    if not any(r.strip() for r in values.routes) and not any(p.field == "routes" for p in problems):
        known = ", ".join(r.id for r in content.booklet.routes[:3])
        problems.append(FieldProblem("routes", "choose at least one route", f"e.g. {known}"))
    if row["id"].lower() == Path(PRINT_FILE).stem:
        problems.append(FieldProblem("id", "this id names the class's print file", "use the student's reference"))
    follow_up = _date(row["follow_up"])
    if follow_up is not None and follow_up < today:
        soon = today + dt.timedelta(days=14)
        problems.append(FieldProblem("follow_up", f"{follow_up} is in the past", f"e.g. {soon.isoformat()}"))
    order = list(OPTIONS)
    problems.sort(key=lambda p: order.index(p.field) if p.field in order else len(order))
    if problems or not checked.people:
        return None, problems
    return replace(checked.people[0], next_steps=tuple(steps)), []


def make_plan(
    project: Project,
    content: Content,
    person: Person,
    settings: Settings,
    prepared: dt.date,
    force: bool = False,
    plan_only: bool = False,
) -> PersonResult:
    """Make (or find up to date) the student's copy as `booklet personalise` does."""
    people = ClassList(SOURCE, people=[person], ids=[person.id])
    jobs = plan_people(project, content, people, settings, prepared, plan_only=plan_only)
    return run_people(jobs, workers=1, force=force)[0]


# Remembering the adviser ---------------------------------------------------------------------


def remembered_adviser(project: Project) -> str:
    import yaml

    try:
        data = yaml.safe_load((project.root / LOCAL_SETTINGS).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    value = data.get("adviser") if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) else ""


def remember_adviser(project: Project, adviser: str) -> Path:
    import yaml

    path = project.root / LOCAL_SETTINGS
    text = "# booklet plan: this computer's settings (never a student's data)\n"
    text += yaml.safe_dump({"adviser": adviser}, allow_unicode=True)
    write_atomic(path, text.encode("utf-8"), 0o600)
    return path


# Asking for what is missing ------------------------------------------------------------------


class MissingOption(Exception):
    """A required value not given, and no terminal to ask on: the message names the option."""


def _ask_routes(content: Content, ask: Callable[[str], str], print_line: Callable[[str], None]) -> list[str]:
    assert content.booklet is not None
    routes = content.booklet.routes
    print_line("Routes:")
    for number, route in enumerate(routes, start=1):
        print_line(f"  {number:>2}. {route.title} ({route.id})")
    while True:
        answer = ask("Routes chosen (numbers, separated by commas)")
        parts = [p.strip() for p in answer.replace(" ", ",").split(",") if p.strip()]
        if parts and all(p.isdigit() and 1 <= int(p) <= len(routes) for p in parts):
            return list(dict.fromkeys(routes[int(p) - 1].id for p in parts))
        print_line(f"  give numbers from 1 to {len(routes)}, e.g. 1,3")


def fill_missing(
    values: PlanInput,
    content: Content,
    interactive: bool,
    ask: Callable[[str], str],
    print_line: Callable[[str], None],
) -> PlanInput:
    """Ask for the required values not given (on a terminal), or fail naming the first missing option."""
    missing = [name for name in ("id", "name") if not getattr(values, name).strip()]
    missing += [] if any(r.strip() for r in values.routes) else ["routes"]
    if not missing:
        return values
    if not interactive:
        example = {"id": "S1042", "name": "'Student Name'", "routes": "fast-stream"}[missing[0]]
        option = OPTIONS[missing[0]]
        raise MissingOption(f"{option} is missing (give it, e.g. {option} {example}, or run in a terminal to be asked)")
    if "id" in missing:
        values.id = ask("Student's id (letters, digits, - and _; never their name)")
    if "name" in missing:
        values.name = ask("Student's name, as printed on the cover")
    if "routes" in missing:
        values.routes = _ask_routes(content, ask, print_line)
    return values


# The command ---------------------------------------------------------------------------------


def run_plan(
    values: PlanInput,
    *,
    content: Path | None = None,
    styles: Path | None = None,
    brand: Path | None = None,
    language: str = "en",
    page_size: str = "A4",
    large_print: bool = False,
    force: bool = False,
    remember: bool = False,
    plan_only: bool = False,
    interactive: bool | None = None,
    ask: Callable[[str], str] | None = None,
    print_line: Callable[[str], None] = print,
    print_error: Callable[[str], None] = print,
) -> int:
    """Run the command; returns the exit code."""
    project = Project.locate(content, styles)
    loaded = load_project_content(project.content, project.root, brand)
    for problem in bounded(group_warnings(loaded.warnings), group=False):
        print_error(problem.line())
    loaded.raise_errors()
    if not values.adviser.strip():
        values.adviser = remembered_adviser(project)
    interactive = sys.stdin.isatty() if interactive is None else interactive
    try:
        values = fill_missing(values, loaded, interactive, ask or _typer_ask, print_line)
    except MissingOption as exc:
        print_error(f"error: {exc}")
        return int(Exit.USAGE)
    today = dt.date.today()
    person, problems = check_plan(values, loaded, today)
    if person is None:
        for bad in problems:
            print_error(f"error: {bad.line()}")
        print_error("nothing was written")
        return int(Exit.USAGE)
    if remember and values.adviser.strip():
        path = remember_adviser(project, values.adviser.strip())
        print_line(f"{_relative(path)}: the adviser's name is remembered for the next plans")
    settings = Settings(page_size=page_size, large_print=large_print, language=language)
    result = make_plan(project, loaded, person, settings, today, force, plan_only)
    if result.status == "failed":
        print_error(f"error: id {result.student_id}: {result.error}")
        return int(Exit.BUG if result.bug else Exit.CONTENT)
    for warning in result.warnings:
        print_error(warning)
    state = "unchanged" if result.status == "unchanged" else f"{result.pages} pages"
    print_line(f"{_relative(result.output)}: {state} (readable by you only; nothing else about the student is kept)")
    return int(Exit.OK)


def _typer_ask(prompt: str) -> str:
    import typer

    return str(typer.prompt(prompt)).strip()


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def split_values(values: Sequence[str] | None) -> list[str]:
    """Repeatable options may also be given once with commas: --route a,b."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]
