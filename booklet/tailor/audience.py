"""Tailoring: a pure function from (booklet, audience) to the booklet that audience gets."""

from __future__ import annotations

from ..content.model import Audience, Booklet, PointSection, Route


def _points(section: PointSection, audience: Audience) -> PointSection:
    items = [p for p in section.items if audience.points.picks(p.id, p.tags)]
    return section.model_copy(update={"items": items})


def _route(route: Route, audience: Audience) -> Route:
    if audience.max_steps is None:
        return route
    # The Welsh steps are cut with the English ones: each is the other's translation.
    welsh = route.steps_cy[: audience.max_steps] if route.steps_cy is not None else None
    return route.model_copy(update={"steps": route.steps[: audience.max_steps], "steps_cy": welsh})


def _notes_cy(booklet: Booklet, audience: Audience) -> list[str] | None:
    """The Welsh notes, only when every note has one (otherwise the English ones are used)."""
    own = audience.notes_cy if audience.notes_cy is not None else ([] if not audience.notes else None)
    base = booklet.notes_cy if booklet.notes_cy is not None else ([] if not booklet.notes else None)
    return None if own is None or base is None else [*base, *own]


def tailor(booklet: Booklet, audience: Audience) -> Booklet:
    """The booklet as `audience` should see it; `booklet` itself is left unchanged."""
    frame = booklet.frame
    sections = frame.sections.model_copy(
        update={key: _points(getattr(frame.sections, key), audience) for key in ("why", "challenges", "skills")}
    )
    frame = frame.model_copy(
        update={
            "sections": sections,
            "output": audience.output,
            "introduction": audience.introduction or frame.introduction,
            "introduction_cy": audience.introduction_cy
            or (frame.introduction_cy if not audience.introduction else None),
        }
    )
    organisations = [o for o in booklet.organisations if audience.organisations.picks(o.id, o.tags)]
    rank = {org_id: i for i, org_id in enumerate(audience.featured)}
    # Featured organisations first, in the audience's order; then the order of `include` as the adviser
    # wrote it; organisations one rule picks (a tag) keep their `order:` and file-name order (sort is stable).
    organisations.sort(key=lambda o: (rank.get(o.id, len(rank)), audience.organisations.rank(o.id, o.tags)))
    routes = [_route(r, audience) for r in booklet.routes if audience.routes.picks(r.id, r.tags)]
    routes.sort(key=lambda r: audience.routes.rank(r.id, r.tags))
    return booklet.model_copy(
        update={
            "frame": frame,
            "organisations": organisations,
            "routes": routes,
            # Never a cover identical to the main booklet's: without a cover line, the audience's name.
            "cover_line": audience.cover_line or audience.name,
            "notes": [*booklet.notes, *audience.notes],
            "cover_line_cy": audience.cover_line_cy,
            "notes_cy": _notes_cy(booklet, audience),
            "featured": [o.id for o in organisations if o.id in rank],
            "layout": audience.layout,
            "stories": [s for s in booklet.stories if audience.stories.picks(s.id, s.tags)],
            "routes_at_a_glance": audience.routes_at_a_glance,
        }
    )
