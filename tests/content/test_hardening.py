"""Hostile and mistaken content, as classes of input: every variant gets a clear located message.

Each test is parametrised over several fields, lengths and characters, so a fix
holds for the class and not for the one string that found it. Nothing here renders
except `test_the_longest_accepted_addresses_build_and_scan`, which proves that what
`check` accepts, `build` prints as a code that a real decoder (zxing-cpp) reads.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.content import scannable
from booklet.errors import Exit

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "tests" / "invalid" / "_base" / "content"

# Where each QR address lives in the base project: (file, the line as written, kind of code)
QR_FIELDS = {
    "website": (
        "organisations/gds.yaml",
        "website: https://www.gov.uk/government/organisations/government-digital-service",
        "card",
    ),
    "route url": ("routes.yaml", "    url: https://www.faststream.gov.uk\n", "route"),
    "call to action": ("booklet.yaml", "  url: https://www.civilservicejobs.service.gov.uk\n", "back"),
}


def project(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    return content


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_qr_address(content: Path, field: str, url: str) -> None:
    name, line, _ = QR_FIELDS[field]
    key, _, _ = line.partition(": ")
    replace_in(content / name, line, f"{key}: {url}" + ("\n" if line.endswith("\n") else ""))


def check(content: Path, *args: str):
    return CliRunner().invoke(app, ["check", "--content", str(content), *args])


# --- 1. QR codes that cannot be scanned (or made) -------------------------------------------


@pytest.mark.parametrize("field", sorted(QR_FIELDS))
@pytest.mark.parametrize("extra", [700, 1_500, 2_400, 5_000])
def test_addresses_too_long_for_a_scannable_qr_code_are_refused(tmp_path, field, extra):
    content = project(tmp_path)
    set_qr_address(content, field, "https://www.gov.uk/" + "a" * extra)
    result = check(content)
    assert result.exit_code == Exit.CONTENT, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert "too long" in lines[0] and "QR code" in lines[0]
    assert re.search(r"at most about \d+ characters", lines[0])
    assert len(lines[0]) < 500  # the address itself is shortened in the message


@pytest.mark.parametrize("kind", sorted(scannable.QR_SIZES_MM))
def test_the_limit_is_the_module_size_at_the_smallest_printed_size(kind):
    limit = scannable.longest_scannable(kind)
    smallest = min(scannable.QR_SIZES_MM[kind].values())
    at = scannable.scan("h" * limit, kind)
    over = scannable.scan("h" * (limit + 1), kind)
    assert at.module_mm >= scannable.MIN_MODULE_MM > over.module_mm
    assert at.size_mm == smallest
    assert scannable.problem("h" * limit, kind) is None
    assert scannable.problem("h" * (limit + 1), kind)


def test_the_printed_sizes_match_the_stylesheets():
    """Every QR width in the stylesheets is in the table, and the table's minimum is the stylesheets' minimum."""
    widths: dict[str, set[float]] = {"card": set(), "route": set(), "back": set()}
    for css in (ROOT / "styles").glob("*.css"):
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css.read_text(encoding="utf-8")):
            width = re.search(r"(?<![-\w])width:\s*([\d.]+)mm", body)
            if not width or "qr" not in selector or "tile" in selector:
                continue
            for part in selector.split(","):
                part = part.strip()
                kind = "back" if "back-qr" in part else "route" if ".route" in part else "card" if ".qr" in part else ""
                if kind:
                    widths[kind].add(float(width.group(1)))
    for kind, found in widths.items():
        table = set(scannable.QR_SIZES_MM[kind].values())
        assert found, kind
        assert min(found) == min(table), (kind, found, table)
        assert found <= table, (kind, found, table)


def test_the_longest_accepted_addresses_build_and_scan(tmp_path):
    """At the limit check allows, build exits 0 and zxing-cpp reads every code on an A5 page."""
    import pypdfium2 as pdfium
    import zxingcpp

    content = project(tmp_path)
    urls = {}
    for field, (_, _, kind) in QR_FIELDS.items():
        limit = scannable.longest_scannable(kind)
        urls[field] = "https://www.gov.uk/" + "q" * (limit - len("https://www.gov.uk/"))
        set_qr_address(content, field, urls[field])
    assert check(content).exit_code == Exit.OK
    out = tmp_path / "a5.pdf"
    result = CliRunner().invoke(app, ["build", "--content", str(content), "--format", "a5", "-o", str(out), "--force"])
    assert result.exit_code == Exit.OK, result.output
    decoded = set()
    for page in pdfium.PdfDocument(out):
        decoded |= {code.text for code in zxingcpp.read_barcodes(page.render(scale=200 / 72).to_pil())}
    assert set(urls.values()) <= decoded


# --- 5. Logos opened and checked before anything is rendered ------------------------------------

SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
GOOD_SVG = f'<svg {SVG_NS} viewBox="0 0 10 10"><rect width="10" height="10" fill="#123456"/></svg>\n'
BAD_SVGS = {
    "style import": (f"<svg {SVG_NS}><style>@import 'logo.css';</style><rect width='1' height='1'/></svg>", "@import"),
    "style IMPORT upper case": (
        f"<svg {SVG_NS}><style>@IMPORT url(x.css);</style><rect width='1' height='1'/></svg>",
        "@import",
    ),
    "style url https": (
        f"<svg {SVG_NS}><style>rect {{ fill: url(https://evil.example/p.svg#g) }}</style>"
        "<rect width='1' height='1'/></svg>",
        "url()",
    ),
    "style attribute url": (
        f"<svg {SVG_NS}><rect style=\"fill:url( 'http://evil.example/a' )\" width='1' height='1'/></svg>",
        "url()",
    ),
    "image href http": (
        f"<svg {SVG_NS}><image href='http://evil.example/a.png' width='1' height='1'/></svg>",
        "another file or address",
    ),
    "image xlink relative file": (
        f"<svg {SVG_NS}><image xlink:href='../../secret.png' width='1' height='1'/></svg>",
        "another file or address",
    ),
    "use external": (f"<svg {SVG_NS}><use href='other.svg#logo'/></svg>", "another file or address"),
    "external entity": (
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + f"<svg {SVG_NS}><text>&x;</text></svg>",
        "DTD or entities",
    ),
    "doctype only": (
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + GOOD_SVG,
        "DTD",
    ),
    "not svg root": ('<html><svg xmlns="http://www.w3.org/2000/svg"/></html>', "first element is not <svg>"),
    "broken xml": (f"<svg {SVG_NS}><rect></svg>", "not well-formed"),
    "empty svg": (f"<svg {SVG_NS} width='10' height='10'><g/></svg>", "draws nothing"),
}


def brand_project(tmp_path: Path, logo_name: str, data: bytes) -> Path:
    content = project(tmp_path)
    (content / logo_name).write_bytes(data)
    (content / "brand.yaml").write_text(
        f"name: Exampleton Careers\nlogo: {logo_name}\nlogo_alt: Exampleton\n", encoding="utf-8"
    )
    return content


@pytest.mark.parametrize("name", sorted(BAD_SVGS))
def test_svg_logos_that_would_not_print_are_refused_with_the_reason(tmp_path, name):
    svg, words = BAD_SVGS[name]
    result = check(brand_project(tmp_path, "logo.svg", svg.encode()))
    assert result.exit_code == Exit.CONTENT, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith("content/brand.yaml:2:1  logo  logo 'logo.svg' ")
    assert words in line


def png(width: int, height: int, rows: int | None = None) -> bytes:
    """A 1-bit greyscale PNG; with `rows`, only that many rows of data (a truncated or bomb-like file)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * ((width + 7) // 8 + 1)
    idat = zlib.compress(row * (height if rows is None else rows), 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (png(40_000, 40_000, rows=1), "40,000 × 40,000 pixels"),
        (png(100_000, 300, rows=1), "100,000 × 300 pixels"),
        (png(6_000, 5_000, rows=1), "6,000 × 5,000 pixels"),
        (png(300, 200).replace(b"IDAT", b"IDAT\xff\xfe\xfd", 1), "cannot be opened as a PNG image"),
        (png(300, 200)[:52], "cannot be opened as a PNG image"),
    ],
)
def test_png_logos_too_big_or_damaged_are_refused(tmp_path, data, words):
    result = check(brand_project(tmp_path, "logo.png", data))
    assert result.exit_code == Exit.CONTENT, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith("content/brand.yaml:2:1  logo  logo 'logo.png' ")
    assert words in line


