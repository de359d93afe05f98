"""Personal copies: a pure function from (audience booklet, student) to that student's booklet.

The copy is the audience's booklet plus an `ActionPlan` (chosen routes with
every step, agreed next steps, follow-up date, notes), which the templates
print as a cover line and a "Your action plan" page after the contents.
"""

from __future__ import annotations

import datetime as dt

from ..adapters.classlist import Person, organisation_of, route_of
from ..content.model import ActionPlan, Booklet


def personalise(audience_booklet: Booklet, full: Booklet, person: Person, prepared: dt.date) -> Booklet:
    """`audience_booklet` as `person` gets it; routes and organisations come from the whole content
    (`full`), so a student may choose a route their audience's booklet leaves out."""
    plan = ActionPlan(
        student_id=person.id,
        name=person.name,
        adviser=person.adviser,
        prepared=prepared,
        follow_up=person.follow_up,
        routes=[route_of(full, r) for r in person.routes],
        organisations=[organisation_of(full, o) for o in person.organisations],
        next_steps=list(person.next_steps),
        notes=person.notes,
    )
    return audience_booklet.model_copy(update={"plan": plan})
