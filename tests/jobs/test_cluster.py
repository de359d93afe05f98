"""The Dask executor, on a real LocalCluster of two worker processes (one per session).

It must give the same PDFs as a local build, lose nothing when a worker is killed
mid-batch, report a job that fails on every try by name while the rest land,
refuse workers of another version, and stop cleanly on Ctrl-C.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from booklet.cli.app import app
from booklet.content.load import load_project_content
from booklet.jobs import plan, run
from booklet.jobs.cache import CACHE_FILE, Cache, cache_key
from booklet.project import Project
from booklet.version import __version__
from tests.conftest import CONTENT, ROOT

distributed = pytest.importorskip("distributed")

runner = CliRunner()
BOOKLET = str(Path(sys.executable).parent / "booklet")


@pytest.fixture(scope="session")
def dask_cluster():
    """Two worker processes with one thread each, as on a small real cluster."""
    import logging

    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def dask_client(dask_cluster):
    """A client of our own, to look at and act on the workers (kill one, install a plugin)."""
    with distributed.Client(dask_cluster) as client:
        yield client


@pytest.fixture(scope="session")
def address(dask_cluster) -> str:
    return dask_cluster.scheduler_address


def new_project(folder: Path, copies: int = 1, css: str = "") -> Path:
    """A project copy; `copies` > 1 repeats every audience with its own id, file and cover line.

    `css` lands in styles/custom.css: a comment there changes every cache key (so the
    cluster cannot reuse an earlier batch's results) but not a word of the text.
    """
    shutil.copytree(CONTENT, folder / "content")
    shutil.copytree(ROOT / "styles", folder / "styles", ignore=shutil.ignore_patterns("__pycache__"))
    if css:
        (folder / "styles" / "custom.css").write_text(css)
    if copies > 1:
        path = folder / "content" / "audiences.yaml"
        audiences = yaml.safe_load(path.read_text())["audiences"]
        more = []
        for copy in range(2, copies + 1):
            for audience in audiences:
                more.append(
                    audience
                    | {
                        "id": f"{audience['id']}-{copy}",
                        "output": audience["output"].replace(".pdf", f"-{copy}.pdf"),
                        "cover_line": f"{audience['cover_line']}, copy {copy}",
                    }
                )
        path.write_text(yaml.safe_dump({"audiences": audiences + more}, sort_keys=False))
    return folder


def jobs_of(folder: Path):
    project = Project.locate(folder / "content")
    return plan(project, load_project_content(project.content, project.root), all_audiences=True)


def texts(folder: Path) -> dict[str, list[str]]:
    """Every PDF's text, page by page, by file name."""
    return {
        path.name: [page.extract_text() for page in PdfReader(path).pages]
        for path in sorted((folder / "output").glob("*.pdf"))
    }


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in (folder / "output").iterdir() if p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def local_texts(tmp_path_factory) -> dict[str, list[str]]:
    """Every output of the default project built here, in the process pool."""
    folder = new_project(tmp_path_factory.mktemp("local"))
    results = run(jobs_of(folder), workers=2)
    assert {r.status for r in results} == {"built"}
    return texts(folder)


def test_a_cluster_build_has_the_same_text_as_a_local_build(tmp_path, address, local_texts):
    folder = new_project(tmp_path)
    result = runner.invoke(app, ["build", "--all", "--content", str(folder / "content"), "--cluster", address])
    assert result.exit_code == 0, result.output
    assert texts(folder) == local_texts
    assert len(local_texts) == 6
    # The cache is kept as in a local build: a second run skips everything without touching the cluster.
    again = run(jobs_of(folder), cluster="tcp://127.0.0.1:1")
    assert {r.status for r in again} == {"unchanged"}


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path, address, dask_client, local_texts):
    folder = new_project(tmp_path, css="/* the killed-worker batch */\n")
    jobs = jobs_of(folder)
    done: list[Path] = []
    killed: list[str] = []

    def on_done(result) -> None:
        done.append(result.output)
        if killed:
            return
        # Kill a worker that is rendering one of our booklets right now.
        pids = dask_client.run(os.getpid)
        for worker, keys in dask_client.processing().items():
            if any(str(key).startswith("booklet-") and "assets" not in str(key) for key in keys):
                os.kill(pids[worker], signal.SIGKILL)
                killed.append(worker)
                return

    results = run(jobs, cluster=address, on_done=on_done)
    assert killed, "no worker was busy with a booklet when the first one finished"
    assert [r.status for r in results] == ["built"] * len(jobs), [r.error for r in results]
    assert sorted(done) == sorted(job.output for job in jobs)  # every output reported exactly once
    assert leftovers(folder) == []
    assert {p.name for p in (folder / "output").glob("*.pdf")} == set(local_texts)
    # The manifest (the cache) is complete and matches the files on disk.
    cache = Cache(Project.locate(folder / "content"))
    keys = [cache_key(job) for job in jobs]
    assert all(cache.fresh(job, key) for job, key in zip(jobs, keys, strict=True))
    assert texts(folder) == local_texts
    dask_client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker for the next tests


