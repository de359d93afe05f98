"""`booklet serve` (booklet/cli/serve.py): the real server on 127.0.0.1, driven by real Chromium.

The server runs as its own process (`python -m booklet serve --port 0`) on a copy of the
default content; the browser edits nothing itself: the tests write files as an editor would.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.render.test_html_edition import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TIMEOUT_MS = 60_000


class Server:
    def __init__(self, folder: Path, *args: str) -> None:
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-m", "booklet", "serve", "--port", "0", "--content", str(folder / "content"), *args],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.port = 0
        self.token = ""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            found = re.search(r"serving http://[^ /]+:(\d+)/\?token=([A-Za-z0-9_-]+) ", line)
            if found:
                self.port, self.token = int(found.group(1)), found.group(2)
                break
        assert self.port, "".join(self.lines) + (self.process.stderr.read() if self.process.stderr else "")
        self.cookie = self.sign_in()

    @property
    def url(self) -> str:
        """The address as printed, secret and all (what the user opens)."""
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sign_in(self) -> str:
        """Swap the printed secret for the session cookie, as a browser does on opening the address."""
        status, _body, headers = self.request("GET", f"/?token={self.token}", cookie="")
        assert status == 303, status
        return headers["set-cookie"].split(";", 1)[0]

    def request(
        self,
        method: str,
        path: str,
        host: str | None = None,
        cookie: str | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        """A plain HTTP request; http.client sends the path exactly as given (no `..` clean-up).
        `cookie` None sends the session cookie; "" sends none."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)  # a cap, not a wait
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", f"127.0.0.1:{self.port}" if host is None else host)
            cookie = self.cookie if cookie is None else cookie
            if cookie:
                connection.putheader("Cookie", cookie)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None and "Content-Length" not in (headers or {}):
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()

    def get(self, path: str, host: str | None = None, cookie: str | None = None) -> tuple[int, bytes]:
        status, body, _ = self.request("GET", path, host, cookie)
        return status, body

    def wait_for_pdf(self, deadline_s: float = 180.0) -> dict:
        """Wait, by the server's own state, until the default booklet's first PDF is written."""
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            status, body = self.get("/state")
            view = json.loads(body) if status == 200 else {}
            if view.get("pdf") and not view.get("building"):
                return view
            time.sleep(0.1)  # a poll interval, not a wait for a guess: the state decides
        raise AssertionError("the first build did not finish: " + "".join(self.lines))

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "content", folder / "content")
    (folder / "outside.txt").write_text("a file outside the output folder")
    running = Server(folder)
    yield running
    err = running.stop()
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def wait_until_built(page) -> None:
    page.wait_for_function(
        "() => { const s = document.getElementById('status');"
        " return s.dataset.building === 'false' && !s.textContent.startsWith('Building'); }",
        timeout=BROWSER_TIMEOUT_MS,
    )


def edition_text(page) -> str:
    return page.frame_locator("#edition").locator("body").inner_text(timeout=BROWSER_TIMEOUT_MS)


