"""Content checks: every problem in the content found and explained, never just the first.

`validate` turns each pydantic validation error into a located `Problem`
written for people (what is wrong, where, and a hint that fixes it). The
cross-file checks work on validated models and their documents: unique ids,
audience references, freshness of reviewed facts and profile lengths.
`load.load_project_content` runs them all while it reads a project.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from . import model
from .read import Document, Loc, dotted, short

EXAMPLES = {
    "str": "text, e.g. title: AI Careers",
    "list": "a list, one item per line starting with '- '",
    "dict": "keys and values, e.g. heading: Why Public Sector AI?",
    "date": "a date as YYYY-MM-DD, e.g. 2026-11-28",
    "int": "a whole number, e.g. 10",
    "float": "a number, e.g. 28000",
}

_TYPE_NAMES = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "yes/no",
    list: "a list",
    dict: "a mapping of keys",
    dt.date: "a date",
    dt.datetime: "a date and time",
    type(None): "nothing",
}

_EXPECTED = {
    "string_type": "str",
    "list_type": "list",
    "dict_type": "dict",
    "model_type": "dict",
    "model_attributes_type": "dict",
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "bool_type": "str",
    "float_parsing": "float",
    "float_type": "float",
}
"""pydantic error types that mean "wrong kind of value", and the kind that was wanted."""


_BULLETS = "•◦▪●‣⁃∙·➢➤►✓✔"
_HOST_LIKE = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?::\d+)?(?:[/?#]\S*)?$", re.I
)
"""What could follow https:// to make an address: a dotted host name, then a path."""


def describe(value: Any) -> str:
    """A person's word for what a YAML value is."""
    for kind, word in _TYPE_NAMES.items():
        if type(value) is kind:
            if isinstance(value, str) and not value.strip():
                return "empty text"
            return word
    return type(value).__name__


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the mapping at `loc` (to suggest its keys)."""
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """Unwrap list[X] / Optional[X] to X."""
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def _field_doc(root: type[BaseModel], loc: Loc) -> str:
    named = tuple(part for part in loc if not isinstance(part, int))
    owner = _model_at(root, named[:-1]) if named else None
    if owner is None or not named:
        return ""
    fields = owner.model_fields
    # A key that is a Python word (pay's `from`) is a field with an alias.
    info = fields.get(str(named[-1])) or next((i for i in fields.values() if i.alias == named[-1]), None)
    return (info.description or "").split("\n")[0] if info else ""


def _example(root: type[BaseModel], loc: Loc, kind: str) -> str:
    """An example line for the value at `loc`: the field's own e.g. if its docstring has one."""
    named = [part for part in loc if not isinstance(part, int)]
    key = str(named[-1]) if named else "key"
    doc = _field_doc(root, loc)
    found = re.search(r"e\.g\. (.+?)\.?$", doc)
    if kind == "list":
        item = found.group(1).strip('"') if found else "…"
        return f"e.g. {key}: [{item}], or one '- ' line per item"
    if kind == "dict":
        return "write the keys indented under it, e.g. 'heading: …'"
    if found:
        return f"e.g. {key}: {found.group(1)}"
    return f"e.g. {key}: " + {"date": "2026-11-28", "int": "10", "float": "10", "str": "some text"}[kind]


def _split_hint(message: str) -> tuple[str, str]:
    """'must be x (e.g. y)' → ('must be x', 'e.g. y')."""
    match = re.match(r"^(.*\S) \(([^()]*)\)$", message)
    return (match.group(1), match.group(2)) if match else (message, "")


