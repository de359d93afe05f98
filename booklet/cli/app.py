"""The `booklet` command: the Typer app and its commands, in the order `booklet --help` lists them.

Each command's body lives with its group (`build_commands`, `content_commands`,
`project_commands`); they parse options, call the library and show results. No logic lives here.
"""

from __future__ import annotations

import atexit
import gc
from typing import Annotated

import typer

from ..util import tune_gc
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
    """Console-script entry point: the collector tuned for layouts (`booklet.util.tune_gc`), and the
    heap frozen at exit, so the interpreter's last collection does not walk every object just before
    the process returns all its memory anyway."""
    tune_gc()
    atexit.register(gc.freeze)
    app()
