"""Route facts in words: pay as "£28,000–£32,000 a year", where, clearance, and a window's status on the edition date.

Each function takes the edition's language; interface words come from the gettext
catalogue and dates and month names from Babel, as everywhere else in the booklet.
The templates reach them as filters (`register`), which read the language and the
edition date from the part being rendered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2
from babel.dates import get_month_names
from babel.numbers import format_decimal

from ..content.facts import MONTHS, Apply, Clearance, KeyDate, Pay, RouteFacts, Where, apply_status, by_month, key_dates
from . import i18n
from .i18n import N_

PER = {"year": N_("%(amount)s a year"), "week": N_("%(amount)s a week"), "hour": N_("%(amount)s an hour")}
FROM = {
    "year": N_("From %(amount)s a year"),
    "week": N_("From %(amount)s a week"),
    "hour": N_("From %(amount)s an hour"),
}
CLEARANCE = {
    "none": N_("None needed"),
    "BPSS": N_("BPSS (Baseline Personnel Security Standard)"),
    "CTC": N_("CTC (Counter-Terrorist Check)"),
    "SC": N_("SC (Security Check)"),
    "DV": N_("DV (Developed Vetting)"),
}
EVENTS = {"opens": N_("%(route)s opens"), "closes": N_("%(route)s closes")}


def money(amount: float, language: str) -> str:
    """£28,000, or £12.21 when there are pence."""
    pattern = "#,##0" if float(amount).is_integer() else "#,##0.00"
    return "£" + format_decimal(amount, format=pattern, locale=i18n.BABEL_LOCALES[language])


def pay_text(pay: Pay, language: str) -> str:
    """ "£28,000–£32,000 a year", "£28,000 a year" or "From £28,000 a year"."""
    _ = i18n.gettext_for(language)
    low = money(pay.from_, language)
    if pay.to is None:
        return _(FROM[pay.per], amount=low)
    amount = low if pay.to == pay.from_ else f"{low}–{money(pay.to, language)}"
    return _(PER[pay.per], amount=amount)


def where_text(where: Where, language: str) -> str:
    """ "London, Manchester; hybrid" or "Remote"."""
    _ = i18n.gettext_for(language)
    parts = [", ".join(str(p) for p in where.places)] if where.places else []
    if where.remote:
        parts.append(_("remote") if parts else _("Remote"))
    if where.hybrid:
        parts.append(_("hybrid") if parts else _("Hybrid"))
    return "; ".join(parts)


def clearance_text(clearance: Clearance, language: str) -> str:
    return i18n.gettext_for(language)(CLEARANCE[clearance.level])


def month_name(english: str, language: str) -> str:
    """A month named in the content (in English) in the edition's language."""
    return str(get_month_names("wide", locale=i18n.BABEL_LOCALES[language])[MONTHS.index(english) + 1])


def status_text(apply: Apply, edition: dt.date, language: str, days: bool = False) -> str:
    """Where the window stands on the edition date, e.g. "Open now — closes 14 October 2027", "Opens September 2027".

    With `days` (a personal copy's own dates to know), a window not yet open gives its days:
    "Opens 1 September 2027 — closes 14 October 2027".
    """
    _ = i18n.gettext_for(language)
    status = apply_status(apply, edition)
    usually = month_name(status.usually, language) if status.usually else None
    if status.kind == "all-year":
        return _("Open all year")
    if status.kind == "open":
        if status.closes is None:
            return _("Open now")
        return _("Open now — closes %(date)s", date=i18n.format_day(status.closes, language))
    if status.kind == "opens" and status.opens is not None:
        if days:
            opens = i18n.format_day(status.opens, language)
            if status.closes is None:
                return _("Opens %(date)s", date=opens)
            closes = i18n.format_day(status.closes, language)
            return _("Opens %(date)s — closes %(closes)s", date=opens, closes=closes)
        # Month and year only: a window not yet open is planned around, and its exact days
        # (and the closing date) are listed in "Dates to know".
        return _("Opens %(month)s", month=i18n.format_month(status.opens, language))
    if status.kind == "closed":
        if usually:
            return _("Closed for this year; usually opens in %(month)s", month=usually)
        return _("Closed for this year")
    return _("Usually opens in %(month)s", month=usually)


def month_heading(first: dt.date, language: str) -> str:
    """ "September 2027", "Medi 2027"."""
    from babel.dates import format_date

    return format_date(first, "LLLL y", locale=i18n.BABEL_LOCALES[language])


def event_text(date: KeyDate, language: str) -> str:
    return i18n.gettext_for(language)(EVENTS[date.event], route=date.title)


def has_glance_facts(facts: RouteFacts | None) -> bool:
    """Whether a route has any fact the at-a-glance comparison shows."""
    return facts is not None and any(getattr(facts, g) is not None for g in GLANCE)


GLANCE = ("who", "entry", "pay", "apply")
"""The facts routes at a glance compares, in its order."""


def glance_columns(routes: list[Any]) -> list[str]:
    """The facts of GLANCE that at least one of `routes` gives (a column of "Not stated" says nothing)."""
    return [group for group in GLANCE if any(r.facts is not None and getattr(r.facts, group) for r in routes)]


def glance_layout(booklet: Any, options: Any) -> str | None:
    """How routes at a glance is printed: "table", "blocks" (A5, large print, or a single route:
    one route is no comparison, and a one-row table has more header cells than data cells), or
    None (the audience leaves it out, a handout has no room for it, or no route gives a fact it shows)."""
    routes = [r for r in booklet.routes if has_glance_facts(r.facts)]
    if not booklet.routes_at_a_glance or not routes or booklet.layout == "handout":
        return None
    small = options.edition != "web" and (options.page_size.upper() == "A5" or options.large_print)
    return "blocks" if small or len(routes) < 2 else "table"


def register(env: jinja2.Environment) -> None:
    """The filters the templates use for facts; each reads the language and edition of the part it renders."""

    def language(context: Any) -> str:
        return str(context.get("language", "en"))

    def edition(context: Any) -> dt.date:
        return context["frame"].edition

    env.filters["pay"] = jinja2.pass_context(lambda c, pay: pay_text(pay, language(c)))
    env.filters["where"] = jinja2.pass_context(lambda c, where: where_text(where, language(c)))
    env.filters["clearance"] = jinja2.pass_context(lambda c, cl: clearance_text(cl, language(c)))
    env.filters["apply_status"] = jinja2.pass_context(lambda c, apply: status_text(apply, edition(c), language(c)))
    env.filters["apply_days"] = jinja2.pass_context(
        lambda c, apply: status_text(apply, edition(c), language(c), days=True)
    )
    env.filters["month_heading"] = jinja2.pass_context(lambda c, first: month_heading(first, language(c)))
    env.filters["key_event"] = jinja2.pass_context(lambda c, date: event_text(date, language(c)))
    env.filters["key_dates_by_month"] = jinja2.pass_context(lambda c, routes: by_month(key_dates(routes, edition(c))))
    env.tests["with_glance_facts"] = has_glance_facts
    env.filters["glance_columns"] = glance_columns
    env.globals["glance_layout"] = glance_layout
