"""`booklet check --links` against real HTTPS servers on 127.0.0.1 (never anywhere else).

The servers use a certificate from a throwaway certificate authority (trustme),
trusted through SSL_CERT_FILE, because content addresses must be https://.
"""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest
import trustme
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

from booklet import __version__
from booklet.adapters.links import USER_AGENT, Options, Status, check_links
from booklet.cli.app import app
from booklet.cli.check import run_check

BASE = Path(__file__).resolve().parent.parent / "invalid" / "_base" / "content"

FAST = Options(timeout=0.5, retries=1, retry_wait=0.05)

# Each web address of the base project, in reading order, and the case it is pointed at.
SLOTS = [
    ("booklet.yaml", "/ok"),
    ("routes.yaml", "/chain/1"),
    ("routes.yaml", "/perm"),
    ("routes.yaml", "/missing"),
    ("routes.yaml", "/gone"),
    ("organisations/gds.yaml", "/loop/a"),
    ("organisations/gds.yaml", "/temp"),
    ("organisations/ukhsa.yaml", "/error"),
    ("organisations/ukhsa.yaml", "/no-head"),
]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(autouse=True)
def trust_and_cache(ca, tmp_path, monkeypatch):
    """Trust the test CA and give each test its own empty cache folder."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    monkeypatch.setenv("BOOKLET_CACHE", str(tmp_path / "cache"))


class InFlight:
    """Counts requests being served at once (the checker must ask one host one thing at a time)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def __call__(self, response: Response, pause: float = 0.05) -> Response:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(pause)
        with self.lock:
            self.now -= 1
        return response


@pytest.fixture
def server(ca):
    ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ssl_context)
    httpd = HTTPServer(host="127.0.0.1", port=0, ssl_context=ssl_context, threaded=True)
    httpd.in_flight = InFlight()  # type: ignore[attr-defined]
    flight = httpd.in_flight  # type: ignore[attr-defined]

    def redirect(code: int, to: str):
        return lambda request: flight(Response("", status=code, headers={"Location": to}))

    def status(code: int):
        return lambda request: flight(Response("page", status=code))

    routes = {
        "/ok": status(200),
        "/chain/1": redirect(301, "/chain/2"),
        "/chain/2": redirect(301, "/chain/3"),
        "/chain/3": status(200),
        "/perm": redirect(308, "/ok"),
        "/temp": redirect(302, "/ok"),
        "/missing": status(404),
        "/gone": status(410),
        "/error": status(500),
        "/loop/a": redirect(301, "/loop/b"),
        "/loop/b": redirect(301, "/loop/a"),
    }
    for path, handler in routes.items():
        httpd.expect_request(path).respond_with_handler(handler)
    httpd.expect_request("/no-head", method="HEAD").respond_with_handler(status(405))
    httpd.expect_request("/no-head", method="GET").respond_with_handler(status(200))
    httpd.expect_request("/slow").respond_with_handler(lambda request: flight(Response("late"), pause=1.5))
    httpd.start()
    yield httpd
    httpd.clear()
    if httpd.is_running():
        httpd.stop()


def url(server: HTTPServer, path: str) -> str:
    return f"https://127.0.0.1:{server.port}{path}"


def local_content(root: Path, base_url: str, slots=SLOTS, brand_path: str | None = "/slow") -> Path:
    """The base project with every web address pointed at `base_url` + the slot's path."""
    content = root / "content"
    shutil.copytree(BASE, content)
    queue: dict[str, list[str]] = {}
    for name, path in slots:
        queue.setdefault(name, []).append(path)
    for name, paths in queue.items():
        file = content / name
        text = file.read_text()
        found = re.findall(r"https://\S+", text)
        assert len(found) == len(paths), (name, found)
        pieces = re.split(r"https://\S+", text)
        text = pieces[0] + "".join(base_url + p + rest for p, rest in zip(paths, pieces[1:], strict=True))
        file.write_text(text)
    if brand_path:
        (content / "brand.yaml").write_text(f"name: Test Careers Service\nweb: {base_url}{brand_path}\n")
    return content


def run(content: Path, **kwargs):
    out: list[str] = []
    err: list[str] = []
    code = run_check(content, print_line=out.append, print_error=err.append, links=True, **kwargs)
    return code, out, err


def requests_to(server: HTTPServer, path: str) -> list[str]:
    return [request.method for request, _ in server.log if request.path == path]


