"""The Dask executor: run a batch of jobs on a Dask distributed cluster, write the files here.

`run_batch` is generic: it takes plain, picklable items (a frozen dataclass with a
`project` field: a tailored booklet, its brand, its settings) and a module-level
render function, and hands each item to a worker together with the project's
styles, which travel as bytes (`Assets`, scattered once per batch and keyed by
their hash), so workers need no shared disk. A worker writes the styles once
into its own scratch folder, renders with the same functions as a local build
and returns the PDF bytes; this process writes every file. `pool.run` uses it
for `--cluster` (atomic writes and the cache as in a local build). It imports
nothing from `pool`, so the two do not depend on each other in a cycle.

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
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..errors import BookletError, Exit, bug_message
from ..project import Project
from ..render.html import style_dirs
from .spec import ENCRYPTED, dask_config, import_distributed, local_workers, scheme, tls_security

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
"""An item of a batch: a frozen dataclass of plain data with a `project` field."""
R = TypeVar("R")
"""What rendering an item returns (plain data, e.g. PDF bytes)."""

RETRIES = 2
"""How many times a job that raised is tried again (on any worker) before it is reported as failed."""
CONNECT_TIMEOUT = 20.0
"""Seconds to wait for a scheduler to answer and for its first worker."""


@dataclass(frozen=True)
class Assets:
    """The files a worker needs besides the job: every template and stylesheet the build reads.

    The project's styles folder and the package defaults are merged into one
    folder (the project's file wins, as in the template loader), so the output
    does not depend on the files a worker happens to have.
    """

    digest: str
    files: dict[str, bytes] = field(default_factory=dict)
    own: frozenset[str] = frozenset()
    """The files that come from the project's own styles folder: an error in one is the project's to fix."""

    @classmethod
    def of(cls, project: Project) -> Assets:
        files: dict[str, bytes] = {}
        own: set[str] = set()
        folders = style_dirs(project.styles)
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder).as_posix()
                if path.is_file() and "__pycache__" not in path.parts and relative not in files:
                    files[relative] = path.read_bytes()
                    if len(folders) > 1 and folder == folders[0]:
                        own.add(relative)
        digest = hashlib.sha256()
        for name, data in sorted(files.items()):
            digest.update(f"{name}\0{len(data)}\0{'own' if name in own else ''}\0".encode())
            digest.update(data)
        return cls(digest.hexdigest(), files, frozenset(own))

    @property
    def key(self) -> str:
        """The Dask key of the scattered assets: their hash, so a batch with the same styles reuses them."""
        return f"booklet-assets-{self.digest}"


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What came of one item: the value its render function returned, or why there is none."""

    value: R | None = None
    error: str = ""
    bug: bool = False
    """The failure was an internal error (a traceback was saved), not a problem with the input."""
    seconds: float = 0.0
    code: int = Exit.RENDER
    """The exit code a failure calls for (a BookletError's own code)."""


def versions() -> dict[str, str]:
    """What must match between this process and every worker for the same output."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import version as booklet_version

    def installed(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    # The package metadata, not `import weasyprint`: the client never renders, so it need not pay
    # for that import. booklet's own is read through its module, so a worker reports what it runs.
    return {
        "booklet": booklet_version.__version__,
        "WeasyPrint": installed("weasyprint"),
        "fontpkg-noto-sans": installed("fontpkg-noto-sans"),
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
            from ..render.faults import register_own

            register_own(root / "styles", assets.own)  # the defaults merged in there are not the project's
    return Project(root=root, content=root / "content", styles=root / "styles", output=root / "output")


def run_on_worker(render: Callable[[T], R], item: T, assets: Assets, expected: dict[str, str]) -> Outcome[R]:
    """Run `render` on one item in a worker process, with the item's project pointed at the assets.

    A problem with the item itself (BookletError, or an error raised in one of the
    project's own templates) comes back as an Outcome with an error, since trying
    again cannot help. Anything else is raised, so Dask retries it, on another
    worker if need be.
    """
    problem = mismatch(_worker_name(), versions(), expected)
    if problem:
        return Outcome(error=problem)
    start = time.perf_counter()
    project = materialise(assets)
    try:
        value = render(replace(item, project=project))  # type: ignore[type-var]
    except BookletError as exc:
        return Outcome(error=str(exc), code=int(exc.code))
    except Exception as exc:
        from ..render.faults import template_fault

        fault = template_fault(exc, project.styles, assets.own)
        if fault is None:
            raise
        return Outcome(error=fault, code=int(Exit.CONTENT))
    return Outcome(value, seconds=time.perf_counter() - start)


def run_several_on_worker(
    render: Callable[[T], R], items: Sequence[T], assets: Assets, expected: dict[str, str]
) -> list[Outcome[R]]:
    """`run_on_worker` for each item in turn, in one task; raises as soon as one of them raises."""
    return [run_on_worker(render, item, assets, expected) for item in items]


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "(not a worker)"


# --- on the client -----------------------------------------------------------------------


IGNORE_SIGINT = (
    "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nfrom booklet.util import tune_gc\ntune_gc()\n"
)
"""Preload for local workers: Ctrl-C in the terminal reaches the whole process group, and only
this process should act on it (cancel, close the cluster), not every worker with a traceback. And
the collector tuned as in every process that renders: workers are forked from a server started
afresh, not from this process (1,000 copies measured 18 % slower per copy than a pool's before)."""


@contextmanager
def _ignoring_sigint() -> Iterator[None]:
    """SIGINT ignored while local workers are spawned (a spawned process keeps an ignored signal)."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    # Each of these wakes a worker's event loop, which then takes the GIL from the render in the
    # task thread. Checked every 20 ms, 100 ms and 500 ms by default; a render takes about a second.
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    # Dask starts workers with glibc's MALLOC_TRIM_THRESHOLD_ at 64 kB, to give memory back to the
    # system sooner; WeasyPrint allocates and frees so much that renders measured 3-17 % slower.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # Workers forked from one server process that has imported WeasyPrint and booklet once, instead
    # of each spawning a fresh interpreter that imports them again: start-up, the version check and
    # the first render each lost most of a second, and a forked worker exits without tearing down
    # every module (closing measured 0.1 s instead of 0.6-1.3 s). See docs/scale.md.
    "distributed.worker.multiprocessing-method": "forkserver",
}
"""Dask settings for a LocalCluster started here (a remote cluster keeps its own)."""

FORKSERVER_PRELOAD = ["distributed", "booklet.jobs.cluster", "booklet.pdf.weasy", "booklet.jobs.people"]
"""What the server that local workers are forked from imports once: Dask, and all a job needs."""


def _preload_forkserver() -> None:
    """Have the forkserver import FORKSERVER_PRELOAD (once per process, before it starts).

    Dask sets its own list (every optional package it knows, numpy included) the first time it
    starts a worker unless told it has done so; ours replaces it. If Dask renames that flag, its
    list wins and local workers only start more slowly.
    """
    import multiprocessing

    import distributed.utils

    multiprocessing.get_context("forkserver").set_forkserver_preload(FORKSERVER_PRELOAD)
    if hasattr(distributed.utils, "_forkserver_preload_set"):
        distributed.utils._forkserver_preload_set = True


@contextmanager
def connect(spec: str) -> Iterator[Client]:
    """A client of the cluster `spec` whose workers all run our versions; a local cluster is closed after."""
    import logging

    count = local_workers(spec)
    distributed = import_distributed()
    if count is not None:
        # Workers spawned now inherit the ignored SIGINT; a Ctrl-C in this second or two is lost.
        # Dask's statistical profiler samples each worker's stack every 10 ms while it holds the GIL:
        # a render measured 20-30 % slower with it. Nannies keep this config for workers they restart.
        with _ignoring_sigint(), dask_config().set(LOCAL_WORKER_CONFIG):
            _preload_forkserver()
            local = distributed.LocalCluster(
                n_workers=count,
                threads_per_worker=1,  # one document cannot use two cores; processes can
                processes=True,
                host="127.0.0.1",  # reachable from this computer only
                # No dashboard, and its HTTP server on a free port rather than 8787, which may be taken.
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
                # A worker's errors reach us as its task's outcome; its log would only add noise, such as
                # a heartbeat to the scheduler that a Ctrl-C has just closed.
                silence_logs=logging.CRITICAL,
                preload=[IGNORE_SIGINT],  # so does a worker restarted after dying
            )
        with local, distributed.Client(local) as client:
            check_versions(client)
            yield client
        return
    security = tls_security(spec) if scheme(spec) in ENCRYPTED else None
    try:
        client = distributed.Client(spec, timeout=CONNECT_TIMEOUT, security=security)
    except (OSError, TimeoutError) as exc:
        hint = "start it with `dask scheduler` and check the address and port"
        if security is not None:
            hint += ", and that its certificate is signed by the CA in Dask's TLS settings here"
        raise BookletError.single(
            f"cannot reach the Dask scheduler at {spec} ({type(exc).__name__})", hint=hint, code=Exit.RENDER
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


def run_batch(
    spec: str,
    items: Sequence[T],
    keys: Sequence[str],
    render: Callable[[T], R],
    done: Callable[[T, Outcome[R]], None],
    on_start: Callable[[T], None] | None = None,
    retries: int = RETRIES,
    label: Callable[[T], str] = str,
    per_task: int = 1,
) -> None:
    """Run `render(item)` for every item on the cluster `spec`; `done(item, outcome)` here, once per item.

    The generic executor: an item is a frozen dataclass of plain data with a
    `project` field (a `Job`, a personal copy's job…); on the worker that field
    points at a folder holding the project's styles, so `render` can read them.
    `render` must be a module-level function (it is pickled by name) returning
    plain data, such as PDF bytes: `done` writes the files, here. `keys` are the
    items' cache keys, used as Dask keys: items with the same key share one
    computation, and a job rescheduled after a worker died is the same job.
    `label` names an item in a saved traceback. Ctrl-C cancels every item not
    yet done; `done` has been called for each one that finished.

    `per_task` > 1 sends up to that many items in one task while many remain, fewer
    towards the end and one at a time for the last ones, so no worker is left with a long
    task when the others have finished. It is for items of a fraction of a second: Dask's
    own work for each task, here and on the worker, is a few milliseconds. A task of several
    items that fails is sent again item by item, so each item's outcome (its retries, a
    worker dying, the error reported) is the one it would have had alone.
    """
    if not items:
        return
    assets = Assets.of(items[0].project)  # type: ignore[attr-defined]
    expected = versions()
    groups: dict[str, list[T]] = {}
    for item, key in zip(items, keys, strict=True):
        groups.setdefault(key, []).append(item)
    distributed = import_distributed()
    with connect(spec) as client:
        # Every worker gets a copy, so one dying does not lose the only one.
        shared = client.scatter({assets.key: assets}, broadcast=True)[assets.key]
        queue = list(groups.items())
        position = 0
        threads = sum(client.nthreads().values())
        in_flight: dict[Any, list[tuple[str, list[T]]]] = {}
        completed = distributed.as_completed()

        def submit(batch: list[tuple[str, list[T]]], again: bool = False) -> None:
            if on_start and not again:
                for _key, group in batch:
                    for item in group:
                        on_start(item)
            future: Any
            if len(batch) == 1:
                key, group = batch[0]
                future = client.submit(
                    run_on_worker, render, group[0], shared, expected, key=f"booklet-{key}", pure=True, retries=retries
                )
            else:
                joined = hashlib.sha256("\n".join(key for key, _group in batch).encode()).hexdigest()
                firsts = [group[0] for _key, group in batch]
                # No retries: a failed task of several items is sent again item by item (below).
                future = client.submit(run_several_on_worker, render, firsts, shared, expected, key=f"booklet-{joined}")
            in_flight[future] = batch
            completed.add(future)

        def submit_next() -> None:
            nonlocal position
            size = max(1, min(per_task, (len(queue) - position) // (4 * threads)))
            if position < len(queue):
                submit(queue[position : position + size])
                position += size

        # A window of jobs per worker thread, not the whole batch: with 35,000 copies the scheduler
        # would otherwise hold every tailored booklet, and the workers every PDF until it is written.
        for _ in range(window(threads)):
            submit_next()
        try:
            for future in completed:
                batch = in_flight.pop(future)
                if len(batch) > 1 and future.status != "finished":
                    future.release()
                    for one in batch:
                        submit([one], again=True)
                    continue
                if len(batch) > 1:
                    outcomes: list[Outcome[R]] = future.result()
                else:
                    outcomes = [_outcome(future, retries, distributed, label(batch[0][1][0]))]
                for (_key, group), outcome in zip(batch, outcomes, strict=True):
                    for item in group:
                        done(item, outcome)
                future.release()  # the worker may drop the bytes: the files are on disk
                submit_next()
        except BaseException:
            client.cancel(list(in_flight), force=True)
            raise


def window(threads: int) -> int:
    """How many jobs to keep submitted at once: enough to keep every one of the cluster's worker
    threads busy between answers."""
    return max(8, 4 * threads)


def _outcome(future: Any, retries: int, distributed: Any, label: str) -> Outcome[Any]:
    """What a finished future brought: the worker's Outcome, or why it has none."""
    if future.status == "finished":
        outcome: Outcome[Any] = future.result()
        return outcome
    if future.status == "cancelled":
        return Outcome(error="cancelled: the cluster stopped before this was built")
    exc = future.exception()
    if isinstance(exc, distributed.KilledWorker):
        return Outcome(error="every worker that tried this died (out of memory?); the previous file is unchanged")
    saved = _save_remote_traceback(label, exc, future.traceback())
    return Outcome(
        error=f"failed on every one of {retries + 1} tries ({type(exc).__name__}: {_short(str(exc))}); "
        + bug_message(saved),
        bug=True,
    )


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "…"


def _save_remote_traceback(label: str, exc: BaseException, tb: Any) -> Path | None:
    """Keep a worker's traceback for a bug report, as a local build does (see errors.save_traceback)."""
    from ..errors import save_traceback

    try:
        raise exc.with_traceback(tb)
    except BaseException:
        return save_traceback(f"job on a Dask worker: {label}")
