"""Route facts as printed: pay and status wording (English and Welsh), routes at a glance, dates to know."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from booklet.content import model
from booklet.content.facts import Apply, Pay, RouteFacts, Where
from booklet.render.facts import pay_text, status_text, where_text
from booklet.render.html import render_html
from booklet.settings import Settings
from booklet.tailor.audience import tailor

SOURCED = {"source": "https://www.faststream.gov.uk", "reviewed": "2026-11-28"}
EDITION = dt.date(2026, 11, 28)


def pay(**values) -> Pay:
    return Pay.model_validate({**values, **SOURCED})


def window(**values) -> Apply:
    return Apply.model_validate({**values, **SOURCED})


@pytest.mark.parametrize(
    ("values", "english", "welsh"),
    [
        ({"from": 28000, "to": 32000}, "£28,000–£32,000 a year", "£28,000–£32,000 y flwyddyn"),
        ({"from": 28000, "to": 28000}, "£28,000 a year", "£28,000 y flwyddyn"),
        ({"from": 12.21, "per": "hour"}, "From £12.21 an hour", "O £12.21 yr awr"),
        ({"from": 400, "to": 450, "per": "week"}, "£400–£450 a week", "£400–£450 yr wythnos"),
    ],
)
def test_pay_is_printed_as_people_say_it(values, english, welsh):
    assert pay_text(pay(**values), "en") == english
    assert pay_text(pay(**values), "cy") == welsh


@pytest.mark.parametrize(
    ("values", "english", "welsh"),
    [
        (
            {"opens": "2026-11-01", "closes": "2027-10-14"},
            "Open now — closes 14 October 2027",
            "Ar agor nawr — yn cau 14 Hydref 2027",
        ),
        # Not open yet: month and year (the exact days are in "Dates to know").
        ({"opens": "2027-09-01", "closes": "2027-10-14"}, "Opens September 2027", "Yn agor ym mis Medi 2027"),
        ({"opens": "2027-09-01"}, "Opens September 2027", "Yn agor ym mis Medi 2027"),
        ({"opens": "2027-09-30", "closes": "2027-10-14"}, "Opens September 2027", "Yn agor ym mis Medi 2027"),
        (
            {"opens": "2026-09-01", "closes": "2026-10-14", "usually_opens": "September"},
            "Closed for this year; usually opens in September",
            "Ar gau am eleni; fel arfer yn agor ym mis Medi",
        ),
        ({"opens": "2026-09-01", "closes": "2026-10-14"}, "Closed for this year", "Ar gau am eleni"),
        ({"usually_opens": "October"}, "Usually opens in October", "Fel arfer yn agor ym mis Hydref"),
        ({"all_year": True}, "Open all year", "Ar agor drwy'r flwyddyn"),
    ],
)
def test_status_is_worded_relative_to_the_edition_date(values, english, welsh):
    assert status_text(window(**values), EDITION, "en") == english
    assert status_text(window(**values), EDITION, "cy") == welsh


def test_where_names_places_and_ways_of_working():
    where = Where.model_validate({"places": ["London", "Cardiff"], "hybrid": True, **SOURCED})
    assert where_text(where, "en") == "London, Cardiff; hybrid"
    assert where_text(Where.model_validate({"remote": True, **SOURCED}), "cy") == "O bell"


FACTS = {
    "who": {"text": "Graduates and final-year students"},
    "entry": {"items": ["A degree at 2:2 or above", "The right to work in the UK"]},
    "pay": {"from": 28000, "to": 32000},
    "where": {"places": ["London"], "hybrid": True},
    "clearance": {"level": "SC"},
    "length": {"text": "2 to 4 years"},
    "apply": {"opens": "2027-09-01", "closes": "2027-10-14"},
}


@pytest.fixture(scope="module")
def with_facts(booklet_model) -> model.Booklet:
    """The default booklet with every fact on its first route and a window open now on its second."""
    first, second, *rest = booklet_model.routes
    facts = RouteFacts.model_validate({k: {**v, **SOURCED} for k, v in FACTS.items()})
    open_now = RouteFacts.model_validate({"apply": {"opens": "2026-11-01", "closes": "2026-12-14", **SOURCED}})
    routes = [first.model_copy(update={"facts": facts}), second.model_copy(update={"facts": open_now}), *rest]
    return booklet_model.model_copy(update={"routes": routes})


class Cells(HTMLParser):
    """Each table cell's tag, scope and text, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str | None, str]]] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = [tag, dict(attrs).get("scope"), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append((self._cell[0], self._cell[1], " ".join(self._cell[2].split())))
            self._cell = None


def table_of(html: str) -> list[list[tuple[str, str | None, str]]]:
    start = html.index('<table class="glance-table">')
    parser = Cells()
    parser.feed(html[start : html.index("</table>", start)])
    return parser.rows


