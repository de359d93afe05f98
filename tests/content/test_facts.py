"""Route facts in the content model: every group optional, validated, and a window's status on a day."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from booklet.content import facts, model
from booklet.content.facts import Apply, apply_status, by_month, key_dates

SOURCED = {"source": "https://www.faststream.gov.uk", "reviewed": "2026-11-28"}
EDITION = dt.date(2026, 11, 28)


def route(route_id: str = "fast-stream", **groups) -> model.Route:
    data = {
        "id": route_id,
        "title": route_id.replace("-", " ").title(),
        "summary": "A route.",
        "url": "https://www.faststream.gov.uk",
        "steps": ["One", "Two", "Three"],
        **SOURCED,
    }
    if groups:
        data["facts"] = {name: {**value, **SOURCED} for name, value in groups.items()}
    return model.Route.model_validate(data)


def test_a_route_without_facts_stays_valid():
    assert route().facts is None


def test_every_group_is_read():
    r = route(
        who={"text": "Graduates"},
        entry={"items": ["A degree"]},
        pay={"from": "£28,000", "to": 32000, "per": "year"},
        where={"places": ["London"], "hybrid": True},
        clearance={"level": "SC"},
        length={"text": "2 years"},
        apply={"opens": "2027-09-01", "closes": "2027-10-14"},
    )
    assert r.facts is not None
    assert r.facts.pay is not None and (r.facts.pay.from_, r.facts.pay.to) == (28000, 32000)
    assert r.facts.clearance is not None and r.facts.clearance.level == "SC"
    assert r.facts.apply is not None and r.facts.apply.closes == dt.date(2027, 10, 14)


def test_each_group_needs_its_own_source_and_review():
    with pytest.raises(ValidationError) as caught:
        model.Route.model_validate(
            {**route().model_dump(), "facts": {"who": {"text": "Graduates"}}},
        )
    missing = {e["loc"][-1] for e in caught.value.errors()}
    assert missing == {"source", "reviewed"}


@pytest.mark.parametrize(
    ("group", "value"),
    [
        ("clearance", {"level": "top secret"}),
        ("pay", {"from": 28000, "per": "month"}),
        ("apply", {"usually_opens": "Sept"}),
        ("apply", {"all_year": True, "opens": "2027-09-01"}),
        ("apply", {}),
        ("where", {}),
        ("entry", {"items": ["a", "b", "c", "d", "e", "f", "g"]}),
        ("entry", {"items": ["A degree"], "items_cy": ["Gradd", "Dau"]}),
    ],
)
def test_values_outside_the_model_are_refused(group, value):
    with pytest.raises(ValidationError):
        route(**{group: value})


def window(**values) -> Apply:
    return Apply.model_validate({**values, **SOURCED})


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ({"all_year": True}, "all-year"),
        ({"opens": "2026-11-01", "closes": "2026-12-14"}, "open"),
        ({"opens": "2026-11-28", "closes": "2026-11-28"}, "open"),  # both days count
        ({"opens": "2027-09-01", "closes": "2027-10-14"}, "opens"),
        ({"opens": "2027-09-01"}, "opens"),
        ({"closes": "2026-12-01"}, "open"),
        ({"opens": "2026-09-01", "closes": "2026-10-14", "usually_opens": "September"}, "closed"),
        ({"usually_opens": "September"}, "usually"),
    ],
)
def test_status_on_the_edition_date(values, kind):
    assert apply_status(window(**values), EDITION).kind == kind


def test_key_dates_are_those_from_the_edition_on_in_date_order_and_grouped_by_month():
    routes = [
        route("fast-stream", apply={"opens": "2027-09-01", "closes": "2027-10-14"}),
        route("nhs", apply={"opens": "2026-10-01", "closes": "2026-12-14"}),
        route("council", apply={"usually_opens": "September"}),
        route("jobs"),
    ]
    dates = key_dates(routes, EDITION)
    assert [(d.day.isoformat(), d.event, d.route_id) for d in dates] == [
        ("2026-12-14", "closes", "nhs"),
        ("2027-09-01", "opens", "fast-stream"),
        ("2027-10-14", "closes", "fast-stream"),
    ]
    assert [(month.isoformat(), len(items)) for month, items in by_month(dates)] == [
        ("2026-12-01", 1),
        ("2027-09-01", 1),
        ("2027-10-01", 1),
    ]


def test_the_groups_are_printed_in_the_documented_order():
    assert facts.GROUPS == ("who", "entry", "pay", "where", "clearance", "length", "apply")


def test_check_language_cy_lists_facts_without_welsh():
    from booklet.content.translations import missing

    r = route(who={"text": "Graduates"}, entry={"items": ["A degree"], "items_cy": ["Gradd"]})
    assert [m for m in missing(r) if m[0]] == [(("facts", "who"), "text")]