def test_edit_break_fix_and_download_in_chromium(server: Server, browser, tmp_path: Path) -> None:
    gds = server.folder / "content" / "organisations" / "gds.yaml"
    original = gds.read_text(encoding="utf-8")
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url)
        # The secret became an HttpOnly, SameSite=Strict cookie and left the address bar.
        assert page.url == f"http://127.0.0.1:{server.port}/"
        (cookie,) = [c for c in context.cookies() if c["name"] == f"booklet-{server.port}"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert page.evaluate("document.cookie") == ""
        wait_until_built(page)
        page.frame_locator("#edition").get_by_text("Government Digital Service (GDS)").first.wait_for(
            timeout=BROWSER_TIMEOUT_MS
        )
        assert page.locator("#no-problems").is_visible()
        # PNG previews of the PDF's pages, really drawn.
        page.wait_for_function(
            "() => { const imgs = [...document.querySelectorAll('#pages img')];"
            " return imgs.length >= 4 && imgs.every(i => i.complete && i.naturalWidth > 100); }",
            timeout=BROWSER_TIMEOUT_MS,
        )

        # An edit saved by an editor shows in the page.
        gds.write_text(original.replace("name: Government Digital Service (GDS)", "name: Gwasanaeth Live Edit"))
        page.frame_locator("#edition").get_by_text("Gwasanaeth Live Edit").first.wait_for(timeout=BROWSER_TIMEOUT_MS)
        wait_until_built(page)

        # A broken file: the problem is listed with file:line, the last good booklet stays.
        gds.write_text(original.replace("name: Government Digital Service (GDS)", "name: [unclosed"))
        problem = page.locator("#problems li", has_text="content/organisations/gds.yaml:")
        problem.first.wait_for(timeout=BROWSER_TIMEOUT_MS)
        assert re.search(r"content/organisations/gds\.yaml:\d+:\d+", problem.first.inner_text())
        wait_until_built(page)
        assert "Gwasanaeth Live Edit" in edition_text(page)
        assert "Traceback" not in page.content()
        assert "problem" in page.locator("#status").inner_text()
        # Clicking the problem shows its organisation in the page.
        problem.first.locator("a").click()
        outline = page.frame_locator("#edition").locator("#org-gds").evaluate("e => e.style.outline")
        assert "4px" in outline

        # Fixed: the problem clears.
        gds.write_text(original)
        page.locator("#no-problems").wait_for(state="visible", timeout=BROWSER_TIMEOUT_MS)
        assert page.locator("#problems li").count() == 0
        page.frame_locator("#edition").get_by_text("Government Digital Service (GDS)").first.wait_for(
            timeout=BROWSER_TIMEOUT_MS
        )
        wait_until_built(page)

        # Download the PDF: the real file, with the content as it is now.
        with page.expect_download(timeout=BROWSER_TIMEOUT_MS) as download_info:
            page.locator("#download").click()
        saved = tmp_path / download_info.value.suggested_filename
        download_info.value.save_as(saved)
        assert saved.name == "ai-careers-uk-public-sector.pdf"
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages)
        assert "Government Digital Service (GDS)" in text and "Gwasanaeth Live Edit" not in text

        # The audience picker shows another audience's booklet, and downloads its PDF.
        page.locator("#audience").select_option("graduates")
        page.frame_locator("#edition").get_by_text("For students and graduates").first.wait_for(
            timeout=BROWSER_TIMEOUT_MS
        )
        wait_until_built(page)
        with page.expect_download(timeout=BROWSER_TIMEOUT_MS) as download_info:
            page.locator("#download").click()
        assert download_info.value.suggested_filename != "ai-careers-uk-public-sector.pdf"
    finally:
        gds.write_text(original)
        context.close()
    assert (server.folder / "content" / "organisations" / "gds.yaml").read_text() == original


def test_another_browser_without_the_secret_gets_403(server: Server, browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"http://127.0.0.1:{server.port}/")
        assert response is not None and response.status == 403
        assert "Booklet preview" not in page.content()
        response = page.goto(f"http://127.0.0.1:{server.port}/?token=not-the-secret")
        assert response is not None and response.status == 403
        assert context.cookies() == []
    finally:
        context.close()


