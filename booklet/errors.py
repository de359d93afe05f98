"""Problems found in content, the error type that carries them, and their one printer.

A `Problem` says where (file:line:col and key path), what, and how to fix it.
`BookletError` is the only exception the CLI turns into a clean message; anything
else reaching the top is a bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)))
"""C0 and C1 control characters and DEL: never wanted in printed text (tab and newline aside)."""
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidirectional formatting characters: they reorder how the text around them is shown."""
INVISIBLE = "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
"""Zero-width and invisible characters: they change a word without changing how it looks."""

_HIDDEN = re.compile(f"[{re.escape(CONTROLS + BIDI + INVISIBLE)}]")
_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+(?:;[\w=.+-]+)*,[^\s\"'),]{60,}")


def visible(text: str, keep_newlines: bool = False) -> str:
    """`text` safe for a terminal: controls, bidi and invisible characters shown as escapes (\\x1b, \\u202e),
    and data: URIs cut to their start, so no content can move the cursor, recolour or flood the screen."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char == "\n":
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = _DATA_URI.sub(lambda m: m.group()[:40] + f"…({len(m.group()):,} characters)", text)
    return _HIDDEN.sub(escape, text)


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
    """Stopped with Ctrl-C (128 + SIGINT); each output is either complete and new or as it was, and the
    message says which."""


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
        """The problem as one line: `file:line:col  key.path  message (hint)`.

        A problem with neither a place nor a key (a wrong combination of options) is the message alone.
        """
        where = str(self.where)
        parts = [where or "-", self.path or "-", self.what] if where or self.path else [self.what]
        text = "  ".join(parts)
        if self.hint:
            text += f" ({self.hint})"
        if self.warning:
            text = text.replace(self.what, f"warning: {self.what}", 1)
        return visible(text)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a build: which outputs were already replaced (complete) and which were left as they were."""

    def __init__(self, written: list[Path], untouched: list[Path]) -> None:
        super().__init__()
        self.written = written
        self.untouched = untouched

    def message(self) -> str:
        """One line that says truthfully what happened to each output."""

        def names(paths: list[Path]) -> str:
            shown = ", ".join(str(p) for p in paths[:6])
            return shown + (f" and {len(paths) - 6} more" if len(paths) > 6 else "")

        parts = []
        if self.written:
            parts.append(
                f"{len(self.written)} file{'s' if len(self.written) != 1 else ''} finished and written in full "
                f"({names(self.written)})"
            )
        if self.untouched:
            parts.append(
                f"{len(self.untouched)} left as {'they were' if len(self.untouched) != 1 else 'it was'} "
                f"({names(self.untouched)})"
            )
        return "interrupted: " + ("; ".join(parts) or "no file was changed")


INTERRUPTED_IDLE = "interrupted: no file was being written; every file reported above is complete"
"""What Ctrl-C did when no output was being written (while reading content, or while watching)."""


def group_warnings(problems: list[Problem]) -> list[Problem]:
    """Warnings that say the same thing in many places, as one line each: "… ×288, first in gds.yaml: name".

    Errors are never grouped: each needs its own fix at its own place.
    """
    counts: dict[tuple[str, str], int] = {}
    for problem in problems:
        if problem.warning:
            counts[(problem.what, problem.hint)] = counts.get((problem.what, problem.hint), 0) + 1
    shown: set[tuple[str, str]] = set()
    result = []
    for problem in problems:
        key = (problem.what, problem.hint)
        if not problem.warning or counts[key] == 1:
            result.append(problem)
        elif key not in shown:
            shown.add(key)
            first = f"{problem.where.file}: {problem.path}" if problem.path else problem.where.file
            result.append(
                Problem(
                    problem.where,
                    f"{problem.what} ×{counts[key]}, first in {first}",
                    problem.hint,
                    problem.path,
                    warning=True,
                )
            )
    return result


def group_lines(lines: list[str]) -> list[str]:
    """Identical lines (WeasyPrint's warnings) once each, with how many times they came: "… ×288"."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return [line if n == 1 else f"{line} ×{n}" for line, n in counts.items()]


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