@pytest.mark.parametrize(("name", "data"), [("logo.svg", GOOD_SVG.encode()), ("logo.png", png(800, 300))])
def test_good_logos_pass(tmp_path, name, data):
    result = check(brand_project(tmp_path, name, data))
    assert result.exit_code == Exit.OK, result.output


@pytest.mark.parametrize("size", [100, 10_000, 1_500_000])
def test_messages_never_print_a_data_uri_whole(size):
    from booklet.errors import visible

    uri = "data:image/png;base64," + "QUJD" * (size // 4)
    shown = visible(f"warning: blocked {uri}, requested by an image")
    assert len(shown) < 200
    assert shown.startswith("warning: blocked data:image/png;base64,")
    assert f"({len(uri):,} characters)" in shown or size < 60


# --- 6-8, 12. Characters: controls, hidden characters, long words, pasted quotes and bullets --------

# (file, the line as written in the base project, how to write a new value there)
TEXT_FIELDS = {
    "organisation name": ("organisations/gds.yaml", "name: Government Digital Service (GDS)", "name: {}"),
    "organisation summary": (
        "organisations/gds.yaml",
        "summary: Improving how government uses digital and data.",
        "summary: {}",
    ),
    "role": ("organisations/gds.yaml", "  - Data Scientists", "  - {}"),
    "route title": ("routes.yaml", "    title: Fast Stream", "    title: {}"),
    "route step": ("routes.yaml", "      - Register an account", "      - {}"),
    "audience name": ("audiences.yaml", "    name: Students and graduates", "    name: {}"),
}
CONTROL_ESCAPES = {
    "NUL": r"\0",
    "BEL": r"\a",
    "BS": r"\b",
    "ESC": r"\e",
    "CR": r"\r",
    "DEL": r"\x7f",
    "NEL": r"\N",
    "CSI": r"\x9b",
    "VT": r"\v",
    "FF": r"\f",
}
HIDDEN_ESCAPES = {
    "RLO": r"\u202e",
    "LRI": r"\u2066",
    "RLM": r"\u200f",
    "ALM": r"\u061c",
    "ZWSP": r"\u200b",
    "WJ": r"\u2060",
    "BOM": r"\ufeff",
    "ZWJ": r"\u200d",
}


def set_text(content: Path, field: str, yaml_value: str) -> None:
    name, line, template = TEXT_FIELDS[field]
    replace_in(content / name, line, template.format(yaml_value))


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize("char", sorted(CONTROL_ESCAPES))
def test_control_characters_from_yaml_escapes_are_refused_and_shown_escaped(tmp_path, field, char):
    content = project(tmp_path)
    set_text(content, field, f'"Careers {CONTROL_ESCAPES[char]}[31mred text"')
    result = check(content)
    assert result.exit_code == Exit.CONTENT, result.output
    lines = [line for line in result.stdout.splitlines() if "control character" in line]
    assert len(lines) == 1, result.stdout
    assert re.search(r"control characters? U\+00[0-9A-F]{2}", lines[0])
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.output)  # the terminal sees escapes only


