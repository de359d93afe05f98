"""Stories, organisation logos and the glossary: read, checked, tailored, translated and linked."""

from __future__ import annotations

import base64
import shutil

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.content.glossary import pattern
from booklet.content.load import load_project_content
from booklet.content.model import STORY_WORDS, Audience, Selector
from booklet.content.stories import words
from booklet.render.terms import link_terms
from booklet.tailor.audience import tailor
from booklet.tailor.language import in_language
from tests.stories import STORIES, stories_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return stories_project(tmp_path_factory.mktemp("stories"))


@pytest.fixture(scope="module")
def loaded(project):
    found = load_project_content(project / "content", project)
    assert found.problems == [], [p.line() for p in found.problems]
    return found


def test_stories_terms_and_images_reach_the_booklet(loaded):
    book = loaded.booklet
    assert [s.id for s in book.stories] == ["jordan", "morgan", "priya"]  # file-name order
    assert [t.term for t in book.glossary] == ["Fast Stream", "Success Profiles", "Civil Service Jobs"]
    assert sorted(book.images) == ["organisation:gds", "organisation:ukhsa", "story:jordan", "story:priya"]
    assert book.images["story:priya"].startswith("data:image/jpeg;base64,")
    assert book.images["organisation:gds"].startswith("data:image/png;base64,")
    assert base64.b64decode(book.images["organisation:ukhsa"].split(",", 1)[1]).startswith(b"<svg")
    # A decorative picture needs no alt text; an illustrative story needs no consent.
    jordan = next(s for s in book.stories if s.id == "jordan")
    assert jordan.photo.decorative and jordan.photo.alt is None and jordan.illustrative and not jordan.consent


def test_files_of_the_new_parts_are_counted_and_images_beside_organisations_are_not_strays(loaded):
    assert "content/stories/priya.yaml" in loaded.documents
    assert "content/glossary.yaml" in loaded.documents
    assert not [p for p in loaded.problems if "gds-logo.png" in p.where.file]


def test_audiences_choose_stories_by_tag_and_keep_them_where_their_organisation_prints(loaded):
    researchers = Audience(
        id="researchers",
        name="Researchers",
        output="researchers.pdf",
        stories=Selector(include=["tag:researchers"]),
    )
    assert [s.id for s in tailor(loaded.booklet, researchers).stories] == ["morgan"]
    everyone = Audience(id="all", name="All", output="all.pdf", stories=Selector(exclude=["priya"]))
    assert [s.id for s in tailor(loaded.booklet, everyone).stories] == ["jordan", "morgan"]


def test_welsh_edition_uses_the_welsh_versions_and_marks_the_rest_english(loaded):
    welsh = in_language(loaded.booklet, "cy")
    morgan = next(s for s in welsh.stories if s.id == "morgan")
    assert morgan.quote == STORIES["morgan"]["quote_cy"]
    priya = next(s for s in welsh.stories if s.id == "priya")
    assert getattr(priya.quote, "lang", None) == "en-GB"
    assert welsh.glossary[0].term == "Llwybr Carlam"
    assert getattr(welsh.glossary[1].term, "lang", None) == "en-GB"


def test_check_language_cy_lists_missing_welsh_in_stories_logos_and_glossary(project):
    result = CliRunner().invoke(app, ["check", "--content", str(project / "content"), "--language", "cy"])
    lines = result.stdout.splitlines()
    assert "content/stories/priya.yaml:10:1  quote  warning: has no Welsh version (add quote_cy: beside it)" in lines
    assert "content/stories/priya.yaml:7:3  photo.alt  warning: has no Welsh version (add alt_cy: beside it)" in lines
    assert "content/glossary.yaml:11:3  terms.1.term  warning: has no Welsh version (add term_cy: beside it)" in lines
    assert not [line for line in lines if line.startswith("content/stories/morgan.yaml")]
    # Each logo's alt text was given in Welsh too (tests/stories.py writes logo_alt_cy).
    assert not [line for line in lines if "logo_alt" in line]


def test_a_story_over_its_word_limit_is_a_warning_with_the_count(project, tmp_path):
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    path = copy / "content" / "stories" / "morgan.yaml"
    long_story = " ".join(["word"] * (STORY_WORDS + 1))
    text = path.read_text(encoding="utf-8").replace(STORIES["morgan"]["story"], long_story)
    path.write_text(text, encoding="utf-8")
    found = load_project_content(copy / "content", copy)
    [problem] = found.problems
    assert problem.warning and problem.path == "story"
    assert f"has {STORY_WORDS + 1} words; at most {STORY_WORDS}" in problem.what
    assert words("one  two\nthree") == 3


