"""The commands that make PDFs: `build` (booklets and audiences) and `personalise` (one copy per student),
with the progress display and the one-line report they share."""

from __future__ import annotations

import functools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import BookletError, Exit
from .common import (
    BrandOpt,
    ContentOpt,
    Imposition,
    JobsOpt,
    Language,
    LargePrintOpt,
    PageFormat,
    PdfStandard,
    QuietOpt,
    StylesOpt,
    err,
    guarded,
    human_size,
    relative,
)


class Edition(StrEnum):
    """`--edition`: what kind of file `build` writes."""

    pdf = "pdf"
    html = "html"
    epub = "epub"
    braille = "braille"


EDITION_SETTING = {Edition.pdf: "print", Edition.html: "web", Edition.epub: "epub", Edition.braille: "braille"}
"""Each --edition value as Settings.edition."""


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
    html: Annotated[
        bool,
        typer.Option("--html", help="Also write the HTML that was printed, beside the PDF, as <name>.print.html."),
    ] = False,
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
            help="Run on a Dask cluster: tls://HOST:8786 or tcp://HOST:8786 (a running `dask scheduler`) or local:N "
            "(N processes here). "
            "Needs booklet\\[cluster]; see docs/scale.md.",
            show_default=False,
        ),
    ] = None,
    brand: BrandOpt = None,
    page_format: Annotated[PageFormat, typer.Option("--format", help="Page size of the booklet.")] = PageFormat.a4,
    imposition: Annotated[
        Imposition,
        typer.Option(
            "--imposition",
            help="saddle: A5 pages 2-up on A4 sheets, in folding order; flip (with --bilingual): "
            "tête-bêche, Welsh from one cover and English from the other.",
        ),
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
        bool,
        typer.Option("--html-edition", help="Write the accessible HTML edition instead of a PDF (--edition html)."),
    ] = False,
    edition: Annotated[
        Edition,
        typer.Option(
            "--edition",
            help="What to write: pdf, html (the accessible HTML edition, as --html-edition), epub "
            "(a reflowable EPUB 3 e-book with the printed A4 edition's page numbers) or braille (a BRF file for "
            "an embosser or braille display, in Unified English Braille grade 2; Welsh grade 2 with --language cy).",
        ),
    ] = Edition.pdf,
    braille_cells: Annotated[
        int, typer.Option("--braille-cells", min=20, max=100, help="Cells on a line of the braille edition.")
    ] = 40,
    braille_lines: Annotated[
        int, typer.Option("--braille-lines", min=10, max=100, help="Lines on a page of the braille edition.")
    ] = 25,
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
    Example: booklet build --all --edition epub      (e-books, output/<name>.epub)
    Example: booklet build --edition braille --language cy      (output/<name>-cy.brf)
    """
    from ..adapters.cells import bounded
    from ..errors import group_warnings
    from ..jobs import default_workers, plan
    from ..jobs.plan import load_content
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
        from ..jobs.spec import check_spec

        check_spec(cluster)
    if imposition is Imposition.flip and not bilingual:
        raise BookletError.single(
            "--imposition flip needs --bilingual: a tête-bêche booklet is read from either cover, one language each",
            hint="add --bilingual, or use --imposition saddle",
            code=Exit.USAGE,
        )
    if imposition is not Imposition.none and page_format is not PageFormat.a5:
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
    if html_edition and edition not in (Edition.pdf, Edition.html):
        raise BookletError.single(
            f"--html-edition cannot be combined with --edition {edition.value}",
            hint="--edition html is the same as --html-edition",
            code=Exit.USAGE,
        )
    if html_edition:
        edition = Edition.html
    chosen = EDITION_SETTING[edition]
    if edition is not Edition.pdf and (print_ready or imposition is not Imposition.none):
        flag = "--html-edition" if edition is Edition.html else f"--edition {edition.value}"
        raise BookletError.single(
            f"{flag} cannot be combined with --print-ready or --imposition: they shape printed pages",
            code=Exit.USAGE,
        )
    if edition is Edition.epub and large_print:
        raise BookletError.single(
            "--edition epub cannot be combined with --large-print: an e-book's text size is the reader's to choose",
            hint="build the EPUB without --large-print; readers enlarge its text in their reading app",
            code=Exit.USAGE,
        )
    if edition is Edition.braille and large_print:
        raise BookletError.single(
            "--edition braille cannot be combined with --large-print: it shapes printed pages", code=Exit.USAGE
        )
    if output is not None:
        from ..jobs.plan import check_output

        check_output(output, chosen)
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
        edition=chosen,
        forms=imposition is Imposition.none,
        pdf_standard=pdf_standard.value,
        imposition=imposition.value,
        write_html=html,
        strict=strict,
        braille_cells=braille_cells,
        braille_lines=braille_lines,
    )
    if edition is Edition.braille:  # one line naming the package, not one per audience
        from ..render.louis import check_tables

        check_tables(settings.language)
    project = Project.locate(content, styles)
    loaded = load_content(project, brand)
    if not strict:  # with --strict, plan() reports them as errors instead
        for problem in bounded(group_warnings(loaded.warnings), group=False):
            err(problem.line())
    planned = plan(project, loaded, audience or (), all_audiences, output, settings)
    results = run_with_progress(planned, jobs or default_workers(), force, quiet, cluster)
    if imposition is not Imposition.none and not quiet:
        from ..pdf.imposition import counts

        for result in results:
            if result.status == "built":
                c = counts(result.pages)
                print(
                    f"{relative(result.output)}: {c.padded} A5 pages on {c.sides} A4 sides, "
                    f"{c.sheets} sheets: print both sides, flip on short edge, fold and staple (docs/printing.md)\n"
                    "  a print file: no tags, links or form fields; give readers the A5 or A4 PDF on screen"
                )
    if settings.language != "en" and not quiet:
        from .check import welsh_gap_line

        gaps = welsh_gap_line(loaded)
        if gaps:
            err(gaps)
    failed = [r for r in results if r.status == "failed"]
    if any(r.bug for r in failed):
        raise typer.Exit(int(Exit.BUG))
    # A handout too full to fit is the content's to fix (1); other failures are render failures (4).
    raise typer.Exit(int(failed[0].code) if failed else 0)


def run_with_progress(
    planned: list[Any], workers: int, force: bool, quiet: bool = False, cluster: str | None = None
) -> list[Any]:
    """Run jobs (here, or on a Dask cluster), with a progress display and a summary table when there are several."""
    from ..jobs import run

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
            relative(result.output),
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
        print(f"{relative(result.output)}: unchanged, {human_size(result.size)} (use --force to rebuild)")
    else:
        print(f"{relative(result.output)}: {pages}{human_size(result.size)}, {result.seconds:.1f} s")


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
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", help="The sheet of an .xlsx/.ods class list (default: the active one).", show_default=False
        ),
    ] = None,
    allow_missing: Annotated[
        bool, typer.Option("--allow-missing", help="Write the --print-file even if some copies failed (named).")
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
            help="Make the copies on a Dask cluster: tls://HOST:8786 or local:N. Needs booklet\\[cluster]; "
            "see docs/scale.md.",
            show_default=False,
        ),
    ] = None,
    plan_only: Annotated[
        bool, typer.Option("--plan-only", help="Just each student's cover and action plan (1-2 pages each).")
    ] = False,
    insecure_cluster: Annotated[
        bool,
        typer.Option(
            "--insecure-cluster",
            help="Allow a tcp:// scheduler on another machine: students' details then cross the network unencrypted.",
        ),
    ] = False,
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
        from ..jobs.spec import check_private, check_spec

        check_private(cluster, insecure_cluster)  # first: the address as text, before Dask is imported
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
            sheet=sheet,
            allow_missing=allow_missing,
            plan_only=plan_only,
            print_line=print,
            print_error=err,
        )
    )
