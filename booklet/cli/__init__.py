"""CLI: the `booklet` command — parse options, call the library, print results. No pipeline logic.

Owns the Typer app (`app`), the command bodies that only print (`check`), and
the long-running or file-making commands (`watch`, `preview`, `init`). It is the
top of the package: it may import every stage, and nothing imports it.
"""

from .app import app, main

__all__ = ["app", "main"]
