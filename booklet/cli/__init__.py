"""CLI: the `booklet` command — parse options, call the library, print results. No pipeline logic.

Owns the Typer app (`app`: the commands in help order), what every command shares
(`common`: error printing, the guard, the options), the command groups
(`build_commands`, `content_commands`, `project_commands`), the command bodies that
print (`check`, `personalise`) and the long-running or file-making commands (`watch`,
`preview`, `serve`, `init`). It is the top of the package: it may import every stage,
and nothing imports it.
"""

from .app import app, main

__all__ = ["app", "main"]
