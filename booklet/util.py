"""Small helpers every stage may use: atomic file writes and the user cache folder.

They live here, at the bottom of the package, so no stage has to import another
stage to write a file or find the cache (both used to sit in the stage that
needed them first).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
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
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def user_cache(kind: str) -> Path:
    """booklet's folder for `kind` in $BOOKLET_CACHE, else in the user's cache folder."""
    if os.environ.get("BOOKLET_CACHE"):
        return Path(os.environ["BOOKLET_CACHE"]) / kind
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "booklet" / kind
