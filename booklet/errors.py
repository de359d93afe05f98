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
    """Success (warnings may have been printed)."""
    CONTENT = 1
    """Content is wrong (or has warnings under --strict): fix the file named in the message."""
    PARSE = 2
    """The command line could not be parsed (unknown option, bad value): Typer's own code."""
    USAGE = 3
    """Options that cannot be used together, or a wrong output name: booklet's own checks."""
    RENDER = 4
    """The content was fine but no file could be produced (render failure, disk full, …);
    the previous output is untouched."""
    BUG = 70
    """An internal error (EX_SOFTWARE): a traceback was saved for a bug report."""
    INTERRUPTED = 130
    """Stopped with Ctrl-C (128 + SIGINT); the previous output is untouched."""


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
    def single(cls, what: str, *, file: str | Path = "", hint: str = "", code: Exit = Exit.CONTENT) -> BookletError:
        return cls([Problem(Where(str(file)), what, hint)], code)

    def __str__(self) -> str:
        return "\n".join(p.line() for p in self.problems)


def save_traceback(header: str = "", redact: bool = False) -> Path | None:
    """Write the current exception's traceback to a new file for a bug report; None if that fails too.

    With `redact`, only the frames and the exception's type are written, not its message (which may
    quote personal data from a class list).
    """
    import platform
    import sys
    import tempfile
    import time
    import traceback

    from .version import __version__

    try:
        with tempfile.NamedTemporaryFile(
            "w",
            prefix=time.strftime("booklet-bug-%Y%m%d-%H%M%S-"),
            suffix=".txt",
            delete=False,
            encoding="utf-8",
        ) as handle:
            handle.write(f"booklet {__version__}, Python {platform.python_version()}, {platform.platform()}\n")
            handle.write(f"command: {' '.join(sys.argv)}\n")
            if header:
                handle.write(header + "\n")
            if redact:
                exc = sys.exc_info()[1]
                frames = traceback.format_tb(exc.__traceback__) if exc is not None else []
                kind = type(exc).__name__ if exc is not None else "unknown"
                handle.write("\nTraceback (message left out: it may hold personal data):\n")
                handle.write("".join(frames) + f"{kind}\n")
            else:
                handle.write("\n" + traceback.format_exc())
        return Path(handle.name)
    except Exception:
        return None


def bug_message(saved: Path | None) -> str:
    """The one line printed for an internal error."""
    where = f"the full traceback is in {saved}" if saved else "the traceback could not be saved"
    return f"internal error: this is a bug in booklet, not in your content; {where} (please attach it to a bug report)"