def test_a_wrong_host_header_is_refused(server: Server) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: that name is refused."""
    assert server.get("/state")[0] == 200
    assert server.get("/state", host=f"localhost:{server.port}")[0] == 200
    for host in (f"evil.example:{server.port}", "evil.example", f"127.0.0.1:{server.port + 1}", ""):
        status, body = server.get("/state", host=host)
        assert status == 421, host
        assert b"content" not in body and b"problems" not in body
    assert server.get("/download", host=f"attacker.test:{server.port}")[0] == 421


def test_paths_outside_the_output_folder_are_refused(server: Server) -> None:
    output = server.folder / "output"
    (output / "escape").symlink_to(server.folder / "outside.txt")
    for path in (
        "/output/../content/booklet.yaml",
        "/output/%2e%2e/content/booklet.yaml",
        "/output/..%2fcontent%2fbooklet.yaml",
        "/output/%2e%2e%2foutside.txt",
        "/output//etc/passwd",
        "/output/escape",
        "/assets/../../content/booklet.yaml",
        "/assets/%2e%2e%2f__init__.py",
        "/assets/serve.py",
    ):
        status, body = server.get(path)
        assert status in (400, 404), path
        assert b"outside the output" not in body and b"yaml-language-server" not in body and b"root:" not in body
    view = server.wait_for_pdf()
    status, body = server.get(f"/output/{view['pdf']}")
    assert status == 200 and body.startswith(b"%PDF")
    assert server.get("/assets/serve.js")[0] == 200


def test_it_listens_on_loopback_only(server: Server) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent; this only picks the outward address
        address = probe.getsockname()[0]
    except OSError:
        address = ""
    finally:
        probe.close()
    if not address or address.startswith("127."):
        pytest.skip("this machine has no address besides loopback")
    with pytest.raises(OSError):
        socket.create_connection((address, server.port), timeout=5).close()


def outward_address() -> str:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent; this only picks the outward address
        return probe.getsockname()[0]
    except OSError:
        return ""
    finally:
        probe.close()


def test_the_network_needs_the_option_accepts_the_machines_names_and_still_needs_the_secret(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    other = Server(tmp_path, "--host", "0.0.0.0", "--allow-host", "booklet.school.example")
    try:
        port = other.port
        address = outward_address()
        hosts = [f"127.0.0.1:{port}", f"localhost:{port}", f"{socket.gethostname()}:{port}"]
        hosts += [f"booklet.school.example:{port}"] + ([f"{address}:{port}"] if address else [])
        for host in hosts:
            assert other.get("/state", host=host)[0] == 200, host
            assert other.get("/state", host=host, cookie="")[0] == 403, host
        for host in (f"0.0.0.0:{port}", f"evil.example:{port}", f"192.0.2.77:{port}"):
            assert other.get("/state", host=host)[0] == 421, host
        printed = "".join(other.lines)
        assert re.search(rf"serving http://[^ ]+:{port}/\?token=", printed)
    finally:
        err = other.stop()
    assert "warning: serving on every address of this machine, so other computers on the network" in err
    assert "they still need the secret in the address below" in err
    assert "booklet.school.example" in err
    assert "Traceback" not in err


def test_every_request_needs_the_secret_or_its_cookie(server: Server) -> None:
    for path in ("/", "/state", "/events", "/download", "/assets/serve.js", "/output/anything.pdf", "/?token=wrong"):
        status, body = server.get(path, cookie="")
        assert status == 403, path
        assert b"?token=" in body and server.token.encode() not in body
    assert server.get("/state", cookie="booklet-1=forged")[0] == 403
    assert server.get("/state", cookie=f"booklet-{server.port}=forged")[0] == 403
    # The secret is swapped for a session cookie (HttpOnly, SameSite=Strict) and leaves the address.
    status, _, headers = server.request("GET", f"/?audience=graduates&token={server.token}", cookie="")
    assert status == 303
    assert headers["location"] == "/?audience=graduates"
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"booklet-{server.port}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert server.token not in cookie
    assert server.get("/state", cookie=cookie.split(";")[0])[0] == 200


def test_personal_copies_caches_and_print_files_are_never_served(server: Server) -> None:
    output = server.folder / "output"
    view = server.wait_for_pdf()
    people = output / "people"
    people.mkdir(exist_ok=True)
    for name in ("S1.pdf", "print-file.pdf", "manifest.csv", ".cache.json"):
        (people / name).write_bytes(b"%PDF-1.7 personal")
    (output / "other.pdf").write_bytes(b"%PDF-1.7 not shown by the page")
    (output / "manifest.csv").write_text("id,file\n")
    assert (output / ".booklet-cache.json").is_file()
    for path in (
        "/output/people/S1.pdf",
        "/output/people/print-file.pdf",
        "/output/people/manifest.csv",
        "/output/people/.cache.json",
        "/output/people/",
        "/output/people",
        "/output/.booklet-cache.json",
        "/output/manifest.csv",
        "/output/other.pdf",
        "/output/" + "a" * 300,
        "/output/" + "a" * 300 + "/" + "b" * 300,
    ):
        for cookie in (None, ""):
            status, body = server.get(path, cookie=cookie)
            assert status == (404 if cookie is None else 403), path
            assert b"personal" not in body and b"Traceback" not in body
    assert server.get(f"/output/{view['pdf']}")[0] == 200
    assert server.get(f"/output/{view['html']}")[0] == 200
    assert "Traceback" not in "".join(server.lines)


def test_posts_need_their_own_origin_and_bodies_over_64_kb_are_refused(server: Server) -> None:
    small = b"a=1"
    assert server.request("POST", "/state", body=small)[0] == 403  # no Origin
    evil = {"Origin": "http://evil.example"}
    assert server.request("POST", "/state", headers=evil, body=small)[0] == 403
    assert server.request("POST", "/state", headers={"Origin": server.origin}, body=small, cookie="")[0] == 403
    own = {"Origin": server.origin}
    assert server.request("POST", "/state", headers=own, body=small)[0] == 405  # the state cannot be posted to
    status, body, _ = server.request("POST", "/state", headers=own, body=b"a" * (64 * 1024 + 1))
    assert status == 413 and b"64 kB" in body


def test_an_unexpected_error_is_a_500_and_one_line(tmp_path: Path) -> None:
    """The guard in front of a real server: a handler that fails gives 500 and one line, no traceback."""
    import threading

    import uvicorn

    from booklet.cli.serve_guard import Guard

    async def broken(scope, receive, send) -> None:
        raise ValueError("something the code did not expect")

    lines: list[str] = []
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)  # connections wait from now on: no need to wait for the server's start
    port = sock.getsockname()[1]
    app = Guard(broken, {f"127.0.0.1:{port}"}, "s3cret", port, lines.append)
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/?token=s3cret", headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        cookie = response.getheader("set-cookie").split(";")[0]
        response.read()
        connection.request("GET", "/page", headers={"Host": f"127.0.0.1:{port}", "Cookie": cookie})
        response = connection.getresponse()
        assert response.status == 500
        assert b"Traceback" not in response.read()
        connection.close()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith("error: GET /page: ValueError; internal error: this is a bug in booklet")
    assert "something the code did not expect" not in lines[0]


def test_serve_never_writes_content(server: Server) -> None:
    before = {p: p.read_bytes() for p in (server.folder / "content").rglob("*") if p.is_file()}
    for path in ("/", "/state", "/state?audience=graduates", "/download", "/assets/serve.css"):
        server.get(path)
    time.sleep(0.5)
    after = {p: p.read_bytes() for p in (server.folder / "content").rglob("*") if p.is_file()}
    assert after == before
    assert not os.path.exists(server.folder / "content" / "output")


def test_only_the_brand_file_and_its_logo_are_watched_not_their_busy_folder(tmp_path: Path) -> None:
    """`serve` and `watch` share this loop: a brand file in a home folder must not make every write there a rebuild."""
    import threading

    from booklet.cli.watch import watch_loop, watched_files, watched_paths
    from booklet.project import Project

    shutil.copytree(ROOT / "content", tmp_path / "content")
    home = tmp_path / "home"
    home.mkdir()
    brand = home / "brand.yaml"
    brand.write_text("name: Example College\nlogo: logo.svg\n")
    (home / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    project = Project.locate(tmp_path / "content", None)
    paths = watched_paths(project, brand)
    assert all(home != p and home not in p.parents for p in paths)
    assert watched_files(brand)() == [brand.absolute(), (home / "logo.svg").absolute()]

    changes = threading.Semaphore(0)
    ready, stop = threading.Event(), threading.Event()
    loop = threading.Thread(
        target=watch_loop,
        args=(paths, changes.release, ready.set, stop),
        kwargs={"raise_interrupt": False, "files": watched_files(brand)},
        daemon=True,
    )
    loop.start()
    try:
        assert ready.wait(60)
        (home / "notes.txt").write_text("a busy folder")
        (home / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10"/>')
        assert changes.acquire(timeout=60)  # the logo's change is seen
        # An editor that saves by writing a new file and renaming it over the old one.
        (home / "brand.yaml.tmp").write_text("name: Another College\nlogo: logo.svg\n")
        os.replace(home / "brand.yaml.tmp", brand)
        assert changes.acquire(timeout=60)
    finally:
        stop.set()
        loop.join(timeout=30)
    assert not loop.is_alive()


def test_the_spelling_panel_follows_the_content_and_passes_axe(server: Server, browser) -> None:
    from typer.testing import CliRunner

    from booklet.cli.app import app
    from tests.render.test_html_edition import axe_violations

    runner = CliRunner()

    gds = server.folder / "content" / "organisations" / "gds.yaml"
    original = gds.read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url)
        wait_until_built(page)
        page.locator("#no-spelling").wait_for(state="visible", timeout=BROWSER_TIMEOUT_MS)
        assert page.locator("#spelling li").count() == 0

        # Saved with a typo, an American spelling and a Welsh typo: each listed with file:line:col.
        broken = (
            original.replace("Improving how government", "Improving how governmnt", 1)
            .replace("uses digital and data.", "uses digital and data to organize services.", 1)
            .replace("Yn gwella sut", "Yn gwellla sut", 1)
        )
        gds.write_text(broken, encoding="utf-8")
        words = page.locator("#spelling li")
        words.nth(2).wait_for(timeout=BROWSER_TIMEOUT_MS)
        wait_until_built(page)
        lines = broken.splitlines()

        def at(word: str) -> str:
            line = next(i for i, text in enumerate(lines) if word in text)
            return f"content/organisations/gds.yaml:{line + 1}:{lines[line].index(word) + 1}"

        # The same words and suggestions as `booklet check --spelling`.
        check = runner.invoke(app, ["check", "--spelling", "--content", str(server.folder / "content")])
        said = {line.split("  ")[0].removeprefix("warning: "): line for line in check.output.splitlines()}
        first = said[at("governmnt")].split("did you mean ", 1)[1].split("?")[0]
        shown = [item.inner_text() for item in words.all()]
        assert shown == [
            f"governmnt {at('governmnt')} Suggestions: {first}",
            f"organize {at('organize')} British spelling: organise",
            f"gwellla {at('gwellla')} Suggestions: gwella, gwellai, gwellau",
        ], shown
        assert first.startswith("government")
        assert words.nth(2).locator("[lang=cy]").inner_text() == "gwellla"
        assert page.locator("#spelling-count").inner_text() == "(3)"
        assert page.locator("#no-spelling").is_hidden()
        assert axe_violations(page) == []
        # The word's place links to its organisation in the page.
        words.first.locator("a").click()
        assert "4px" in page.frame_locator("#edition").locator("#org-gds").evaluate("e => e.style.outline")

        # Fixed, and the panel clears on the rebuild.
        gds.write_text(original, encoding="utf-8")
        page.locator("#no-spelling").wait_for(state="visible", timeout=BROWSER_TIMEOUT_MS)
        assert page.locator("#spelling li").count() == 0
    finally:
        gds.write_text(original, encoding="utf-8")
        context.close()


def test_the_machines_names_come_from_the_machine_without_a_reverse_lookup(monkeypatch) -> None:
    import psutil

    from booklet.cli.serve_guard import machine_names

    def reverse_lookup(*args: object) -> str:
        raise AssertionError("a reverse lookup was made")

    monkeypatch.setattr(socket, "getfqdn", reverse_lookup)
    monkeypatch.setattr(socket, "gethostbyaddr", reverse_lookup)
    names = machine_names()
    assert {"localhost", "127.0.0.1", "[::1]", socket.gethostname().lower()} <= names
    own = [a.address for addresses in psutil.net_if_addrs().values() for a in addresses if a.family == socket.AF_INET]
    assert own and set(own) <= names
    for name in names:  # no MAC address, no IPv6 address without its brackets, no zone
        assert "%" not in name and (name.startswith("[") or ":" not in name), name
    assert "0.0.0.0" not in names


def test_a_host_name_lookup_that_never_answers_does_not_hold_the_start(monkeypatch) -> None:
    from booklet.cli.serve_guard import machine_names

    release = threading.Event()
    real = socket.getaddrinfo

    def unanswered(*args: object, **kwargs: object):  # a DNS server that does not answer until released
        release.wait()
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", unanswered)
    try:
        names = machine_names(lookup_seconds=0.05)
    finally:
        release.set()
    assert {"localhost", "127.0.0.1", socket.gethostname().lower()} <= names
