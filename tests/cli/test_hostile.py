"""Hostile input: one line, no traceback, a non-zero exit, in under five seconds — for check and build.

Each case puts one hostile file (or link) into a copy of a small valid project
(tests/invalid/_base) and runs the real command through Typer's CliRunner.
`check` prints exactly one problem line on stdout and a one-line summary on
stderr; `build` prints exactly one line on stderr and writes nothing.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.errors import Exit

BASE = Path(__file__).resolve().parents[1] / "invalid" / "_base" / "content"
LIMIT_SECONDS = 5.0


def billion_laughs() -> str:
    lines = ['lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"  # 10^9 strings if expanded


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def alias_bomb(content: Path) -> None:
    write(content / "organisations" / "bomb.yaml", billion_laughs())


def twenty_megabytes(content: Path) -> None:
    write(content / "organisations" / "huge.yaml", "summary: " + "x" * 79 + "\n" * 1 + ("a: b\n" * 4_000_000))


def binary_file(content: Path) -> None:
    write(content / "organisations" / "photo.yaml", bytes(range(256)) * 64)


def not_utf8(content: Path) -> None:
    write(content / "organisations" / "latin1.yaml", "name: Caf\u00e9 Careers\n".encode("latin-1"))


def list_for_mapping(content: Path) -> None:
    write(content / "booklet.yaml", "- title: AI Careers\n- strapline: a list, not a mapping\n")


def deep_nesting(content: Path) -> None:
    write(content / "organisations" / "deep.yaml", "name: " + "[" * 200_000 + "]" * 200_000 + "\n")


def deep_block_nesting(content: Path) -> None:
    write(content / "organisations" / "deep.yaml", "".join(" " * i + "k:\n" for i in range(800)))


def python_object(content: Path) -> None:
    write(content / "organisations" / "evil.yaml", "name: !!python/object/apply:os.system ['touch /tmp/pwned']\n")


def empty_file(content: Path) -> None:
    write(content / "routes.yaml", "")


def symlink_out_of_project(content: Path) -> None:
    (content / "organisations" / "passwd.yaml").symlink_to("/etc/passwd")


def symlink_to_sibling_project(content: Path) -> None:
    outside = content.parent.parent / "elsewhere.yaml"
    write(outside, "name: Someone else's file\n")
    (content / "organisations" / "elsewhere.yaml").symlink_to(outside)


def symlinked_folder_out_of_project(content: Path) -> None:
    outside = content.parent.parent / "other-organisations"
    outside.mkdir()
    write(outside / "x.yaml", "name: Someone else's file\n")
    shutil.rmtree(content / "organisations")
    (content / "organisations").symlink_to(outside)


def symlink_to_itself(content: Path) -> None:
    (content / "organisations" / "self.yaml").symlink_to("self.yaml")


def replace_line(path: Path, start: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(new if line.startswith(start) else line for line in lines) + "\n", encoding="utf-8")


def qr_overflow(content: Path) -> None:
    replace_line(content / "organisations" / "gds.yaml", "website:", "website: https://www.gov.uk/" + "a" * 5_000)


def control_escapes(content: Path) -> None:
    replace_line(content / "organisations" / "gds.yaml", "name:", r'name: "GDS\0NUL \e[31mRED\e[0m \x07bell"')


def spoofed_address(content: Path) -> None:
    replace_line(
        content / "organisations" / "gds.yaml",
        "website:",
        r'website: "https://www.gov.uk\u202e/ku.vog.www//:sptth\u202c"',
    )


def huge_png_logo(content: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 1, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 5001))
        + chunk(b"IEND", b"")
    )
    write(content / "logo.png", data)
    write(content / "brand.yaml", "name: Exampleton Careers\nlogo: logo.png\nlogo_alt: Exampleton\n")


def svg_logo_of_one_import(content: Path) -> None:
    write(
        content / "logo.svg",
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>',
    )
    write(content / "brand.yaml", "name: Exampleton Careers\nlogo: logo.svg\nlogo_alt: Exampleton\n")


CASES = {
    "alias bomb": (alias_bomb, "expands to more than 100,000 values"),
    "20 MB file": (twenty_megabytes, "is 20.0 MB; content files must be under 512 kB"),
    "binary file": (binary_file, "is a binary file"),
    "non-UTF-8 file": (not_utf8, "is not UTF-8 text (byte 0xe9)"),
    "list where a mapping belongs": (list_for_mapping, "expected a mapping of keys, found a list"),
    "deep nesting": (deep_nesting, "is nested more than 40 levels deep"),
    "deep block nesting": (deep_block_nesting, "is nested more than 40 levels deep"),
    "!!python/object tag": (python_object, "unsupported YAML tag '!!python/object/apply:os.system'"),
    "empty file": (empty_file, "content/routes.yaml  -  is empty"),
    "symlink out of the project": (symlink_out_of_project, "links to a file outside the project"),
    "symlink to a file beside the project": (symlink_to_sibling_project, "links to a file outside the project"),
    "symlinked folder out of the project": (symlinked_folder_out_of_project, "links to a folder outside the project"),
    "symlink to itself": (symlink_to_itself, "is a symbolic link that leads back to itself"),
    "address no QR code can hold": (qr_overflow, "is too long for any QR code"),
    "control characters by YAML escapes": (control_escapes, "contains the control characters U+0000, U+0007, U+001B"),
    "address spoofed by a bidi override": (spoofed_address, "must not contain the invisible character U+202E"),
    "40,000 x 40,000 pixel logo": (huge_png_logo, "is 40,000 × 40,000 pixels"),
    "SVG logo that is one blocked @import": (svg_logo_of_one_import, "loads a stylesheet, font or image"),
}


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root / "content")
    return root


def invoke(*args: str):
    start = time.perf_counter()
    result = CliRunner().invoke(app, list(args))
    return result, time.perf_counter() - start


def assert_clean_failure(result, seconds: float) -> None:
    assert result.exit_code not in (0, None), result.output
    assert result.exit_code != Exit.BUG, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert seconds < LIMIT_SECONDS, f"took {seconds:.1f} s"


@pytest.mark.parametrize("name", CASES)
def test_check_reports_one_line(project, name):
    make, message = CASES[name]
    make(project / "content")
    result, seconds = invoke("check", "--content", str(project / "content"))
    assert_clean_failure(result, seconds)
    assert result.exit_code == Exit.CONTENT
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert message in lines[0]
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("name", CASES)
def test_build_stops_with_one_line_and_writes_nothing(project, name):
    make, message = CASES[name]
    make(project / "content")
    result, seconds = invoke("build", "--content", str(project / "content"))
    assert_clean_failure(result, seconds)
    assert result.exit_code == Exit.CONTENT
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert result.stdout == ""
    assert not (project / "output").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_missing_content_folder(tmp_path, command):
    result, seconds = invoke(command, "--content", str(tmp_path / "no-such-folder"))
    assert_clean_failure(result, seconds)
    assert result.exit_code == Exit.CONTENT
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "content folder not found" in line


def test_the_python_tag_never_ran(project):
    marker = project / "pwned"
    write(
        project / "content" / "organisations" / "evil.yaml",
        f"name: !!python/object/apply:os.system ['touch {marker}']\n",
    )
    invoke("check", "--content", str(project / "content"))
    assert not marker.exists()


def test_symlinked_files_inside_the_project_are_fine(project):
    content = project / "content"
    (project / "shared").mkdir()
    shutil.move(content / "organisations" / "ukhsa.yaml", project / "shared" / "ukhsa.yaml")
    os.symlink(project / "shared" / "ukhsa.yaml", content / "organisations" / "ukhsa.yaml")
    result, _ = invoke("check", "--content", str(content))
    assert result.exit_code == 0, result.output