def _with_limit(project, tmp_path, setting: str, story_words: int):
    """A copy of `project` whose booklet.yaml ends with `setting` and whose story morgan has `story_words` words."""
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    frame = copy / "content" / "booklet.yaml"
    frame.write_text(frame.read_text(encoding="utf-8") + setting, encoding="utf-8")
    path = copy / "content" / "stories" / "morgan.yaml"
    story = " ".join(["word"] * story_words)
    path.write_text(path.read_text(encoding="utf-8").replace(STORIES["morgan"]["story"], story), encoding="utf-8")
    return load_project_content(copy / "content", copy)


def test_a_project_sets_its_own_story_word_limit(project, tmp_path):
    found = _with_limit(project, tmp_path, "story_words: 60\n", 61)
    [problem] = found.problems
    assert problem.warning and problem.path == "story"
    limit = "at most 60 (story_words in booklet.yaml) print beside its quote and photo"
    assert problem.what == f"story 'morgan' has 61 words; {limit}"


@pytest.mark.parametrize(("limit", "count"), [(60, 60), (STORY_WORDS + 100, STORY_WORDS + 100)])
def test_a_story_within_its_projects_limit_passes(project, tmp_path, limit, count):
    found = _with_limit(project, tmp_path, f"story_words: {limit}\n", count)
    assert found.problems == [], [p.line() for p in found.problems]
    assert len(found.booklet.stories) == 3


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("0", "must be greater than or equal to 1 (Most words a story's text may have, e.g. 300;"),
        ("-5", "must be greater than or equal to 1 (Most words a story's text may have, e.g. 300;"),
        ("lots", "expected a whole number, found text (e.g. story_words: 300;"),
        ("'300'", "expected a whole number, found text (e.g. story_words: 300;"),
        ("true", "expected a whole number, found yes/no (e.g. story_words: 300;"),
        ("2.5", "expected a whole number, found a number (e.g. story_words: 300;"),
    ],
)
def test_a_bad_story_word_limit_is_one_line_with_its_place(project, tmp_path, value, what):
    found = _with_limit(project, tmp_path, f"story_words: {value}\n", 10)
    [line] = [p.line() for p in found.problems]
    lines = (project / "content" / "booklet.yaml").read_text(encoding="utf-8").count("\n")
    assert line.startswith(f"content/booklet.yaml:{lines + 1}:1  story_words  {what} "), line


def test_a_story_naming_a_route_of_a_broken_routes_file_is_not_reported_twice(project, tmp_path):
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    routes = copy / "content" / "routes.yaml"
    routes.write_text(routes.read_text(encoding="utf-8").replace("  - id: fast-stream", "  - id: Fast Stream"))
    found = load_project_content(copy / "content", copy)
    assert not [p for p in found.problems if "stories" in p.where.file], [p.line() for p in found.problems]


def test_glossary_terms_match_whole_words_in_any_case_and_plural():
    assert pattern("Apprenticeship").search("Search for apprenticeships near you")
    assert pattern("Fast Stream").search("the fast\nstream opens")
    assert not pattern("AI").search("Maintain your skills")
    assert not pattern("Fast Stream").search("FastStreamer")


class _Term:
    def __init__(self, term: str, anchor: str) -> None:
        self.term, self.anchor = term, anchor


def test_first_use_of_each_term_links_to_its_entry_outside_headings_and_links():
    html = (
        '<nav><p>Fast Stream</p></nav><main id="main"><h2>Fast Stream</h2>'
        '<p>Apply to the <a href="https://x.example">Fast Stream</a> or the fast stream &amp; more.</p>'
        "<p>The Fast Stream again; Civil Service Jobs.</p>"
        '<section class="glossary" id="glossary"><p>Fast Stream</p></section></main>'
    )
    terms = [_Term("Fast Stream", "term-fast-stream"), _Term("Civil Service Jobs", "term-csj")]
    linked = link_terms(html, terms)
    assert linked.count('href="#term-fast-stream"') == 1
    assert 'the <a class="term-link" href="#term-fast-stream">fast stream</a> &amp; more' in linked
    assert '<a class="term-link" href="#term-csj">Civil Service Jobs</a>' in linked
    assert "<nav><p>Fast Stream</p></nav>" in linked and "<h2>Fast Stream</h2>" in linked
    assert '<section class="glossary" id="glossary"><p>Fast Stream</p>' in linked
    assert link_terms(html, []) == html
