"""Jobs: plan the output files of a request, skip what the cache says is unchanged, run the rest, write them.

Owns the whole run of one request, one module per concern: which outputs and their names
(`plan`), their cache keys (`cache`), what one job does (`work`: render, then write
atomically), the executors that run jobs (`pool`: this process or a process pool;
`cluster`: a Dask cluster), the handout's fit (`fit`), personal copies from a class list
(`people`), and `build()` (`api`), the library entry point that needs no CLI.
It uses every stage below it (content, adapters, tailor, render, pdf) and must not import
`booklet.cli`.
"""

from .api import build
from .cache import cache_key
from .plan import Job, Result, output_path, plan
from .pool import default_workers, run
from .work import run_job

__all__ = ["Job", "Result", "build", "cache_key", "default_workers", "output_path", "plan", "run", "run_job"]
