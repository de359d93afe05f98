"""The order an adviser writes is the order printed; an audience's cover names it."""

from __future__ import annotations

import re

from booklet.content.model import Audience, Selector
from booklet.tailor.audience import tailor


def audience(**fields) -> Audience:
    return Audience(id="test", name="Work in Wales", output="test.pdf", **fields)


def test_routes_follow_the_include_order(booklet_model):
    ids = [r.id for r in booklet_model.routes]
    wanted = [ids[-1], ids[0], ids[2]]
    tailored = tailor(booklet_model, audience(routes=Selector(include=wanted)))
    assert [r.id for r in tailored.routes] == wanted


def test_organisations_follow_the_include_order_and_order_within_a_tag(booklet_model):
    by_order = [o.id for o in booklet_model.organisations]  # sorted by `order:` when loaded
    tagged = [o.id for o in booklet_model.organisations if "technical" in o.tags]
    last = by_order[-1]
    tailored = tailor(booklet_model, audience(organisations=Selector(include=[last, "tag:technical"])))
    # The named organisation first, as written; those the tag picks keep their `order:`.
    assert [o.id for o in tailored.organisations] == [last, *[t for t in tagged if t != last]]


def test_featured_still_come_before_the_include_order(booklet_model):
    ids = [o.id for o in booklet_model.organisations]
    tailored = tailor(booklet_model, audience(organisations=Selector(include=ids[::-1]), featured=[ids[2]]))
    assert [o.id for o in tailored.organisations] == [ids[2], *[i for i in ids[::-1] if i != ids[2]]]


def test_without_a_cover_line_the_cover_names_the_audience(booklet_model):
    assert tailor(booklet_model, audience()).cover_line == "Work in Wales"
    assert tailor(booklet_model, audience(cover_line="Gweithio yng Nghymru")).cover_line == "Gweithio yng Nghymru"


def test_the_printed_order_follows_include(many26):
    # tests/many.py's welsh-first audience: routes [welsh-public-sector, graduate-scheme],
    # organisations [org-005, org-002, tag:handout]; no cover_line.
    pdf = many26.welsh_first
    assert "Work in Wales" in pdf.page_texts[0]
    text = pdf.text
    assert text.index("Welsh public sector") < text.index("Graduate scheme")
    printed = list(dict.fromkeys(re.findall(r"example-organisation-(\d{3})", re.sub(r"\s+", "", text))))
    assert printed == ["005", "002", *[f"{n:03d}" for n in range(0, 26, 3)]]
