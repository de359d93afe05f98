"""The braille edition: real liblouis translations, checked by translating the BRF back and by its page geometry."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.errors import BookletError
from booklet.render.braille import braille_edition, edition_blocks
from booklet.render.louis import CODES, number, translate
from booklet.settings import Settings

runner = CliRunner()
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text.replace("\u2019", "'"))]


def back_words(text: str) -> list[str]:
    """Words of a back-translated line. The Welsh table gives the "ae" sign back as a ligature, and a full
    stop or comma after a word as the digit on the same cell (a digit in braille always follows the
    numeric indicator, so a digit glued to letters can only be that punctuation)."""
    text = text.replace("Æ", "ae").replace("æ", "ae")
    return words(re.sub(r"(?<=[^\W\d_])[0-9]+", " ", text))


def pages(data: bytes) -> list[list[str]]:
    text = data.decode("ascii")
    assert text.endswith("\r\n\f")
    return [page.split("\r\n")[:-1] for page in text.split("\f")[:-1]]


def recovered(booklet, settings: Settings) -> float:
    """Share of the edition's print words found again when the BRF is translated back with the same table."""
    data = braille_edition(booklet, settings)
    wanted = Counter(w for block in edition_blocks(booklet, settings) for w in words(block.text))
    lines = [line for page in pages(data) for line in page if line.strip()]
    back = Counter(
        w for line in translate(lines, CODES[settings.language].table, backward=True) for w in back_words(line)
    )
    return sum(min(n, back[w]) for w, n in wanted.items()) / sum(wanted.values())


@pytest.fixture(scope="module")
def english(booklet_model) -> bytes:
    return braille_edition(booklet_model, Settings(edition="braille"))


@pytest.fixture(scope="module")
def welsh(booklet_model) -> bytes:
    return braille_edition(booklet_model, Settings(edition="braille", language="cy"))


def test_back_translation_recovers_the_words(booklet_model):
    share = recovered(booklet_model, Settings(edition="braille"))
    assert share >= 0.98, f"{share:.1%}"


def test_welsh_back_translation_recovers_most_words(booklet_model):
    """liblouis's Welsh table translates forward well but reads some signs wrongly backward: "dweud" comes
    back "diweddeud", "blwch" "blwyddynwch", "nodweddiadol" "nodiweddeddiadol", "mae'r" "m'r", and a
    slash in a web address "stori". About nine words in ten come back (89% when this was written)."""
    share = recovered(booklet_model, Settings(edition="braille", language="cy"))
    assert share >= 0.85, f"{share:.1%}"


def test_our_layout_loses_no_welsh_word_the_table_itself_keeps(booklet_model):
    """The Welsh loss is the table's round trip, not our text preparation or layout: each block's text put
    through cy-cy-g2.ctb forward and back on its own (no pages, no line breaks, no page numbers) recovers
    no more words than the laid-out edition does (88.5% against 89.2% when this was written). What the
    table loses: web addresses in its computer braille passages (a dot, dots 46, is dropped and a slash,
    dots 34, comes back "stori"); punctuation after a number read back as a lowered digit ("1." comes
    back "14", "2025:" "20253"); and contractions that are also letter pairs ("dw" comes back "diwedd",
    "bl" "blwyddyn"), or whole-word signs before an apostrophe ("mae'r" comes back "m'r")."""
    from booklet.render.braille import _PRINT_SIGNS

    settings = Settings(edition="braille", language="cy")
    blocks = edition_blocks(booklet_model, settings)
    table = CODES["cy"].table
    there = translate([block.text.translate(_PRINT_SIGNS) for block in blocks], table)
    back = Counter(w for line in translate(there, table, backward=True) for w in back_words(line))
    wanted = Counter(w for block in blocks for w in words(block.text))
    alone = sum(min(n, back[w]) for w, n in wanted.items()) / sum(wanted.values())
    assert recovered(booklet_model, settings) >= alone, f"{alone:.1%}"


@pytest.mark.xfail(strict=True, reason="liblouis cy-cy-g2.ctb back-translation errors (see the test above)")
def test_welsh_back_translation_recovers_98_percent(booklet_model):
    assert recovered(booklet_model, Settings(edition="braille", language="cy")) >= 0.98


@pytest.mark.parametrize(("cells", "lines"), [(40, 25), (32, 20), (28, 12)])
def test_no_line_or_page_over_its_size(booklet_model, cells, lines):
    laid = pages(braille_edition(booklet_model, Settings(edition="braille", braille_cells=cells, braille_lines=lines)))
    assert len(laid) > 5
    assert max(len(line) for page in laid for line in page) <= cells
    assert max(len(page) for page in laid) <= lines
    # Braille page numbers, right-aligned on the first line, counting from 1.
    assert [page[0] for page in laid] == [number(n).rjust(cells) for n in range(1, len(laid) + 1)]


