"""The Dask executor: run a batch of jobs on a Dask distributed cluster, write the files here.

`run_on_cluster` is the cluster counterpart of the process pool in `pipeline.run`.
It takes plain, picklable jobs (a tailored booklet, its brand, its settings) and
hands each to a worker together with the project's styles, which travel as bytes
(`Assets`, scattered once per batch and keyed by their hash), so workers need no
shared disk. A worker writes the styles once into its own scratch folder,
renders with the same `render_job` as a local build and returns the PDF bytes;
this process writes every file atomically and records the cache.

Each job is submitted with its cache key as the Dask key (`pure=True`), so a job
rescheduled after a worker died, or retried after an error, is the same
computation and its file is written exactly once. Workers must run the same
booklet, WeasyPrint and font versions as this process: `connect` refuses a
cluster that does not, naming both versions, and every job checks again on the
worker that runs it (a worker may join after the check).

Dask is an optional extra (`pip install 'booklet[cluster]'`): nothing here
imports it until a cluster is asked for.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BookletError, Exit, bug_message
from ..project import Project
from ..render.html import style_dirs
from .pipeline import Job, Result, failed_result, render_job, write_outputs

if TYPE_CHECKING:
    from distributed import Client

RETRIES = 2
"""How many times a job that raised is tried again (on any worker) before it is reported as failed."""
CONNECT_TIMEOUT = 20.0
"""Seconds to wait for a scheduler to answer and for its first worker."""
INSTALL_HINT = "pip install 'booklet[cluster]' on this computer and on every worker"


@dataclass(frozen=True)
class Assets:
    """The files a worker needs besides the job: every template and stylesheet the build reads.

    The project's styles folder and the package defaults are merged into one
    folder (the project's file wins, as in the template loader), so the output
    does not depend on the files a worker happens to have.
    """

    digest: str
    files: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project) -> Assets:
        files: dict[str, bytes] = {}
        for folder in style_dirs(project.styles):
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder).as_posix()
                if path.is_file() and "__pycache__" not in path.parts and relative not in files:
                    files[relative] = path.read_bytes()
        digest = hashlib.sha256()
        for name, data in sorted(files.items()):
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
        return cls(digest.hexdigest(), files)

    @property
    def key(self) -> str:
        """The Dask key of the scattered assets: their hash, so a batch with the same styles reuses them."""
        return f"booklet-assets-{self.digest}"


@dataclass(frozen=True)
class Rendered:
    """What a worker sends back for one job: the file's bytes, or why there is none."""

    data: bytes = b""
    pages: int = 0
    html: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""


def versions() -> dict[str, str]:
    """What must match between this process and every worker for the same output."""
    from importlib.metadata import PackageNotFoundError, version

    import weasyprint

    from .. import version as booklet_version

    try:
        font_version = version("fontpkg-noto-sans")
    except PackageNotFoundError:
        font_version = "not installed"
    # Read through the module, not a copy taken at import, so what is reported is what is installed now.
    return {
        "booklet": booklet_version.__version__,
        "WeasyPrint": weasyprint.__version__,
        "fontpkg-noto-sans": font_version,
    }


def mismatch(worker: str, theirs: dict[str, str], ours: dict[str, str]) -> str:
    """One sentence naming the first package whose version differs, or '' when they all match."""
    for name, mine in ours.items():
        if theirs.get(name) != mine:
            return (
                f"worker {worker} runs {name} {theirs.get(name, 'unknown')}, "
                f"but this computer runs {name} {mine}: every worker must run the same version"
            )
    return ""


# --- on the worker -------------------------------------------------------------------------

_lock = threading.Lock()
_roots: dict[str, Path] = {}


def _scratch() -> Path:
    """This worker's own scratch folder (Dask removes it with the worker); a private temp folder elsewhere."""
    try:
        from distributed import get_worker

        return Path(get_worker().local_directory)
    except (ImportError, ValueError):
        return Path(tempfile.mkdtemp(prefix="booklet-worker-"))


def materialise(assets: Assets) -> Project:
    """A project folder holding `assets`, written once per worker process and reused for every job."""
    with _lock:
        root = _roots.get(assets.digest)
        if root is None or not root.is_dir():
            scratch = _scratch()
            root = scratch / f"booklet-{assets.digest[:16]}"
            if not root.is_dir():
                partial = Path(tempfile.mkdtemp(prefix=".booklet-", dir=scratch))
                for name, data in assets.files.items():
                    path = partial / "styles" / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                (partial / "content").mkdir()
                try:
                    os.replace(partial, root)  # whole or not at all, should the worker die while writing
                except OSError:
                    shutil.rmtree(partial, ignore_errors=True)
            _roots[assets.digest] = root
    return Project(root=root, content=root / "content", styles=root / "styles", output=root / "output")


def render_on_worker(job: Job, assets: Assets, expected: dict[str, str]) -> Rendered:
    """Render one job on a worker and return its bytes; runs in the worker process.

    A problem with the job itself (BookletError) comes back as a Rendered with an
    error, since trying again cannot help. Anything else is raised, so Dask
    retries it, on another worker if need be.
    """
    problem = mismatch(_worker_name(), versions(), expected)
    if problem:
        return Rendered(error=problem)
    start = time.perf_counter()
    try:
        data, pages, html, warnings = render_job(replace(job, project=materialise(assets)))
    except BookletError as exc:
        return Rendered(error=str(exc))
    keep_html = job.settings.write_html and job.settings.edition != "web"
    return Rendered(data, pages, html if keep_html else "", warnings, time.perf_counter() - start)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "(not a worker)"


# --- on the client -----------------------------------------------------------------------


def _distributed() -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise BookletError.single(
            "--cluster needs Dask distributed, which is not installed", hint=INSTALL_HINT, code=Exit.USAGE
        ) from None


def local_workers(spec: str) -> int | None:
    """N for `local:N` (`local` alone: the core count); None for a scheduler address."""
    from .pipeline import default_workers

    if spec == "local":
        return default_workers()
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise BookletError.single(
                f"--cluster {spec}: the number of local workers must be a whole number of at least 1",
                hint="e.g. --cluster local:4",
                code=Exit.USAGE,
            )
        return int(count)
    if "://" not in spec:
        raise BookletError.single(
            f"--cluster {spec}: not a scheduler address",
            hint="give tcp://HOST:8786 for a running `dask scheduler`, or local:N for N processes here",
            code=Exit.USAGE,
        )
    return None


def check_spec(spec: str) -> None:
    """Refuse a malformed --cluster value, or Dask not installed, before any work is done."""
    local_workers(spec)
    _distributed()


@contextmanager
def connect(spec: str) -> Iterator[Client]:
    """A client of the cluster `spec` whose workers all run our versions; a local cluster is closed after."""
    import logging

    count = local_workers(spec)
    distributed = _distributed()
    if count is not None:
        with (
            distributed.LocalCluster(
                n_workers=count,
                threads_per_worker=1,  # one document cannot use two cores; processes can
                processes=True,
                host="127.0.0.1",  # reachable from this computer only
                # No dashboard, and its HTTP server on a free port rather than 8787, which may be taken.
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            ) as local,
            distributed.Client(local) as client,
        ):
            check_versions(client)
            yield client
        return
    try:
        client = distributed.Client(spec, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise BookletError.single(
            f"cannot reach the Dask scheduler at {spec} ({type(exc).__name__})",
            hint="start it with `dask scheduler` and check the address and port",
            code=Exit.RENDER,
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise BookletError.single(
                f"the Dask scheduler at {spec} has no workers",
                hint=f"start one on each machine with `dask worker {spec}`",
                code=Exit.RENDER,
            ) from None
        check_versions(client)
        yield client


def check_versions(client: Client) -> None:
    """Refuse a cluster with a worker whose booklet, WeasyPrint or font version differs from ours."""
    ours = versions()
    reported: dict[str, dict[str, str]] = client.run(versions)
    problems = [text for worker, theirs in sorted(reported.items()) if (text := mismatch(worker, theirs, ours))]
    if problems:
        raise BookletError.single(
            problems[0] + (f" (and {len(problems) - 1} more workers)" if len(problems) > 1 else ""),
            hint=f"pip install booklet=={ours['booklet']} on every worker, then restart it",
            code=Exit.RENDER,
        )


def run_on_cluster(
    spec: str,
    jobs: list[Job],
    keys: dict[Path, str],
    finished: Callable[[Job, Result], None],
    on_start: Callable[[Job], None] | None = None,
    retries: int = RETRIES,
) -> None:
    """Render `jobs` on the cluster `spec`; `finished` gets each job's Result once its file is written.

    `keys` are the cache keys by output path (the Dask keys). Jobs with the same
    key share one computation. Ctrl-C cancels every job not yet done; the files
    already written stay, complete, and no file is half-written.
    """
    if not jobs:
        return
    assets = Assets.of(jobs[0].project)  # plan() gives every job of a batch the same project
    expected = versions()
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(keys[job.output], []).append(job)
    distributed = _distributed()
    with connect(spec) as client:
        # Every worker gets a copy, so one dying does not lose the only one.
        shared = client.scatter({assets.key: assets}, broadcast=True)[assets.key]
        futures = {}
        for key, group in groups.items():
            for job in group:
                if on_start:
                    on_start(job)
            future = client.submit(
                render_on_worker, group[0], shared, expected, key=f"booklet-{key}", pure=True, retries=retries
            )
            futures[future] = group
        pending = set(futures)
        try:
            for future in distributed.as_completed(futures):
                pending.discard(future)
                for job in futures[future]:
                    finished(job, _collect(job, future, retries, distributed))
        except BaseException:
            client.cancel(list(pending), force=True)
            raise


def _collect(job: Job, future: Any, retries: int, distributed: Any) -> Result:
    """The Result of one finished future: its file written here, or why it failed."""
    if future.status == "finished":
        rendered: Rendered = future.result()
        if rendered.error:
            return failed_result(job, rendered.error)
        return write_outputs(job, rendered.data, rendered.pages, rendered.html, rendered.warnings, rendered.seconds)
    if future.status == "cancelled":
        return failed_result(job, "cancelled: the cluster stopped before this booklet was built")
    exc = future.exception()
    if isinstance(exc, distributed.KilledWorker):
        return failed_result(
            job, "every worker that tried this booklet died (out of memory?); the previous file is unchanged"
        )
    saved = _save_remote_traceback(job, exc, future.traceback())
    return failed_result(
        job,
        f"failed on every one of {retries + 1} tries ({type(exc).__name__}: {_short(str(exc))}); " + bug_message(saved),
        bug=True,
    )


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "…"


def _save_remote_traceback(job: Job, exc: BaseException, tb: Any) -> Path | None:
    """Keep a worker's traceback for a bug report, as a local build does (see errors.save_traceback)."""
    from ..errors import save_traceback

    try:
        raise exc.with_traceback(tb)
    except BaseException:
        return save_traceback(f"job on a Dask worker: {job.name} -> {job.output}")
