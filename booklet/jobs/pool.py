"""Running jobs: skip what the cache says is unchanged, build the rest here or in a process pool
(or hand them to `cluster.py`), write every file and record the keys.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..errors import Exit, Interrupted
from .cache import Cache, cache_key, environment_key
from .plan import Job, Result
from .work import failed_result, render_for_file, run_job, stamp, write_outputs


def pool_context() -> multiprocessing.context.BaseContext:
    # fork shares the already imported WeasyPrint with the workers; spawn would re-import it.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


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
            from ..pdf import weasy  # noqa: F401 - imported once here, inherited by forked workers

            with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
                futures = {}
                for job in todo:
                    if on_start:
                        on_start(job)
                    futures[pool.submit(run_job, job)] = job
                for future in as_completed(futures):
                    finished(futures[future], future.result())
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
