"""Build: plan the jobs for a request, skip what the cache says is unchanged, run the rest, write the files.

Owns the whole run of one request: which outputs (`plan`), their cache keys
(`Cache`, `cache_key`), the executor that runs them (one process, or a process
pool), atomic writes, and `build()` — the library entry point that needs no CLI.
It uses every stage below it (content, tailor, render, pdf) and must not import
`booklet.cli`.
"""

from .pipeline import Job, Result, build, cache_key, default_workers, output_path, plan, run, run_job

__all__ = ["Job", "Result", "build", "cache_key", "default_workers", "output_path", "plan", "run", "run_job"]
