"""Route facts: who a route is for, what it needs, what it pays, where, clearance, length and when to apply.

These are the facts students ask first. Every group is optional and names its own
`source:` and `reviewed:` date, as organisations and routes do, so each fact can be
checked against the page it came from. `check_facts` finds what the model alone
cannot: a window that closes before it opens, pay from above pay to, and a window
that had closed before the edition date. `apply_status` says where a route's
window stands on a given day; the renderer words it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from ..errors import Problem
from .base import Date, Model, Sourced, Text, _check_paired
from .read import Document, Loc, dotted

CLEARANCES = ("none", "BPSS", "CTC", "SC", "DV")
"""Security clearance levels of UK government vetting, from none to the highest (Developed Vetting)."""

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

MAX_REQUIREMENTS = 6
"""Entry requirements are a short list: more than this no longer fits a comparison table's cell."""


def _amount(value: object) -> object:
    """Accept pay written as people write it: 28000, "28,000" or "£28,000"."""
    if isinstance(value, str):
        return value.strip().lstrip("£").replace(",", "").strip()
    return value


Amount = Annotated[float, BeforeValidator(_amount), Field(ge=0, examples=[28000])]


class Who(Sourced):
    """Who the route is for, in one line."""

    text: Text = Field(examples=["Graduates and final-year students"])
    """Who may apply, e.g. "Graduates and final-year students"."""
    text_cy: Text | None = Field(default=None, examples=["Graddedigion a myfyrwyr yn eu blwyddyn olaf"])
    """Welsh version of text (Cymraeg), used by Welsh and bilingual editions."""


class Entry(Sourced):
    """Entry requirements: a short list."""

    items: list[Text] = Field(min_length=1, max_length=MAX_REQUIREMENTS, examples=[["A degree at 2:2 or above"]])
    """One to six requirements, e.g. "A degree at 2:2 or above"."""
    items_cy: list[Text] | None = Field(default=None, examples=[["Gradd 2:2 neu uwch"]])
    """Welsh versions of the requirements, one for each in the same order."""

    @model_validator(mode="after")
    def _items_paired(self) -> Entry:
        _check_paired("items", self.items, self.items_cy, "requirement")
        return self


class Pay(Sourced):
    """Pay, as a range (or a starting figure) per year, week or hour; printed "£28,000–£32,000 a year"."""

    from_: Amount = Field(alias="from", examples=[28000])
    """Lowest pay in pounds, e.g. 28000."""
    to: Amount | None = Field(default=None, examples=[32000])
    """Highest pay in pounds, e.g. 32000; leave out when only a starting figure is known."""
    per: Literal["year", "week", "hour"] = Field(default="year", examples=["year"])
    """What the figures are for: year, week or hour."""


class Where(Sourced):
    """Where the work is: places, and whether it can be done remotely or hybrid."""

    places: list[Text] = Field(default=[], examples=[["London", "Manchester"]])
    """Towns or regions, e.g. London."""
    places_cy: list[Text] | None = Field(default=None, examples=[["Caerdydd"]])
    """Welsh versions of the places, one for each in the same order."""
    remote: bool = Field(default=False, examples=[False])
    """Whether the work can be done fully from home."""
    hybrid: bool = Field(default=False, examples=[True])
    """Whether the work mixes office and home."""

    @model_validator(mode="after")
    def _something(self) -> Where:
        _check_paired("places", self.places, self.places_cy, "place")
        if not (self.places or self.remote or self.hybrid):
            raise ValueError("where needs places, remote: true or hybrid: true")
        return self


class Clearance(Sourced):
    """The security clearance the route needs."""

    level: Literal["none", "BPSS", "CTC", "SC", "DV"] = Field(examples=["BPSS"])
    """none, BPSS (baseline), CTC (counter-terrorist check), SC (security check) or DV (developed vetting)."""


class Length(Sourced):
    """How long an internship or scheme lasts."""

    text: Text = Field(examples=["2 years"])
    """The length as printed, e.g. "10 weeks" or "2 to 4 years"."""
    text_cy: Text | None = Field(default=None, examples=["10 wythnos"])
    """Welsh version of text."""


class Apply(Sourced):
    """When to apply: a window (opens, closes), all year, or the month it usually opens.

    Printed as where it stands on the edition date: "Open now — closes 14 October 2027",
    "Opens September 2027" (the exact days are listed under Dates to know), "Closed for this
    year; usually opens in September".
    """

    opens: Date | None = Field(default=None, examples=[dt.date(2027, 9, 1)])
    """The day applications open (YYYY-MM-DD)."""
    closes: Date | None = Field(default=None, examples=[dt.date(2027, 10, 14)])
    """The day applications close (YYYY-MM-DD)."""
    all_year: bool = Field(default=False, examples=[False])
    """Applications are taken at any time of year."""
    usually_opens: Literal[MONTHS] | None = Field(default=None, examples=["September"])  # type: ignore[valid-type]
    """The month applications usually open, e.g. September; printed when no window is open or coming."""

    @model_validator(mode="after")
    def _one_kind(self) -> Apply:
        if self.all_year and (self.opens or self.closes or self.usually_opens):
            raise ValueError("all_year: true leaves no window: remove opens, closes and usually_opens, or all_year")
        if not (self.all_year or self.opens or self.closes or self.usually_opens):
            raise ValueError(
                "apply needs opens, closes, all_year: true or usually_opens (e.g. usually_opens: September)"
            )
        return self