def explain(error: Mapping[str, Any], root: type[BaseModel]) -> tuple[str, str]:
    """Turn one pydantic error into (message, hint) for an adviser."""
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    key = str(loc[-1]) if loc else ""
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(root, loc[:-1])
        known = sorted(owner.model_fields) if owner else []
        close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.6)
        # Welsh versions (x_cy) are named once, not listed: every text field may have one.
        shown = [k for k in known if not k.endswith("_cy")]
        welsh = "; each text may have a Welsh version, e.g. title_cy" if len(shown) < len(known) else ""
        hint = f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(shown) + welsh
        return f"unknown key {short(key)}", hint
    if kind == "missing":
        doc = _field_doc(root, loc)
        return f"missing required key {key!r}", doc
    if kind in _EXPECTED or kind.startswith("date"):
        expected = _EXPECTED.get(kind, "date")
        found = describe(value)
        if kind == "int_from_float":
            found = "a number with a fraction"
        if kind == "date_from_datetime_inexact" and isinstance(value, (int, float)):
            found = "a number"
        elif expected == "date" and isinstance(value, str):
            found = f"{short(value)}"
        hint = _example(root, loc, expected)
        if expected == "list" and isinstance(value, str) and value.strip():
            hint = f"e.g. {key}: [{value.strip()[:60]}], or one '- ' line per item"
        if expected == "str" and isinstance(value, (bool, int, float, dt.date)):
            hint = f'put it in quotes if it is text: {key}: "…"'
        if expected == "str" and value is None and "colour" in _field_doc(root, loc).lower():
            # An unquoted colour is a comment to YAML: the value is empty. The example must be quoted too.
            example = hint.removeprefix(f"e.g. {key}: ").strip()
            colour = example if re.fullmatch(r"#[0-9a-fA-F]{6}", example) else "#1d70b8"
            hint = f'# starts a comment in YAML, so put the colour in quotes: {key}: "{colour}"'
        if expected == "str" and isinstance(value, dict) and len(value) == 1 and loc and isinstance(loc[-1], int):
            # "- Step 1: check…" is a one-key mapping to YAML; the fix is quotes, not a different shape.
            ((item_key, item_value),) = value.items()
            hint = f'text that contains ": " needs quotes: - "{item_key}: {item_value}"'
        if expected == "str" and isinstance(value, list) and loc and isinstance(loc[-1], int):
            hint = "two '- ' at the start of one line make a list inside the list; keep only one"
        if expected == "dict" and isinstance(value, str) and " " in value.strip():
            word, rest = value.strip().split(" ", 1)
            owner = _model_at(root, loc)
            if owner is not None and word in owner.model_fields:
                hint = f"the line has no colon after {word!r}: write {word}: {rest[:50]}"
        if expected == "list" and isinstance(value, str) and value.strip()[:1] in _BULLETS:
            first = re.split(rf"\s*[{_BULLETS}]\s*", value.strip())[1]
            hint = f"start each item on its own line with '- ' instead of {value.strip()[0]!r}, e.g. - {first[:40]}"
        return f"expected {EXAMPLES[expected].split(',')[0]}, found {found}", hint
    if kind == "too_short":
        return (
            f"needs at least {ctx.get('min_length')} item(s), found {ctx.get('actual_length')}",
            _field_doc(root, loc),
        )
    if kind == "too_long":
        return (
            f"allows at most {ctx.get('max_length')} item(s), found {ctx.get('actual_length')}",
            _field_doc(root, loc),
        )
    if kind == "literal_error":
        # A closed set of words (a clearance level, a month): suggest the one meant, whatever its case.
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        folded = {c.casefold(): c for c in choices}
        typed = str(value).strip().casefold()
        close = difflib.get_close_matches(typed, list(folded), n=1, cutoff=0.6) if typed not in folded else [typed]
        hint = f"did you mean {folded[close[0]]!r}?" if close else "use one of: " + ", ".join(choices)
        months = len(choices) == 12  # the month names: too many to list in the message itself
        return f"{short(value)} is " + ("not a month" if months else f"not one of {', '.join(choices)}"), hint
    if kind == "string_too_short":
        return "must not be empty", _field_doc(root, loc)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return error["msg"].replace("Input should be", "must be"), _field_doc(root, loc)
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == model.ID_PATTERN:
            return f"{short(value)} is not a valid id", "use lower case letters, digits and hyphens, e.g. fast-stream"
        if ctx.get("pattern") == model.HEX_COLOUR:
            return f"{short(value)} is not a colour", "use six hex digits, e.g. #1d70b8"
        return f"{short(value)} has the wrong form", _field_doc(root, loc)
    if kind == "value_error":
        message, hint = _split_hint(str(ctx.get("error", error["msg"])))
        if isinstance(value, str) and message.startswith("must be an https://"):
            rest = value.strip().split("://", 1)[-1]
            if _HOST_LIKE.match(rest):
                hint = f"write it as https://{rest}" + (", if the site has an https address" if "://" in value else "")
            else:  # javascript:…, mailto:…, a sentence: "https://" in front would not make an address
                hint = "give the address of a web page, starting https://, e.g. https://www.gov.uk"
        elif isinstance(value, str) and message.startswith("must not contain a user name"):
            parts = urlsplit(value.strip())
            hint = f"write it as {parts._replace(netloc=parts.netloc.rsplit('@', 1)[-1]).geturl()}"
        if message.startswith(("must ", "needs ", "is too long")) and isinstance(value, str):
            message = f"{short(value)} {message}"
        return message, hint
    return error["msg"], _field_doc(root, loc)


