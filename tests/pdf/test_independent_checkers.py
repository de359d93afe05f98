"""Independent PDF/UA checkers (outloud and pdfua) find nothing on any tagged booklet we make.

Every tagged output is checked: the default booklet, each audience, A5, large print
(A4 and A5), duplex, print-ready (A4 and A5), a branded booklet, both archive
variants, the Welsh and the bilingual editions, and a larger booklet of our own (30 organisations with Welsh names,
ampersands and quotes) in A4, A5 and large print. Each PDF is built once per
session; each checker runs once over all of them.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.content.load import load_project_content
from booklet.errors import Exit
from booklet.jobs import plan, run
from booklet.pdf.checkers import check_independently, executable
from booklet.project import Project
from tests.conftest import CONTENT, LARGE_VARIANTS, VARIANTS, BuiltPdf, branded_content

TAGGED = ["default", *[n for n in VARIANTS if n != "saddle"], *(f"large-{n}" for n in LARGE_VARIANTS)]


@pytest.fixture(scope="session")
def audiences(tmp_path_factory, content) -> dict[str, BuiltPdf]:
    folder = tmp_path_factory.mktemp("audiences")
    jobs = [
        job
        for audience in content.audiences
        for job in plan(Project.locate(CONTENT), content, [audience.id], output=folder / f"{audience.id}.pdf")
    ]
    results = run(jobs, workers=2, force=True)
    assert all(r.status == "built" and not r.warnings for r in results), [(r.error, r.warnings) for r in results]
    return {f"audience-{a.id}": BuiltPdf(r.output, r) for a, r in zip(content.audiences, results, strict=True)}


@pytest.fixture(scope="session")
def branded(tmp_path_factory) -> BuiltPdf:
    folder = tmp_path_factory.mktemp("branded")
    content = branded_content(folder)
    loaded = load_project_content(content, folder)
    assert loaded.brand is not None
    [result] = run(plan(Project.locate(content), loaded, output=folder / "branded.pdf"), force=True)
    assert result.status == "built" and not result.warnings, (result.error, result.warnings)
    return BuiltPdf(result.output, result)


@pytest.fixture(scope="session")
def tagged(default_pdf, variants, audiences, branded) -> dict[str, Path]:
    paths = {name: (default_pdf if name == "default" else variants[name]).path for name in TAGGED}
    paths |= {name: built.path for name, built in audiences.items()}
    paths["branded"] = branded.path
    return paths


@pytest.fixture(scope="session")
def verdicts(tagged):
    found = check_independently(list(tagged.values()))
    return {name: found[path] for name, path in tagged.items()}


def test_both_checkers_are_installed():
    assert executable("outloud") is not None
    assert executable("pdfua") is not None


def test_every_tagged_output_is_checked(tagged):
    # Five audiences, ten tagged variants (Welsh and bilingual among them), the larger booklet in three
    # forms, the default and a branded one.
    assert len(tagged) == 20, sorted(tagged)


@pytest.mark.parametrize("checker", ["outloud", "pdfua"])
def test_no_findings_on_any_tagged_output(verdicts, checker):
    report = {}
    for name, found in verdicts.items():
        verdict = next(v for v in found if v.checker == checker)
        assert not verdict.missing and not verdict.failure, (name, verdict.failure)
        if verdict.findings:
            report[name] = [f.line() for f in verdict.findings]
    assert report == {}


def test_checkers_do_find_problems_in_an_untagged_pdf(variants):
    """The checkers are not silent by construction: the saddle print file is untagged, and they say so."""
    [outloud, pdfua] = check_independently([variants["saddle"].path])[variants["saddle"].path]
    assert {f.rule for f in outloud.findings} >= {"DOC-001", "DOC-002"}
    assert pdfua.findings


def test_the_saddle_print_file_claims_no_pdf_ua(variants):
    with pikepdf.open(variants["saddle"].path) as pdf:
        assert "/StructTreeRoot" not in pdf.Root
        metadata = pdf.Root.get("/Metadata")
        assert metadata is None or b"pdfuaid" not in metadata.read_bytes()


# --- What a screen reader meets ---------------------------------------------------------


def _elements(pdf: pikepdf.Pdf):
    seen: set[tuple[int, int]] = set()
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
            yield node
            if "/K" in node:
                stack.append(node.K)


def _kids(element) -> list:
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def test_each_profile_reads_name_summary_roles_as_a_list_then_website(default_pdf, booklet_model):
    with pikepdf.open(default_pdf.path) as pdf:
        articles = [e for e in _elements(pdf) if e.S == "/Art" and _kids(e) and _kids(e)[0].S == "/Div"]
        profiles = [a for a in articles if any(k.S == "/Figure" for k in _kids(a))]
        assert len(profiles) == len(booklet_model.organisations)
        for article in profiles:
            body, figure = _kids(article)
            assert figure.S == "/Figure" and str(figure.Alt).startswith("QR code linking to ")
            order = [k.S for k in _kids(body)]
            assert order == ["/H3", "/P", "/P", "/L", "/P"], order
            roles = _kids(body)[3]
            assert roles.S == "/L" and {k.S for k in _kids(roles)} == {"/LI"}
            for item in _kids(roles):
                assert [k.S for k in _kids(item)] == ["/LBody"]


def test_headings_come_in_reading_order(default_pdf, booklet_model):
    frame = booklet_model.frame
    with pikepdf.open(default_pdf.path) as pdf:
        levels = [int(str(e.S)[2]) for e in _elements(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    assert len(levels) >= 2 + len(booklet_model.organisations) + len(booklet_model.routes)
    assert frame.title


def test_annotations_print_and_links_say_where_they_go(default_pdf):
    with pikepdf.open(default_pdf.path) as pdf:
        for page in pdf.pages:
            annots = list(page.obj.get("/Annots", []))
            if annots:
                assert page.obj.Tabs == "/S"
            for annot in annots:
                assert int(annot.F) & 4 and not int(annot.F) & (2 | 32)
                if annot.Subtype == "/Link":
                    assert str(annot.get("/Contents", "")).strip()
        contents_links = [
            str(a.Contents) for a in pdf.pages[1].obj.get("/Annots", []) if a.Subtype == "/Link" and "/Dest" in a
        ]
    assert "Introduction, page 3" in contents_links


def test_checkboxes_are_form_elements_named_after_their_step(default_pdf, booklet_model):
    route = next(r for r in booklet_model.routes if r.id == "fast-stream")
    with pikepdf.open(default_pdf.path) as pdf:
        forms = [e for e in _elements(pdf) if e.S == "/Form"]
        widgets = {}
        for form in forms:
            kids = form.K if isinstance(form.K, pikepdf.Array) else [form.K]
            [objr] = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            widgets[str(objr.Obj.TU)] = objr.Obj
    assert f"Fast Stream, step 2: {route.steps[1]}" in widgets
    steps = sum(len(r.steps) for r in booklet_model.routes)
    assert len(forms) == steps + len(booklet_model.routes)


def test_leader_dots_are_not_read(default_pdf):
    """On the contents page the dots between an entry and its page number are artifacts, not text."""
    with pdfplumber.open(default_pdf.path, pages=[2]) as pdf:
        chars = pdf.pages[0].chars
    dots = [c for c in chars if c["text"] == "."]
    assert len(dots) > 100  # the leaders are drawn …
    assert all(c.get("mcid") is None for c in dots)  # … and none is marked content a reader speaks
    assert any(c.get("mcid") is not None for c in chars if c["text"].isdigit())  # page numbers still are


# --- booklet check --accessibility ----------------------------------------------------


def test_check_accessibility_reports_both_checkers_and_our_rules(default_pdf):
    result = CliRunner().invoke(app, ["check", "--accessibility", str(default_pdf.path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"PASS  outloud [\d.]+: no errors or warnings", result.output)
    assert re.search(r"PASS  pdfua [\d.]+: no errors or warnings", result.output)
    assert "PASS  smallest text: 12.0 pt" in result.output
    assert result.output.rstrip().endswith("All checks passed: both independent PDF/UA checkers and our own rules.")


def test_check_accessibility_fails_with_the_checkers_findings(variants):
    result = CliRunner().invoke(app, ["check", "--accessibility", str(variants["saddle"].path)])
    assert result.exit_code == Exit.CONTENT
    assert re.search(r"FAIL  outloud [\d.]+: \d+ finding\(s\)", result.output)
    assert "outloud DOC-002" in result.output
    assert "check(s) failed: outloud, pdfua" in result.output
