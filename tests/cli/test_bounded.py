"""Every command that prints a list of problems prints at most MAX_PROBLEM_LINES of them, the last
one counting the rest, with long values cut (adapters/cells.py's `bounded`, the one helper for all).

Each test makes a real project with hundreds of faults in a temporary folder and runs the real
command through Typer's CliRunner: `check` (content, `--links` against a local HTTPS server),
`build` (content errors, and warnings made errors by `--strict`), `import --dry-run` and `plan`.
"""

from __future__ import annotations

import re
import shutil
import ssl
from pathlib import Path

import openpyxl
import pytest
import trustme
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

from booklet.adapters.cells import MAX_PROBLEM_LINES, MAX_WHAT
from booklet.adapters.links import ALLOW_ENV
from booklet.cli.app import app
from booklet.errors import Exit

BASE = Path(__file__).resolve().parents[1] / "invalid" / "_base" / "content"
FAULTS = 300
COUNT_LINE = re.compile(r"^(error: )?\S+\.yaml  -  … and ([\d,]+) more problems \(fix these first and run again\)$")


def organisation(n: int, extra: str = "", summary: str = "Does things.", website: str = "") -> str:
    website = website or f"https://www.gov.uk/org/{n}"
    return (
        f"name: Organisation {n}\nsummary: {summary.format(n=n)}\nroles: [Analysts]\nwebsite: {website}\n"
        f"tags: [graduates]\nsource: https://www.gov.uk/org\nreviewed: 2026-06-01\n{extra}"
    )


def project(root: Path, count: int = FAULTS, **fields: str) -> Path:
    """The small valid project plus `count` organisation files, each made with `fields`."""
    content = root / "content"
    shutil.copytree(BASE, content)
    for n in range(count):
        (content / "organisations" / f"org-{n:03}.yaml").write_text(organisation(n, **fields), encoding="utf-8")
    return content


def check_bounded(lines: list[str], hidden: int, prefix: str = "") -> None:
    """`lines` are exactly the cap, the last counting the `hidden` problems not shown."""
    assert len(lines) == MAX_PROBLEM_LINES, lines
    match = COUNT_LINE.match(lines[-1])
    assert match, lines[-1]
    assert (match.group(1) or "") == prefix
    assert int(match.group(2).replace(",", "")) == hidden


def test_check_prints_forty_lines_for_three_hundred_faulty_files(tmp_path):
    content = project(tmp_path, extra="websit: https://www.gov.uk/org\n")
    result = CliRunner().invoke(app, ["check", "--content", str(content)])
    assert result.exit_code == Exit.CONTENT
    lines = result.stdout.splitlines()
    check_bounded(lines, FAULTS - (MAX_PROBLEM_LINES - 1))
    assert lines[0].endswith("org-000.yaml:8:1  websit  unknown key 'websit' (did you mean 'website'?)")
    assert lines[-1].startswith(f"content/organisations/org-{MAX_PROBLEM_LINES - 1:03}.yaml  -  ")
    # The summary still counts every problem.
    assert result.stderr == f"{FAULTS} errors, 0 warnings in {FAULTS + 5} files\n"


def test_check_bounds_warnings_too_and_strict_makes_them_fail(tmp_path):
    # A zero-width space in each summary: a warning each (quoting a different text, so never grouped).
    content = project(tmp_path, summary="Does\u200b things {n}.")
    plain = CliRunner().invoke(app, ["check", "--content", str(content)])
    assert plain.exit_code == Exit.OK
    check_bounded(plain.stdout.splitlines(), FAULTS - (MAX_PROBLEM_LINES - 1))
    assert plain.stderr == f"0 errors, {FAULTS} warnings in {FAULTS + 5} files\n"
    strict = CliRunner().invoke(app, ["check", "--strict", "--content", str(content)])
    assert strict.exit_code == Exit.CONTENT
    check_bounded(strict.stdout.splitlines(), FAULTS - (MAX_PROBLEM_LINES - 1))


def test_build_prints_forty_error_lines_and_writes_nothing(tmp_path):
    content = project(tmp_path, extra="websit: https://www.gov.uk/org\n")
    result = CliRunner().invoke(app, ["build", "--content", str(content)])
    assert result.exit_code == Exit.CONTENT
    assert result.stdout == ""
    check_bounded(result.stderr.splitlines(), FAULTS - (MAX_PROBLEM_LINES - 1), prefix="error: ")
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())
    assert not (tmp_path / "output").exists()


def test_build_strict_bounds_warnings_made_errors(tmp_path):
    content = project(tmp_path, summary="Does\u200b things {n}.")
    result = CliRunner().invoke(app, ["build", "--strict", "--content", str(content)])
    assert result.exit_code == Exit.CONTENT
    check_bounded(result.stderr.splitlines(), FAULTS - (MAX_PROBLEM_LINES - 1), prefix="error: ")
    assert not (tmp_path / "output").exists()


