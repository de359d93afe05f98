"""Benchmark part k: how full every edition's pages are, and what balancing them costs.

`.venv/bin/python bench/fill.py` (or part k of `make bench`) lays out every edition of the
default content and of a generated booklet of 40 organisations, prints the fill of each
page ('-' where a page is not a body page) and whether the edition meets the targets, then
times a cold `booklet build --force` of the default booklet balanced and unbalanced
(`BOOKLET_BALANCE=0`), paired runs, medians, ratio measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booklet.content.load import load_project_content  # noqa: E402
from booklet.jobs import plan  # noqa: E402
from booklet.jobs.work import lay_out_job  # noqa: E402
from booklet.pdf.fill import describe, meets_targets  # noqa: E402
from booklet.project import Project  # noqa: E402
from booklet.settings import Settings  # noqa: E402
from tests.many import FILL_EDITIONS  # noqa: E402

EDITIONS = {name: Settings(**fields) for name, fields in FILL_EDITIONS.items()}


def editions(root: Path, label: str) -> list[str]:
    """One line per edition (and audience) of the project at `root`: its fill and the verdict."""
    project = Project.locate(root / "content")
    loaded = load_project_content(project.content, project.root)
    jobs = [(name, plan(project, loaded, settings=s)[0]) for name, s in EDITIONS.items()]
    jobs += [(f"audience {j.name}", j) for j in plan(project, loaded, all_audiences=True)[1:]]
    lines = []
    for name, job in jobs:
        laid = lay_out_job(job)
        verdict = "meets" if meets_targets(laid.fills) else "MISSES"
        lines.append(
            f"   {label}, {name}: {verdict} the targets, {laid.layouts} layouts; fill % [{describe(laid.fills)}]"
        )
    return lines


def cost(runs: int, *options: str) -> tuple[list[float], list[float]]:
    """Paired cold builds of the default booklet with `options`: balanced, then unbalanced (seconds)."""
    bin_dir = Path(sys.executable).parent
    balanced, unbalanced = [], []
    with tempfile.TemporaryDirectory(prefix="booklet-bench-fill-") as tmp:
        work = Path(tmp)
        subprocess.run(["cp", "-r", str(ROOT / "content"), str(work / "content")], check=True)
        for _ in range(runs):
            for target, value in ((balanced, "1"), (unbalanced, "0")):
                env = {**os.environ, "BOOKLET_BALANCE": value}
                start = time.perf_counter()
                subprocess.run(
                    [str(bin_dir / "booklet"), "build", "--force", "-q", *options],
                    cwd=work,
                    env=env,
                    check=True,
                    capture_output=True,
                )
                target.append(time.perf_counter() - start)
    return balanced, unbalanced


def report(say, runs: int = 5) -> None:
    """Part k of `make bench`."""
    say("k. page fill of every edition (body pages ≥ 50 %, at most one in ten under 70 %):")
    with tempfile.TemporaryDirectory(prefix="booklet-bench-many-") as tmp:
        sys.path.insert(0, str(ROOT))
        from tests.many import many_project

        many = many_project(Path(tmp) / "many", 40, handout=False)
        for line in editions(ROOT, "default") + editions(many, "40 organisations"):
            say(line)
    for label, options, target in (
        ("the default booklet", (), True),
        ("large print A5 (the edition balancing works hardest on)", ("--large-print", "--format", "a5"), False),
    ):
        balanced, unbalanced = cost(runs, *options)
        ratio = statistics.median(balanced) / statistics.median(unbalanced)
        verdict = f" (target ≤ 1.3: {'met' if ratio <= 1.3 else 'NOT met'})" if target else ""
        say(
            f"   cold build of {label}: balanced median {statistics.median(balanced):.2f} s, "
            f"unbalanced {statistics.median(unbalanced):.2f} s over {runs} paired runs; ratio {ratio:.3f}{verdict}"
        )


if __name__ == "__main__":
    report(print, int(sys.argv[1]) if len(sys.argv) > 1 else 5)
