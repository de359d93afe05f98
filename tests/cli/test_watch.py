"""Watch mode: one process, an edit triggers a rebuild of what it affects, errors keep it alive."""

from __future__ import annotations

import shutil
import threading
import time

from booklet.cli.watch import watch_project
from tests.conftest import CONTENT


def wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_edit_rebuilds_and_errors_do_not_stop_watching(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    lines: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_project,
        args=(tmp_path / "content", None, False, None),
        kwargs={"print_line": lines.append, "print_error": errors.append, "stop": stop},
        daemon=True,
    )
    thread.start()
    try:
        assert wait_for(lambda: any(line.startswith("watching") for line in lines), 60), (lines, errors)
        pdf = next((tmp_path / "output").glob("*.pdf"))
        first = pdf.read_bytes()

        def rebuilds() -> int:
            return sum(line.startswith("rebuilt") for line in lines)

        before = rebuilds()
        booklet = tmp_path / "content" / "booklet.yaml"
        good = booklet.read_text()
        booklet.write_text(good.replace("strapline: ", "strapline: Edited. ", 1))
        assert wait_for(lambda: rebuilds() > before, 30), (lines, errors)
        assert pdf.read_bytes() != first

        # A broken edit is reported and the good PDF stays as it was.
        second = pdf.read_bytes()
        booklet.write_text(good.replace("title:", "titel:", 1))
        assert wait_for(lambda: any("unknown key 'titel'" in e for e in errors), 30), errors
        assert pdf.read_bytes() == second

        # Fixing it rebuilds again: the watcher survived the error.
        count = rebuilds()
        booklet.write_text(good)
        assert wait_for(lambda: rebuilds() > count, 30), lines
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_ctrl_c_ends_watch_like_build(tmp_path):
    """SIGINT to a real `booklet watch` process: exit 130 and one truthful line, no watchfiles log line."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    base = Path(__file__).resolve().parents[1] / "invalid" / "_base" / "content"
    shutil.copytree(base, tmp_path / "content")
    process = subprocess.Popen(
        [sys.executable, "-m", "booklet", "watch", "--default", "--content", str(tmp_path / "content")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("watching"):
                break
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1].startswith("interrupted: ")
    assert "KeyboardInterrupt" not in stderr and "Traceback" not in stderr
