"""`build()`: the library entry point, the whole of `booklet build` without the command line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import BookletError
from ..project import Project
from ..settings import Settings
from .plan import Result, load_content, plan
from .pool import run


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