def validate(doc: Document, cls: type[BaseModel], data: Any = None, prefix: Loc = ()) -> tuple[Any, list[Problem]]:
    """Validate `doc` (or part of it) against `cls`; return (instance or None, problems)."""
    data = doc.data if data is None else data
    if not isinstance(data, dict):
        return None, [
            Problem(
                doc.where(prefix),
                f"expected a mapping of keys, found {describe(data)}",
                "each line should look like 'key: value'",
                path=dotted(prefix),
            )
        ]
    try:
        return cls.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = []
        for error in _without_typo_echoes(errors, cls):
            loc = tuple(error["loc"])
            if not loc and isinstance(data, dict):
                # A check across fields (e.g. brand contrast): point at the first field it names.
                named = [k for k in data if re.search(rf"\b{re.escape(str(k))}\b", error["msg"])]
                loc = (named[0],) if named else ()
            what, hint = explain(error, cls)
            loc = (*prefix, *loc)
            problems.append(Problem(doc.where(loc), what, hint, path=dotted(loc)))
        return None, problems


def _without_typo_echoes(errors: Sequence[Mapping[str, Any]], cls: type[BaseModel]) -> list[Mapping[str, Any]]:
    """Drop "missing key X" when the same mapping has an unknown key whose did-you-mean is X.

    `websit:` is one mistake; reporting it once (as the typo, with the fix) is clearer than twice.
    """
    suggested = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            _, hint = explain(error, cls)
            match = re.match(r"did you mean '(.+)'\?", hint)
            if match:
                suggested.add((*error["loc"][:-1], match.group(1)))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in suggested)]


@dataclass(frozen=True)
class Stale:
    """A sourced item whose review is older than the allowed age."""

    item: str
    """How the item is named in messages, e.g. "organisation 'gds'"."""
    reviewed: dt.date
    months: int
    source: str
    problem: Problem


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: by file, line and column (file-level ones first)."""
    return sorted(problems, key=lambda p: (p.where.file, p.where.line, p.where.col, p.path, p.what))


def _point_id_loc(section: str, index: int) -> Loc:
    return ("sections", section, "items", index, "id")


def _duplicates(items: list[Any], what: str, doc: Document, loc_of: Callable[[int], Loc]) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        if item.id in first:
            loc = loc_of(index)
            line = doc.where(loc_of(first[item.id])).line
            problems.append(
                Problem(
                    doc.where(loc),
                    f"duplicate {what} id {item.id!r} (first at line {line})",
                    "ids must be unique; rename one of them",
                    dotted(loc),
                )
            )
        first.setdefault(item.id, index)
    return problems


def _check_audiences(
    audiences: list[model.Audience],
    booklet_ids: dict[str, set[str] | None],
    tags: dict[str, set[str] | None],
    doc: Document,
) -> list[Problem]:
    """Audiences may only name organisations, routes, points and tags that exist.

    A kind whose ids (or tags) are unknown because its files have errors is
    skipped, so one broken file does not echo as false "does not exist" lines.
    """
    problems = _duplicates(audiences, "audience", doc, lambda i: ("audiences", i, "id"))
    loc: Loc
    for index, audience in enumerate(audiences):
        base = ("audiences", index)
        for kind in ("organisations", "routes", "points"):
            selector = getattr(audience, kind)
            for rule_kind in ("include", "exclude"):
                for j, rule in enumerate(getattr(selector, rule_kind)):
                    loc = (*base, kind, rule_kind, j)
                    known_tags, known_ids = tags[kind], booklet_ids[kind]
                    if rule.startswith("tag:"):
                        if known_tags is not None and rule[4:] not in known_tags:
                            problems.append(
                                Problem(
                                    doc.where(loc),
                                    f"no {kind} carry the tag {rule[4:]!r}",
                                    _suggest(rule[4:], known_tags),
                                    dotted(loc),
                                )
                            )
                    elif known_ids is not None and rule not in known_ids:
                        noun = {"organisations": "organisation", "routes": "route", "points": "point"}[kind]
                        problems.append(
                            Problem(
                                doc.where(loc),
                                f"names {noun} {rule!r}, which does not exist",
                                _suggest(rule, known_ids),
                                dotted(loc),
                            )
                        )
        org_ids = booklet_ids["organisations"]
        for j, org_id in enumerate(audience.featured):
            if org_ids is not None and org_id not in org_ids:
                loc = (*base, "featured", j)
                problems.append(
                    Problem(
                        doc.where(loc),
                        f"features organisation {org_id!r}, which does not exist",
                        _suggest(org_id, org_ids),
                        dotted(loc),
                    )
                )
    return problems


def _suggest(word: str, known: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + (", ".join(sorted(known)) or "none")


# ---------------------------------------------------------------------------
# Freshness and length: checks on the meaning of valid-looking content.

REVIEW_MONTHS = 12
"""Default age (in months) after which a sourced item is due for review."""

PROFILE_LIMIT = 1_600
"""Characters of a profile (name + summary + roles, 3 more per role) that fit one A4 page.

