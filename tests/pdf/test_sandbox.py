"""The WeasyPrint sandbox, and content text that stays text.

One hostile project is built once for the module: its styles reference a
loopback HTTP server started by the test (stylesheet link, @import, @font-face,
<img>, CSS url(), an SVG that pulls in a remote image), file:///etc/passwd, and
attachments; its content carries <script>, <img src=file:///etc/passwd> and
<style> in every text field. The server must receive zero requests, every
blocked URL must be a warning naming who asked for it, nothing may be attached,
and the markup must appear in the PDF as the literal text it was typed as.
"""

from __future__ import annotations

import ast
import http.server
import re
import shutil
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from booklet.cli import app
from booklet.errors import BookletError
from booklet.jobs.plan import printed_html_path
from booklet.pdf.weasy import SandboxedFetcher, html_to_pdf
from booklet.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ['<script>alert("x")</script>', "<img src=file:///etc/passwd>", "<style>*{display:none}</style>"]
TEXT_KEYS = {
    "title",
    "strapline",
    "publisher",
    "subject",
    "keywords",
    "introduction",
    "heading",
    "lead",
    "text",
    "label",
    "name",
    "summary",
    "roles",
    "steps",
    "cover_line",
    "notes",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    requests: list[str] = []
    handler = type("Handler", (_Handler,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


def poison(value, key=""):
    """Append the payloads to every free-text value in parsed content."""
    if isinstance(value, dict):
        return {k: poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return value + " " + " ".join(PAYLOADS)
    return value


@dataclass
class Hostile:
    base: str
    urls: dict[str, str]
    """URL → the words the warning must use for who asked for it."""
    requests: list[str]
    result: object
    pdf: Path
    html: str


@pytest.fixture(scope="module")
def hostile(server, tmp_path_factory) -> Hostile:
    base, requests = server
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "content", root / "content", ignore=shutil.ignore_patterns("schemas"))
    shutil.copytree(ROOT / "styles", root / "styles", ignore=shutil.ignore_patterns("__pycache__"))
    for path in (root / "content").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(poison(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    urls = {
        f"{base}/link.css": "a stylesheet",
        f"{base}/import.css": "a stylesheet",
        f"{base}/font.woff": "a font (@font-face)",
        f"{base}/img.png": "an image",
        f"{base}/background.png": "an image",
        f"{base}/in-svg.png": "an image inside an SVG",
        "file:///etc/passwd": "an image",
        f"{base}/attached.txt": "an attachment",
        (root / "content" / "routes.yaml").as_uri(): "an attachment",
        (root / "content" / "booklet.yaml").as_uri(): "an attachment",
    }
    (root / "styles" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{base}/in-svg.png" width="10" height="10"/></svg>'
    )
    template = root / "styles" / "booklet.html.j2"
    template.write_text(
        template.read_text().replace(
            "<head>",
            f'<head>\n<link rel="stylesheet" href="{base}/link.css">'
            '\n<link rel="attachment" href="content/booklet.yaml">'
            f'\n<style>@import url("{base}/import.css");</style>',
            1,
        )
    )
    card = root / "styles" / "partials" / "organisation.html.j2"
    card.write_text(
        card.read_text()
        + (
            f'\n<img src="{base}/img.png" alt="a"><img src="file:///etc/passwd" alt="b">'
            '<img src="styles/evil.svg" alt="c">\n<a rel="attachment" href="content/routes.yaml">routes</a>'
            f'<a rel="attachment" href="{base}/attached.txt">x</a>\n'
        )
    )
    css = root / "styles" / "booklet.css"
    css.write_text(
        css.read_text()
        + (
            f"\n@font-face {{ font-family: 'Evil'; src: url({base}/font.woff); }}\n"
            ".card h3 { font-family: 'Evil', 'Booklet Sans', sans-serif; }\n"
            f".card {{ background-image: url({base}/background.png); }}\n"
        )
    )
    (root / "output").mkdir()
    out = root / "output" / "hostile.pdf"
    result = CliRunner().invoke(app, ["build", "--content", str(root / "content"), "-o", str(out), "--html"])
    return Hostile(base, urls, requests, result, out, printed_html_path(out).read_text(encoding="utf-8"))


# -- the sandbox ----------------------------------------------------------------------------------


def test_the_build_succeeds_with_warnings(hostile):
    assert hostile.result.exit_code == 0, hostile.result.output
    assert hostile.pdf.is_file()


def test_the_loopback_server_got_zero_requests(hostile):
    assert hostile.requests == []


def test_each_blocked_url_is_a_warning_naming_who_asked(hostile):
    lines = hostile.result.stderr.splitlines()
    for url, by in hostile.urls.items():
        matching = [line for line in lines if f"blocked {url}," in line]
        assert matching, f"no warning for {url}:\n" + hostile.result.stderr
        assert all(line.startswith("warning: ") and f"requested by {by}" in line for line in matching), matching


def test_no_other_warnings(hostile):
    # The hostile project's pictures are all blocked, so its pages may come out short: page-fill
    # warnings are about the layout, not about what was fetched (tests/pdf/test_fill.py).
    others = [line for line in hostile.result.stderr.splitlines() if " blocked " not in line and "% full" not in line]
    assert others == []


def test_nothing_is_attached_and_no_file_leaks_into_the_pdf(hostile):
    with pikepdf.open(hostile.pdf) as pdf:
        assert dict(pdf.attachments) == {}
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                assert annot.get("/Subtype") != "/FileAttachment"
    text = "\n".join(page.extract_text() or "" for page in PdfReader(hostile.pdf).pages)
    assert "root:x:0:0" not in text


def test_strict_turns_a_blocked_url_into_an_error(tmp_path):
    html = '<html><body><img src="http://127.0.0.1:9/x.png" alt=""><p>hello</p></body></html>'
    rendered = html_to_pdf(html, [tmp_path], tmp_path, pdf_standard="none")
    assert [str(b) for b in rendered.blocked] == [
        "blocked http://127.0.0.1:9/x.png, requested by an image (<img>, <object>, <embed> or a CSS url())"
    ]
    with pytest.raises(BookletError, match=r"blocked http://127\.0\.0\.1:9/x\.png, requested by an image"):
        html_to_pdf(html, [tmp_path], tmp_path, pdf_standard="none", strict=True)


def test_build_settings_pass_strict_to_the_renderer(monkeypatch, tmp_path):
    import booklet.jobs as build
    import booklet.pdf.weasy as pdf

    seen = {}

    def fake(laid, **kwargs):
        seen.update(kwargs)
        raise BookletError.single("stop here")

    monkeypatch.setattr(pdf, "write", fake)
    from booklet.content.load import load_project_content
    from booklet.project import Project

    project = Project.locate(ROOT / "content")
    job = build.plan(
        project,
        load_project_content(project.content, project.root),
        settings=Settings(strict=True),
        output=tmp_path / "x.pdf",
    )[0]
    assert build.run_job(job).status == "failed"
    assert seen["strict"] is True


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("data:text/css,body{}", True),
        ("file:///etc/passwd", False),
        ("file://localhost/etc/passwd", False),
        ("file://evil.example/share/x.css", False),
        ("http://127.0.0.1/x.css", False),
        ("https://example.com/x.css", False),
        ("ftp://example.com/x.css", False),
        ("FILE:///etc/passwd", False),
    ],
)
def test_fetcher_permits_only_data_and_files_inside(tmp_path, url, allowed):
    assert SandboxedFetcher([tmp_path]).permits(url) is allowed


def test_fetcher_checks_the_real_path(tmp_path):
    inside = tmp_path / "project"
    inside.mkdir()
    (inside / "ok.css").write_text("body {}")
    (inside / "link.css").symlink_to("/etc/passwd")
    fetcher = SandboxedFetcher([inside])
    assert fetcher.permits((inside / "ok.css").as_uri())
    assert not fetcher.permits((inside / "link.css").as_uri())
    assert not fetcher.permits((inside / "ok.css").as_uri().replace("/ok.css", "/../../../etc/passwd"))
    assert not fetcher.permits((inside / "ok.css").as_uri().replace("/ok.css", "/%2e%2e/%2e%2e/etc/passwd"))
    assert not fetcher.permits((inside / "ok.css").as_uri() + "/../../../etc/passwd")


def test_only_pdf_py_calls_weasyprint_and_always_with_the_fetcher():
    """A stylesheet or document built without our fetcher gets WeasyPrint's unrestricted one."""
    for path in sorted((ROOT / "booklet").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("HTML", "CSS", "Attachment"):
                    assert path.name == "pdf.py", f"{path.name} calls WeasyPrint's {name}() directly"
                    assert any(k.arg == "url_fetcher" for k in node.keywords), f"{name}() without url_fetcher"


# -- text stays text ------------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_markup_in_content_is_escaped_in_the_html(hostile):
    from booklet.content.load import load_project_content
    from booklet.render.html import render_html

    clean = load_project_content(ROOT / "content", ROOT)
    clean_styles = render_html(clean.booklet).count("<style")
    parser = _Elements()
    parser.feed(hostile.html)
    assert not [attrs for tag, attrs in parser.tags if tag == "script"]
    # Only the template override's own <img> and <style> (one each per card / document) are elements.
    passwd_images = [attrs for tag, attrs in parser.tags if tag == "img" and "passwd" in (attrs.get("src") or "")]
    assert all(attrs.get("alt") == "b" for attrs in passwd_images)
    assert [tag for tag, _ in parser.tags].count("style") == clean_styles + 1
    assert "&lt;script&gt;" in hostile.html


def test_markup_in_content_is_printed_literally_in_the_pdf(hostile):
    text = "\n".join(page.extract_text() or "" for page in PdfReader(hostile.pdf).pages)
    flat = re.sub(r"\s+", "", text)
    for payload in PAYLOADS:
        assert re.sub(r"\s+", "", payload) in flat, payload
    # Every printed organisation name, summary and role carries its payload.
    assert flat.count(re.sub(r"\s+", "", PAYLOADS[0])) >= 20