@pytest.mark.parametrize("field", [*sorted(QR_FIELDS), "source"])
@pytest.mark.parametrize("char", sorted(HIDDEN_ESCAPES))
def test_hidden_characters_in_addresses_are_refused(tmp_path, field, char):
    content = project(tmp_path)
    url = f'"https://www.gov.uk{HIDDEN_ESCAPES[char]}/ku.vog.www"'
    if field == "source":
        replace_in(content / "routes.yaml", "    source: https://www.faststream.gov.uk\n", f"    source: {url}\n")
    else:
        set_qr_address(content, field, url)
    result = check(content)
    assert result.exit_code == Exit.CONTENT, result.output
    (line,) = [line for line in result.stdout.splitlines() if "invisible character" in line]
    assert "must not contain the invisible character U+" in line
    assert not re.search("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]", result.output)


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize("char", sorted(HIDDEN_ESCAPES))
def test_hidden_characters_in_text_are_removed_with_a_warning(tmp_path, field, char):
    content = project(tmp_path)
    set_text(content, field, f'"Care{HIDDEN_ESCAPES[char]}ers"')
    result = check(content)
    assert result.exit_code == Exit.OK, result.output
    (line,) = result.stdout.splitlines()
    assert "warning: " in line and "; it was removed" in line
    assert check(content, "--strict").exit_code == Exit.CONTENT


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize("length", [31, 60, 5_000])
def test_very_long_words_are_warned_about(tmp_path, field, length):
    content = project(tmp_path)
    set_text(content, field, "Data " + "w" * length)
    result = check(content)
    assert result.exit_code == Exit.OK, result.output
    (line,) = [line for line in result.stdout.splitlines() if "words over" in line]  # (a 5,000-letter
    assert f"has {length:,} characters; words over 30" in line  # summary is also too long for a page)
    assert len(line) < 400


