"""`booklet check --links` against real HTTPS servers on 127.0.0.1 (never anywhere else).

The servers use a certificate from a throwaway certificate authority (trustme),
trusted through SSL_CERT_FILE, because content addresses must be https://. The
checker asks only public addresses; the test server's own host:port is allowed
through BOOKLET_LINKS_ALLOW, as a user would allow a test site, and nothing else
on this computer is.
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
from booklet.adapters.links import ALLOW_ENV, USER_AGENT, Options, Status, check_links
from booklet.cli.app import app
from booklet.cli.check import run_check

BASE = Path(__file__).resolve().parent.parent / "invalid" / "_base" / "content"

TIMEOUT = 1.5


def fast(**options) -> Options:
    """Short waits; made per test, after the server fixture has allowed its own address."""
    return Options(**{"timeout": TIMEOUT, "retries": 1, "retry_wait": 0.05, **options})


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


def tls_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "::1").configure_cert(context)
    return context


@pytest.fixture
def server(ca, monkeypatch):
    httpd = HTTPServer(host="127.0.0.1", port=0, ssl_context=tls_context(ca), threaded=True)
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
    release = threading.Event()  # /slow answers only when the test is over: a timeout, whatever the load

    def slow(request):
        release.wait(30)
        return flight(Response("late"))

    httpd.expect_request("/slow").respond_with_handler(slow)
    httpd.start()
    monkeypatch.setenv(ALLOW_ENV, f"127.0.0.1:{httpd.port}")
    yield httpd
    release.set()
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
    code, out, err = run(content, link_options=fast())
    later = "open it in a browser; if it fails there too, the site is down or the address is wrong"
    new_address = "find the page's new address on the site, or remove the link"
    assert out == [
        f"content/brand.yaml:2:1  web  warning: {base}/slow is unreachable: no answer after 1.5 s ({later})",
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
    report = check_links([url(server, "/no-head")], fast())
    assert report.results[url(server, "/no-head")].status is Status.OK
    assert requests_to(server, "/no-head") == ["HEAD", "GET"]


def test_server_errors_are_retried_once_timeouts_too(server, tmp_path):
    report = check_links([url(server, "/error"), url(server, "/slow")], fast())
    assert requests_to(server, "/error") == ["HEAD", "HEAD"]
    assert report.results[url(server, "/slow")].status is Status.UNREACHABLE
    assert report.results[url(server, "/slow")].detail == "no answer after 1.5 s"


def test_polite_one_request_at_a_time_per_host_with_a_named_user_agent(server):
    urls = [url(server, path) for path in ("/ok", "/chain/1", "/perm", "/missing", "/gone", "/temp")]
    check_links(urls, Options(timeout=2, concurrency=6))
    assert server.in_flight.most == 1
    agents = {request.headers.get("User-Agent") for request, _ in server.log}
    assert agents == {USER_AGENT}
    assert f"booklet/{__version__}" in USER_AGENT


def test_results_are_cached_for_a_day(server, tmp_path):
    content = local_content(tmp_path, url(server, ""), brand_path="/ok")
    first = run(content, link_options=fast())
    asked = len(server.log)
    assert asked >= 10
    second = run(content, link_options=fast())
    assert len(server.log) == asked, "cached results were fetched again"
    assert second[1] == first[1]
    assert second[2][0].endswith("9 addresses: 3 ok, 2 moved, 2 broken, 2 unreachable, 9 from the last day's cache")
    assert (tmp_path / "cache" / "links" / "results.json").is_file()
    # a result older than the allowed age is asked again
    run(content, link_options=fast(cache_seconds=0))
    assert len(server.log) > asked


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_network_is_one_line_and_exit_0_or_1_with_strict(tmp_path, monkeypatch):
    port = closed_port()
    monkeypatch.setenv(ALLOW_ENV, f"127.0.0.1:{port}")
    content = local_content(tmp_path, f"https://127.0.0.1:{port}")
    code, out, err = run(content, link_options=fast())
    assert out == ["links not checked: no network (could not connect for any of 10 addresses)"]
    assert code == 0
    assert err == ["no problems in 6 files"]
    code, out, err = run(content, link_options=fast(), strict=True)
    assert code == 1
    assert out == ["links not checked: no network (could not connect for any of 10 addresses)"]
    assert "count as an error with --strict" in err[0]
    assert not (tmp_path / "cache" / "links" / "results.json").exists(), "offline results must not be cached"


def test_one_dead_host_among_live_ones_is_unreachable_not_offline(server, tmp_path, monkeypatch):
    port = closed_port()
    monkeypatch.setenv(ALLOW_ENV, f"127.0.0.1:{server.port},127.0.0.1:{port}")
    dead = f"https://127.0.0.1:{port}/x"
    report = check_links([url(server, "/ok"), dead], fast())
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


# -- hostile answers: redirects to addresses that are not public, slow drips, a false "no network" ------


@pytest.fixture
def other(ca):
    """A second server on this computer, not allowed: nothing may ever reach it."""
    httpd = HTTPServer(host="127.0.0.1", port=0, ssl_context=tls_context(ca), threaded=True)
    httpd.expect_request("/ok").respond_with_data("secret")
    httpd.start()
    yield httpd
    httpd.clear()
    if httpd.is_running():
        httpd.stop()


NOT_FOLLOWED = "a printed address must lead to a public https:// page; find the page's own address, or remove the link"


def test_redirects_go_only_to_public_https_addresses(server, other):
    here, there = server.port, other.port
    targets = {
        "/to/http": f"http://127.0.0.1:{here}/ok",
        "/to/metadata": "https://169.254.169.254/latest/meta-data/",
        "/to/lan": "https://192.168.1.1/admin",
        "/to/ten": "https://10.0.0.8/",
        "/to/shared": "https://100.64.0.1/",
        "/to/v6-loopback": f"https://[::1]:{there}/ok",
        "/to/v4-in-v6": f"https://[::ffff:127.0.0.1]:{there}/ok",
        "/to/other-port": f"https://127.0.0.1:{there}/ok",
        "/to/hex-loopback": f"https://0x7f.1:{there}/ok",  # only the resolver knows this is 127.0.0.1
        "/to/localhost": f"https://localhost:{there}/ok",
    }
    for path, target in targets.items():
        code = 302 if path == "/to/lan" else 301
        server.expect_request(path).respond_with_response(Response("", status=code, headers={"Location": target}))
    report = check_links([url(server, path) for path in targets], fast())
    why = {
        "/to/http": "must be an https:// address (e.g. https://www.gov.uk)",
        "/to/metadata": "169.254.169.254 is not a public internet address",
        "/to/lan": "192.168.1.1 is not a public internet address",
        "/to/ten": "10.0.0.8 is not a public internet address",
        "/to/shared": "100.64.0.1 is not a public internet address",
        "/to/v6-loopback": "needs a web host after https:// (e.g. https://www.gov.uk)",  # as `check` says
        "/to/v4-in-v6": "::ffff:127.0.0.1 is not a public internet address",
        "/to/other-port": "127.0.0.1 is not a public internet address",
        "/to/hex-loopback": "0x7f.1 (127.0.0.1) is not a public internet address",
        "/to/localhost": "needs a web host after https:// (e.g. https://www.gov.uk)",
    }
    for path, target in targets.items():
        result = report.results[url(server, path)]
        assert (result.status, result.new_url) == (Status.UNREACHABLE, ""), path  # never recommended
        assert result.detail == f"redirects to {target}, which is not followed: {why[path]}", path
        assert result.hint == NOT_FOLLOWED
    assert other.log == [], "a redirect reached another service on this computer"
    assert {request.path for request, _ in server.log} == set(targets)
    # refusals depend on what is allowed, so they are not kept: allowing an address works at once
    again = check_links(
        [url(server, "/to/other-port")], fast(allow=frozenset({f"127.0.0.1:{here}", f"127.0.0.1:{there}"}))
    )
    assert again.results[url(server, "/to/other-port")].status is Status.MOVED
    assert again.results[url(server, "/to/other-port")].new_url == targets["/to/other-port"]
    assert [request.path for request, _ in other.log] == ["/ok"]


def test_content_addresses_that_are_not_public_are_not_asked(server, other, tmp_path):
    there = other.port
    urls = [f"https://127.0.0.1:{there}/ok", f"https://0x7f.1:{there}/ok", f"https://[::1]:{there}/ok"]
    report = check_links(urls, fast())
    assert [report.results[u].detail for u in urls] == [
        "not asked: 127.0.0.1 is not a public internet address",
        "not asked: 0x7f.1 (127.0.0.1) is not a public internet address",
        "not asked: ::1 is not a public internet address",
    ]
    assert not report.offline
    # an address `check` refuses is reported by `check` and never asked
    content = local_content(tmp_path, url(server, ""), brand_path=None)
    (content / "brand.yaml").write_text(f"name: Test Careers Service\nweb: https://localhost:{there}/ok\n")
    code, out, _err = run(content, link_options=fast())
    assert code == 1
    assert [line for line in out if "localhost" in line] == [
        f"content/brand.yaml:2:1  web  'https://localhost:{there}/ok' needs a web host after https:// "
        "(e.g. https://www.gov.uk)"
    ]
    assert other.log == []


class DripServer:
    """A TLS server whose /drip answer never ends (one header byte every 50 ms); any other path answers at once."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.paths: list[str] = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn: socket.socket) -> None:
        try:
            with self.context.wrap_socket(conn, server_side=True) as tls:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = tls.recv(4096)
                    if not chunk:
                        return
                    request += chunk
                path = request.split(b" ")[1].decode()
                self.paths.append(path)
                if path != "/drip":
                    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    return
                tls.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                for _ in range(1200):  # a minute at most, whatever happens
                    tls.sendall(b"a")
                    if self.stop.wait(0.05):
                        return
        except OSError:
            return  # the checker hung up: what it should do

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


