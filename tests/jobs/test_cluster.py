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
from dataclasses import dataclass
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


class HandoutBug(distributed.WorkerPlugin):
    """A bug in booklet's own code on the workers: rendering the handout raises, every time, everywhere."""

    name = "booklet-handout-bug"

    def setup(self, worker) -> None:
        from booklet.jobs import work

        self.real = real = work.render_job

        def render_job(job):
            if job.name == "fair-handout":
                raise RuntimeError("the renderer fell over")
            return real(job)

        work.render_job = render_job

    def teardown(self, worker) -> None:
        from booklet.jobs import work

        work.render_job = self.real


def test_a_job_failing_on_every_try_is_named_and_the_rest_land(tmp_path, address, dask_client):
    folder = new_project(tmp_path, css="/* the batch with a bug */\n")
    dask_client.register_plugin(HandoutBug())
    try:
        result = runner.invoke(app, ["build", "--all", "--content", str(folder / "content"), "--cluster", address])
    finally:
        dask_client.unregister_worker_plugin(HandoutBug.name)
    assert result.exit_code == 70, result.output  # an internal error, as in a local build
    assert "error: fair-handout: failed on every one of 3 tries (RuntimeError: the renderer fell over)" in result.output
    assert "the full traceback is in" in result.output
    built = {p.name for p in (folder / "output").glob("*.pdf")}
    assert len(built) == 5 and not any("fair-handout" in name for name in built)
    assert leftovers(folder) == []


@dataclass(frozen=True)
class Numbered:
    """An item of a batch for run_batch itself: a number, and the project every item carries."""

    project: Project
    number: int


def double_or_fail(item: Numbered) -> tuple[int, str]:
    """Render function for run_batch on the workers: twice the number and the Dask task it ran in;
    number 13 raises on every try."""
    if item.number == 13:
        raise RuntimeError("thirteen")
    return item.number * 2, str(distributed.get_worker().get_current_task())


def test_small_items_share_tasks_and_a_failing_one_costs_only_its_own(tmp_path, address):
    """With per_task, items are sent several to a task (fewer at the end); a task with one failing item
    is sent again item by item, so the others land and only that item fails, after its own retries."""
    from booklet.jobs.cluster import run_batch

    folder = new_project(tmp_path)
    project = Project.locate(folder / "content")
    items = [Numbered(project, n) for n in range(100)]
    outcomes: dict[int, object] = {}

    def done(item: Numbered, outcome) -> None:
        assert item.number not in outcomes
        outcomes[item.number] = outcome

    keys = [f"{tmp_path.name}-{item.number}" for item in items]
    run_batch(address, items, keys, double_or_fail, done, label=lambda item: f"item {item.number}", per_task=8)
    assert sorted(outcomes) == list(range(100))
    failed = outcomes.pop(13)
    assert failed.value is None and failed.bug
    assert failed.error.startswith("failed on every one of 3 tries (RuntimeError: thirteen)")
    assert all(outcome.value[0] == 2 * n for n, outcome in outcomes.items())
    tasks = {n: outcome.value[1] for n, outcome in outcomes.items()}
    # The first items went eight to a task (two workers: so while 64 or more remain) …
    assert len({tasks[n] for n in range(8)}) == 1 and len({tasks[n] for n in range(16, 24)}) == 1
    assert tasks[0] != tasks[16] and len(set(tasks.values())) < 60
    # … the items sent with 13 went again each in a task of its own, as did the last ones.
    assert all(tasks[n] == f"booklet-{tmp_path.name}-{n}" for n in range(8, 16) if n != 13)
    assert len({tasks[n] for n in range(90, 100)}) == 10