def test_english_is_ueb_grade_2_with_addresses_uncontracted(english, booklet_model):
    text = english.decode("ascii")
    joined = text.replace("\r\n", "")  # a long address runs on to the next line without a hyphen
    (title,) = translate([booklet_model.frame.title], "en-ueb-g2.ctb")
    assert title == ",,ai ,c>e}s 9 ,,uk ,public ,sector"  # contracted: "are", "er", "in"
    assert title in text
    # The address in grade 1 after the grade 1 word indicator; contracted it would read "s}vice".
    assert ";;https3_/_/www4civilservicejobs4service4gov4uk" in joined
    assert "civils}vicejobs" not in joined


def test_welsh_edition_uses_the_welsh_table(welsh, booklet_model):
    text = welsh.decode("ascii")
    (in_welsh,) = translate([booklet_model.frame.title_cy], "cy-cy-g2.ctb")
    (in_ueb,) = translate([booklet_model.frame.title_cy], "en-ueb-g2.ctb")
    assert in_welsh != in_ueb
    assert in_welsh.split()[0] in text and in_ueb.split()[0] not in text
    assert ",brl ,cymraeg1 gradd #b" in text  # "Braille Cymraeg, gradd 2" on the title page


def test_contents_gives_the_braille_page_of_each_heading(english):
    laid = pages(english)
    entries = []
    for line in laid[1] + laid[2]:
        found = re.fullmatch(r"(\S.*?) -+ (#[a-j]+)", line.strip())
        if found:
            entries.append((found.group(1), found.group(2)))
    assert len(entries) >= 20
    for entry, page_number in entries:
        index = [page[0].strip() for page in laid].index(page_number)
        body = " ".join(line.strip() for line in laid[index][1:])
        assert entry in body, (entry, page_number)
    assert entries[0] == (",transcrib}'s note", "#d")


def test_transcribers_note_says_what_was_left_out(booklet_model):
    blocks = [b.text for b in edition_blocks(booklet_model, Settings(edition="braille"))]
    start = len(blocks) - blocks[::-1].index("Transcriber's note")  # the heading, after its contents entry
    note = " ".join(blocks[start : blocks.index("Introduction", start)])
    assert "QR codes" in note and "tick box" in note and "uncontracted" in note
    # Checklist steps are numbered where print has tick boxes.
    assert "1. Create a Civil Service Jobs account using your email address" in blocks


def test_missing_command_names_the_package(monkeypatch, tmp_path, booklet_model):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BookletError) as caught:
        braille_edition(booklet_model, Settings(edition="braille"))
    assert str(caught.value) == (
        "lou_translate  -  braille edition not built: liblouis's command is not installed "
        "(install it with: sudo apt-get install liblouis-bin)"
    )


def test_missing_table_names_the_package():
    with pytest.raises(BookletError) as caught:
        translate(["a"], "no-such-table.ctb")
    assert str(caught.value) == (
        "no-such-table.ctb  -  braille edition not built: this liblouis table is not installed "
        "(install it with: sudo apt-get install liblouis-data)"
    )


def test_build_edition_braille_writes_brf(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    done = runner.invoke(app, ["build", "--edition", "braille", "--language", "cy", "--braille-cells", "32"])
    assert done.exit_code == 0, done.output
    out = project_copy / "output" / "ai-careers-uk-public-sector-cy.brf"
    assert re.match(r"output/ai-careers-uk-public-sector-cy\.brf: \d+ pages, \d+ kB", done.stdout)
    assert max(len(line) for page in pages(out.read_bytes()) for line in page) <= 32
    assert not list(out.parent.glob(".*.tmp"))  # written atomically: no temporary file left


def test_build_braille_refuses_a_pdf_name(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    done = runner.invoke(app, ["build", "--edition", "braille", "-o", "output/x.pdf"])
    assert done.exit_code == 3
    assert "the output file must end in .brf" in done.output
    assert not (project_copy / "output" / "x.pdf").exists()


def test_build_without_liblouis_fails_the_braille_edition_only(project_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(project_copy)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    done = runner.invoke(app, ["build", "--all", "--edition", "braille"])
    assert done.exit_code == 4
    lines = [line for line in done.output.splitlines() if "liblouis" in line]  # once, not once per audience
    assert lines == [
        "error: lou_translate  -  braille edition not built: liblouis's command is not installed "
        "(install it with: sudo apt-get install liblouis-bin)"
    ]
    done = runner.invoke(app, ["build", "--edition", "html"])
    assert done.exit_code == 0, done.output
    assert (project_copy / "output" / "ai-careers-uk-public-sector.html").is_file()


def test_bilingual_edition_sets_each_language_in_its_own_code(booklet_model):
    text = braille_edition(booklet_model, Settings(edition="braille", language="bilingual")).decode("ascii")
    (welsh,) = translate(["Nodyn y trawsgrifiwr"], "cy-cy-g2.ctb")
    (english,) = translate(["Transcriber's note"], "en-ueb-g2.ctb")
    # Welsh first (booklet.yaml's bilingual_order): after the contents, the Welsh part's heading comes first.
    assert text.count(welsh) == 2 and text.count(english) == 2  # each in the contents and in the text
    assert text.rindex(welsh) < text.rindex(english)
    assert ",brl ,cymraeg1 gradd #b2 ,brl" in text  # "Braille Cymraeg, gradd 2; Braille Saesneg Unedig…"
