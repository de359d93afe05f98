"""The braille edition's optional parts (route facts, stories, dates to know, the glossary), read back
from the BRF with liblouis: the words the print edition prints, where it prints them, on pages in bounds."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from booklet.cli import app
from booklet.content.facts import Apply, Pay
from booklet.content.load import load_project_content
from booklet.render.braille import braille_edition, edition_blocks
from booklet.render.braille_layout import Laid, lay_out
from booklet.render.html import render_html
from booklet.render.louis import CODES, number, translate
from booklet.settings import Settings

from .test_braille import pages, recovered

SOURCE = {"source": "https://www.example.org/facts", "reviewed": dt.date(2026, 11, 1)}
"""Facts made up for a test (never content): a source and a review date, as every fact needs."""

ENGLISH = Settings(edition="braille")
WELSH = Settings(edition="braille", language="cy")


def read_back(data: bytes, language: str = "en") -> str:
    """The BRF's lines translated back to print, one space between them; dashes and quotation marks as
    one sign each (UEB writes the en dash and the em dash alike, and reads quotation marks back straight)."""
    lines = [line for page in pages(data) for line in page[1:] if line.strip()]
    back = " ".join(translate(lines, CODES[language].table, backward=True))
    back = back.replace("\u2013", "\u2014").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", back)


def dashed(text: str) -> str:
    return text.replace("\u2013", "\u2014")


@pytest.fixture(scope="module")
def starter(tmp_path_factory):
    """The booklet of the project `booklet init` writes: one route with facts, one illustrative story
    with a photo, one glossary term."""
    folder = tmp_path_factory.mktemp("starter") / "project"
    done = CliRunner().invoke(app, ["init", str(folder)])
    assert done.exit_code == 0, done.output
    loaded = load_project_content(folder / "content", folder)
    assert not loaded.errors, [p.line() for p in loaded.errors]
    return loaded.booklet


@pytest.fixture(scope="module")
def with_windows(booklet_model):
    """The default booklet with pay and application windows on the Fast Stream (test values): one window
    still to open on the edition date (28 November 2026), one open then."""
    routes = []
    for route in booklet_model.routes:
        if route.id == "fast-stream":
            pay = Pay.model_validate({"from": 28000, "to": 32000, **SOURCE})
            apply = Apply(opens=dt.date(2027, 9, 1), closes=dt.date(2027, 10, 14), **SOURCE)
            route = route.model_copy(update={"facts": route.facts.model_copy(update={"pay": pay, "apply": apply})})
        elif route.id == "civil-service-jobs":
            apply = Apply(opens=dt.date(2026, 11, 1), closes=dt.date(2027, 1, 15), **SOURCE)
            route = route.model_copy(update={"facts": route.facts.model_copy(update={"apply": apply})})
        routes.append(route)
    return booklet_model.model_copy(update={"routes": routes})


@pytest.fixture(scope="module")
def starter_text(starter) -> str:
    return read_back(braille_edition(starter, ENGLISH))


def test_starter_route_facts_follow_the_summary(starter_text):
    facts = (
        "Who it is for: People aged 16 or over who live in England What you need: Aged 16 or over "
        "Not already in full-time education Living in England Length: 1 to 6 years, depending on the apprenticeship"
    )
    assert facts in starter_text
    # After the route's summary and web address, before its first steps.
    assert starter_text.index("Paid jobs with training") < starter_text.index(facts)
    assert starter_text.index(facts) < starter_text.index("First steps: 1. Search for apprenticeships")


def test_starter_story_prints_after_its_organisation_with_its_label_and_photo(starter_text):
    story = (
        'Illustrative example Alex, Trainee Analyst "I did not know this job existed until a careers fair. '
        'Now I use data to help plan local services." Alex joined as a trainee after college'
    )
    assert story in starter_text
    # The photo described, between UEB's transcriber's note indicators (read back as signs around it).
    assert "Photo: Drawing of a smiling person with short dark hair, wearing a work lanyard." in starter_text
    assert "Illustration: drawn for the booklet starter project, public domain" in starter_text
    # Where print puts it: after Example Employer's profile, before the next organisation's.
    assert starter_text.index("Website: https") < starter_text.index(story)
    assert starter_text.index(story) < starter_text.index("Another Employer A second profile")


def test_starter_photo_note_is_a_transcribers_note(starter):
    brf = braille_edition(starter, ENGLISH).decode("ascii")
    note = re.search(r"@\.<(.*?)@\.>", brf, re.DOTALL)
    assert note is not None  # UEB's opening and closing transcriber's note indicators
    (photo,) = translate(["Photo:"], CODES["en"].table)
    assert note.group(1).startswith(photo)
    lines = [line for page in pages(brf.encode("ascii")) for line in page if "@.<" in line]
    assert lines and all(line.startswith(" " * 6) and not line.startswith(" " * 7) for line in lines)  # cell 7


def test_starter_glossary_is_a_section_before_the_back_matter(starter_text):
    entry = "Apprenticeship: A real job with training: you work alongside experienced staff, earn a wage"
    assert f"Glossary {entry}" in starter_text
    assert starter_text.index("Book a conversation with a careers adviser") < starter_text.index("Glossary " + entry)
    assert starter_text.index(entry) < starter_text.rindex("Ready to Start?")


def test_transcribers_note_names_photos_logos_and_the_glance(starter):
    blocks = [b.text for b in edition_blocks(starter, ENGLISH)]
    start = len(blocks) - blocks[::-1].index("Transcriber's note")
    note = " ".join(blocks[start : blocks.index("Introduction", start)])
    assert "the logos" in note
    assert "Photos are left out" in note and "begins with the word Photo" in note
    assert "routes at a glance" in note and "each route's facts follow its summary" in note


def test_default_facts_wording(booklet_model):
    text = read_back(braille_edition(booklet_model, ENGLISH))
    assert "Security clearance: BPSS (Baseline Personnel Security Standard)" in text
    assert "Who it is for: Graduates and students expecting a degree, however long ago you graduated" in text
    assert "What you need: A degree of the grade and subject each scheme asks for" in text
    assert "Length: 3 to 5 months When to apply: Usually opens in October First steps:" in text


def test_pay_window_status_and_dates_to_know(with_windows):
    text = read_back(braille_edition(with_windows, ENGLISH))
    assert dashed("Pay: £28,000–£32,000 a year When to apply: Opens September 2027 First steps:") in text
    assert "When to apply: Open now \u2014 closes 15 January 2027" in text
    dates = (
        "Dates to know January 2027 15 January 2027 \u2014 Civil Service Jobs Board closes "
        "September 2027 1 September 2027 \u2014 Fast Stream opens "
        "October 2027 14 October 2027 \u2014 Fast Stream closes Ready to"
    )
    assert dates in text
    # The window that opened before the edition date is history: only its closing date is listed.
    assert "November 2026" not in text.split("Dates to know")[-1]


def test_contents_lists_the_new_sections_with_their_pages(starter, with_windows):
    for booklet, titles in ((starter, ["Glossary"]), (with_windows, ["Dates to know"])):
        laid = pages(braille_edition(booklet, ENGLISH))
        numbers = [page[0].strip() for page in laid]
        for title in titles:
            (cells,) = translate([title], CODES["en"].table)
            entry = next(
                line for page in laid[1:3] for line in page if re.fullmatch(rf"{re.escape(cells)} -+ #[a-j]+", line)
            )
            heading_page = laid[numbers.index(entry.split()[-1])]
            assert cells in [line.strip() for line in heading_page[1:]]


@pytest.mark.parametrize(("cells", "lines"), [(40, 25), (28, 12)])
def test_lines_and_pages_in_bounds(starter, with_windows, cells, lines):
    settings = Settings(edition="braille", braille_cells=cells, braille_lines=lines)
    for booklet in (starter, with_windows):
        for language in ("en", "cy"):
            laid = pages(braille_edition(booklet, replace(settings, language=language)))
            assert max(len(line) for page in laid for line in page) <= cells
            assert max(len(page) for page in laid) <= lines
            assert [page[0] for page in laid] == [number(n).rjust(cells) for n in range(1, len(laid) + 1)]


def test_english_back_translation_still_recovers_98_percent(starter, with_windows):
    for booklet in (starter, with_windows):
        share = recovered(booklet, ENGLISH)
        assert share >= 0.98, f"{share:.1%}"


def test_welsh_uses_the_catalogue_words(starter, with_windows):
    blocks = [b.text for b in edition_blocks(starter, WELSH)]
    assert "Enghraifft ddychmygol" in blocks  # Illustrative example
    assert "Geirfa" in blocks  # Glossary
    assert any(text.startswith("Ar gyfer pwy: ") for text in blocks)  # Who it is for:
    assert any(text.startswith("Llun: ") for text in blocks)  # a photo described
    welsh = [b.text for b in edition_blocks(with_windows, WELSH)]
    assert "Dyddiadau pwysig" in welsh
    assert "Cyflog: £28,000–£32,000 y flwyddyn" in welsh  # Pay:, worded by render/facts.py in Welsh
    assert "Pryd i wneud cais: Yn agor ym mis Medi 2027" in welsh
    assert "Ar gyfer pwy: Graddedigion a myfyrwyr sy'n disgwyl gradd, ni waeth pryd y gwnaethoch raddio" in welsh
    brf = braille_edition(with_windows, WELSH).decode("ascii")
    (heading,) = translate(["Dyddiadau pwysig"], CODES["cy"].table)
    assert heading in brf


def test_a_decorative_photo_is_left_out(starter):
    (alex,) = starter.stories
    plain = alex.model_copy(update={"photo": alex.photo.model_copy(update={"decorative": True})})
    text = read_back(braille_edition(starter.model_copy(update={"stories": [plain]}), ENGLISH))
    assert "Alex, Trainee Analyst" in text
    assert "Photo:" not in text and "smiling person" not in text and "@.<" not in text


def test_a_story_whose_organisation_is_not_printed_follows_its_route(starter):
    (alex,) = starter.stories
    moved = alex.model_copy(update={"organisation": "not-printed", "route": "apprenticeships"})
    text = read_back(braille_edition(starter.model_copy(update={"stories": [moved]}), ENGLISH))
    assert text.index("apply 3. Read each advert") < text.index("Illustrative example Alex")
    assert text.index("Illustrative example Alex") < text.rindex("Free Careers Advice")


def test_a_story_label_and_name_stay_with_the_quote():
    """A run of headings (a story's label and name) moves to the next page with two lines of what follows."""
    filler = [Laid("para", "x") for _ in range(20)]  # lines 2-21 of a 25-line page
    blocks = [*filler, Laid("minor", "label", blank_before=True), Laid("minor", "name"), Laid("para", "a " * 60)]
    first, second = lay_out(blocks, 40, 25)[:2]
    assert "label" not in " ".join(first)
    assert [line.strip() for line in second[1:3]] == ["label", "name"]


def test_build_prints_the_story_in_a_welsh_starter(tmp_path: Path, monkeypatch):
    project = tmp_path / "project"
    assert CliRunner().invoke(app, ["init", str(project)]).exit_code == 0
    monkeypatch.chdir(project)
    done = CliRunner().invoke(app, ["build", "--edition", "braille", "--language", "cy"])
    assert done.exit_code == 0, done.output
    (brf,) = (project / "output").glob("*.brf")
    (label,) = translate(["Enghraifft ddychmygol"], CODES["cy"].table)
    assert label in brf.read_text("ascii")


def test_stories_print_where_the_print_edition_prints_them(starter):
    """Three stories: one after its organisation, one after its route (its organisation is not in this
    booklet), one naming both (after the organisation only). Braille follows the print edition's order."""
    (alex,) = starter.stories
    stories = [
        alex,
        alex.model_copy(update={"id": "sam", "name": "Sam", "organisation": "gone", "route": "careers-advice"}),
        alex.model_copy(
            update={"id": "jo", "name": "Jo", "organisation": "another-employer", "route": "careers-advice"}
        ),
    ]
    booklet = starter.model_copy(update={"stories": stories})
    html = render_html(booklet, Settings())
    marks = re.findall(r'<(?:article|aside) class="[^"]*" id="((?:org|route|story)-[\w-]+)"', html)
    in_print, owner = [], ""
    for mark in marks:
        if mark.startswith("story-"):
            in_print.append((owner, mark))
        else:
            owner = mark
    assert len(in_print) == 3
    titles = {f"org-{o.id}": o.name for o in booklet.organisations} | {f"route-{r.id}": r.title for r in booklet.routes}
    names = {f"story-{s.id}": f"{s.name}, {s.role}" for s in stories}
    blocks = [b.text for b in edition_blocks(booklet, ENGLISH)]
    body = blocks[blocks.index("Introduction", len(blocks) - blocks[::-1].index("Transcriber's note")) :]
    for before, story in in_print:
        assert body.count(names[story]) == 1, story  # once, as in print
        heading = body.index(names[story])
        at = max(i for i, text in enumerate(body[:heading]) if text in titles.values())
        assert body[at] == titles[before], (story, body[at])
