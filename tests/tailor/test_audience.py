"""Tailoring per audience: the pure function, then the real PDFs of `build --all`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.content.model import Audience, Selector
from booklet.jobs import build
from booklet.tailor.audience import tailor
from tests.conftest import CONTENT


def audience(**fields) -> Audience:
    return Audience(id="test", name="Test", output="test.pdf", **fields)


def test_empty_selectors_keep_everything(booklet_model):
    tailored = tailor(booklet_model, audience())
    assert tailored.organisations == booklet_model.organisations
    assert tailored.routes == booklet_model.routes
    assert tailored.frame.sections == booklet_model.frame.sections


def test_include_by_tag_and_exclude_by_id(booklet_model):
    tagged = {o.id for o in booklet_model.organisations if "technical" in o.tags}
    assert len(tagged) >= 2
    dropped = sorted(tagged)[0]
    tailored = tailor(
        booklet_model,
        audience(organisations=Selector(include=["tag:technical"], exclude=[dropped])),
    )
    assert {o.id for o in tailored.organisations} == tagged - {dropped}


def test_featured_organisations_come_first_in_given_order(booklet_model):
    last_two = [o.id for o in booklet_model.organisations][-2:]
    featured = list(reversed(last_two))
    tailored = tailor(booklet_model, audience(featured=featured))
    assert [o.id for o in tailored.organisations][:2] == featured
    assert tailored.featured == featured
    rest = [o.id for o in tailored.organisations][2:]
    assert rest == [o.id for o in booklet_model.organisations if o.id not in featured]


def test_points_routes_steps_intro_and_notes(booklet_model):
    first_reason = booklet_model.frame.sections.why.items[0]
    tailored = tailor(
        booklet_model,
        audience(
            points=Selector(exclude=[first_reason.id]),
            routes=Selector(include=[booklet_model.routes[1].id]),
            max_steps=2,
            introduction=["Only for this test."],
            notes=["A note."],
            cover_line="For testers",
        ),
    )
    assert first_reason not in tailored.frame.sections.why.items
    assert [r.id for r in tailored.routes] == [booklet_model.routes[1].id]
    assert tailored.routes[0].steps == booklet_model.routes[1].steps[:2]
    assert tailored.frame.introduction == ["Only for this test."]
    assert tailored.notes == ["A note."]
    assert tailored.cover_line == "For testers"


def test_tailoring_leaves_the_source_booklet_unchanged(booklet_model):
    before = booklet_model.model_dump_json()
    tailor(booklet_model, audience(organisations=Selector(include=["gds"]), max_steps=1))
    assert booklet_model.model_dump_json() == before


def test_at_least_five_audiences_including_a_fair_handout(content):
    assert len(content.audiences) >= 5
    assert any(a.layout == "handout" for a in content.audiences)
    assert len({a.output for a in content.audiences}) == len(content.audiences)


@pytest.fixture(scope="session")
def all_pdfs(tmp_path_factory, content):
    """Every audience plus the default booklet, built once with two workers."""
    root = tmp_path_factory.mktemp("all")
    import shutil

    shutil.copytree(CONTENT, root / "content")
    results = build(content=root / "content", all_audiences=True, workers=2)
    assert all(r.status == "built" for r in results), [r.error for r in results]
    assert all(r.warnings == [] for r in results), [r.warnings for r in results]
    return {r.name: r for r in results}


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(path).pages))


def test_all_writes_one_pdf_per_audience_and_the_default(all_pdfs, content):
    assert set(all_pdfs) == {"default"} | {a.id for a in content.audiences}
    for audience_ in content.audiences:
        assert all_pdfs[audience_.id].output.name == audience_.output
    assert all_pdfs["default"].output.name == content.booklet.frame.output
    texts = {name: pdf_text(r.output) for name, r in all_pdfs.items()}
    assert len(set(texts.values())) == len(texts), "two audiences produced the same text"


def test_excluded_organisations_are_absent_and_included_present(all_pdfs, content):
    for audience_ in content.audiences:
        text = pdf_text(all_pdfs[audience_.id].output)
        for org in content.booklet.organisations:
            wanted = audience_.organisations.picks(org.id, org.tags)
            assert (org.name in text) == wanted, (audience_.id, org.name)


def test_featured_organisation_comes_first(all_pdfs, content):
    for audience_ in content.audiences:
        if not audience_.featured:
            continue
        text = pdf_text(all_pdfs[audience_.id].output)
        names = {o.id: o.name for o in content.booklet.organisations}
        kept = [o for o in content.booklet.organisations if audience_.organisations.picks(o.id, o.tags)]
        # Positions after the contents page: the first profile printed is the first featured one.
        body = text[text.index(content.booklet.frame.sections.organisations.heading, text.index("Introduction")) :]
        first = min(kept, key=lambda o: body.index(o.name))
        assert first.id == audience_.featured[0], (audience_.id, names[first.id])


def test_cover_line_is_printed(all_pdfs, content):
    for audience_ in content.audiences:
        first_page = PdfReader(all_pdfs[audience_.id].output).pages[0].extract_text()
        assert audience_.cover_line in re.sub(r"\s+", " ", first_page)


def test_fair_handout_has_at_most_four_pages(all_pdfs, content):
    handouts = [a for a in content.audiences if a.layout == "handout"]
    for handout in handouts:
        reader = PdfReader(all_pdfs[handout.id].output)
        assert len(reader.pages) <= 4
        text = pdf_text(all_pdfs[handout.id].output)
        for org in content.booklet.organisations:
            assert org.name in text
        for route in content.booklet.routes:
            assert route.title in text
        assert content.booklet.frame.call_to_action.label in text
