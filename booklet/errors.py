"""Problems found in content, the error type that carries them, and their one printer.

A `Problem` says where (file:line:col and key path), what, and how to fix it.
`BookletError` is the only exception the CLI turns into a clean message; anything
else reaching the top is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path


class Exit(IntEnum):
    """Exit codes of the `booklet` command (documented in the README)."""

    OK = 0
    CONTENT = 1
    """Content or options are wrong: fix the file named in the message."""
    RENDER = 2
    """The PDF could not be produced (render or write failure)."""
    USAGE = 3
    """Typer's own code for a bad command line is 2; ours for bad options is 3."""
    INTERRUPTED = 130
    BUG = 70
    """An internal error: a traceback was saved for a bug report."""


@dataclass(frozen=True, order=True)
class Where:
    """A place in a content file."""

    file: str = ""
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.file:
            return ""
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the content."""

    where: Where
    what: str
    hint: str = ""
    path: str = ""
    warning: bool = False

    def line(self) -> str:
        """The problem as one line: `file:line:col  key.path  message (hint)`."""
        parts = [str(self.where) or "-", self.path or "-", self.what]
        text = "  ".join(parts)
        if self.hint:
            text += f" ({self.hint})"
        if self.warning:
            text = text.replace(self.what, f"warning: {self.what}", 1)
        return text


@dataclass
class BookletError(Exception):
    """A user-facing failure: bad content, bad options or a failed render."""

    problems: list[Problem] = field(default_factory=list)
    code: Exit = Exit.CONTENT

    @classmethod
    def single(
        cls, what: str, *, file: str | Path = "", hint: str = "", code: Exit = Exit.CONTENT
    ) -> BookletError:
        return cls([Problem(Where(str(file)), what, hint)], code)

    def __str__(self) -> str:
        return "\n".join(p.line() for p in self.problems)