class OtherVersion(distributed.WorkerPlugin):
    """Makes a worker's booklet report another version, as an older install would."""

    name = "booklet-other-version"

    def setup(self, worker) -> None:
        import booklet.version

        self.real = booklet.version.__version__
        booklet.version.__version__ = "0.0.1"

    def teardown(self, worker) -> None:
        import booklet.version

        booklet.version.__version__ = self.real


def test_workers_of_another_version_are_refused(tmp_path, address, dask_client):
    folder = new_project(tmp_path)
    dask_client.register_plugin(OtherVersion())
    try:
        result = runner.invoke(app, ["build", "--all", "--content", str(folder / "content"), "--cluster", address])
    finally:
        dask_client.unregister_worker_plugin(OtherVersion.name)
    assert result.exit_code == 4, result.output
    assert f"runs booklet 0.0.1, but this computer runs booklet {__version__}" in result.output
    assert f"pip install booklet=={__version__} on every worker" in result.output
    assert not list((folder / "output").glob("*.pdf"))


def test_a_job_failing_on_every_try_is_named_and_the_rest_land(tmp_path, address):
    folder = new_project(tmp_path)
    # A template that raises on every worker, every time: only the handout uses it.
    (folder / "styles" / "handout.html.j2").write_text("{{ 1 // 0 }}\n")
    result = runner.invoke(app, ["build", "--all", "--content", str(folder / "content"), "--cluster", address])
    assert result.exit_code == 70, result.output  # an internal error, as in a local build
    assert "error: fair-handout: failed on every one of 3 tries (ZeroDivisionError" in result.output
    assert "the full traceback is in" in result.output
    built = {p.name for p in (folder / "output").glob("*.pdf")}
    assert len(built) == 5 and not any("fair-handout" in name for name in built)
    assert leftovers(folder) == []


