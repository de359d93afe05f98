"""`booklet check --spelling`: the real British English and Welsh dictionaries (enchant), the project's word
list, American spellings, and what is never checked."""

from __future__ import annotations

import re

import enchant
import pytest
from typer.testing import CliRunner

from booklet.adapters import spelling
from booklet.adapters.spelling import WORDS_HEADER, american
from booklet.cli.app import app
from booklet.cli.check import run_check
from tests.conftest import CONTENT

runner = CliRunner()


@pytest.fixture
def project(project_copy, monkeypatch):
    monkeypatch.chdir(project_copy)
    return project_copy


def check(project, *options: str):
    return runner.invoke(app, ["check", "--spelling", *options])


def test_default_content_passes():
    lines, summary = [], []
    assert run_check(CONTENT, spelling=True, print_line=lines.append, print_error=summary.append) == 0
    assert lines == []
    assert summary[0].startswith("no problems in 9 files; spelling: no misspelt words in ")


@pytest.mark.parametrize(
    ("word", "british"),
    [("organization", "organisation"), ("color", "colour"), ("analyze", "analyse"), ("Center", "Centre")],
)
def test_american_spellings_are_named(word, british):
    assert american(word, enchant.Dict("en_GB")) == british


@pytest.mark.parametrize("word", ["practice", "program", "license", "draft", "organisation", "colour"])
def test_british_words_are_not_called_american(word):
    assert american(word, enchant.Dict("en_GB")) is None


def test_misspelt_and_american_words_one_line_each(project):
    org = project / "content" / "organisations" / "office-for-ai.yaml"
    text = org.read_text(encoding="utf-8")
    text = text.replace(
        "  responsible AI.",
        "  responsible AI. Every organization will recieve help at\n  www.gov.uk/recieve or ai@recieve.gov.uk.",
    )
    text = text.replace("summary_cy: >-\n  Llywodraethu", "summary_cy: >-\n  Llywodraethhu")
    org.write_text(text, encoding="utf-8")
    done = check(project)
    assert done.exit_code == 0  # warnings
    name = "content/organisations/office-for-ai.yaml"
    assert done.stdout.splitlines() == [
        f"{name}:7:25  summary  warning: organization: British spelling is organisation (American spelling)",
        f'{name}:7:43  summary  warning: "recieve" is not in the British English dictionary (did you mean receive, '
        "relieve, reverie? if it is right, add it to content/words.txt)",
        f'{name}:11:3  summary_cy  warning: "Llywodraethhu" is not in the Welsh dictionary (did you mean '
        "Llywodraethu, Llywodraethau, Llywodraethi? if it is right, add it to content/words.txt)",
    ]
    # Not checked: the web address and e-mail address (both hold "recieve"), the organisation's own name.
    assert re.fullmatch(
        r"0 errors, 3 warnings in 9 files; spelling: 3 words to look at in [\d,]+ checked", done.stderr.strip()
    )


def test_strict_makes_them_errors(project):
    org = project / "content" / "organisations" / "gds.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("standardisation", "standardization"), encoding="utf-8")
    done = check(project, "--strict")
    assert done.exit_code == 1
    (line,) = [line for line in done.stdout.splitlines() if "standardization" in line]
    assert line.endswith("summary  standardization: British spelling is standardisation (American spelling)")
    assert "1 error, 0 warnings" in done.stderr


def test_word_list_is_made_on_first_use_and_obeyed(project):
    words = project / "content" / "words.txt"
    kept = words.read_text(encoding="utf-8")
    words.unlink()
    done = check(project)
    assert words.read_text(encoding="utf-8") == WORDS_HEADER
    assert "created content/words.txt" in done.stderr
    assert '"seilwaith" is not in the Welsh dictionary' in done.stdout
    words.write_text(kept, encoding="utf-8")
    done = check(project)
    assert "seilwaith" not in done.stdout


def test_missing_dictionary_is_one_line_and_the_other_language_is_still_checked(project, monkeypatch):
    monkeypatch.setitem(spelling.DICTIONARIES, "cy", ("zz_ZZ", "aspell-cy", "Welsh"))
    org = project / "content" / "organisations" / "gds.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("Improving how", "Improoving how"), encoding="utf-8")
    done = check(project)
    assert done.exit_code == 0
    assert "Welsh spelling not checked: no zz_ZZ dictionary (install it with: sudo apt-get install aspell-cy)" in (
        done.stdout.splitlines()
    )
    assert '"Improoving" is not in the British English dictionary' in done.stdout


def test_import_dry_run_reports_spelling_of_what_would_change(project, tmp_path):
    from booklet.adapters.sheets import export_sheets

    export_sheets(project / "content", tmp_path / "sheet")
    sheet = tmp_path / "sheet" / "Organisations.csv"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace("Improving how government", "Improving how goverment"), encoding="utf-8")
    done = runner.invoke(app, ["import", str(tmp_path / "sheet"), "--dry-run"])
    assert done.exit_code == 0, done.output
    (line,) = [line for line in done.stdout.splitlines() if "dictionary" in line]
    assert '"goverment" is not in the British English dictionary (did you mean government' in line
    assert line.startswith("content/organisations/gds.yaml:")


def test_file_names_ids_and_colours_are_not_spell_checked(tmp_path):
    # The starter's story names its photo (alex.svg), organisation and colours: none of them is prose.
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    checked = CliRunner().invoke(app, ["check", "--content", str(tmp_path / "new" / "content"), "--spelling"])
    assert "spelling: no misspelt words" in checked.stderr, checked.output
