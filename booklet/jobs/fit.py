"""Fitting a careers-fair handout on its four A4 pages: lay out, count pages, compact, lay out again.

A handout promises at most four pages (cover, two pages of content, back cover) for
any content. Each compaction level keeps what the levels before it did and adds one
thing; none goes below Clear Print's 12 pt or makes a QR code smaller than 15 mm.
The search lays out level 0 and, if that is too long, the most compact level, then
halves the range between: at most five layouts for six levels. When even the most
compact level is too long the build fails, naming how many pages it would take and
which organisations and routes did not fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..content.model import Booklet
from ..errors import BookletError, Exit, Problem, Where

if TYPE_CHECKING:  # importing WeasyPrint costs a second; the CLI imports this module on every run
    from ..pdf.weasy import Laid

HANDOUT_PAGES = 4
"""Cover, two pages of content and the back cover."""

LEVELS = {
    0: "as designed",
    1: "organisations in two columns",
    2: "entry routes start on the organisations' page, smaller headings, 15 mm QR codes",
    3: "organisations without their summary sentence",
    4: "three first steps per route",
    5: "one first step per route",
}
STEPS_AT = {4: 3, 5: 1}
"""Levels that shorten each route's checklist, and to how many first steps."""
MOST_COMPACT = max(LEVELS)


class HandoutTooLong(BookletError):
    """A handout that does not fit four pages even at its most compact: the content must change."""


def compacted(booklet: Booklet, level: int) -> Booklet:
    """The content a handout prints at `level` (levels 4 and 5 change content: fewer steps per route,
    in every language the route has)."""
    keep = STEPS_AT.get(level)
    if keep is None:
        return booklet

    def shorter(route: Any) -> Any:
        update: dict[str, Any] = {"steps": route.steps[:keep]}
        if getattr(route, "steps_cy", None):
            update["steps_cy"] = route.steps_cy[:keep]
        return route.model_copy(update=update)

    return booklet.model_copy(update={"routes": [shorter(r) for r in booklet.routes]})


def fit_handout(lay_out: Callable[[int], Laid], booklet: Booklet, where: Where | None = None) -> tuple[Laid, int, int]:
    """The least compact layout of at most HANDOUT_PAGES pages: (layout, level, layouts made).

    `lay_out(level)` renders the handout at a compaction level. Raises BookletError
    (exit code 1: the content is too much for a handout) when no level fits.
    """
    made: dict[int, Laid] = {}

    def at(level: int) -> Laid:
        if level not in made:
            made[level] = lay_out(level)
        return made[level]

    if at(0).pages <= HANDOUT_PAGES:
        return at(0), 0, len(made)
    if at(MOST_COMPACT).pages > HANDOUT_PAGES:
        raise too_long(at(MOST_COMPACT), compacted(booklet, MOST_COMPACT), where)
    fails, fits = 0, MOST_COMPACT
    while fits - fails > 1:
        middle = (fails + fits) // 2
        if at(middle).pages <= HANDOUT_PAGES:
            fits = middle
        else:
            fails = middle
    return at(fits), fits, len(made)


def _names(ids: list[str], limit: int = 4) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def too_long(laid: Laid, booklet: Booklet, where: Where | None) -> HandoutTooLong:
    """The error for a handout that does not fit even at its most compact: pages, and what to exclude."""
    last = HANDOUT_PAGES - 2  # 0-based index of the last content page (the back cover follows it)

    def overflowing(prefix: str, ids: list[str]) -> list[str]:
        return [i for i in ids if (laid.page_of(f"{prefix}-{i}") or 0) > last]

    orgs = overflowing("org", [o.id for o in booklet.organisations])
    routes = overflowing("route", [r.id for r in booklet.routes])
    fit = (
        f"only {len(booklet.organisations) - len(orgs)} of {len(booklet.organisations)} organisations and "
        f"{len(booklet.routes) - len(routes)} of {len(booklet.routes)} entry routes fit"
    )
    first = f"; the first that do not: {_names(orgs + routes)}" if orgs or routes else ""
    return HandoutTooLong(
        [
            Problem(
                where or Where(),
                f"the handout would take {laid.pages} A4 pages even at its most compact, and a handout has at most "
                f"{HANDOUT_PAGES}: {fit}{first}",
                "exclude some with organisations.exclude or routes.exclude, or use layout: booklet",
                "layout",
            )
        ],
        code=Exit.CONTENT,
    )