def test_the_glance_table_has_header_cells_with_scope(with_facts):
    html = render_html(with_facts, Settings())
    rows = table_of(html)
    assert rows[0] == [
        ("th", "col", "Route"),
        ("th", "col", "Who it is for"),
        ("th", "col", "What you need"),
        ("th", "col", "Pay"),
        ("th", "col", "When to apply"),
    ]
    fast = next(r for r in rows if r[0][2] == with_facts.routes[0].title)
    assert fast[0][:2] == ("th", "row")
    assert [cell[2] for cell in fast[1:]] == [
        "Graduates and final-year students",
        "A degree at 2:2 or above; The right to work in the UK",
        "£28,000–£32,000 a year",
        "Opens September 2027",
    ]
    # Only routes that give a fact the table shows get a row; the others would be all "Not stated".
    titles = [r[0][2] for r in rows[1:]]
    default_titles = [r.title for r in with_facts.routes if r.facts and (r.facts.who or r.facts.entry or r.facts.apply)]
    assert titles == default_titles


def test_each_route_prints_its_facts(with_facts):
    html = render_html(with_facts, Settings())
    card = html[html.index(f'id="route-{with_facts.routes[0].id}"') :]
    card = card[: card.index("</article>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    for line in (
        "Who it is for: Graduates and final-year students",
        "Pay: £28,000–£32,000 a year",
        "Where: London; hybrid",
        "Security clearance: SC (Security Check)",
        "Length: 2 to 4 years",
        "When to apply: Opens September 2027",
    ):
        assert line in text


@pytest.mark.parametrize("settings", [Settings(page_size="A5"), Settings(large_print=True)], ids=["a5", "large-print"])
def test_a5_and_large_print_print_blocks_with_the_same_labels(with_facts, settings):
    html = render_html(with_facts, settings)
    glance = html[html.index('id="routes-at-a-glance"') :]
    glance = glance[: glance.index("</section>\n</section>") if "</section>\n</section>" in glance else None]
    assert "<table" not in glance
    assert f'<h4 id="glance-{with_facts.routes[0].id}-title">' in glance
    assert 'class="route-facts"' not in glance  # paragraphs: the same lists as the A4 edition
    for label in ("Who it is for:", "What you need:", "Pay:", "When to apply:"):
        assert label in glance


def test_dates_to_know_lists_every_date_from_the_edition_on_by_month(with_facts):
    html = render_html(with_facts, Settings())
    section = html[html.index('<h2 id="dates-heading"') :]
    section = section[: section.index("</section>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    second = with_facts.routes[1].title
    first = with_facts.routes[0].title
    assert text == (
        f"Dates to know December 2026 14 December 2026 {second} closes "
        f"September 2027 1 September 2027 {first} opens "
        f"October 2027 14 October 2027 {first} closes"
    )
    assert '<a href="#dates-to-know">Dates to know</a>' in html


def test_the_welsh_edition_words_the_facts_in_welsh(with_facts):
    html = render_html(with_facts, Settings(language="cy"))
    assert "Cipolwg ar y llwybrau" in html
    assert "Dyddiadau pwysig" in html
    assert "Yn agor ym mis Medi 2027" in html
    assert "1 Medi 2027" in html and "14 Hydref 2027" in html  # the exact days, in Dyddiadau pwysig
    assert "Ar agor nawr — yn cau 14 Rhagfyr 2026" in html
    assert "Cliriad diogelwch:</span> SC (Gwiriad Diogelwch)" in html  # the content's word for clearance
    # A fact without its Welsh version keeps its English, marked as English.
    assert '<span lang="en-GB">Graduates and final-year students</span>' in html


def test_an_audience_can_leave_the_glance_out(with_facts):
    audience = model.Audience(id="fair", name="Fair", output="fair.pdf", routes_at_a_glance=False)
    html = render_html(tailor(with_facts, audience), Settings())
    assert 'id="routes-at-a-glance"' not in html
    assert "#routes-at-a-glance" not in html
    assert 'class="route-facts"' in html  # the routes keep their own facts
    kept = render_html(tailor(with_facts, audience.model_copy(update={"routes_at_a_glance": True})), Settings())
    assert 'id="routes-at-a-glance"' in kept


def test_without_facts_nothing_new_is_printed(booklet_model):
    bare = booklet_model.model_copy(
        update={"routes": [r.model_copy(update={"facts": None}) for r in booklet_model.routes]}
    )
    html = render_html(bare, Settings())
    for marker in ('id="routes-at-a-glance"', 'id="dates-to-know"', 'class="route-facts"'):
        assert marker not in html


def test_a_personal_copy_puts_its_routes_dates_on_the_action_plan(with_facts):
    plan = model.ActionPlan(
        student_id="s1", name="Student", prepared=EDITION, routes=[with_facts.routes[1], with_facts.routes[2]]
    )
    html = render_html(with_facts.model_copy(update={"plan": plan}), Settings())
    section = html[html.index('id="action-plan"') : html.index('id="introduction"')]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert f"Your dates to know {with_facts.routes[1].title}: Open now — closes 14 December 2026" in text
    assert with_facts.routes[0].title + ":" not in text  # not a route the student chose


def test_the_action_plan_gives_the_days_of_a_window_not_yet_open(with_facts):
    """The route's own status says only "Opens September 2027"; the student's dates to know give the days."""
    plan = model.ActionPlan(student_id="s1", name="Student", prepared=EDITION, routes=[with_facts.routes[0]])
    for language, heading, line in (
        ("en", "Your dates to know", ": Opens 1 September 2027 — closes 14 October 2027"),
        ("cy", "Eich dyddiadau pwysig", ": Yn agor 1 Medi 2027 — yn cau 14 Hydref 2027"),
    ):
        html = render_html(with_facts.model_copy(update={"plan": plan}), Settings(language=language))
        section = html[html.index('id="action-plan"') : html.index('id="introduction"')]
        text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
        assert heading in text and line in text.split(heading)[1], text
    assert status_text(with_facts.routes[0].facts.apply, EDITION, "en", days=True).startswith("Opens 1 September")
    assert status_text(window(opens="2027-09-01"), EDITION, "cy", days=True) == "Yn agor 1 Medi 2027"


def test_the_html_edition_shows_the_facts_and_the_table(with_facts):
    html = render_html(with_facts, Settings(edition="web"))
    assert table_of(html)[0][0] == ("th", "col", "Route")
    assert "Pay: </span> £28,000–£32,000 a year" in html.replace("Pay:</span>", "Pay: </span>")
    assert 'id="dates-to-know"' in html


def test_a_fact_no_route_gives_is_not_a_column(booklet_model):
    html = render_html(booklet_model, Settings())
    header = [cell[2] for cell in table_of(html)[0]]
    assert "Pay" not in header  # the default content names no official pay figure
    assert header[0] == "Route" and "Who it is for" in header


def test_a_single_route_is_a_block_not_a_one_row_table(with_facts):
    audience = model.Audience(
        id="one", name="One", output="one.pdf", routes=model.Selector(include=[with_facts.routes[0].id])
    )
    html = render_html(tailor(with_facts, audience), Settings())
    assert 'id="routes-at-a-glance"' in html and "<table" not in html


@pytest.mark.parametrize(
    ("settings", "at_head"),
    [(Settings(), True), (Settings(edition="web"), True), (Settings(page_size="A5"), False)],
    ids=["a4", "web", "a5"],
)
def test_the_table_heads_the_checklist_and_blocks_end_it(with_facts, settings, at_head):
    html = render_html(with_facts, settings)
    assert html.count('id="routes-at-a-glance"') == 1
    first_card = html.index(f'id="route-{with_facts.routes[0].id}"')
    assert (html.index('id="routes-at-a-glance"') < first_card) == at_head


def test_with_glance_blocks_a_card_keeps_only_the_facts_they_do_not_show(with_facts):
    html = render_html(with_facts, Settings(page_size="A5"))
    card = html[html.index(f'id="route-{with_facts.routes[0].id}"') :]
    text = " ".join(re.sub(r"<[^>]+>", " ", card[: card.index("</article>")]).split())
    assert "Where: London; hybrid" in text and "Length: 2 to 4 years" in text
    assert "Who it is for:" not in text and "When to apply:" not in text and "Pay:" not in text


def test_a_handout_keeps_every_fact_on_its_cards(with_facts):
    handout = with_facts.model_copy(update={"layout": "handout"})
    html = render_html(handout, Settings(page_size="A5"))
    assert 'id="routes-at-a-glance"' not in html
    assert "Pay: </span> £28,000–£32,000 a year" in html.replace("Pay:</span>", "Pay: </span>")


@pytest.mark.parametrize("routes", [2, 1], ids=["table", "one-route-block"])
def test_the_html_contents_lists_the_glance_where_it_is(with_facts, routes):
    booklet = with_facts.model_copy(update={"routes": with_facts.routes[:routes]})
    html = render_html(booklet, Settings(edition="web"))
    links = re.findall(r'href="#(route[^"]*)"', html[: html.index('id="main"')])
    targets = re.findall(r'id="(route[^"]*)"', html[html.index('id="main"') :])
    assert "routes-at-a-glance" in links
    assert links == [t for t in targets if t in links]  # the contents follows the reading order
    handout = render_html(booklet.model_copy(update={"layout": "handout"}), Settings(edition="web"))
    assert "routes-at-a-glance" not in handout
