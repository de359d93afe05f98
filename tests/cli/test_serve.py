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
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            found = re.search(r"serving http://[^:]+:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
                break
        assert self.port, "".join(self.lines) + (self.process.stderr.read() if self.process.stderr else "")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        """A plain HTTP request; http.client sends the path exactly as given (no `..` clean-up)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest("GET", path, skip_host=True)
            connection.putheader("Host", f"127.0.0.1:{self.port}" if host is None else host)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

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
    server.wait_for_pdf()
    pdfs = sorted(output.glob("*.pdf"))
    assert pdfs
    status, body = server.get(f"/output/{pdfs[0].name}")
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


def test_another_address_needs_the_option_and_prints_a_warning(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    other = Server(tmp_path, "--host", "0.0.0.0")
    try:
        assert other.port
    finally:
        err = other.stop()
    assert "warning: serving on 0.0.0.0, so other computers on the network can see this booklet" in err
    assert "Traceback" not in err


def test_serve_never_writes_content(server: Server) -> None:
    before = {p: p.read_bytes() for p in (server.folder / "content").rglob("*") if p.is_file()}
    for path in ("/", "/state", "/state?audience=graduates", "/download", "/assets/serve.css"):
        server.get(path)
    time.sleep(0.5)
    after = {p: p.read_bytes() for p in (server.folder / "content").rglob("*") if p.is_file()}
    assert after == before
    assert not os.path.exists(server.folder / "content" / "output")
