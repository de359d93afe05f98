"""Benchmark of booklet: overhead over WeasyPrint, parallel audiences, cache, scale, watch, directory, cluster,
serve, personal copies (also on a cluster), one student's plan (bench/plans.py), page fill (bench/fill.py).

Run with `make bench` (or `.venv/bin/python bench/run.py --runs 5`). It prints every figure
and writes docs/benchmarks.md plus docs/bench-scale.png. Every ratio is computed from
medians measured in this one run, since the machines are shared and noisy. Parts b, g and l
(bench/batches.py) run alone with `--only parallel|cluster|people-cluster`, K times in a row
with `--repeat K`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fill  # bench/fill.py: k. page fill
from batches import repeated, report_cluster, report_parallel, report_people_cluster  # b, g, l
from common import BOOKLET, PEOPLE_AUDIENCES, ROOT, WEASYPRINT, Timing, class_list, project_copy, timed, verdict
from plans import bench_plans  # bench/plans.py: j. one student's plan (cold and through serve)


def peak_rss_mb(command: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of a command, measured by GNU time's %M if present."""
    wrapper = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else None
    if wrapper is None:
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        seconds = timed(command, cwd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return seconds, max(after, before) / 1024
    start = time.perf_counter()
    done = subprocess.run(wrapper + command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    import weasyprint

    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; WeasyPrint {weasyprint.__version__}"
    )


def bench_overhead(work: Path, runs: int) -> tuple[Timing, Timing, int, float, float]:
    """a. Cold CLI build vs weasyprint on the HTML our tool printed (same variant, forms), paired runs.

    Also the median peak resident memory of each (GNU time's %M), in MB.
    """
    project = project_copy(work / "overhead")
    html = project / "output" / "booklet.print.html"  # what --html writes beside booklet.pdf
    timed([BOOKLET, "build", "--force", "-o", "output/booklet.pdf", "--html"], project)
    ours, theirs, our_peaks, their_peaks = [], [], [], []
    for _ in range(runs):
        seconds, peak = peak_rss_mb([BOOKLET, "build", "--force", "-o", "output/booklet.pdf"], project)
        ours.append(seconds)
        our_peaks.append(peak)
        seconds, peak = peak_rss_mb(
            [WEASYPRINT, "--pdf-variant", "pdf/ua-1", "--pdf-forms", str(html), "output/plain.pdf"], project
        )
        theirs.append(seconds)
        their_peaks.append(peak)
    from pypdf import PdfReader

    pages = len(PdfReader(project / "output" / "booklet.pdf").pages)
    return (
        Timing("booklet build (CLI, cold)", ours),
        Timing("weasyprint CLI on the same HTML", theirs),
        pages,
        statistics.median(our_peaks),
        statistics.median(their_peaks),
    )


def bench_cache(work: Path, runs: int) -> tuple[Timing, Timing]:
    """c. A no-change rebuild vs a full build (both of all audiences, one worker)."""
    project = project_copy(work / "cache")
    full, again = [], []
    for _ in range(runs):
        full.append(timed([BOOKLET, "build", "--all", "--force", "--jobs", "1", "-q"], project))
        again.append(timed([BOOKLET, "build", "--all", "--jobs", "1", "-q"], project))
    return Timing("full build --all", full), Timing("no-change rebuild --all", again)


def bench_people(work: Path, students: int, runs: int) -> dict[str, float]:
    """i. Personal copies: seconds per copy (assembled and whole, --jobs 2) against one full build
    of the same booklet, and peak memory at a quarter of the students and at all of them."""
    project = project_copy(work / "people")
    people = class_list(project / "people.csv", students)
    quarter = class_list(project / "quarter.csv", max(3, students // 4))
    audiences = [a for name in PEOPLE_AUDIENCES for a in ("--audience", name)]
    full = []
    for _ in range(runs):
        full.append(timed([BOOKLET, "build", *audiences, "--force", "--jobs", "1", "-q"], project) / 3)
    command = [BOOKLET, "personalise", "--force", "--jobs", "2", "-q", "--date", "2026-11-29"]
    split, split_peak = peak_rss_mb([*command, str(people)], project)
    _s, quarter_peak = peak_rss_mb([*command, str(quarter)], project)
    os.environ["BOOKLET_PERSONAL_RENDER"] = "whole"
    try:
        whole, _peak = peak_rss_mb([*command, str(people)], project)
    finally:
        del os.environ["BOOKLET_PERSONAL_RENDER"]
    return {
        "full": statistics.median(full),
        "full_runs": len(full),
        "split": split / students,
        "whole": whole / students,
        "peak": split_peak,
        "quarter_peak": quarter_peak,
        "students": students,
    }


def report_people(say, r: dict[str, float]) -> None:
    ratio, whole = r["split"] / r["full"], r["whole"] / r["full"]
    say(
        f"i. personal copies, {r['students']:.0f} students over 3 audiences, --jobs 2 (ratios from this one run):\n"
        f"   one full build of the same booklet: median {r['full']:.2f} s over {r['full_runs']:.0f} runs\n"
        f"   assembled (shared pages once, cover and plan per student): {r['split']:.3f} s per copy, "
        f"ratio {ratio:.3f} (target ≤ 0.25: {verdict(ratio <= 0.25)})\n"
        f"   each copy laid out whole: {r['whole']:.3f} s per copy, ratio {whole:.3f}\n"
        f"   peak memory {r['quarter_peak']:.0f} MB at {r['students'] // 4:.0f} students, {r['peak']:.0f} MB at "
        f"{r['students']:.0f} (target flat, within 20 %: {verdict(r['peak'] <= 1.2 * r['quarter_peak'])})"
    )


def synthetic_project(where: Path, organisations: int) -> Path:
    """A copy of the default project with `organisations` generated organisation files."""
    project = project_copy(where)
    (project / "content" / "audiences.yaml").unlink()  # audiences name the real organisations
    folder = project / "content" / "organisations"
    templates = sorted(folder.glob("*.yaml"))
    texts = [t.read_text() for t in templates]
    for path in templates:
        path.unlink()
    for index in range(organisations):
        text = re.sub(r"^id: .*\n", "", texts[index % len(texts)], flags=re.M)
        text = re.sub(r"^name: (.*)$", rf"name: \1 {index + 1}", text, count=1, flags=re.M)
        text = re.sub(r"^order: .*$", f"order: {index}", text, count=1, flags=re.M)
        (folder / f"org-{index:04d}.yaml").write_text(text)
    return project


def bench_scale(work: Path, sizes: list[int], runs: int) -> list[dict[str, float]]:
    """d. Seconds per page and peak memory for synthetic projects of growing size."""
    from pypdf import PdfReader

    rows = []
    for size in sizes:
        project = synthetic_project(work / f"scale-{size}", size)
        seconds, peaks = [], []
        for _ in range(runs):
            elapsed, peak = peak_rss_mb([BOOKLET, "build", "--force", "-o", "output/scale.pdf"], project)
            seconds.append(elapsed)
            peaks.append(peak)
        pages = len(PdfReader(project / "output" / "scale.pdf").pages)
        median = statistics.median(seconds)
        rows.append(
            {
                "organisations": size,
                "pages": pages,
                "seconds": median,
                "per_page": median / pages,
                "peak_mb": max(peaks),
            }
        )
        print(
            f"  scale {size:>4} organisations: {pages} pages, {median:.1f} s, "
            f"{median / pages:.3f} s/page, peak {max(peaks):.0f} MB",
            flush=True,
        )
    return rows


def many_project(where: Path, organisations: int, profiles: str) -> Path:
    """tests/many.py's generated project (long, Welsh and ampersand names) with `profiles` set in booklet.yaml."""
    sys.path.insert(0, str(ROOT))
    from tests.many import many_project as make

    project = make(where, organisations, handout=False)
    frame = project / "content" / "booklet.yaml"
    frame.write_text(frame.read_text() + f"profiles: {profiles}\n")
    return project


def organisation_pages(pdf: Path) -> int:
    """Pages printing at least one generated organisation's address."""
    from pypdf import PdfReader

    texts = [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(pdf).pages]
    return sum("example-organisation-" in text for text in texts)


def bench_directory(work: Path, sizes: list[int], runs: int) -> list[str]:
    """f. Pages and seconds of the directory layout (cold CLI builds), and cards vs directory pages."""
    from pypdf import PdfReader

    lines = []
    for size in sizes:
        project = many_project(work / f"directory-{size}", size, "directory")
        seconds = [timed([BOOKLET, "build", "--force", "-q", "-o", "output/d.pdf"], project) for _ in range(runs)]
        pdf = project / "output" / "d.pdf"
        pages, median = len(PdfReader(pdf).pages), statistics.median(seconds)
        org_pages = organisation_pages(pdf)
        lines.append(
            f"  directory {size:>4} organisations: {pages} pages ({org_pages} of organisations, "
            f"{size / org_pages:.1f} a page), {median:.1f} s, {median / pages:.3f} s/page"
        )
        print(lines[-1], flush=True)
    lines.append("  organisation pages, cards vs directory (why auto switches above 12):")
    for size in (6, 9, 12, 13, 18, 26):
        counts = []
        for profiles in ("cards", "directory"):
            project = many_project(work / f"threshold-{size}-{profiles}", size, profiles)
            subprocess.run(
                [BOOKLET, "build", "--force", "-q", "-o", "output/t.pdf"], cwd=project, check=True, capture_output=True
            )
            counts.append(organisation_pages(project / "output" / "t.pdf"))
        lines.append(f"    {size:>3} organisations: cards {counts[0]} pages, directory {counts[1]} pages")
        print(lines[-1], flush=True)
    return lines


def bench_watch(work: Path, runs: int) -> tuple[Timing, Timing]:
    """e. Time from an edit to the new PDF in watch mode vs the render time alone."""
    project = project_copy(work / "watch")
    process = subprocess.Popen(
        [BOOKLET, "watch", "--default"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    latencies, renders = [], []

    def next_line(timeout: float = 60) -> str:
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            raise SystemExit(f"watch printed nothing for {timeout:.0f} s")
        return process.stdout.readline()

    try:
        line = ""
        while not line.startswith("watching"):
            line = next_line()
            if not line:
                raise SystemExit("watch ended early")
        booklet = project / "content" / "booklet.yaml"
        original = booklet.read_text()
        for run in range(runs):
            booklet.write_text(original.replace("strapline: ", f"strapline: Edit {run}. ", 1))
            start = time.perf_counter()
            line = next_line()
            latencies.append(time.perf_counter() - start)
            match = re.search(r"in (\d+\.\d+) s", line)
            if not match:
                raise SystemExit(f"unexpected watch output: {line!r}")
            renders.append(float(match.group(1)))
            time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(10)
    return Timing("watch: edit → new PDF", latencies), Timing("render alone (as reported)", renders)


def bench_serve(work: Path, runs: int) -> tuple[Timing, Timing]:
    """h. Edit → new PDF through `booklet serve` (WeasyPrint stays loaded) vs the weasyprint
    command on the same HTML. Both are measured here, interleaved, in this one run."""
    import json
    import urllib.request

    project = project_copy(work / "serve")
    html = project / "output" / "booklet.print.html"  # what --html writes beside booklet.pdf
    timed([BOOKLET, "build", "--force", "-o", "output/booklet.pdf", "--html"], project)
    process = subprocess.Popen(
        [BOOKLET, "serve", "--port", "0"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    served, theirs, waits = [], [], []
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        if not match:
            raise SystemExit(f"serve did not start: {line!r}")
        url = f"http://127.0.0.1:{match.group(1)}/state"
        # The printed address holds a secret, swapped for a session cookie on first use.
        import http.cookiejar

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        opener.open(f"{url}?token={match.group(2)}", timeout=30).close()

        def state() -> dict:
            with opener.open(url, timeout=30) as response:
                return json.load(response)

        def wait(condition, timeout: float = 120) -> dict:
            deadline = time.perf_counter() + timeout
            while time.perf_counter() < deadline:
                current = state()
                if condition(current):
                    return current
                time.sleep(0.02)
            raise SystemExit("serve did not rebuild in time")

        last = wait(lambda s: not s["building"] and s["pdf_built_at"])["pdf_built_at"]
        booklet = project / "content" / "booklet.yaml"
        original = booklet.read_text()
        for run in range(runs):
            time.sleep(0.5)
            booklet.write_text(original.replace("strapline: ", f"strapline: Edit {run}. ", 1))
            start = time.perf_counter()
            edited_at = time.time()
            current = wait(lambda s, last=last: s["pdf_built_at"] > last)
            served.append(time.perf_counter() - start)
            last = current["pdf_built_at"]
            waits.append(current["started_at"] - edited_at)
            wait(lambda s: not s["building"])  # let the page previews finish before the next edit
            theirs.append(
                timed([WEASYPRINT, "--pdf-variant", "pdf/ua-1", "--pdf-forms", str(html), "output/plain.pdf"], project)
            )
    finally:
        process.terminate()
        process.wait(10)
    return (
        Timing("serve: edit → new PDF (through the server)", served),
        Timing("weasyprint CLI on the same HTML", theirs),
        Timing("serve: edit → rebuild starts", waits),
    )


def plot(rows: list[dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 4), dpi=100)
    axis.plot([r["pages"] for r in rows], [r["seconds"] for r in rows], marker="o", color="#12436d")
    for row in rows:
        axis.annotate(
            f"{row['organisations']} orgs", (row["pages"], row["seconds"]), textcoords="offset points", xytext=(5, -12)
        )
    axis.set_xlabel("pages")
    axis.set_ylabel("seconds (median, cold CLI build)")
    axis.set_title("booklet build time vs pages")
    axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--scale-runs", type=int, default=3)
    parser.add_argument("--sizes", default="50,200,400")
    parser.add_argument("--directory-sizes", default="25,100,400")
    parser.add_argument(
        "--only",
        choices=["overhead", "parallel", "directory", "cluster", "serve", "people-cluster", "plans", "fill"],
        help="run one part only; docs/benchmarks.md is left alone",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="with --only parallel, cluster or people-cluster: run it K times in a row"
    )
    parser.add_argument("--cluster-runs", type=int, default=3, help="runs of g. and l. (median reported)")
    parser.add_argument("--copies", type=int, default=10, help="copies of every audience in the cluster batch")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--students", type=int, default=200, help="students in the personal-copies benchmark")
    parser.add_argument("--only-people", action="store_true", help="run only i. (personal copies); no report")
    parser.add_argument("--people-copies", type=int, default=1000, help="students in l. (personal copies, cluster)")
    args = parser.parse_args()
    if args.repeat != 1 and args.only not in ("parallel", "cluster", "people-cluster"):
        parser.error("--repeat needs --only parallel, cluster or people-cluster")
    if args.only == "serve":
        with tempfile.TemporaryDirectory(prefix="booklet-bench-") as tmp:
            served, theirs, waits = bench_serve(Path(tmp), args.runs)
        ratio = served.median / theirs.median
        target = f"target ≤ 1.05: {verdict(ratio <= 1.05)}"
        print(f"h. {served}\n   {theirs}\n   ratio serve ÷ weasyprint = {ratio:.3f} ({target})")
        print(f"   {waits} (edit shown within render + 1 s: {verdict(waits.median <= 1)})")
        return
    if args.only == "fill":
        fill.report(print, args.runs)
        return
    if args.only == "plans":
        with tempfile.TemporaryDirectory(prefix="booklet-bench-") as tmp:
            print("\n".join(bench_plans(Path(tmp), args.runs)))
        return
    if args.only_people:
        with tempfile.TemporaryDirectory(prefix="booklet-bench-") as tmp:
            report_people(print, bench_people(Path(tmp), args.students, args.runs))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    directory_sizes = [int(s) for s in args.directory_sizes.split(",")]
    if args.only == "directory":
        with tempfile.TemporaryDirectory(prefix="booklet-bench-") as tmp:
            print("f. directory layout (cold CLI build of the default booklet with N generated organisations):")
            bench_directory(Path(tmp), directory_sizes, args.scale_runs)
        return

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="booklet-bench-") as tmp:
        work = Path(tmp)
        say(f"Machine: {machine()}")
        say(f"Date: {dt.date.today().isoformat()}")
        say()
        if args.only in ("parallel", "cluster", "people-cluster"):
            repeated(args.only, work, args, say)
            return
        if args.only == "overhead":
            report_overhead(work, args, say)
            return
        report_overhead(work, args, say)
        report_parallel(work, args, say)
        full, again = bench_cache(work, args.runs)
        cache = again.median / full.median
        say(f"c. {full}\n   {again}\n   ratio no-change ÷ full = {cache:.3f} (target ≤ 0.1: {verdict(cache <= 0.1)})")
        say("d. scale (cold CLI build of the default booklet with N generated organisations):")
        rows = bench_scale(work, sizes, args.scale_runs)
        lines.extend(
            f"  scale {r['organisations']:>4} organisations: {r['pages']} pages, {r['seconds']:.1f} s, "
            f"{r['per_page']:.3f} s/page, peak {r['peak_mb']:.0f} MB"
            for r in rows
        )
        per_page = [r["per_page"] for r in rows]
        mid = statistics.median(per_page)
        spread = max(abs(p / mid - 1) for p in per_page)
        within = verdict(spread <= 0.2)
        say(f"   seconds per page within ±{spread * 100:.0f} % of their median (target ±20 %: {within})")
        say(
            f"   peak memory at {rows[-1]['organisations']}: {rows[-1]['peak_mb']:.0f} MB "
            f"(target < 1024 MB: {verdict(rows[-1]['peak_mb'] < 1024)})"
        )
        latency, render = bench_watch(work, args.runs)
        say(
            f"e. {latency}\n   {render}\n   edit-to-PDF minus render: {latency.median - render.median:.2f} s "
            f"(target ≤ 2 s: {verdict(latency.median - render.median <= 2)})"
        )
        say("f. directory layout (cold CLI build of the default booklet with N generated organisations):")
        lines.extend(bench_directory(work, directory_sizes, args.scale_runs))
        report_cluster(work, args, say)
        served, theirs, waits = bench_serve(work, args.runs)
        ratio = served.median / theirs.median
        target = f"target ≤ 1.05: {verdict(ratio <= 1.05)}"
        say(f"h. {served}\n   {theirs}\n   ratio serve ÷ weasyprint = {ratio:.3f} ({target})")
        say(f"   {waits} (edit shown within render + 1 s: {verdict(waits.median <= 1)})")
        report_people(say, bench_people(work, args.students, args.runs))
        report_people_cluster(work, args, say)
        fill.report(say, args.runs)
        for line in bench_plans(work, args.runs):
            say(line)
        plot(rows, args.out.parent / "bench-scale.png")

    write_report(args.out, lines)
    print(f"\nwrote {args.out} and {args.out.parent / 'bench-scale.png'}")


def report_overhead(work: Path, args: argparse.Namespace, say) -> None:
    ours, theirs, pages, our_peak, their_peak = bench_overhead(work, args.runs)
    overhead = ours.median / theirs.median
    say(f"a. {ours}\n   {theirs}\n   default booklet: {pages} pages")
    say(f"   overhead ratio {overhead:.3f} (target ≤ 1.05: {verdict(overhead <= 1.05)})")
    memory = our_peak / their_peak
    say(
        f"   peak memory {our_peak:.0f} MB against {their_peak:.0f} MB, ratio {memory:.2f} "
        f"(target ≤ 1.2: {verdict(memory <= 1.2)})"
    )


def write_report(path: Path, lines: list[str]) -> None:
    """Replace the generated block of docs/benchmarks.md, keeping the hand-written notes."""
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    block = f"{begin}\n```text\n" + "\n".join(lines) + f"\n```\n\n![Seconds vs pages](bench-scale.png)\n{end}"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text += "\n" + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