@pytest.mark.parametrize(
    "word",
    [
        "w" * 30,
        "civilservicejobs.service.gov.uk",
        "https://www.gov.uk/" + "x" * 40,
        "careers-service-appointments@exampleton.ac.uk",
    ],
)
def test_ordinary_words_and_addresses_in_text_are_not_warned_about(tmp_path, word):
    content = project(tmp_path)
    set_text(content, "organisation summary", f"Read {word} today.")
    result = check(content, "--strict")
    assert result.exit_code == Exit.OK, result.output


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize(("left", "right"), [("“", "”"), ("‘", "’"), ("„", "“"), ("«", "»")])
def test_curly_quotes_around_a_whole_value_are_removed_with_a_warning(tmp_path, field, left, right):
    content = project(tmp_path)
    set_text(content, field, f"{left}Careers advice{right}")
    result = check(content)
    assert result.exit_code == Exit.OK, result.output
    (line,) = result.stdout.splitlines()
    assert "curly quotes" in line and "use straight quotes: " in line and '"Careers advice"' in line


@pytest.mark.parametrize("bullet", ["•", "◦", "▪", "●", "‣", "➢", "✓", "–", "—", "·"])
@pytest.mark.parametrize("field", ["role", "route step"])
def test_pasted_bullets_are_removed_from_list_items_with_a_warning(tmp_path, bullet, field):
    content = project(tmp_path)
    set_text(content, field, f"{bullet.strip()} Search NHS Jobs")
    result = check(content)
    assert result.exit_code == Exit.OK, result.output
    (line,) = result.stdout.splitlines()
    assert f"pasted bullet {bullet.strip()!r}" in line


@pytest.mark.parametrize(
    ("bullet", "words"),
    [("*", "if it is a pasted bullet, delete it"), ("-", "two '- ' at the start of one line make a list inside")],
)
@pytest.mark.parametrize("field", ["role", "route step"])
def test_bullets_that_yaml_reads_as_syntax_get_a_hint_that_fixes_them(tmp_path, bullet, words, field):
    content = project(tmp_path)
    set_text(content, field, f"{bullet} Search NHS Jobs")
    result = check(content)
    assert result.exit_code == Exit.CONTENT, result.output
    (line,) = result.stdout.splitlines()
    assert words in line
    set_text_back = (content / TEXT_FIELDS[field][0]).read_text().replace(f"- {bullet} Search", "- Search")
    (content / TEXT_FIELDS[field][0]).write_text(set_text_back)
    assert check(content).exit_code == Exit.OK  # the hint's fix works


