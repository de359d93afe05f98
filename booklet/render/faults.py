"""Tell an error in the project's own template from a bug in booklet, from the exception's traceback.

A project may override any template in its styles folder. When one of those
raises (a syntax error, an undefined name, a division by zero), the fix is in
that file, not in booklet: the error is reported once, naming the template and
line, with no traceback saved and nothing retried. An error whose last frame in
a template is followed by booklet's own code (a filter, a helper) stays a bug.
"""

from __future__ import annotations

import traceback
from collections.abc import Collection
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
"""booklet's own code: a frame here after the template's means the template is not to blame."""

_OWN: dict[Path, frozenset[str]] = {}
"""Styles folders that merge the project's files with the defaults (a cluster worker's copy): which are
the project's."""


def register_own(styles: Path, own: Collection[str]) -> None:
    """Record that only `own` (names relative to `styles`) in this merged folder are the project's."""
    _OWN[styles.resolve()] = frozenset(own)


def template_fault(
    exc: BaseException, styles: Path | None, own: Collection[str] | None = None, redact: bool = False
) -> str | None:
    """'template NAME, line N: Type: message (…)' when `exc` was raised in a template of the project's own
    styles folder `styles`; None otherwise (a bug, or not in a template at all).

    `own` names the files (relative to `styles`) that are the project's; None means those registered for
    the folder, else every file there, unless `styles` is booklet's default folder itself. With
    `redact` the exception's message is left out (it may quote a student's details).
    """
    if styles is None:
        return None
    from .html import default_styles_dir

    root = styles.resolve()
    own = _OWN.get(root) if own is None else own
    if own is None and root == default_styles_dir().resolve():
        return None
    found: tuple[str, int] | None = None
    frames = [(frame.filename, frame.lineno or 0) for frame in traceback.extract_tb(exc.__traceback__)]
    if getattr(exc, "filename", None) and getattr(exc, "lineno", None):  # a TemplateSyntaxError
        frames.append((str(exc.filename), int(exc.lineno)))  # type: ignore[attr-defined]
    for filename, line in frames:
        path = Path(filename)
        if not path.is_absolute():
            continue
        path = path.resolve()
        if path.is_relative_to(root):
            name = path.relative_to(root).as_posix()
            found = (name, line) if own is None or name in own else None
        elif found is not None and path.is_relative_to(PACKAGE):
            found = None  # booklet's own code ran after the template: not the template's fault
    if found is None:
        return None
    message = str(exc) if len(str(exc)) <= 160 else str(exc)[:157] + "…"
    what = type(exc).__name__ if redact else f"{type(exc).__name__}: {message}"
    return (
        f"template {found[0]}, line {found[1]}: {what} "
        "(an error in the project's own template: fix it in the styles folder)"
    )
