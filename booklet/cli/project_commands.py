"""The commands around a project: `init` a new one, `watch` it, `preview` its pages, `serve` it live."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    ContentOpt,
    StylesOpt,
    err,
    guarded,
    relative,
)


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


@guarded
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new booklet project (created).")],
) -> None:
    """Start a new booklet project with example content that builds at once.

    Example: booklet init my-booklet && cd my-booklet && booklet build
    """
    from .init import init_project

    init_project(directory, print_line=print)


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
        print(relative(path))


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
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="With --host: another name browsers on the network use for this machine (repeatable).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show the booklet in your browser, rebuilt live as you edit its content, until Ctrl-C.

    Open the address it prints: it holds a secret made at start-up, so no one else using this
    computer (or the network, with --host) can open the page.

    Example: booklet serve      (then open the http://127.0.0.1:8000/?token=... address it prints)
    """
    from .serve import serve as run_server

    run_server(
        content,
        styles,
        brand,
        host,
        port,
        print_line=lambda line: print(line, flush=True),
        print_error=err,
        allow_hosts=allow_host or (),
    )
