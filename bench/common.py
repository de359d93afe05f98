"""What every benchmark part shares: the commands' paths, a timed run, a project copy, a class list, the verdict."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BOOKLET = str(BIN / "booklet")
WEASYPRINT = str(BIN / "weasyprint")
PEOPLE_AUDIENCES = ("graduates", "career-changers", "school-leavers")


@dataclass
class Timing:
    label: str
    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def __str__(self) -> str:
        spread = f"{min(self.runs):.2f}–{max(self.runs):.2f}"
        return f"{self.label}: median {self.median:.2f} s over {len(self.runs)} runs ({spread})"


def timed(command: list[str], cwd: Path) -> float:
    return timed_output(command, cwd)[0]


def timed_output(command: list[str], cwd: Path) -> tuple[float, str]:
    """Seconds a command took, and what it printed; a failure stops the benchmark with its output."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def project_copy(where: Path) -> Path:
    shutil.copytree(ROOT / "content", where / "content")
    shutil.copytree(ROOT / "styles", where / "styles", ignore=shutil.ignore_patterns("__pycache__"))
    (where / "output").mkdir()
    return where


def class_list(path: Path, students: int) -> Path:
    """`students` invented students spread evenly over three audiences, with plans of varying length."""
    import csv
    import random

    rng = random.Random(10)
    routes = ["civil-service-jobs", "fast-stream", "nhs-internships", "local-council-roles", "research-fellowships"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "audience", "routes", "organisations", "next_steps", "adviser", "follow_up"])
        for i in range(students):
            chosen = rng.sample(routes, rng.randint(1, 2))
            steps = rng.sample(["Book a mock interview", "Draft a CV", "Ask for a reference", "Visit an open day"], 2)
            writer.writerow(
                [
                    f"B{i:04d}",
                    f"Zoë O'Neill {i}",
                    PEOPLE_AUDIENCES[i % 3],
                    "; ".join(chosen),
                    "gds",
                    "; ".join(steps),
                    "Amara Okafor",
                    "2026-12-15",
                ]
            )
    return path


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"
