"""Content checking: validate every file against the model and report all problems at once.

`load_project_content` reads the content folder, validates each file with
pydantic, turns each validation error into a located `Problem` written for
people, then runs the cross-file checks (unique ids, audience references,
freshness). It never stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import model
from .errors import BookletError, Problem, Where
from .load import Document, Loc, load

EXAMPLES = {
    "str": "text, e.g. title: AI Careers",
    "list": "a list, one item per line starting with '- '",
    "dict": "keys and values, e.g. heading: Why Public Sector AI?",
    "date": "a date as YYYY-MM-DD, e.g. 2026-11-28",
    "int": "a whole number, e.g. 10",
}

_TYPE_NAMES = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "yes/no",
    list: "a list",
    dict: "a mapping of keys",
    dt.date: "a date",
    type(None): "nothing",
}


def describe(value: Any) -> str:
    """A person's word for what a YAML value is."""
    for kind, word in _TYPE_NAMES.items():
        if type(value) is kind:
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
    owner = _model_at(root, loc[:-1]) if loc else None
    if owner is None or not loc:
        return ""
    info = owner.model_fields.get(str(loc[-1]))
    return (info.description or "").split("\n")[0] if info else ""


def explain(error: dict[str, Any], root: type[BaseModel]) -> tuple[str, str]:
    """Turn one pydantic error into (message, hint) for an adviser."""
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    key = str(loc[-1]) if loc else ""
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(root, loc[:-1])
        known = sorted(owner.model_fields) if owner else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(known)
        return f"unknown key {key!r}", hint
    if kind == "missing":
        doc = _field_doc(root, loc)
        return f"missing required key {key!r}", doc
    if kind in ("string_type", "list_type", "dict_type", "model_type", "date_type", "int_type",
                "model_attributes_type", "int_parsing", "date_from_datetime_parsing",
                "date_parsing", "bool_type"):
        expected = {
            "string_type": "str", "list_type": "list", "dict_type": "dict",
            "model_type": "dict", "model_attributes_type": "dict", "date_type": "date",
            "date_parsing": "date", "date_from_datetime_parsing": "date",
            "int_type": "int", "int_parsing": "int", "bool_type": "str",
        }[kind]
        return (
            f"expected {EXAMPLES[expected].split(',')[0]}, found {describe(value)}",
            "e.g. " + EXAMPLES[expected].split("e.g. ")[-1] if "e.g." in EXAMPLES[expected]
            else EXAMPLES[expected],
        )
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
    if kind == "string_too_short":
        return "must not be empty", _field_doc(root, loc)
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == model.ID_PATTERN:
            return f"{value!r} is not a valid id", "use lower case letters, digits and hyphens, e.g. fast-stream"
        if ctx.get("pattern") == model.HEX_COLOUR:
            return f"{value!r} is not a colour", "use six hex digits, e.g. #1d70b8"
        return f"{value!r} has the wrong form", _field_doc(root, loc)
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])), ""
    return error["msg"], _field_doc(root, loc)


def validate(
    doc: Document, cls: type[BaseModel], data: Any = None, prefix: Loc = ()
) -> tuple[Any, list[Problem]]:
    """Validate `doc` (or part of it) against `cls`; return (instance or None, problems)."""
    data = doc.data if data is None else data
    if not isinstance(data, dict):
        return None, [
            Problem(
                doc.where(prefix),
                f"expected a mapping of keys, found {describe(data)}",
                "each line should look like 'key: value'",
            )
        ]
    try:
        return cls.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = (*prefix, *error["loc"])
            what, hint = explain({**error, "loc": error["loc"]}, cls)
            problems.append(
                Problem(doc.where(loc), what, hint, path=".".join(str(p) for p in loc))
            )
        return None, problems


@dataclass(frozen=True)
class BrandAssets:
    """A validated brand with its logo ready to embed (a data: URI, never a file path)."""

    brand: model.Brand
    logo_uri: str = ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.brand, name)


@dataclass
class Content:
    """Everything read from a content folder: the booklet (if valid), its files and problems."""

    booklet: model.Booklet | None
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    audiences: list[model.Audience] = field(default_factory=list)
    brand: BrandAssets | None = None

    def audience(self, audience_id: str) -> model.Audience:
        """The audience with this id, or a clear error listing the known ones."""
        for audience in self.audiences:
            if audience.id == audience_id:
                return audience
        known = [a.id for a in self.audiences]
        close = difflib.get_close_matches(audience_id, known, n=1)
        hint = (f"did you mean {close[0]!r}? " if close else "") + "known: " + (", ".join(known) or "none")
        raise BookletError([Problem(Where("audiences.yaml"), f"unknown audience {audience_id!r}", hint)])

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def raise_errors(self) -> None:
        if self.errors:
            raise BookletError(self.errors)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


