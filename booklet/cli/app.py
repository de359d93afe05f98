"""The `booklet` command: the Typer app and its commands, in the order `booklet --help` lists them.

Each command's body lives with its group (`build_commands`, `content_commands`,
`project_commands`); they parse options, call the library and show results. No logic lives here.
"""

from __future__ import annotations

import atexit
import gc
from typing import Annotated

import typer

from ..version import __version__
from . import build_commands, content_commands, plan_commands, project_commands

app = typer.Typer(
    name="booklet",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


app.command()(build_commands.build)
app.command()(build_commands.personalise)
app.command()(plan_commands.plan)
app.command()(content_commands.audiences)
app.command()(project_commands.watch)
app.command()(content_commands.check)
app.command()(content_commands.schema)
app.command()(project_commands.init)
app.command()(project_commands.preview)
app.command()(content_commands.export)
app.command(name="import")(content_commands.import_)
app.command()(project_commands.serve)


def main() -> None:
    """Console-script entry point.

    Laying out a booklet makes a few million objects that live until it is written, and the cyclic
    garbage collector's default first threshold (700 new objects) walks them over and over: at
    10,000 it runs about a fourteenth as often and still runs (a long `serve` keeps collecting). At
    exit the heap is frozen, so the interpreter's last collection does not walk every object just
    before the process returns all its memory anyway. A cold build is about 11 % faster for 3 MB
    more at its peak (docs/benchmarks.md, part a).
    """
    gc.set_threshold(10_000, 10, 10)
    atexit.register(gc.freeze)
    app()