def test_ctrl_c_cancels_the_rest_and_leaves_no_half_written_file(tmp_path, address, dask_client, local_texts):
    folder = new_project(tmp_path, copies=4, css="/* the interrupted batch */\n")
    output = folder / "output"
    process = subprocess.Popen(
        [BOOKLET, "build", "--all", "-q", "--cluster", address],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(output.glob("*.pdf")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.startswith("interrupted: "), stderr
    written = {p.name for p in output.glob("*.pdf")}
    assert 1 <= len(written) < 24
    assert leftovers(folder) == []
    for name, pages in texts(folder).items():  # every file there is whole
        assert len(pages) >= 4, name
    # The cache names only whole files (one written just as Ctrl-C came may be missing from it: rebuilt next time).
    cache = Cache(Project.locate(folder / "content"))
    assert (output / CACHE_FILE).is_file() and cache.entries
    for path, entry in cache.entries.items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == entry["sha256"]

    # The cluster is told to drop the rest: none of the batch's jobs stays queued or running.
    def booklet_tasks(dask_scheduler) -> int:
        return sum(1 for key in dask_scheduler.tasks if str(key).startswith("booklet-"))

    deadline = time.monotonic() + 30
    while dask_client.run_on_scheduler(booklet_tasks) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert dask_client.run_on_scheduler(booklet_tasks) == 0


def test_ctrl_c_in_a_terminal_stops_a_local_cluster_quietly(tmp_path):
    # A terminal sends SIGINT to the whole process group: the client and every local worker.
    folder = new_project(tmp_path, copies=3)
    process = subprocess.Popen(
        [BOOKLET, "build", "--all", "-q", "--cluster", "local:2"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not list((folder / "output").glob("*.pdf")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), stderr  # no worker tracebacks
    assert leftovers(folder) == []
    assert 1 <= len(list((folder / "output").glob("*.pdf"))) < 16

    def left() -> str:
        return subprocess.run(["ps", "-o", "args=", "-g", str(process.pid)], capture_output=True, text=True).stdout

    deadline = time.monotonic() + 15  # multiprocessing's resource tracker leaves a moment after its parent
    while left().strip() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left().strip() == ""  # the workers are gone with it


def test_a_local_cluster_started_for_the_build(tmp_path, local_texts):
    folder = new_project(tmp_path)
    content = str(folder / "content")
    args = ["build", "-a", "fair-handout", "-a", "researchers", "-c", content, "--cluster", "local:1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert texts(folder) == {name: local_texts[name] for name in texts(folder)}
    assert len(texts(folder)) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cluster", "local:0"], "the number of local workers must be a whole number of at least 1"),
        (["--cluster", "scheduler:8786"], "not a scheduler address (give tcp://HOST:8786"),
        (["--cluster", "local:2", "--jobs", "2"], "--jobs cannot be used with --cluster"),
    ],
)
def test_wrong_cluster_options_are_usage_errors(args, message):
    result = runner.invoke(app, ["build", "--all", "-c", str(CONTENT), *args])
    assert result.exit_code == 3, result.output
    assert message in result.output


def test_cluster_without_dask_installed_says_what_to_install(tmp_path):
    # The same interpreter with Dask hidden, as after a plain `pip install booklet`.
    code = (
        "import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
        "from booklet.cli.app import main; sys.argv = ['booklet', *sys.argv[1:]]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "build", "--all", "-c", str(CONTENT), "--cluster", "local:2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 3, done.stderr
    assert "--cluster needs Dask distributed, which is not installed" in done.stderr
    assert "pip install 'booklet[cluster]'" in done.stderr


# --- Personal copies (booklet personalise --cluster) ------------------------------------------


def test_personal_copies_on_the_cluster_equal_local_ones(address, tmp_path):
    """The same class list made on the cluster and in the local pool: same copies, text for text,
    the same bad rows reported, files named by id and readable by the owner only."""
    from tests.jobs.test_people import class_list, personalise

    made = {}
    for where, extra in (("local", ["--jobs", "2"]), ("cluster", ["--cluster", address])):
        root = tmp_path / where
        shutil.copytree(CONTENT, root / "content")
        code, _out, err = personalise(root, class_list(root / "people.csv"), *extra)
        assert code == 1, err  # the class list has bad rows; every good row is still made
        folder = root / "output" / "people"
        assert folder.stat().st_mode & 0o777 == 0o700
        made[where] = {
            path.name: [page.extract_text() for page in PdfReader(path).pages] for path in sorted(folder.glob("*.pdf"))
        }
        assert all(path.stat().st_mode & 0o777 == 0o600 for path in folder.glob("*.pdf"))
        made[where + " errors"] = sorted(line for line in err.splitlines() if line.startswith("error:"))
    assert made["cluster"] and made["cluster"] == made["local"]
    assert made["cluster errors"] == made["local errors"]


def test_personalise_refuses_jobs_with_cluster(tmp_path):
    result = CliRunner().invoke(
        app, ["personalise", str(tmp_path / "people.csv"), "--cluster", "local:2", "--jobs", "2"]
    )
    assert result.exit_code == 3
    assert "--jobs cannot be used with --cluster" in result.output