def test_a_huge_value_is_cut_in_the_middle_and_the_message_keeps_its_end(tmp_path):
    content = project(tmp_path, count=0)
    audiences = content / "audiences.yaml"
    audiences.write_text(audiences.read_text().replace("featured: [gds]", f"featured: [gds, {'x' * 20_000}]"))
    for command in (["check"], ["build"]):
        result = CliRunner().invoke(app, [*command, "--content", str(content)])
        assert result.exit_code == Exit.CONTENT
        output = result.stdout if command == ["check"] else result.stderr
        (line,) = [x for x in output.splitlines() if "features organisation" in x]
        assert len(line) < MAX_WHAT + 200, len(line)
        assert "x…x" in line
        assert line.endswith("', which does not exist (known: gds, ukhsa)")


def test_plan_prints_the_content_warnings_bounded(tmp_path):
    content = project(tmp_path, summary="Does\u200b things {n}.")
    # Invalid input (no route): nothing is built, but the content's warnings came first.
    result = CliRunner().invoke(app, ["plan", "--content", str(content), "--id", "S1", "--name", "Alex"])
    assert result.exit_code == Exit.USAGE
    warnings = [line for line in result.stderr.splitlines() if not line.startswith("error: ")]
    check_bounded(warnings[:-1] if warnings[-1] == "nothing was written" else warnings, FAULTS - 39)


def test_import_dry_run_spelling_is_bounded(tmp_path):
    content = project(tmp_path, count=0)
    from booklet.adapters.sheets import export_sheets

    (sheet,) = export_sheets(content, tmp_path / "content.xlsx", tmp_path)
    book = openpyxl.load_workbook(sheet)
    rows = book["Organisations"]
    header = [cell.value for cell in rows[1]]
    template = [cell.value for cell in rows[2]]
    for n in range(FAULTS):
        row = dict(zip(header, template, strict=True))
        row["id"] = f"org-{n:03}"
        row["summary"] = f"Does thingz number {n} wel."
        rows.append([row[h] for h in header])
    book.save(sheet)
    result = CliRunner().invoke(app, ["import", str(sheet), "--dry-run", "--content", str(content)])
    assert result.exit_code == Exit.OK, result.output
    spelling = [line for line in result.stdout.splitlines() if "dictionary" in line or "more problems" in line]
    check_bounded(spelling, 2 * FAULTS - (MAX_PROBLEM_LINES - 1))


# -- check --links: three hundred broken addresses on a local HTTPS server ----------------------------


@pytest.fixture
def server(tmp_path, monkeypatch):
    ca = trustme.CA()
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    monkeypatch.setenv("BOOKLET_CACHE", str(tmp_path / "cache"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    httpd = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    httpd.expect_request(re.compile("^/gone/")).respond_with_handler(lambda request: Response("", status=410))
    httpd.expect_request("/ok").respond_with_handler(lambda request: Response("page"))
    httpd.start()
    monkeypatch.setenv(ALLOW_ENV, f"127.0.0.1:{httpd.port}")
    yield httpd
    httpd.clear()
    if httpd.is_running():
        httpd.stop()


def test_check_links_prints_forty_lines_for_three_hundred_broken_addresses(server, tmp_path):
    base = f"https://127.0.0.1:{server.port}"
    content = project(tmp_path, count=0)
    for file in content.rglob("*.yaml"):  # the base project's own addresses answer
        file.write_text(re.sub(r"https://\S+", f"{base}/ok", file.read_text()))
    for n in range(FAULTS):
        text = organisation(n, website=f"{base}/gone/{n}").replace("https://www.gov.uk/org", f"{base}/ok")
        (content / "organisations" / f"org-{n:03}.yaml").write_text(text)
    result = CliRunner().invoke(app, ["check", "--links", "--content", str(content)])
    assert result.exit_code == Exit.CONTENT
    lines = result.stdout.splitlines()
    check_bounded(lines, FAULTS - (MAX_PROBLEM_LINES - 1))
    assert f"website  {base}/gone/0 " in lines[0]
    assert f"{FAULTS} errors" in result.stderr and f"{FAULTS} broken" in result.stderr


def test_personalise_bounds_the_copies_that_fail(tmp_path):
    """An error in the project's own template fails every copy: 45 students, 40 lines, the last counting."""
    import csv

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "content", tmp_path / "content")
    partials = tmp_path / "styles" / "partials"
    partials.mkdir(parents=True)
    (partials / "action-plan.html.j2").write_text("<p>plan</p>\n{{ {}[booklet.plan.name] }}\n")
    people = tmp_path / "people.csv"
    with people.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["id", "name", "routes"], *([f"S{n}", "Ann Lee", "fast-stream"] for n in range(45))]
        )
    args = ["personalise", str(people), "-c", str(tmp_path / "content"), "--styles", str(tmp_path / "styles")]
    result = CliRunner().invoke(app, [*args, "--jobs", "1", "-q"])
    assert result.exit_code == Exit.CONTENT, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == MAX_PROBLEM_LINES, lines
    assert all(re.match(r"error: people\.csv:\d+  id S\d+  template partials/action-plan", x) for x in lines[:-1])
    assert re.fullmatch(
        r"error: people\.csv:\d+  -  … and 6 more problems \(fix these first and run again\)", lines[-1]
    ), lines[-1]
    assert "Ann" not in result.output
    assert "0 built, 0 unchanged, 45 failed" in result.stdout
