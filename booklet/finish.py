"""Finishing: writing files atomically so a failed build never costs a good PDF.

Post-processing of PDF bytes (imposition, print marks, form states) lives here too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import Settings


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder, renamed into place.

    The rename is atomic on one file system, so readers see either the old
    file or the complete new one; on any failure the temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def finish_pdf(pdf: bytes, settings: Settings) -> bytes:
    """Post-process rendered PDF bytes for the requested print settings."""
    return pdf
