"""Running jobs: skip what the cache says is unchanged, build the rest here or in a process pool
(or hand them to `cluster.py`), write every file and record the keys; and the process pool itself,
which stops at once on Ctrl-C and leaves no temporary folder behind.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..errors import Exit, Interrupted
from .cache import Cache, cache_key, environment_key
from .plan import Job, Result
from .work import attempt, failed_result, render_for_file, run_job, stamp, write_attempt, write_outputs

T = TypeVar("T")
R = TypeVar("R")

STOP_SECONDS = 1.0
"""How long stopped workers may take to end before they are killed (they end at once: nothing to clean)."""


def pool_context() -> multiprocessing.context.BaseContext:
    # fork shares the already imported WeasyPrint with the workers; spawn would re-import it.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _worker_start(scratch: str) -> None:
    """Set up one pool worker.

    Ctrl-C in a terminal reaches the whole process group; only the parent decides what it
    means, so workers ignore it, and the parent ends them with SIGTERM's default action (at
    once, whatever Python code is running: a handler raising SystemExit can be swallowed by a
    finaliser). That is safe because workers only render; the parent writes every file.
    Every temporary file or folder a worker makes goes into `scratch`, which the parent
    removes: WeasyPrint keeps a `weasyprint-*` folder of @font-face fonts per FontConfiguration
    and removes it only when the object is collected, which never happens in a worker process.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch


class Pool:
    """A process pool (see `process_pool`); `submit` runs one function on one item in a worker."""

    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self.executor = executor

    def submit(self, function: Callable[[T], R], item: T) -> Future[R]:
        return self.executor.submit(function, item)

    def stop(self) -> None:
        """Drop every job not yet started and end the workers now (killing any that do not end in time)."""
        # No public way to reach the workers before Python 3.14 (terminate_workers): the pool's own table.
        workers: list[Any] = list(getattr(self.executor, "_processes", {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join()


@contextmanager
def process_pool(workers: int) -> Iterator[Pool]:
    """A process pool of `workers` that stops within `STOP_SECONDS` on Ctrl-C (or any error in the
    caller) without waiting for the jobs still queued, and removes every temporary file its workers made."""
    from ..pdf import weasy  # noqa: F401 - imported once here, inherited by forked workers

    scratch = tempfile.mkdtemp(prefix="booklet-pool-")
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=pool_context(), initializer=_worker_start, initargs=(scratch,)
    )
    pool = Pool(executor)
    try:
        yield pool
    except BaseException:
        pool.stop()
        raise
    else:
        executor.shutdown(wait=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(
    jobs: list[Job],
    workers: int = 1,
    force: bool = False,
    on_start: Callable[[Job], None] | None = None,
    on_done: Callable[[Result], None] | None = None,
    cluster: str | None = None,
) -> list[Result]:
    """Build the jobs that are not up to date; returns one Result per job, in job order.

    `cluster` sends them to a Dask scheduler (`tcp://host:8786`) or a new local
    cluster (`local` or `local:N`) instead of this machine's processes; see
    `booklet.jobs.cluster`. Either way the files are written here, atomically.
    """
    if not jobs:
        return []
    cache = Cache(jobs[0].project)
    environment = environment_key(jobs[0].project)  # plan() gives every job the same project
    keys = {job.output: cache_key(job, environment) for job in jobs}
    results: dict[Path, Result] = {}
    todo = []
    for job in jobs:
        if not force and cache.fresh(job, keys[job.output]):
            results[job.output] = Result(
                job.output, job.name, status="unchanged", size=job.output.stat().st_size, audience=job.audience
            )
            if on_done:
                on_done(results[job.output])
        else:
            todo.append(job)

    def finished(job: Job, result: Result) -> None:
        results[job.output] = result
        if result.status == "built":
            cache.record(job, keys[job.output])
        if on_done:
            on_done(result)

    workers = max(1, min(workers, len(todo)))
    before = {job.output: stamp(job.output) for job in todo}
    try:
        if cluster is not None and todo:
            _run_on_cluster(cluster, todo, keys, finished, on_start)
        elif workers == 1:
            for job in todo:
                if on_start:
                    on_start(job)
                finished(job, run_job(job))
        else:
            with process_pool(workers) as pool:
                futures = {}
                for job in todo:
                    if on_start:
                        on_start(job)
                    futures[pool.submit(attempt, job)] = job
                for future in as_completed(futures):
                    job = futures.pop(future)
                    finished(job, write_attempt(job, future.result()))
    except KeyboardInterrupt:
        # Each file is replaced atomically, so every output is either complete and new or
        # exactly as it was; which one is read from the disk, not from what we managed to hear.
        written = [job.output for job in todo if stamp(job.output) != before[job.output]]
        raise Interrupted(written, [job.output for job in todo if job.output not in written]) from None
    finally:
        cache.save()
    return [results[job.output] for job in jobs]


def _run_on_cluster(
    spec: str,
    jobs: list[Job],
    keys: dict[Path, str],
    finished: Callable[[Job, Result], None],
    on_start: Callable[[Job], None] | None,
) -> None:
    """Render `jobs` on the Dask cluster `spec`; write each file here, then call `finished`."""
    from .cluster import Outcome, run_batch

    def done(job: Job, outcome: Outcome[tuple[bytes, int, str, list[str]]]) -> None:
        if outcome.value is None:
            finished(job, failed_result(job, outcome.error, outcome.bug, Exit(outcome.code)))
            return
        data, pages, html, warnings = outcome.value
        finished(job, write_outputs(job, data, pages, html, warnings, outcome.seconds))

    run_batch(
        spec,
        jobs,
        [keys[job.output] for job in jobs],
        render_for_file,
        done,
        on_start,
        label=lambda job: f"{job.name} -> {job.output}",
    )


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