Measured with the default style (12 pt, A4): a card split across two pages at
about 1,690-1,720 such characters whatever the number of roles (1 to 60), so
1,600 leaves some room. A5 and large print fit much less (about 580 and 880).
"""


def today() -> dt.date:
    """Today's date (a function so tests can fix it)."""
    return dt.date.today()


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier` to `later` (0 when later is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _sourced_items(
    documents: dict[str, Document], content_name: str
) -> list[tuple[str, Document, Loc, dict[str, Any]]]:
    """Every (name, document, location, raw mapping) carrying facts: organisations and routes.

    Works on the raw data, so freshness is reported even for files with other problems.
    """
    items: list[tuple[str, Document, Loc, dict[str, Any]]] = []
    for name, doc in documents.items():
        parent = Path(name).parent.name
        if parent == "organisations" and isinstance(doc.data, dict):
            items.append((f"organisation {Path(name).stem!r}", doc, (), doc.data))
        elif Path(name).name == "routes.yaml" and isinstance(doc.data, dict):
            routes = doc.data.get("routes")
            if isinstance(routes, list):
                for index, route in enumerate(routes):
                    if isinstance(route, dict):
                        label = route.get("id") if isinstance(route.get("id"), str) else f"number {index + 1}"
                        items.append(
                            (
                                f"route {label!r}" if isinstance(route.get("id"), str) else f"route {label}",
                                doc,
                                ("routes", index),
                                route,
                            )
                        )
                        facts = route.get("facts")
                        for group, data in facts.items() if isinstance(facts, dict) else ():
                            if isinstance(data, dict):  # each fact group names its own source and review
                                name = f"route {label!r}" if isinstance(route.get("id"), str) else f"route {label}"
                                items.append((f"{name} ({group})", doc, ("routes", index, "facts", group), data))
    return items


def check_freshness(
    documents: dict[str, Document], content_name: str, months: int = REVIEW_MONTHS, on: dt.date | None = None
) -> tuple[list[Problem], list[Stale], int]:
    """Warnings for reviews older than `months`, errors for reviews in the future."""
    on = on or today()
    due = _months_before(on, months)
    problems: list[Problem] = []
    stale: list[Stale] = []
    count = 0
    for label, doc, base, data in _sourced_items(documents, content_name):
        reviewed = data.get("reviewed")
        if not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
            continue  # missing or malformed: the model reports it
        count += 1
        loc = (*base, "reviewed")
        if reviewed > on:
            problems.append(
                Problem(
                    doc.where(loc),
                    f"{label} says it was reviewed on {reviewed}, which is in the future",
                    f"use the date you last checked the source; today is {on}",
                    dotted(loc),
                )
            )
        elif reviewed < due:
            age = months_between(reviewed, on)
            source = str(data["source"]) if isinstance(data.get("source"), str) else "its source"
            problem = Problem(
                doc.where(loc),
                f"{label} was last reviewed on {reviewed}, {age} months ago; reviews are due every {months} months",
                f"check it against {source}, then set reviewed: {on}",
                dotted(loc),
                warning=True,
            )
            problems.append(problem)
            stale.append(Stale(label, reviewed, age, source, problem))
    stale.sort(key=lambda s: (s.reviewed, s.item))
    return problems, stale, count


def profile_length(org: model.Organisation) -> int:
    """Estimated printed length of a profile in characters (see PROFILE_LIMIT)."""
    return len(org.name) + len(org.summary) + sum(len(role) + 3 for role in org.roles)


def check_lengths(organisations: list[tuple[model.Organisation, Document]]) -> list[Problem]:
    """Warn about organisation profiles too long to fit on one page."""
    problems = []
    for org, doc in organisations:
        length = profile_length(org)
        if length > PROFILE_LIMIT:
            problems.append(
                Problem(
                    doc.where(("summary",)),
                    f"profile {org.id!r} is too long to fit one page: {length:,} characters "
                    f"(name, summary and {len(org.roles)} role{'s' if len(org.roles) != 1 else ''}); "
                    f"about {PROFILE_LIMIT:,} fit on an A4 page",
                    "shorten the summary or list fewer roles",
                    "summary",
                    warning=True,
                )
            )
    return problems


# ---------------------------------------------------------------------------
# booklet check


def check_steps(routes: list[model.Route], doc: Document) -> list[Problem]:
    """Warn about routes with fewer first steps than advised (the model refuses none or too many)."""
    problems = []
    for index, route in enumerate(routes):
        count = len(route.steps)
        if count < model.ADVISED_STEPS:
            loc: Loc = ("routes", index, "steps")
            problems.append(
                Problem(
                    doc.where(loc),
                    f"route {route.id!r} has {count} first step{'s' if count != 1 else ''}; "
                    f"a checklist is more useful with {model.ADVISED_STEPS} to {model.MAX_STEPS}",
                    "add a concrete next step if there is one, or keep it as it is",
                    dotted(loc),
                    warning=True,
                )
            )
    return problems
