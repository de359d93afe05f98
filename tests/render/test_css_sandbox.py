"""The HTML edition's CSS gets the PDF's sandbox: nothing a browser would fetch, no way out of <style>.

Each variant puts a hostile `styles/custom.css` into a small valid project and
builds the real HTML edition: no blocked address may reach the page, each gets
the PDF build's warning, --strict fails, and files the sandbox allows are inlined.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.errors import Exit

BASE = Path(__file__).resolve().parents[1] / "invalid" / "_base" / "content"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(BASE, tmp_path / "content")
    (tmp_path / "styles").mkdir()
    (tmp_path / "content" / "dot.png").write_bytes(PNG)
    (tmp_path / "secret.css").write_text("body { color: red }\n")  # outside the allowed folders
    return tmp_path


def web_build(project: Path, css: str, *options: str):
    (project / "styles" / "custom.css").write_text(css, encoding="utf-8")
    out = project / "output" / "booklet.html"
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--content",
            str(project / "content"),
            "--styles",
            str(project / "styles"),
            "--html-edition",
            "-o",
            str(out),
            "--force",
            *options,
        ],
    )
    return result, out


HOSTILE = {
    "import https": ('@import "https://evil.example/a.css";', "https://evil.example/a.css"),
    "import url() http": ("@import url(http://evil.example/b.css) screen;", "http://evil.example/b.css"),
    "background http": ("body { background: url(http://evil.example/track.gif) }", "http://evil.example/track.gif"),
    "quoted https image": ('h1 { background-image: url("https://evil.example/x.png") }', "https://evil.example/x.png"),
    "font-face": (
        '@font-face { font-family: X; src: url("https://evil.example/f.woff2") }',
        "https://evil.example/f.woff2",
    ),
    "file outside": ("@import url(file:///etc/passwd);", "file:///etc/passwd"),
    "relative outside": ("@import '../secret.css';", "../secret.css"),
    "nested in media": ("@media print { p { background: url(//evil.example/p.png) } }", "//evil.example/p.png"),
    "javascript": ("p { background: url('javascript:alert(1)') }", "javascript:alert(1)"),
    "image-set": (
        'p { background-image: image-set(url("https://evil.example/i.png") 1x) }',
        "https://evil.example/i.png",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_blocked_addresses_never_reach_the_page(project, name):
    css, url = HOSTILE[name]
    result, out = web_build(project, css)
    assert result.exit_code == Exit.OK, result.output
    page = out.read_text(encoding="utf-8")
    assert url not in page
    assert "evil.example" not in page and "/etc/passwd" not in page
    assert f"warning: blocked {url}, requested by" in result.stderr
    assert "(only files inside the project are read)" in result.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_strict_fails_like_the_pdf_build(project, name):
    css, url = HOSTILE[name]
    before = b"<html>the previous page</html>"
    (project / "output").mkdir()
    (project / "output" / "booklet.html").write_bytes(before)
    result, out = web_build(project, css, "--strict")
    assert result.exit_code == Exit.RENDER, result.output
    assert f"blocked {url}" in result.stderr
    assert out.read_bytes() == before


def test_files_the_sandbox_allows_are_inlined(project):
    result, out = web_build(project, "body { background: url(content/dot.png) }")
    assert result.exit_code == Exit.OK, result.output
    page = out.read_text(encoding="utf-8")
    assert "url(data:image/png;base64," in page
    assert "content/dot.png" not in page
    assert "blocked" not in result.stderr


@pytest.mark.parametrize(
    "css",
    [
        "</style><script>alert(1)</script>",
        "p { color: red } </STYLE><img src=x onerror=alert(1)>",
        'p::after { content: "</style><script>alert(2)</script>" }',
        "/* </style><script>alert(3)</script> */ p { color: blue }",
        "</style\n><script>alert(4)</script>",
    ],
)
def test_no_stylesheet_can_close_its_style_element(project, css):
    result, out = web_build(project, css)
    assert result.exit_code == Exit.OK, result.output
    page = out.read_text(encoding="utf-8")
    assert page.lower().count("</style") == 1  # only the template's own
    tags = Tags()
    tags.feed(page)
    assert "script" not in tags.started and "img" not in tags.started  # as a browser parses it
    assert tags.started.count("style") == 1


class Tags(HTMLParser):
    """The elements a browser would build (style content is raw text, as in HTML)."""

    def __init__(self) -> None:
        super().__init__()
        self.started: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.started.append(tag)