@pytest.mark.parametrize("where", ["cluster", "local"])
def test_an_error_in_the_projects_own_template_is_reported_once_as_the_templates(tmp_path, address, where):
    folder = new_project(tmp_path)
    # Only the handout uses this template; the error is on its second line.
    (folder / "styles" / "handout.html.j2").write_text("<p>handout</p>\n{{ 1 // 0 }}\n")
    extra = ["--cluster", "local:1"] if where == "cluster" else ["--jobs", "1"]
    done = subprocess.run([BOOKLET, "build", "--all", "-q", *extra], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # the project's to fix, not a bug in booklet (70)
    assert done.stderr.splitlines() == [
        "error: fair-handout: template handout.html.j2, line 2: ZeroDivisionError: integer division or modulo by "
        "zero (an error in the project's own template: fix it in the styles folder)"
    ]  # once: no retries, no Dask or Python traceback, no saved bug report
    built = {p.name for p in (folder / "output").glob("*.pdf")}
    assert len(built) == 5 and not any("fair-handout" in name for name in built)


def test_an_error_in_a_default_template_stays_a_bug():
    """Only the project's own templates are the project's fault: a default one failing is booklet's."""
    from booklet.render.faults import template_fault
    from booklet.render.html import default_styles_dir, environment

    env = environment((default_styles_dir(),))
    try:
        env.from_string("{{ 1 // 0 }}").render()
    except ZeroDivisionError as exc:
        assert template_fault(exc, default_styles_dir()) is None
    else:
        raise AssertionError("the template did not raise")


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


def test_local_workers_tune_the_collector_as_every_rendering_process_does():
    """Local workers are forked from a server started afresh, not from this process: their preload sets
    the collector's thresholds (a thousand copies rendered measurably slower with Python's defaults)."""
    import gc

    from booklet.jobs.cluster import connect
    from booklet.util import GC_THRESHOLDS

    with connect("local:1") as client:
        thresholds = client.run(gc.get_threshold)
    assert list(thresholds.values()) == [GC_THRESHOLDS]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cluster", "local:0"], "the number of local workers must be a whole number of at least 1"),
        (
            ["--cluster", f"local:{2 * len(os.sched_getaffinity(0)) + 1}"],
            f"at most {2 * len(os.sched_getaffinity(0))} local workers on this computer "
            f"({len(os.sched_getaffinity(0))} cores × 2); each renders on one core",
        ),
        (["--cluster", "local:64000"], "local workers on this computer"),
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


# --- TLS: a real scheduler and two workers started as `dask scheduler` / `dask worker` would be ------


DASK = str(Path(sys.executable).parent / "dask")


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A scheduler and two workers with `--protocol tls` on 127.0.0.1, certificates by trustme.

    They read Dask's own TLS settings from DASK_DISTRIBUTED__COMM__TLS__… variables, as an
    administrator would set them. Yields the scheduler address and the client's settings.
    """
    import threading

    import trustme

    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    for role in ("scheduler", "worker", "client"):
        ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(
            str(folder / f"{role}.pem")
        )
    settings = {
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(folder / "ca.pem"),
        "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
    }
    roles = {
        role: settings | {f"DASK_DISTRIBUTED__COMM__TLS__{role.upper()}__CERT": str(folder / f"{role}.pem")}
        for role in ("scheduler", "worker", "client")
    }
    processes = []
    try:
        scheduler = subprocess.Popen(
            [DASK, "scheduler", "--protocol", "tls", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
            env=os.environ | roles["scheduler"],
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(scheduler)
        address = ""
        for line in scheduler.stderr:  # its log names the address once it listens
            if "Scheduler at:" in line:
                address = line.split("Scheduler at:", 1)[1].strip()
                break
        assert address.startswith("tls://127.0.0.1:"), address
        threading.Thread(target=scheduler.stderr.read, daemon=True).start()  # keep its pipe from filling
        for number in (1, 2):
            processes.append(
                subprocess.Popen(
                    [DASK, "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                    env=os.environ | roles["worker"],
                    stdout=subprocess.DEVNULL,
                    stderr=(folder / f"worker-{number}.log").open("w"),
                )
            )
        security = distributed.Security(
            tls_ca_file=str(folder / "ca.pem"), tls_client_cert=str(folder / "client.pem"), require_encryption=True
        )
        with distributed.Client(address, security=security, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            yield address, roles["client"], folder, client
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def booklet_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BOOKLET, *args], cwd=cwd, env=os.environ | env, capture_output=True, text=True)


def test_a_build_over_tls_equals_a_local_build(tmp_path, tls, local_texts):
    address, client_env, _folder, client = tls
    folder = new_project(tmp_path)
    done = booklet_cli("build", "--all", "-q", "--cluster", address, cwd=folder, env=client_env)
    assert done.returncode == 0, done.stderr
    assert texts(folder) == local_texts
    # Both workers really are behind TLS, and each job ran on one of them.
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2 and all(worker.startswith("tls://127.0.0.1:") for worker in workers)


def test_personal_copies_over_tls_with_dask_config_file(tmp_path, tls):
    """The client's settings from Dask's own config file (DASK_CONFIG), as `dask` reads it."""
    from tests.jobs.test_people import STUDENTS, class_list

    address, _client_env, folder, _client = tls
    config = tmp_path / "dask-config"
    config.mkdir()
    (config / "distributed.yaml").write_text(
        yaml.safe_dump(
            {
                "distributed": {
                    "comm": {
                        "require-encryption": True,
                        "tls": {"ca-file": str(folder / "ca.pem"), "client": {"cert": str(folder / "client.pem")}},
                    }
                }
            }
        )
    )
    root = tmp_path / "project"
    shutil.copytree(CONTENT, root / "content")
    people = class_list(tmp_path / "people.csv")
    args = ["personalise", str(people), "--date", "2026-11-29", "-q", "--cluster", address]
    done = booklet_cli(*args, cwd=root, env={"DASK_CONFIG": str(config)})
    assert done.returncode == 1, done.stderr  # the class list has bad rows; every good row is still made
    made = sorted(p.name for p in (root / "output" / "people").glob("*.pdf"))
    assert made == sorted(f"{student}.pdf" for student in STUDENTS)
    cover = PdfReader(root / "output/people/S1043.pdf").pages[0].extract_text()
    assert STUDENTS["S1043"][0] in cover, cover


def test_tls_without_dask_tls_settings_is_one_line(tmp_path, tls):
    address, _client_env, folder, _client = tls
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DASK_")}
    done = subprocess.run(
        [BOOKLET, "build", "--all", "-c", str(CONTENT), "--cluster", address],
        cwd=tmp_path,
        env=clean | {"DASK_CONFIG": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(
        f"--cluster {address}: Dask's TLS settings are not set on this computer (set "
        "distributed.comm.tls.ca-file and distributed.comm.tls.client.cert (and .key) in Dask's config, or "
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE and DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT (see docs/scale.md))"
    )
    # A certificate file that is not there is named as such, before any connection.
    missing = {
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(folder / "ca.pem"),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(tmp_path / "gone.pem"),
    }
    done = subprocess.run(
        [BOOKLET, "build", "--all", "-c", str(CONTENT), "--cluster", address],
        cwd=tmp_path,
        env=clean | missing,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 3, done.stderr
    assert f"--cluster {address}: cannot load Dask's TLS certificates (No such file or directory)" in done.stderr


# Any name lookup or connection in the process ends it with exit 99 and names the event.
NO_NETWORK = (
    "import sys\n"
    "def hook(event, args):\n"
    "    if event in ('socket.getaddrinfo', 'socket.gethostbyname', 'socket.connect'):\n"
    "        sys.stderr.write(f'network: {event} {args!r}\\n'); sys.stderr.flush(); import os; os._exit(99)\n"
    "sys.addaudithook(hook)\n"
    "from booklet.cli.app import main; sys.argv = ['booklet', *sys.argv[1:]]; main()\n"
)


@pytest.mark.parametrize("address", ["tcp://scheduler.invalid:8786", "tcp://10.0.0.5:8786", "ws://[2001:db8::1]:8786"])
def test_personalise_refuses_a_plain_remote_scheduler_before_any_lookup(tmp_path, address):
    from tests.jobs.test_people import class_list

    people = class_list(tmp_path / "people.csv")
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK, "personalise", str(people), "-c", str(CONTENT), "--cluster", address],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(
        f"--cluster {address} would send students' details over the network unencrypted (give a tls:// "
        "address with Dask's TLS settings (docs/scale.md), or add --insecure-cluster on a network you trust)"
    )
    assert not (tmp_path / "output").exists()


def test_personalise_with_insecure_cluster_goes_on_to_connect(tmp_path):
    """--insecure-cluster lets a plain remote address through: the audit hook sees the lookup."""
    from tests.jobs.test_people import class_list

    people = class_list(tmp_path / "people.csv")
    args = ["personalise", str(people), "-c", str(CONTENT), "--cluster", "tcp://scheduler.invalid:8786"]
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK, *args, "--insecure-cluster"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 99, done.stderr
    assert "network: socket.getaddrinfo ('scheduler.invalid'" in done.stderr


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786"])
def test_a_plain_scheduler_on_this_machine_is_not_refused(address):
    from booklet.jobs.spec import check_private, on_this_machine

    assert on_this_machine(address)
    check_private(address, insecure=False)  # no error


@pytest.mark.parametrize("where", ["local", "cluster"])
def test_an_error_in_the_projects_own_template_for_personal_copies_names_no_student(tmp_path, address, where):
    """The template's error, once a copy, with no value from the class list (the key here is a name)."""
    from tests.jobs.test_people import SECRETS, STUDENTS, class_list

    folder = new_project(tmp_path)
    (folder / "styles" / "partials" / "action-plan.html.j2").write_text("<p>plan</p>\n{{ {}[booklet.plan.name] }}\n")
    people = class_list(tmp_path / "people.csv")
    extra = ["--cluster", address] if where == "cluster" else ["--jobs", "1"]
    args = ["personalise", str(people), "--date", "2026-11-29", "-q", *extra]
    done = subprocess.run([BOOKLET, *args], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # rows failed; not a bug in booklet (70)
    errors = [line for line in done.stderr.splitlines() if "template" in line]
    assert len(errors) == len(STUDENTS), done.stderr  # once a copy: no retries
    for line in errors:
        assert line.endswith(
            "template partials/action-plan.html.j2, line 2: UndefinedError (an error in the project's own "
            "template: fix it in the styles folder)"
        ), line
    assert "Traceback" not in done.stderr and "bug" not in done.stderr
    assert not any(secret in done.stderr + done.stdout for secret in SECRETS)


def test_on_a_worker_only_the_projects_own_files_are_its_templates(tmp_path):
    """A worker's styles folder merges the project's files with the defaults: an error in a default is a bug."""
    import jinja2

    from booklet.render.faults import register_own, template_fault

    for name in ("own.html.j2", "default.html.j2"):
        (tmp_path / name).write_text("<p>\n{{ 1 // 0 }}\n")
    register_own(tmp_path, {"own.html.j2"})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)))
    found = {}
    for name in ("own.html.j2", "default.html.j2"):
        with pytest.raises(ZeroDivisionError) as raised:
            env.get_template(name).render()
        found[name] = template_fault(raised.value, tmp_path)
    assert found["own.html.j2"] == (
        "template own.html.j2, line 2: ZeroDivisionError: integer division or modulo by zero "
        "(an error in the project's own template: fix it in the styles folder)"
    )
    assert found["default.html.j2"] is None
