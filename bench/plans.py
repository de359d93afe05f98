"""Benchmark j: one student's action plan, from the command line (cold) and through `booklet serve`.

Targets: through the server (WeasyPrint loaded), a plan's PDF is ready in at most 0.35× a cold
full build of the same audience's booklet; `booklet plan` from a cold start takes at most 1.0×
that build. Cold runs alternate (build, plan, plan-only, build, …) so drift on a shared machine
falls on all of them alike. Used by run.py (`--only plans` runs it alone).
"""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOKLET = str(Path(sys.executable).parent / "booklet")
AUDIENCE = "graduates"
STUDENT = ["--name", "Bench Student", "--audience", AUDIENCE, "--route", "fast-stream", "--organisation", "gds"]
STUDENT += ["--step", "Book a mock interview", "--adviser", "Bench Adviser", "--force"]


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return elapsed


def _line(label: str, runs: list[float]) -> str:
    return f"{label}: median {statistics.median(runs):.2f} s over {len(runs)} runs ({min(runs):.2f}–{max(runs):.2f})"


def _served(project: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from sending the form to the page with the PDF ready: whole copies, then plan-only ones."""
    process = subprocess.Popen(
        [BOOKLET, "serve", "--port", "0"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        match = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)", process.stdout.readline())
        if not match:
            raise SystemExit("serve did not start")
        base, token = match.groups()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        opener.open(f"{base}/plan?token={token}", timeout=60).close()

        def post(student_id: str, plan_only: bool) -> float:
            with opener.open(f"{base}/plan", timeout=60) as response:
                found = re.search(r'name="csrf" value="([^"]+)"', response.read().decode())
            assert found
            fields = {"csrf": found.group(1), "id": student_id, "name": "Bench Student", "audience": AUDIENCE}
            fields |= {"routes": "fast-stream", "organisations": "gds", "next_steps": "Book a mock interview"}
            fields |= {"adviser": "Bench Adviser"} | ({"plan_only": "yes"} if plan_only else {})
            request = urllib.request.Request(
                f"{base}/plan", data=urllib.parse.urlencode(fields).encode(), headers={"Origin": base}, method="POST"
            )
            start = time.perf_counter()
            with opener.open(request, timeout=300) as response:
                body = response.read()
            seconds = time.perf_counter() - start
            if b'id="made"' not in body:
                raise SystemExit(f"the plan was not made: {body[:500]!r}")
            return seconds

        post("W0", False)  # the first copy of an audience in a process lays out its shared pages
        post("W1", True)
        whole = [post(f"S{n}", False) for n in range(runs)]
        only = [post(f"P{n}", True) for n in range(runs)]
        return whole, only
    finally:
        process.terminate()
        process.wait(timeout=30)


def bench_plans(work: Path, runs: int) -> list[str]:
    """Every figure of j, as report lines."""
    project = work / "plans"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "content", project / "content")
    build, plan, plan_only = [], [], []
    _timed([BOOKLET, "build", "--audience", AUDIENCE, "--force", "-q"], project)  # warm the disk cache
    for n in range(runs):
        build.append(_timed([BOOKLET, "build", "--audience", AUDIENCE, "--force", "-q"], project))
        plan.append(_timed([BOOKLET, "plan", "--id", f"C{n}", *STUDENT], project))
        plan_only.append(_timed([BOOKLET, "plan", "--id", f"O{n}", *STUDENT, "--plan-only"], project))
    whole, only = _served(project, runs)
    full = statistics.median(build)

    def ratio(runs_: list[float], target: float) -> str:
        value = statistics.median(runs_) / full
        return f"{value:.3f} (target ≤ {target}: {'met' if value <= target else 'NOT met'})"

    return [
        f"j. {_line(f'build --audience {AUDIENCE} (CLI, cold)', build)}",
        f"   {_line('plan, whole copy (CLI, cold)', plan)}",
        f"   {_line('plan --plan-only (CLI, cold)', plan_only)}",
        f"   {_line('serve: form sent → plan ready, whole copy', whole)}",
        f"   {_line('serve: form sent → plan ready, plan only', only)}",
        f"   ratio plan (cold) ÷ build = {ratio(plan, 1.0)}; plan-only (cold) ÷ build = {ratio(plan_only, 1.0)}",
        f"   ratio serve whole copy ÷ build = {ratio(whole, 0.35)}; serve plan-only ÷ build = {ratio(only, 0.35)}",
    ]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="booklet-bench-") as tmp:
        print("\n".join(bench_plans(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