@pytest.mark.parametrize(
    "broken",
    ['routes:\n  - id: "never closed\n', "routes:\n\t- id: x\n  - [\n", "\x00binary", "a: *nowhere\n"],
)
def test_the_summary_counts_files_that_could_not_be_read(tmp_path, broken):
    content = project(tmp_path)
    (content / "routes.yaml").write_text(broken, encoding="utf-8")
    result = check(content)
    assert result.exit_code == Exit.CONTENT
    assert result.stderr.rstrip().endswith("in 5 files"), result.stderr


def test_long_unbreakable_words_wrap_inside_the_page(tmp_path):
    """A 2,000-letter name, a 400-letter title and a 500-letter step stay inside the page's text area."""
    import pypdfium2 as pdfium

    content = project(tmp_path)
    set_text(content, "organisation name", "G" * 2_000)
    set_text(content, "route title", "F" * 400)
    set_text(content, "route step", "R" * 500)
    set_text(content, "role", "E" * 300)
    out = tmp_path / "long.pdf"
    result = CliRunner().invoke(app, ["build", "--content", str(content), "-o", str(out), "--force"])
    assert result.exit_code == Exit.OK, result.output
    mm = 72 / 25.4
    for number, page in enumerate(pdfium.PdfDocument(out), 1):
        width, _ = page.get_size()
        text = page.get_textpage()
        for i in range(text.count_chars()):
            left, _, right, _ = text.get_charbox(i)
            if right > left and text.get_text_range(i, 1) in "GFRE":
                assert right <= width - 10 * mm, f"page {number}: a long word runs into the margin"


# --- 9. Characters the typeface lacks, and repeated warnings grouped ------------------------------


@pytest.mark.parametrize("char", ["🚀", "😀", "中", "\ue000", "𝄞"])
def test_a_character_missing_from_the_typeface_is_a_content_warning_grouped_across_fields(tmp_path, char):
    content = project(tmp_path)
    for field in TEXT_FIELDS:
        _, _, template = TEXT_FIELDS[field]
        set_text(content, field, template.format("").split(":")[-1].strip() + f"Careers {char}".strip())
    result = check(content)
    assert result.exit_code == Exit.OK, result.output
    lines = result.stdout.splitlines()
    (line,) = [x for x in lines if "typeface" in x]
    assert f"the character {char!r} (U+{ord(char):04X}" in line
    assert f"×{len(TEXT_FIELDS)}, first in content/" in line
    assert result.stderr.startswith(f"0 errors, {len(TEXT_FIELDS)} warnings")


@pytest.mark.parametrize("char", ["ŵ", "Ŷ", "€", "–", "é", "’"])
def test_characters_the_typeface_has_are_not_warned_about(tmp_path, char):
    content = project(tmp_path)
    set_text(content, "organisation summary", f"Careers {char} today.")
    assert check(content, "--strict").exit_code == Exit.OK


def test_only_warnings_are_grouped():
    from booklet.errors import Problem, Where, group_warnings

    same = [Problem(Where("a.yaml", n, 1), "same", "fix", f"k{n}", warning=True) for n in range(1, 4)]
    errors = [Problem(Where("a.yaml", n, 1), "same", "fix", f"e{n}") for n in range(1, 3)]
    grouped = group_warnings(same + errors)
    assert [p.what for p in grouped] == ["same ×3, first in a.yaml: k1", "same", "same"]


# --- 11. Minor: files in a sub-folder of organisations/ are not silently ignored ----------------


@pytest.mark.parametrize("names", [["nhs.yaml"], ["a.yaml", "b.yml", "c.yaml", "d.yaml"], ["deeper/x.yaml"]])
def test_organisation_files_in_a_sub_folder_are_warned_about(tmp_path, names):
    content = project(tmp_path)
    for name in names:
        path = content / "organisations" / "sub" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((content / "organisations" / "gds.yaml").read_text())
    result = check(content)
    assert result.exit_code == Exit.OK, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith("content/organisations/sub  -  warning: is a folder: its ")
    assert "move them up a level" in line