def test_a_slow_drip_holds_an_address_no_longer_than_its_deadline(ca, monkeypatch):
    drip = DripServer(tls_context(ca))
    monkeypatch.setenv(ALLOW_ENV, f"127.0.0.1:{drip.port}")
    slow, fine = f"https://127.0.0.1:{drip.port}/drip", f"https://127.0.0.1:{drip.port}/fine"
    try:
        started = time.monotonic()
        report = check_links([slow, fine], fast(timeout=1))
        seconds = time.monotonic() - started
    finally:
        drip.close()
    assert report.results[slow].detail == "no complete answer within 1 s (the site answers too slowly)"
    assert report.results[slow].status is Status.UNREACHABLE
    # the other address on the same host was asked after it, not starved
    assert report.results[fine].status is Status.OK
    assert drip.paths == ["/drip", "/fine"]
    assert seconds < 10, f"took {seconds:.1f} s; the drip goes on for a minute"


NOWHERE = "https://nonexistent.invalid/careers"  # .invalid never resolves (RFC 6761)


def test_a_new_unresolvable_address_is_unreachable_and_cached_warnings_stay(server, tmp_path):
    content = local_content(tmp_path, url(server, ""), brand_path="/ok")
    _, first, _ = run(content, link_options=fast())
    asked = len(server.log)
    (content / "brand.yaml").write_text(f"name: Test Careers Service\nweb: {NOWHERE}\n")
    _code, out, err = run(content, link_options=fast())
    later = "open it in a browser; if it fails there too, the site is down or the address is wrong"
    new = f"content/brand.yaml:2:1  web  warning: {NOWHERE} is unreachable: could not connect: could not look up "
    assert out == [f"{new}nonexistent.invalid ({later})", *first]  # brand.yaml sorts first
    assert len(server.log) == asked + 1, "one address that answered yesterday is asked, to tell 'offline' apart"
    assert err[0].endswith("10 addresses: 3 ok, 2 moved, 2 broken, 3 unreachable, 9 from the last day's cache")


def test_offline_with_a_cache_still_reports_the_cached_warnings(server, tmp_path):
    content = local_content(tmp_path, url(server, ""), brand_path="/ok")
    _, first, _ = run(content, link_options=fast())
    assert len(first) == 6
    server.stop()  # the network is gone: nothing answers any more
    (content / "brand.yaml").write_text(f"name: Test Careers Service\nweb: {NOWHERE}\n")
    code, out, _err = run(content, link_options=fast())
    offline = (
        "links not checked: no network (could not connect for any of 1 address; "
        "the other 9 are reported from the last day's cache)"
    )
    assert out == [*first, offline]
    assert code == 1  # the cached broken addresses are still errors
    assert NOWHERE not in (tmp_path / "cache" / "links" / "results.json").read_text(), "offline results are not cached"