class RouteFacts(Model):
    """The facts students ask first about a route; each group is optional and names its own source."""

    who: Who | None = None
    """Who the route is for."""
    entry: Entry | None = None
    """Entry requirements."""
    pay: Pay | None = None
    """Pay."""
    where: Where | None = None
    """Where the work is."""
    clearance: Clearance | None = None
    """Security clearance."""
    length: Length | None = None
    """How long it lasts (internships and schemes)."""
    apply: Apply | None = None
    """When to apply."""


GROUPS = tuple(RouteFacts.model_fields)
"""The fact groups, in printed order."""


# ---------------------------------------------------------------------------
# Where a window stands on a day


@dataclass(frozen=True)
class Status:
    """Where a route's application window stands on one day."""

    kind: Literal["all-year", "open", "opens", "closed", "usually"]
    opens: dt.date | None = None
    closes: dt.date | None = None
    usually: str | None = None
    """The month it usually opens (English name, as written in the content)."""


def apply_status(apply: Apply, on: dt.date) -> Status:
    """The status of `apply` on the day `on` (the edition date)."""
    usually = apply.usually_opens
    if apply.all_year:
        return Status("all-year")
    if apply.closes is not None and apply.closes < on:
        return Status("closed", apply.opens, apply.closes, usually)
    if apply.opens is not None and apply.opens > on:
        return Status("opens", apply.opens, apply.closes, usually)
    if apply.opens is not None or apply.closes is not None:
        return Status("open", apply.opens, apply.closes, usually)
    return Status("usually", usually=usually)


@dataclass(frozen=True)
class KeyDate:
    """One opening or closing date: what happens, on which day, for which route."""

    day: dt.date
    event: Literal["opens", "closes"]
    route_id: str
    title: str


def key_dates(routes: list[object], on: dt.date) -> list[KeyDate]:
    """Every opening and closing date of `routes` on or after `on`, in date order.

    A date before the edition is history to the reader: its route prints as open or closed instead.
    """
    found = []
    for route in routes:
        facts = getattr(route, "facts", None)
        apply = facts.apply if facts is not None else None
        if apply is None:
            continue
        for event, day in (("opens", apply.opens), ("closes", apply.closes)):
            if day is not None and day >= on:
                found.append(KeyDate(day, event, route.id, route.title))  # type: ignore[attr-defined, arg-type]
    return sorted(found, key=lambda d: (d.day, d.event != "opens"))


def by_month(dates: list[KeyDate]) -> list[tuple[dt.date, list[KeyDate]]]:
    """`dates` grouped by calendar month (each month named by its first day), in order."""
    months: dict[dt.date, list[KeyDate]] = {}
    for date in dates:
        months.setdefault(date.day.replace(day=1), []).append(date)
    return list(months.items())


# ---------------------------------------------------------------------------
# booklet check


def check_facts(routes: list[object], doc: Document, edition: dt.date | None) -> list[Problem]:
    """Problems in the facts of valid routes: closes before opens, pay from above to, a window long gone."""
    problems: list[Problem] = []
    for index, route in enumerate(routes):
        facts = getattr(route, "facts", None)
        if facts is None:
            continue
        base: Loc = ("routes", index, "facts")
        rid = route.id  # type: ignore[attr-defined]
        pay, apply = facts.pay, facts.apply
        if pay is not None and pay.to is not None and pay.from_ > pay.to:
            loc = (*base, "pay", "from")
            problems.append(
                Problem(
                    doc.where(loc),
                    f"route {rid!r} pays from £{pay.from_:,g} to £{pay.to:,g}: from is above to",
                    "swap the two figures, or correct the one that is wrong",
                    dotted(loc),
                )
            )
        if apply is None:
            continue
        if apply.opens is not None and apply.closes is not None and apply.closes < apply.opens:
            loc = (*base, "apply", "closes")
            problems.append(
                Problem(
                    doc.where(loc),
                    f"route {rid!r} closes on {apply.closes}, before it opens on {apply.opens}",
                    "check both dates against the source; closes must be on or after opens",
                    dotted(loc),
                )
            )
        elif edition is not None and apply.closes is not None and apply.closes < edition:
            loc = (*base, "apply", "closes")
            problems.append(
                Problem(
                    doc.where(loc),
                    f"route {rid!r} closed on {apply.closes}, before the edition date {edition}",
                    "update opens and closes to the next window, or remove them"
                    + ("" if apply.usually_opens else " and give usually_opens (e.g. usually_opens: September)"),
                    dotted(loc),
                    warning=True,
                )
            )
    return problems
