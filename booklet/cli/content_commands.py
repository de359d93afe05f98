"""The commands about the content itself: `check`, `audiences`, `schema`, and spreadsheets out and in
(`export`, `import`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .common import (
    ContentOpt,
    Language,
    err,
    guarded,
    relative,
)


@guarded
def audiences(content: ContentOpt = None) -> None:
    """List the audiences: id, name and output file.

    Example: booklet audiences --content content
    """
    from ..content.load import load_project_content
    from ..project import Project

    project = Project.locate(content)
    loaded = load_project_content(project.content, project.root)
    loaded.raise_errors()
    width = max((len(a.id) for a in loaded.audiences), default=0)
    for item in loaded.audiences:
        print(f"{item.id:<{width}}  {item.name}  →  output/{item.output}")


@guarded
def check(
    content: ContentOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    stale: Annotated[
        bool, typer.Option("--stale", help="List every item whose review is older than --months.")
    ] = False,
    months: Annotated[int, typer.Option("--months", min=1, help="Age in months after which a review is stale.")] = 12,
    brand: Annotated[
        Path | None, typer.Option("--brand", help="Also check this brand file.", show_default=False)
    ] = None,
    accessibility: Annotated[
        Path | None,
        typer.Option(
            "--accessibility",
            help="Check a built PDF (or EPUB, with EPUBCheck and DAISY Ace) for accessibility instead of the content.",
            show_default=False,
        ),
    ] = None,
    min_size: Annotated[
        float, typer.Option("--min-size", min=1, help="Smallest text size allowed, in pt (16 for large print).")
    ] = 12.0,
    language: Annotated[
        Language, typer.Option("--language", help="cy: also report every text that has no Welsh version.")
    ] = Language.en,
    links: Annotated[
        bool,
        typer.Option(
            "--links",
            help="Also ask every web address in the content whether it still works (results kept for a day).",
        ),
    ] = False,
    spelling: Annotated[
        bool,
        typer.Option(
            "--spelling",
            help="Also check spelling: British English, and Welsh in _cy fields; project words in content/words.txt.",
        ),
    ] = False,
) -> None:
    """Check all content without rendering and report every problem, one per line.

    Example: booklet check --content content --strict
    Example: booklet check --links      (report moved, broken and unreachable web addresses)
    Example: booklet check --accessibility output/ai-careers-uk-public-sector.pdf
    Example: booklet check --language cy      (every text without its Welsh version)
    Example: booklet check --spelling --strict      (misspelt and American spellings are errors)
    Example: booklet check --accessibility output/ai-careers-uk-public-sector-large-print.pdf --min-size 16
    Example: booklet check --accessibility output/ai-careers-uk-public-sector.epub
    """
    if accessibility is not None:
        from ..pdf.accessibility import run_accessibility_check

        raise typer.Exit(run_accessibility_check(accessibility, print, min_size))
    from .check import run_check

    raise typer.Exit(
        run_check(
            content,
            strict=strict,
            stale=stale,
            months=months,
            brand=brand,
            print_line=print,
            print_error=err,
            language=language.value,
            links=links,
            spelling=spelling,
        )
    )


@guarded
def schema(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the JSON Schema files into.")] = Path(
        "content/schemas"
    ),
) -> None:
    """Write the JSON Schema of every content file, for editor autocomplete.

    Example: booklet schema --output content/schemas
    """
    from ..content.schema import write_schemas

    for path in write_schemas(output):
        print(path)


@guarded
def export(
    target: Annotated[Path, typer.Argument(help="A .xlsx file, or a folder for one CSV file per sheet.")],
    content: ContentOpt = None,
) -> None:
    """Write organisations, routes (with their facts), points, stories and the glossary to a
    spreadsheet: one sheet each, one row per item.

    Example: booklet export content.xlsx
    """
    from ..adapters.sheets import export_sheets
    from ..project import Project

    project = Project.locate(content)
    for path in export_sheets(project.content, target, project.root):
        print(relative(path.absolute()))


@guarded
def import_(
    source: Annotated[Path, typer.Argument(help="A .xlsx, .ods or .csv file, or a folder of CSV files.")],
    content: ContentOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete organisation files that have no row in the sheet.")
    ] = False,
    drop_references: Annotated[
        bool,
        typer.Option("--drop-references", help="With --prune: also take deleted organisations out of audiences."),
    ] = False,
) -> None:
    """Write a spreadsheet's rows back into the YAML content, only if the result is valid.

    Example: booklet import content.xlsx --dry-run
    """
    from ..adapters.sheets import import_sheets
    from ..project import Project

    project = Project.locate(content)
    result = import_sheets(
        source,
        project.content,
        project.root,
        label=str(source),
        dry_run=dry_run,
        prune=prune,
        drop_references=drop_references,
    )
    for change in result.changes:
        if dry_run:
            print(change.diff() if change.action != "deleted" else f"would delete {change.name}", end="")
        print(f"{'would be ' if dry_run else ''}{change.action}: {change.name}")
    for note in result.notes:
        print(f"note: {note}")
    for problem in result.warnings:
        err(problem.line())
    if dry_run and result.changes:
        for line in spelling_lines(result.changes, project.content):
            print(line)
    if not result.changes:
        print("nothing to change: the content already matches the sheet")


def spelling_lines(changes: list[Any], content: Path) -> list[str]:
    """The spelling problems of the files an import would write (its dry run), one line each."""
    from ..adapters.cells import bounded
    from ..adapters.spelling import check_spelling
    from ..content.load import load_project_content
    from ..content.read import parse
    from ..errors import BookletError

    documents, texts = {}, {}
    for change in changes:
        if change.action == "deleted":
            continue
        try:
            documents[change.name] = parse(change.new, change.name, change.path)
        except BookletError:
            continue  # the import has already refused what does not parse
        texts[change.name] = change.new
    current = load_project_content(content).documents
    report = check_spelling(documents, content, texts=texts, create=False, names=current)
    return [problem.line() for problem in bounded(report.problems, group=False)] + report.missing
