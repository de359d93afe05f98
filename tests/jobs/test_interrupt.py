"""Ctrl-C in a terminal stops a real process pool within 2 s (exit 130, one accurate line), and a
pooled build leaves no temporary folder behind.

Each run is a real `booklet` process in its own process group, with its own empty TMPDIR. Ctrl-C
is SIGINT to the whole group, as a terminal sends it, once the run has written its first file.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import CONTENT

BOOKLET = str(Path(sys.executable).parent / "booklet")
LIMIT = 2.0
"""Seconds from Ctrl-C to the process's exit."""

STUDENTS = 200


def project(folder: Path, audience_copies: int = 1, students: int = STUDENTS) -> Path:
    """A copy of the content; `audience_copies` > 1 repeats every audience under its own id and file."""
    shutil.copytree(CONTENT, folder / "content")
    if audience_copies > 1:
        path = folder / "content" / "audiences.yaml"
        audiences = yaml.safe_load(path.read_text())["audiences"]
        more = [
            audience | {"id": f"{audience['id']}-{copy}", "output": audience["output"].replace(".pdf", f"-{copy}.pdf")}
            for copy in range(2, audience_copies + 1)
            for audience in audiences
        ]
        path.write_text(yaml.safe_dump({"audiences": audiences + more}, sort_keys=False))
    with (folder / "people.csv").open("w", newline="", encoding="utf-8") as handle:
        rows = [["id", "name", "audience"]] + [[f"S{n:04d}", f"Student {n}", "graduates"] for n in range(students)]
        csv.writer(handle).writerows(rows)
    return folder


def environment(folder: Path) -> dict[str, str]:
    tmp = folder / "tmp"
    tmp.mkdir()
    return {**os.environ, "TMPDIR": str(tmp), "BOOKLET_CACHE": str(folder / "user-cache")}


def group_members(group: int) -> list[str]:
    found = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(group)], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if line.strip()]


def interrupt(folder: Path, args: list[str], written: Path) -> tuple[float, int, str]:
    """Run `booklet ARGS` in `folder`; Ctrl-C its group once a PDF is in `written`: (seconds to exit, code, stderr)."""
    process = subprocess.Popen(
        [BOOKLET, *args],
        cwd=folder,
        env=environment(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )
    deadline = time.monotonic() + 300
    while not list(written.glob("*.pdf")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # polling for the first file: the run has started and its pool is busy
    assert process.poll() is None, "the run ended before it could be interrupted"
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # it did not stop: the assertions below say so
        process.wait()
    seconds = time.monotonic() - sent
    stderr = process.stderr.read() if process.stderr else ""
    print(f"{' '.join(args[:2])}: exit {process.returncode} {seconds:.2f} s after Ctrl-C")
    # every worker is gone with it (the parent waits for them before it exits)
    assert group_members(process.pid) == []
    return seconds, process.returncode, stderr


def check_message(stderr: str, folder: Path, pdfs: list[Path], planned: int) -> None:
    """One line, and it counts exactly the files on the disk."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), stderr
    match = re.fullmatch(
        r"interrupted: (?:(\d+) files? finished and written in full \(.*?\))?(?:; )?"
        r"(?:(\d+) left as (?:they were|it was) \(.*\))?",
        lines[0],
    )
    assert match, lines[0]
    written, untouched = int(match[1] or 0), int(match[2] or 0)
    assert 1 <= len(pdfs) < planned, "the pool went on after Ctrl-C"
    assert (written, untouched) == (len(pdfs), planned - len(pdfs))  # the project was new: every PDF is this run's
    assert [p.name for p in pdfs[0].parent.iterdir() if p.name.endswith(".tmp")] == []
    assert list((folder / "tmp").iterdir()) == [], "a worker left a temporary folder"


def test_ctrl_c_stops_personalise_with_a_process_pool(tmp_path):
    folder = project(tmp_path)
    people = folder / "output" / "people"
    args = ["personalise", "people.csv", "--content", "content", "--jobs", "2", "-q", "--date", "2026-11-29"]
    seconds, code, stderr = interrupt(folder, args, people)
    assert code == 130, stderr
    check_message(stderr, folder, sorted(people.glob("*.pdf")), STUDENTS)
    assert seconds < LIMIT, f"{seconds:.2f} s from Ctrl-C to exit"


def test_ctrl_c_stops_build_all_with_a_process_pool(tmp_path):
    folder = project(tmp_path, audience_copies=8)
    planned = 1 + 8 * len(yaml.safe_load((CONTENT / "audiences.yaml").read_text())["audiences"])
    seconds, code, stderr = interrupt(
        folder, ["build", "--all", "--content", "content", "--jobs", "2", "-q"], folder / "output"
    )
    assert code == 130, stderr
    check_message(stderr, folder, sorted((folder / "output").glob("*.pdf")), planned)
    assert seconds < LIMIT, f"{seconds:.2f} s from Ctrl-C to exit"


def test_a_pooled_run_leaves_no_temporary_folder(tmp_path):
    folder = project(tmp_path, students=4)
    env = environment(folder)
    for args in (
        ["build", "-a", "graduates", "-a", "researchers", "--content", "content", "--jobs", "2", "-q"],
        ["personalise", "people.csv", "--content", "content", "--jobs", "2", "-q", "--date", "2026-11-29"],
    ):
        done = subprocess.run([BOOKLET, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert list((folder / "tmp").iterdir()) == [], f"{args[0]}: a worker left a temporary folder"
    assert len(list((folder / "output").glob("*.pdf"))) == 2
    assert len(list((folder / "output" / "people").glob("*.pdf"))) == 4