class _Reader:
    """Reads content files, collecting problems instead of stopping."""

    def __init__(self, content_dir: Path, root: Path) -> None:
        self.dir = content_dir
        self.root = root
        self.documents: dict[str, Document] = {}
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def read(self, path: Path, required: bool = True) -> Document | None:
        name = self.name(path)
        if not path.exists() and not path.is_symlink():
            if required:
                self.problems.append(Problem(Where(name), "is missing", "every booklet needs this file"))
            return None
        if not _inside(path, self.root):
            self.problems.append(
                Problem(Where(name), "links to a file outside the project", "copy the file in instead")
            )
            return None
        try:
            doc = load(path, name)
        except BookletError as exc:
            self.problems.extend(exc.problems)
            return None
        self.documents[name] = doc
        return doc

    def validate(self, doc: Document | None, cls: type[BaseModel], **kwargs: Any) -> Any:
        if doc is None:
            return None
        value, problems = validate(doc, cls, **kwargs)
        self.problems.extend(problems)
        return value


def _duplicates(items: list[Any], what: str, docs: list[Document], loc_of: Any) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        if item.id in seen:
            doc, loc = loc_of(index)
            problems.append(
                Problem(doc.where(loc), f"duplicate {what} id {item.id!r}", "ids must be unique")
            )
        seen.setdefault(item.id, index)
    return problems


LOGO_MAX_BYTES = 2_000_000


def _logo_uri(path: Path, name: str, doc: Document) -> tuple[str, list[Problem]]:
    """Read a logo file into a data: URI, checking it really is a PNG or an SVG."""
    import base64

    where = doc.where(("logo",))
    if not path.is_file():
        return "", [Problem(where, f"logo file {name!r} not found", "the path is relative to the brand file", "logo")]
    raw = path.read_bytes()
    if len(raw) > LOGO_MAX_BYTES:
        return "", [Problem(where, f"logo is {len(raw) // 1000} kB; the limit is 2000 kB", "", "logo")]
    if path.suffix.lower() == ".png":
        if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
            return "", [Problem(where, "logo is not a PNG image", "export it again as PNG", "logo")]
        mime = "image/png"
    else:
        if b"<svg" not in raw[:4096]:
            return "", [Problem(where, "logo is not an SVG image", "export it again as SVG", "logo")]
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(raw).decode()}", []


def _check_audiences(audiences: list[model.Audience], booklet_ids: dict[str, set[str]],
                     tags: dict[str, set[str]], doc: Document) -> list[Problem]:
    """Audiences may only name organisations, routes, points and tags that exist."""
    problems = []
    seen: set[str] = set()
    for index, audience in enumerate(audiences):
        base = ("audiences", index)
        if audience.id in seen:
            problems.append(Problem(doc.where((*base, "id")), f"duplicate audience id {audience.id!r}",
                                    "ids must be unique", ".".join(map(str, (*base, "id")))))
        seen.add(audience.id)
        for kind in ("organisations", "routes", "points"):
            selector = getattr(audience, kind)
            for rule_kind in ("include", "exclude"):
                for j, rule in enumerate(getattr(selector, rule_kind)):
                    loc = (*base, kind, rule_kind, j)
                    if rule.startswith("tag:"):
                        if rule[4:] not in tags[kind]:
                            problems.append(Problem(doc.where(loc), f"no {kind} carry the tag {rule[4:]!r}",
                                                    _suggest(rule[4:], tags[kind]), ".".join(map(str, loc))))
                    elif rule not in booklet_ids[kind]:
                        problems.append(Problem(doc.where(loc), f"names {kind[:-1] if kind != 'points' else 'point'} {rule!r}, which does not exist",
                                                _suggest(rule, booklet_ids[kind]), ".".join(map(str, loc))))
        for j, org_id in enumerate(audience.featured):
            if org_id not in booklet_ids["organisations"]:
                loc = (*base, "featured", j)
                problems.append(Problem(doc.where(loc), f"features organisation {org_id!r}, which does not exist",
                                        _suggest(org_id, booklet_ids["organisations"]), ".".join(map(str, loc))))
    return problems


def _suggest(word: str, known: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known))


