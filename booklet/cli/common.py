"""What every command shares: printing errors, the guard that turns errors into exit codes, the options.

Nothing here imports a pipeline stage at module level, so `booklet --help` stays fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import BookletError, Exit


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
            from ..adapters.cells import bounded

            for problem in bounded(exc.problems, group=False):
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
    flip = "flip"


class Language(StrEnum):
    en = "en"
    cy = "cy"


class PdfStandard(StrEnum):
    ua1 = "ua-1"
    a2a = "a-2a"
    a3a = "a-3a"
    none = "none"


def relative(path: Path) -> str:
    """`path` relative to the working folder where it lies inside it, as people typed it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
