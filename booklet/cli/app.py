"""The `booklet` command: parse options, call the library, show results. No logic lives here."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import BookletError, Exit
from ..version import __version__

app = typer.Typer(
    name="booklet",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def err(text: str) -> None:
    from ..errors import visible

    print(visible(text, keep_newlines=True), file=sys.stderr)


def guarded(command: Callable[..., Any], redact: bool = False) -> Callable[..., Any]:
    """Turn user errors into one-line messages and bugs into a saved traceback.

    With `redact` (commands that read personal data), a saved traceback leaves out the
    exception's message.

    Exit codes (see errors.Exit): 1 content, 2-3 command line, 4 no file produced,
    70 internal error (bug), 130 interrupted.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):  # Typer's own: bad usage
            raise
        except BookletError as exc:
            for problem in exc.problems:
                err(f"error: {problem.line()}" if not problem.warning else problem.line())
            raise typer.Exit(int(exc.code)) from None
        except KeyboardInterrupt as exc:
            from ..errors import INTERRUPTED_IDLE, Interrupted

            err(exc.message() if isinstance(exc, Interrupted) else INTERRUPTED_IDLE)
            raise typer.Exit(int(Exit.INTERRUPTED)) from None
        except BrokenPipeError:
            # `booklet check | head`: the reader has gone; stop quietly.
            import os

            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
            raise typer.Exit(int(Exit.OK)) from None
        except Exception:
            from ..errors import bug_message, save_traceback

            err(bug_message(save_traceback(redact=redact)))
            raise typer.Exit(int(Exit.BUG)) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        print(f"booklet {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Turn plain YAML content into a printable, accessible A4 careers booklet (PDF).

    Example: booklet build --all      (the default booklet and every audience into output/)
    """


ContentOpt = Annotated[
    Path | None,
    typer.Option("--content", "-c", help="Content folder (default: ./content).", show_default=False),
]
StylesOpt = Annotated[
    Path | None,
    typer.Option("--styles", help="Folder of template and CSS overrides (default: ./styles).", show_default=False),
]

BrandOpt = Annotated[
    Path | None,
    typer.Option("--brand", help="Brand file of a careers service (default: content/brand.yaml).", show_default=False),
]
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Parallel processes (default: the core count).", show_default=False),
]
LargePrintOpt = Annotated[bool, typer.Option("--large-print", help="Body text 16 pt and larger headings.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")]


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} kB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class PageFormat(StrEnum):
    a4 = "a4"
    a5 = "a5"


class Imposition(StrEnum):
    none = "none"
    saddle = "saddle"


class Language(StrEnum):
    en = "en"
    cy = "cy"


class PdfStandard(StrEnum):
    ua1 = "ua-1"
    a2a = "a-2a"
    a3a = "a-3a"
    none = "none"


@app.command()
@guarded
def build(
    content: ContentOpt = None,
    styles: StylesOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default: output/<name>.pdf). One booklet only.", show_default=False
        ),
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="Also write the HTML that was printed, beside the PDF.")] = False,
    audience: Annotated[
        list[str] | None,
        typer.Option("--audience", "-a", help="Build the booklet for this audience (repeatable).", show_default=False),
    ] = None,
    all_audiences: Annotated[bool, typer.Option("--all", help="Build the default booklet and every audience.")] = False,
    jobs: JobsOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when nothing changed.")] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Run on a Dask cluster: tcp://HOST:8786 (a running `dask scheduler`) or local:N (N processes here). "
            "Needs booklet[cluster]; see docs/scale.md.",
            show_default=False,
        ),
    ] = None,
    brand: BrandOpt = None,
    page_format: Annotated[PageFormat, typer.Option("--format", help="Page size of the booklet.")] = PageFormat.a4,
    imposition: Annotated[
        Imposition, typer.Option("--imposition", help="saddle: A5 pages 2-up on A4 sheets, in folding order.")
    ] = Imposition.none,
    print_ready: Annotated[
        bool, typer.Option("--print-ready", help="Add bleed and crop marks for a print shop.")
    ] = False,
    bleed: Annotated[float, typer.Option("--bleed", min=0, max=10, help="Bleed in mm with --print-ready.")] = 3.0,
    pdf_standard: Annotated[
        PdfStandard,
        typer.Option(
            "--pdf-standard",
            help="PDF standard: ua-1 (accessible, the default), a-2a or a-3a (accessible archive copy), none.",
        ),
    ] = PdfStandard.ua1,
    duplex: Annotated[bool, typer.Option("--duplex", help="Start main sections on a right-hand page (A4).")] = False,
    blank_text: Annotated[
        str, typer.Option("--blank-text", help="Text on pages left blank by --duplex or imposition.")
    ] = "This page is intentionally left blank",
    large_print: LargePrintOpt = False,
    html_edition: Annotated[
        bool, typer.Option("--html-edition", help="Write the accessible HTML edition instead of a PDF.")
    ] = False,
    quiet: QuietOpt = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Treat warnings as errors: stale reviews, long profiles, blocked addresses."),
    ] = False,
    language: Annotated[
        Language, typer.Option("--language", help="Language of the edition: en, or cy for Welsh (file name -cy).")
    ] = Language.en,
    bilingual: Annotated[
        bool,
        typer.Option("--bilingual", help="Both languages in one edition, Welsh first unless booklet.yaml says so."),
    ] = False,
) -> None:
    """Build the booklet PDF (or several) from YAML content.

    Example: booklet build --all --jobs 2      (every audience, two at a time)
    Example: booklet build --audience graduates --format a5 --imposition saddle
    Example: booklet build --all --cluster tcp://scheduler.example:8786
    Example: booklet build --bilingual --format a5      (Welsh, then English)
    """
    from ..build import default_workers, plan
    from ..build.pipeline import load_content
    from ..errors import group_warnings
    from ..project import Project
    from ..settings import Settings

    if output is not None and all_audiences:
        raise BookletError.single("--output builds one booklet; it cannot be used with --all", code=Exit.USAGE)
    if cluster is not None and jobs is not None:
        raise BookletError.single(
            "--jobs cannot be used with --cluster: the cluster's workers run the jobs",
            hint="give the number of local workers as --cluster local:N",
            code=Exit.USAGE,
        )
    if cluster is not None:
        from ..build.cluster import check_spec

        check_spec(cluster)
    if imposition is Imposition.saddle and page_format is not PageFormat.a5:
        page_format = PageFormat.a5  # saddle folds A5 pages from A4 sheets
    if pdf_standard in (PdfStandard.a2a, PdfStandard.a3a) and (imposition is not Imposition.none):
        raise BookletError.single(
            f"--pdf-standard {pdf_standard.value} cannot be combined with --imposition: imposed sheets lose the "
            "tagged structure",
            hint="archive the A5 or A4 booklet instead",
            code=Exit.USAGE,
        )
    if print_ready and pdf_standard in (PdfStandard.a2a, PdfStandard.a3a):
        raise BookletError.single(
            f"--print-ready cannot be combined with --pdf-standard {pdf_standard.value}: a print-ready file "
            "is PDF/X-4, which cannot also be PDF/A",
            hint="build the archive copy and the print-ready file separately",
            code=Exit.USAGE,
        )
    if print_ready and imposition is not Imposition.none:
        raise BookletError.single(
            "--print-ready cannot be combined with --imposition saddle: a print shop imposes single pages "
            "with bleed itself, and an office printer cannot print bleed",
            hint="use --print-ready --format a5 for a print shop, --imposition saddle for an office printer",
            code=Exit.USAGE,
        )
    if html_edition and (print_ready or imposition is not Imposition.none):
        raise BookletError.single(
            "--html-edition cannot be combined with --print-ready or --imposition: they shape printed pages",
            code=Exit.USAGE,
        )
    if output is not None:
        from ..build.pipeline import check_output

        check_output(output, "web" if html_edition else "print")
    if bilingual and language is not Language.en:
        raise BookletError.single(
            "--bilingual already holds both languages; it cannot be combined with --language", code=Exit.USAGE
        )
    settings = Settings(
        language="bilingual" if bilingual else language.value,
        page_size=page_format.value.upper(),
        large_print=large_print,
        duplex=duplex,
        blank_page_text=blank_text,
        bleed_mm=bleed if print_ready else 0.0,
        edition="web" if html_edition else "print",
        forms=imposition is Imposition.none,
        pdf_standard=pdf_standard.value,
        imposition=imposition.value,
        write_html=html,
        strict=strict,
    )
    project = Project.locate(content, styles)
    loaded = load_content(project, brand)
    if not strict:  # with --strict, plan() reports them as errors instead
        for problem in group_warnings(loaded.warnings):
            err(problem.line())
    planned = plan(project, loaded, audience or (), all_audiences, output, settings)
    results = run_with_progress(planned, jobs or default_workers(), force, quiet, cluster)
    if imposition is Imposition.saddle and not quiet:
        from ..pdf.imposition import counts

        for result in results:
            if result.status == "built":
                c = counts(result.pages)
                print(
                    f"{_relative(result.output)}: {c.padded} A5 pages on {c.sides} A4 sides, "
                    f"{c.sheets} sheets: print both sides, flip on short edge, fold and staple (docs/printing.md)\n"
                    "  a print file: no tags, links or form fields; give readers the A5 or A4 PDF on screen"
                )
    failed = [r for r in results if r.status == "failed"]
    if any(r.bug for r in failed):
        raise typer.Exit(int(Exit.BUG))
    # A handout too full to fit is the content's to fix (1); other failures are render failures (4).
    raise typer.Exit(int(failed[0].code) if failed else 0)


def run_with_progress(
    planned: list[Any], workers: int, force: bool, quiet: bool = False, cluster: str | None = None
) -> list[Any]:
    """Run jobs (here, or on a Dask cluster), with a progress display and a summary table when there are several."""
    from ..build import run

    if len(planned) == 1:  # one line, and no rich import on the common path
        results = run(planned, workers=1, force=force, cluster=cluster)
        report_line(results[0])
        return results
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    # Piped or in CI there is no terminal width to fit; keep whole file names on one line.
    console = Console(stderr=False, highlight=False, width=None if sys.stdout.isatty() else 200)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    ) as progress:
        task = progress.add_task("Building booklets", total=len(planned))
        results = run(planned, workers=workers, force=force, on_done=lambda _r: progress.advance(task), cluster=cluster)
    table = Table(title=None, show_edge=False)
    for column in ("audience", "file", "pages", "size", "seconds", "status"):
        table.add_column(
            column, justify="right" if column in ("pages", "size", "seconds") else "left", no_wrap=column == "file"
        )
    for result in results:
        table.add_row(
            result.name,
            _relative(result.output),
            str(result.pages or "-"),
            human_size(result.size),
            f"{result.seconds:.1f}" if result.status == "built" else "-",
            result.status,
        )
    console.print(table)
    for result in results:
        for warning in result.warnings:
            err(f"{result.name}: {warning}")
        if result.error:
            err(f"error: {result.name}: {result.error}")
    return results


def report_line(result: Any) -> None:
    """One line for one output: path, pages, size and seconds, or why it failed."""
    for warning in result.warnings:
        err(warning)
    if result.status == "failed":
        err(f"error: {result.error}")
        return
    pages = f"{result.pages} pages, " if result.pages else ""
    if result.status == "unchanged":
        print(f"{_relative(result.output)}: unchanged, {human_size(result.size)} (use --force to rebuild)")
    else:
        print(f"{_relative(result.output)}: {pages}{human_size(result.size)}, {result.seconds:.1f} s")


@app.command()
@functools.partial(guarded, redact=True)
def personalise(
    people: Annotated[Path, typer.Argument(help="The class list: a .csv, .xlsx or .ods file.", show_default=False)],
    content: ContentOpt = None,
    styles: StylesOpt = None,
    brand: BrandOpt = None,
    jobs: JobsOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild every copy, changed or not.")] = False,
    print_file: Annotated[
        bool,
        typer.Option("--print-file", help="Also write one PDF of every copy (each on an odd page) and manifest.csv."),
    ] = False,
    forget: Annotated[
        bool, typer.Option("--forget", help="Delete every file made for the ids in the class list, and stop.")
    ] = False,
    date: Annotated[
        str | None,
        typer.Option("--date", help="Date printed on the covers, YYYY-MM-DD (default: today).", show_default=False),
    ] = None,
    page_format: Annotated[PageFormat, typer.Option("--format", help="Page size of the copies.")] = PageFormat.a4,
    large_print: LargePrintOpt = False,
    quiet: QuietOpt = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Make the copies on a Dask cluster: tcp://HOST:8786 or local:N. Needs booklet[cluster]; "
            "see docs/scale.md.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Make each student's own booklet with their action plan, from a class list.

    Files are named by the student's id (output/people/S1042.pdf), never by name; the folder
    is readable by you only. Bad rows are reported and every good row is still built.

    Example: booklet personalise examples/people.csv --jobs 2 --print-file
    Example: booklet personalise examples/people.csv --forget
    """
    from .personalise import run_personalise

    if cluster is not None:
        if jobs is not None:
            raise BookletError.single(
                "--jobs cannot be used with --cluster: the cluster's workers make the copies",
                hint="give the number of local workers as --cluster local:N",
                code=Exit.USAGE,
            )
        from ..build.cluster import check_spec

        check_spec(cluster)
    raise typer.Exit(
        run_personalise(
            people,
            content=content,
            styles=styles,
            brand=brand,
            workers=jobs,
            force=force,
            print_file=print_file,
            forget=forget,
            date=date,
            page_size=page_format.value.upper(),
            large_print=large_print,
            quiet=quiet,
            cluster=cluster,
            print_line=print,
            print_error=err,
        )
    )


@app.command()
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


@app.command()
@guarded
def watch(
    content: ContentOpt = None,
    styles: StylesOpt = None,
    all_audiences: Annotated[
        bool, typer.Option("--all/--default", help="Watch every audience or only the default.")
    ] = True,
    brand: Annotated[Path | None, typer.Option("--brand", help="Brand file.", show_default=False)] = None,
) -> None:
    """Rebuild the booklets affected by each change to content or styles, until Ctrl-C.

    Example: booklet watch --content content
    """
    from .watch import watch_project

    watch_project(
        content,
        styles,
        all_audiences,
        brand,
        print_line=lambda line: print(line, flush=True),
        print_error=err,
    )


@app.command()
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
            "--accessibility", help="Check a built PDF for accessibility instead of the content.", show_default=False
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
) -> None:
    """Check all content without rendering and report every problem, one per line.

    Example: booklet check --content content --strict
    Example: booklet check --links      (report moved, broken and unreachable web addresses)
    Example: booklet check --accessibility output/ai-careers-uk-public-sector.pdf
    Example: booklet check --language cy      (every text without its Welsh version)
    Example: booklet check --accessibility output/ai-careers-uk-public-sector-large-print.pdf --min-size 16
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
        )
    )


@app.command()
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


@app.command()
@guarded
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new booklet project (created).")],
) -> None:
    """Start a new booklet project with example content that builds at once.

    Example: booklet init my-booklet && cd my-booklet && booklet build
    """
    from .init import init_project

    init_project(directory, print_line=print)


@app.command()
@guarded
def preview(
    content: ContentOpt = None,
    audience: Annotated[
        str | None, typer.Option("--audience", "-a", help="Preview this audience's booklet.", show_default=False)
    ] = None,
    pages: Annotated[
        str | None,
        typer.Option("--pages", help="Pages to render, e.g. 1-4 or 1,3,5 (default: all).", show_default=False),
    ] = None,
    dpi: Annotated[int, typer.Option("--dpi", min=20, max=300, help="Resolution of the PNG pages.")] = 50,
) -> None:
    """Render PNG previews of pages and one contact sheet of the whole booklet.

    Example: booklet preview --audience graduates --pages 1-4
    """
    from .preview import make_previews

    for path in make_previews(content, audience, pages, dpi, print_error=err):
        print(_relative(path))


@app.command()
@guarded
def export(
    target: Annotated[Path, typer.Argument(help="A .xlsx file, or a folder for one CSV file per sheet.")],
    content: ContentOpt = None,
) -> None:
    """Write organisations, routes and points to a spreadsheet: one sheet each, one row per item.

    Example: booklet export content.xlsx
    """
    from ..content.sheets import export_sheets
    from ..project import Project

    project = Project.locate(content)
    for path in export_sheets(project.content, target, project.root):
        print(_relative(path.absolute()))


@app.command(name="import")
@guarded
def import_(
    source: Annotated[Path, typer.Argument(help="A .xlsx, .ods or .csv file, or a folder of CSV files.")],
    content: ContentOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete organisation files that have no row in the sheet.")
    ] = False,
) -> None:
    """Write a spreadsheet's rows back into the YAML content, only if the result is valid.

    Example: booklet import content.xlsx --dry-run
    """
    from ..content.sheets import import_sheets
    from ..project import Project

    project = Project.locate(content)
    result = import_sheets(source, project.content, project.root, label=str(source), dry_run=dry_run, prune=prune)
    for change in result.changes:
        if dry_run:
            print(change.diff() if change.action != "deleted" else f"would delete {change.name}", end="")
        print(f"{'would be ' if dry_run else ''}{change.action}: {change.name}")
    for note in result.notes:
        print(f"note: {note}")
    if not result.changes:
        print("nothing to change: the content already matches the sheet")


@app.command()
@guarded
def serve(
    content: ContentOpt = None,
    styles: StylesOpt = None,
    brand: Annotated[Path | None, typer.Option("--brand", help="Brand file.", show_default=False)] = None,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on. Anything but 127.0.0.1 lets other computers see it."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port (0: any free port).")] = 8000,
) -> None:
    """Show the booklet in your browser, rebuilt live as you edit its content, until Ctrl-C.

    Example: booklet serve      (then open http://127.0.0.1:8000/)
    """
    from .serve import serve as run_server

    run_server(content, styles, brand, host, port, print_line=lambda line: print(line, flush=True), print_error=err)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main() -> None:
    """Console-script entry point."""
    app()