def load_brand(path: Path, reader: _Reader | None = None, root: Path | None = None) -> tuple[BrandAssets | None, list[Problem], Document | None]:
    """Read and check a brand file; its logo is embedded, so it may live beside the brand file."""
    reader = reader or _Reader(path.parent, root or path.parent)
    before = len(reader.problems)
    doc = reader.read(path)
    brand = reader.validate(doc, model.Brand)
    problems = reader.problems[before:]
    if brand is None or doc is None:
        return None, problems, doc
    uri = ""
    if brand.logo:
        uri, logo_problems = _logo_uri((path.parent / brand.logo), brand.logo, doc)
        problems = problems + logo_problems
        if logo_problems:
            return None, problems, doc
    return BrandAssets(brand, uri), problems, doc


def load_project_content(content_dir: Path, root: Path | None = None, brand_file: Path | None = None) -> Content:
    """Read, validate and cross-check a content folder. Never raises for content problems."""
    root = root or content_dir.parent
    if not content_dir.is_dir():
        return Content(
            None,
            problems=[
                Problem(Where(str(content_dir)), "content folder not found", "pass --content DIR")
            ],
        )
    reader = _Reader(content_dir, root)
    frame = reader.validate(reader.read(content_dir / "booklet.yaml"), model.Frame)
    routes_doc = reader.read(content_dir / "routes.yaml")
    routes = reader.validate(routes_doc, model.Routes)

    organisations: list[model.Organisation] = []
    org_docs: list[Document] = []
    org_dir = content_dir / "organisations"
    files = sorted(org_dir.glob("*.yaml")) + sorted(org_dir.glob("*.yml")) if org_dir.is_dir() else []
    if not files:
        reader.problems.append(
            Problem(Where(reader.name(org_dir)), "has no organisation files", "add organisations/NAME.yaml")
        )
    for path in files:
        doc = reader.read(path)
        if doc is None:
            continue
        data = doc.data
        if isinstance(data, dict):
            stem = path.stem
            if "id" in data and data["id"] != stem:
                reader.problems.append(
                    Problem(doc.where(("id",)), f"id {data['id']!r} differs from the file name",
                            f"use id: {stem}, or rename the file", path="id")
                )
                continue
            data = {"id": stem, **data}
        org = reader.validate(doc, model.Organisation, data=data)
        if org is not None:
            organisations.append(org)
            org_docs.append(doc)
    organisations.sort(key=lambda o: o.order)

    problems = reader.problems
    if routes is not None and routes_doc is not None:
        problems += _duplicates(routes.routes, "route", [routes_doc],
                                lambda i: (routes_doc, ("routes", i, "id")))
    if frame is not None:
        doc = reader.documents[reader.name(content_dir / "booklet.yaml")]
        for key in ("why", "challenges", "skills"):
            section = getattr(frame.sections, key)
            problems += _duplicates(section.items, "point", [doc],
                                    lambda i, k=key: (doc, ("sections", k, "items", i, "id")))
    audiences: list[model.Audience] = []
    audiences_path = content_dir / "audiences.yaml"
    audiences_doc = reader.read(audiences_path, required=False)
    parsed = reader.validate(audiences_doc, model.Audiences)
    if parsed is not None and audiences_doc is not None and frame is not None and routes is not None:
        audiences = parsed.audiences
        points = [p for key in ("why", "challenges", "skills") for p in getattr(frame.sections, key).items]
        ids = {
            "organisations": {o.id for o in organisations},
            "routes": {r.id for r in routes.routes},
            "points": {p.id for p in points},
        }
        tags = {
            "organisations": {t for o in organisations for t in o.tags},
            "routes": {t for r in routes.routes for t in r.tags},
            "points": {t for p in points for t in p.tags},
        }
        problems += _check_audiences(audiences, ids, tags, audiences_doc)

    brand = None
    brand_path = brand_file or (content_dir / "brand.yaml")
    if brand_file is not None or brand_path.exists():
        if brand_file is not None and not brand_file.exists():
            problems.append(Problem(Where(str(brand_file)), "brand file not found", "check the --brand path"))
        else:
            brand_reader = reader if brand_file is None else _Reader(brand_path.parent, brand_path.parent)
            brand, brand_problems, _ = load_brand(brand_path, brand_reader)
            if brand_reader is reader:
                brand_problems = [p for p in brand_problems if p not in problems]
            problems += brand_problems

    booklet = None
    if frame is not None and routes is not None and not [p for p in problems if not p.warning]:
        booklet = model.Booklet(frame=frame, organisations=organisations, routes=routes.routes)
    return Content(booklet, reader.documents, problems, audiences, brand)
