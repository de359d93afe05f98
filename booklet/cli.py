"""The `booklet` command: parse options, call the library, show results. No logic lives here."""

from __future__ import annotations

import functools
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Annotated, Any, Callable

import typer

from . import __version__
from .errors import BookletError, Exit

app = typer.Typer(
    name="booklet",
    help="Turn plain YAML content into a printable, accessible A4 careers booklet (PDF).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def err(text: str) -> None:
    print(text, file=sys.stderr)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn user errors into one-line messages and bugs into a saved traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except BookletError as exc:
            for problem in exc.problems:
                err(f"error: {problem.line()}" if not problem.warning else problem.line())
            raise typer.Exit(int(exc.code)) from None
        except KeyboardInterrupt:
            err("interrupted: nothing was overwritten")
            raise typer.Exit(int(Exit.INTERRUPTED)) from None
        except Exception:  # noqa: BLE001 - the last line of defence
            with tempfile.NamedTemporaryFile(
                "w", prefix="booklet-bug-", suffix=".txt", delete=False
            ) as handle:
                handle.write(f"booklet {__version__}\n{' '.join(sys.argv)}\n\n")
                handle.write(traceback.format_exc())
            err(f"internal error: this is a bug in booklet; the full traceback is in {handle.name}")
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

    Example: booklet build --content content --output output/booklet.pdf
    """


ContentOpt = Annotated[
    Path | None,
    typer.Option("--content", "-c", help="Content folder (default: ./content).", show_default=False),
]
StylesOpt = Annotated[
    Path | None,
    typer.Option("--styles", help="Folder of template and CSS overrides (default: ./styles).", show_default=False),
]


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} kB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@app.command()
@guarded
def build(
    content: ContentOpt = None,
    styles: StylesOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="PDF file to write (default: output/<name>.pdf).", show_default=False),
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="Also write the HTML that was printed, beside the PDF.")] = False,
) -> None:
    """Build the booklet PDF from YAML content.

    Example: booklet build --content content --output output/ai-careers.pdf --html
    """
    from .build import build as run_build

    if output is not None and output.suffix.lower() != ".pdf":
        raise BookletError.single("the output file must end in .pdf", file=output, code=Exit.USAGE)
    result = run_build(content=content, styles=styles, output=output, write_html=html)
    for warning in result.warnings:
        err(warning)
    print(
        f"{_relative(result.output)}: {result.pages} pages, {human_size(result.size)}, "
        f"{result.seconds:.1f} s"
    )


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main() -> None:
    """Console-script entry point."""
    app()
