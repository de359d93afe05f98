"""The build cache: what every output's key is made of, and which outputs are up to date.

A key covers the tailored content, brand and options of one output plus what every output
of the project shares (tool version, styles, fonts). A cached file is trusted only while its
hash still matches what was written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..project import Project
from ..render import fonts
from ..render.html import style_dirs
from ..util import write_atomic
from ..version import __version__
from .plan import Job

CACHE_FILE = ".booklet-cache.json"


def _files_digest(folders: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def environment_key(project: Project) -> str:
    """What every output of a project shares: tool version, styles and templates, fonts."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(_files_digest(style_dirs(project.styles)).encode())
    for path in fonts.font_files().values():
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def cache_key(job: Job | Any, environment: str | None = None) -> str:
    """Everything that affects one output: its tailored content, brand and options, plus
    `environment_key` (pass it in when keying several jobs of one project: it reads every style file).

    Any job with `project`, `booklet`, `brand` and `settings` can be keyed (a personal copy too)."""
    digest = hashlib.sha256((environment or environment_key(job.project)).encode())
    digest.update(job.booklet.model_dump_json().encode())
    if job.brand is not None:
        digest.update(job.brand.brand.model_dump_json().encode())
        digest.update(job.brand.logo_uri.encode())
    digest.update(repr(job.settings).encode())
    return digest.hexdigest()


class Cache:
    """Which outputs are up to date: output name → (cache key, hash of the file written)."""

    def __init__(self, project: Project) -> None:
        self.path = project.output / CACHE_FILE
        try:
            self.entries: dict[str, dict[str, str]] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def fresh(self, job: Job, key: str) -> bool:
        entry = self.entries.get(str(job.output))
        if not entry or entry.get("key") != key or not job.output.is_file():
            return False
        # Never serve a file someone replaced or damaged since we wrote it.
        return hashlib.sha256(job.output.read_bytes()).hexdigest() == entry.get("sha256")

    def record(self, job: Job, key: str) -> None:
        self.entries[str(job.output)] = {
            "key": key,
            "sha256": hashlib.sha256(job.output.read_bytes()).hexdigest(),
        }

    def save(self) -> None:
        try:
            write_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode())
        except OSError:
            pass  # e.g. a full disk: an unsaved cache only costs a rebuild next time
