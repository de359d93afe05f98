"""Benchmark parts that compare ways of running a batch: b (`--jobs 2` against `--jobs 1`), g (a
two-worker Dask LocalCluster against the two-process pool on 51 booklets) and l (the same on a
class list of personal copies, 1,000 by default), and `--repeat K`: a part run K times in a row,
with whether its target was met in every one of those consecutive runs. Used by run.py
(`--only parallel`, `--only cluster`, `--only people-cluster`).
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from common import BOOKLET, Timing, class_list, project_copy, timed, timed_output, verdict

Say = Callable[[str], None]
DATE = "2026-11-29"  # a fixed cover date, as in part i


def bench_parallel(work: Path, runs: int) -> tuple[Timing, Timing]:
    """b. All audiences with one worker vs two."""
    project = project_copy(work / "parallel")
    one, two = [], []
    for _ in range(runs):
        one.append(timed([BOOKLET, "build", "--all", "--force", "--jobs", "1", "-q"], project))
        two.append(timed([BOOKLET, "build", "--all", "--force", "--jobs", "2", "-q"], project))
    return Timing("build --all --jobs 1", one), Timing("build --all --jobs 2", two)


def report_parallel(work: Path, args: argparse.Namespace, say: Say) -> tuple[float, float]:
    """Prints part b; returns its ratio and target."""
    one, two = bench_parallel(work, args.runs)
    ratio = two.median / one.median
    say(f"b. {one}\n   {two}\n   ratio jobs 2 ÷ jobs 1 = {ratio:.3f} (target ≤ 0.6: {verdict(ratio <= 0.6)})")
    return ratio, 0.6


def batch_project(where: Path, copies: int) -> tuple[Path, int]:
    """A project whose audiences are repeated `copies` times, each copy with its own cover line.

    The copies differ in text, so every booklet has its own cache key and is really
    rendered (the cluster would compute identical jobs once). Returns the folder and the
    number of booklets `build --all` makes.
    """
    import yaml

    project = project_copy(where)
    path = project / "content" / "audiences.yaml"
    audiences = yaml.safe_load(path.read_text())["audiences"]
    more = [
        audience
        | {
            "id": f"{audience['id']}-{copy}",
            "output": audience["output"].replace(".pdf", f"-{copy}.pdf"),
            "cover_line": f"{audience['cover_line']}, copy {copy}",
        }
        for copy in range(2, copies + 1)
        for audience in audiences
    ]
    path.write_text(yaml.safe_dump({"audiences": audiences + more}, sort_keys=False))
    return project, len(audiences) * copies + 1


def bench_cluster(work: Path, runs: int, copies: int) -> tuple[Timing, Timing, int, int]:
    """g. The same batch on a two-worker Dask LocalCluster against the two-process pool, alternating."""
    from pypdf import PdfReader

    project, booklets = batch_project(work / "cluster", copies)
    cluster, pool = [], []
    for _ in range(runs):
        cluster.append(timed([BOOKLET, "build", "--all", "--force", "-q", "--cluster", "local:2"], project))
        pool.append(timed([BOOKLET, "build", "--all", "--force", "-q", "--jobs", "2"], project))
    pages = sum(len(PdfReader(path).pages) for path in (project / "output").glob("*.pdf"))
    return Timing("build --all --cluster local:2", cluster), Timing("build --all --jobs 2", pool), booklets, pages


def report_cluster(work: Path, args: argparse.Namespace, say: Say) -> tuple[float, float]:
    """Prints part g; returns its ratio and target."""
    cluster, pool, booklets, pages = bench_cluster(work, args.cluster_runs, args.copies)
    ratio = cluster.median / pool.median
    say(f"g. batch of {booklets} booklets, {pages} pages (every audience {args.copies} times):")
    say(f"   {cluster}\n   {pool}")
    say(f"   ratio cluster local:2 ÷ jobs 2 = {ratio:.3f} (target ≤ 1.15: {verdict(ratio <= 1.15)})")
    per_worker = booklets / cluster.median / 2
    say(
        f"   throughput per worker on the cluster: {per_worker:.2f} booklets/s, "
        f"{pages / cluster.median / 2:.2f} pages/s (start-up and shutdown included)"
    )
    return ratio, 1.15


def personalised(project: Path, command: list[str], students: int) -> tuple[float, int]:
    """Seconds of one `personalise` run into an empty output/people/, and the pages of its copies.

    Stops the benchmark unless every copy was built and written here (one line per copy names
    its file and pages; the summary counts them).
    """
    shutil.rmtree(project / "output" / "people", ignore_errors=True)
    seconds, printed = timed_output(command, project)
    pages = [int(n) for n in re.findall(r"^output/people/B\d+\.pdf: (\d+) pages$", printed, flags=re.M)]
    written = len(list((project / "output" / "people").glob("B*.pdf")))
    if len(pages) != students or written != students or f"{students} built, 0 unchanged, 0 failed" not in printed:
        raise SystemExit(f"{' '.join(command)}: expected {students} copies built, {written} written:\n{printed}")
    return seconds, sum(pages)


def bench_people_cluster(work: Path, students: int, runs: int) -> tuple[Timing, Timing, int]:
    """l. Personal copies of a class list on a two-worker Dask LocalCluster against the two-process
    pool, alternating, each run from an empty output folder and with --force (nothing cached)."""
    project = project_copy(work / "people-cluster")
    people = class_list(project / "people.csv", students)
    command = [BOOKLET, "personalise", "--force", "--date", DATE, str(people)]
    cluster, pool, pages = [], [], 0
    for _ in range(runs):
        seconds, pages = personalised(project, [*command, "--cluster", "local:2"], students)
        cluster.append(seconds)
        seconds, pages = personalised(project, [*command, "--jobs", "2"], students)
        pool.append(seconds)
    return Timing("personalise --cluster local:2", cluster), Timing("personalise --jobs 2", pool), pages


def report_people_cluster(work: Path, args: argparse.Namespace, say: Say) -> tuple[float, float]:
    """Prints part l; returns its ratio and target."""
    cluster, pool, pages = bench_people_cluster(work, args.people_copies, args.cluster_runs)
    ratio = cluster.median / pool.median
    say(f"l. personal copies on a cluster, {args.people_copies} students over 3 audiences, {pages} pages:")
    say(f"   {cluster}\n   {pool}")
    say(f"   ratio cluster local:2 ÷ jobs 2 = {ratio:.3f} (target ≤ 1.05: {verdict(ratio <= 1.05)})")
    say(
        f"   per copy: {cluster.median / args.people_copies:.3f} s on the cluster, "
        f"{pool.median / args.people_copies:.3f} s with --jobs 2 (start-up and shutdown included)"
    )
    return ratio, 1.05


PARTS = {"parallel": report_parallel, "cluster": report_cluster, "people-cluster": report_people_cluster}


def repeated(part: str, work: Path, args: argparse.Namespace, say: Say) -> None:
    """Part `part` run `args.repeat` times one after another, each in a folder of its own (removed after),
    then whether its target was met in every one of these consecutive runs."""
    report, ratios, target = PARTS[part], [], 0.0
    for run in range(1, args.repeat + 1):
        if args.repeat > 1:
            say(f"run {run} of {args.repeat}:")
        folder = work / f"{part}-{run}"
        folder.mkdir()
        ratio, target = report(folder, args, say)
        shutil.rmtree(folder, ignore_errors=True)
        ratios.append(ratio)
    if args.repeat > 1:
        met = sum(ratio <= target for ratio in ratios)
        say(
            f"{args.repeat} consecutive runs: ratios {', '.join(f'{r:.3f}' for r in ratios)}; target ≤ {target} "
            f"met in {met} of {args.repeat} (in all {args.repeat} consecutive runs: {verdict(met == args.repeat)})"
        )