def test_every_kind_of_answer_reported_at_its_line(server, tmp_path):
    base = url(server, "")
    content = local_content(tmp_path, base)
    code, out, err = run(content, link_options=FAST)
    later = "open it in a browser; if it fails there too, the site is down or the address is wrong"
    new_address = "find the page's new address on the site, or remove the link"
    assert out == [
        f"content/brand.yaml:2:1  web  warning: {base}/slow is unreachable: no answer after 0.5 s ({later})",
        f"content/organisations/gds.yaml:7:1  website  warning: {base}/loop/a is unreachable: "
        f"redirect loop: {base}/loop/a → {base}/loop/b → {base}/loop/a "
        "(the site sends this address round in a circle; find the page's current address)",
        f"content/organisations/ukhsa.yaml:6:1  website  warning: {base}/error is unreachable: "
        "answered 500 Internal Server Error after 2 tries (the site has a fault; check again later)",
        # a 301 chain is followed to its end, and the end is the address to paste
        f"content/routes.yaml:6:5  routes.0.url  warning: {base}/chain/1 has moved permanently "
        f"(replace it with {base}/chain/3)",
        f"content/routes.yaml:12:5  routes.0.source  warning: {base}/perm has moved permanently "
        f"(replace it with {base}/ok)",
        f"content/routes.yaml:17:5  routes.1.url  {base}/missing is broken: answered 404 Not Found ({new_address})",
        f"content/routes.yaml:22:5  routes.1.source  {base}/gone is broken: answered 410 Gone ({new_address})",
    ]
    # 200, a temporary redirect (302) and a server refusing HEAD but answering GET are fine: not listed
    assert code == 1  # broken addresses are errors
    assert err == ["2 errors, 5 warnings in 6 files; 10 addresses: 3 ok, 2 moved, 2 broken, 3 unreachable"]


def test_head_refused_then_get(server, tmp_path):
    report = check_links([url(server, "/no-head")], FAST)
    assert report.results[url(server, "/no-head")].status is Status.OK
    assert requests_to(server, "/no-head") == ["HEAD", "GET"]


def test_server_errors_are_retried_once_timeouts_too(server, tmp_path):
    report = check_links([url(server, "/error"), url(server, "/slow")], FAST)
    assert requests_to(server, "/error") == ["HEAD", "HEAD"]
    assert report.results[url(server, "/slow")].status is Status.UNREACHABLE
    assert report.results[url(server, "/slow")].detail == "no answer after 0.5 s"


def test_polite_one_request_at_a_time_per_host_with_a_named_user_agent(server):
    urls = [url(server, path) for path in ("/ok", "/chain/1", "/perm", "/missing", "/gone", "/temp")]
    check_links(urls, Options(timeout=2, concurrency=6))
    assert server.in_flight.most == 1
    agents = {request.headers.get("User-Agent") for request, _ in server.log}
    assert agents == {USER_AGENT}
    assert f"booklet/{__version__}" in USER_AGENT


def test_results_are_cached_for_a_day(server, tmp_path):
    content = local_content(tmp_path, url(server, ""), brand_path="/ok")
    first = run(content, link_options=FAST)
    asked = len(server.log)
    assert asked >= 10
    second = run(content, link_options=FAST)
    assert len(server.log) == asked, "cached results were fetched again"
    assert second[1] == first[1]
    assert second[2][0].endswith("9 addresses: 3 ok, 2 moved, 2 broken, 2 unreachable, 9 from the last day's cache")
    assert (tmp_path / "cache" / "links" / "results.json").is_file()
    # a result older than the allowed age is asked again
    run(content, link_options=Options(timeout=0.5, retry_wait=0.05, cache_seconds=0))
    assert len(server.log) > asked


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_network_is_one_line_and_exit_0_or_1_with_strict(tmp_path):
    content = local_content(tmp_path, f"https://127.0.0.1:{closed_port()}")
    code, out, err = run(content, link_options=FAST)
    assert out == ["links not checked: no network (could not connect for any of 10 addresses)"]
    assert code == 0
    assert err == ["no problems in 6 files"]
    code, out, err = run(content, link_options=FAST, strict=True)
    assert code == 1
    assert out == ["links not checked: no network (could not connect for any of 10 addresses)"]
    assert "count as an error with --strict" in err[0]
    assert not (tmp_path / "cache" / "links" / "results.json").exists(), "offline results must not be cached"


def test_one_dead_host_among_live_ones_is_unreachable_not_offline(server, tmp_path):
    dead = f"https://127.0.0.1:{closed_port()}/x"
    report = check_links([url(server, "/ok"), dead], FAST)
    assert not report.offline
    assert report.results[dead].status is Status.UNREACHABLE
    assert report.results[dead].detail.startswith("could not connect")


def test_command_line_exit_codes(server, tmp_path):
    runner = CliRunner()
    good = [(name, "/ok") for name, _ in SLOTS]
    moved = [(name, "/perm" if i == 3 else "/ok") for i, (name, _) in enumerate(SLOTS)]
    broken = [(name, "/gone" if i == 3 else "/ok") for i, (name, _) in enumerate(SLOTS)]
    expected = {"good": (0, 0), "moved": (0, 1), "broken": (1, 1)}
    for label, slots in (("good", good), ("moved", moved), ("broken", broken)):
        content = local_content(tmp_path / label, url(server, ""), slots, brand_path=None)
        plain = runner.invoke(app, ["check", "--links", "--content", str(content)])
        strict = runner.invoke(app, ["check", "--links", "--strict", "--content", str(content)])
        assert (plain.exit_code, strict.exit_code) == expected[label], (label, plain.output, strict.output)
        if label == "good":
            assert plain.stdout == ""
            assert plain.stderr == "no problems in 5 files; 1 address: 1 ok, 0 moved, 0 broken, 0 unreachable\n"
        if label == "moved":
            assert f"routes.1.url  warning: {url(server, '/perm')} has moved permanently" in plain.stdout
    # without --links nothing is asked
    before = len(server.log)
    assert runner.invoke(app, ["check", "--content", str(content)]).exit_code == 0
    assert len(server.log) == before
