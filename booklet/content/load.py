"""Reading a project's content: every file read, validated and cross-checked into one `Content`.

`load_project_content` reads the content folder (the frame, routes, one file per
organisation, audiences and the brand), validates each file with the model,
then runs the checks in `check` (unique ids, audience references, freshness,
lengths). It never stops at the first problem and never raises for content:
problems come back in `Content.problems`, located by file:line:col.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import BookletError, Problem, Where
from . import extras, logo, model
from .check import (
    REVIEW_MONTHS,
    Stale,
    _check_audiences,
    _duplicates,
    _point_id_loc,
    _split_hint,
    check_freshness,
    check_lengths,
    check_steps,
    sorted_problems,
    validate,
)
from .facts import check_facts
from .placeholders import check_logo, check_placeholders
from .read import Document, Loc, dotted, load, read_bytes, short
from .text import check_text


@dataclass(frozen=True)
class BrandAssets:
    """A validated brand with its logo ready to embed (a data: URI, never a file path)."""

    brand: model.Brand
    logo_uri: str = ""

    def __getattr__(self, name: str) -> Any:
        # Only called for names the dataclass lacks; "brand" itself may be missing while
        # a worker process unpickles the object, and must not recurse.
        if name == "brand":
            raise AttributeError(name)
        return getattr(self.brand, name)


@dataclass
class Content:
    """Everything read from a content folder: the booklet (if valid), its files and problems."""

    booklet: model.Booklet | None
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    audiences: list[model.Audience] = field(default_factory=list)
    brand: BrandAssets | None = None
    stale: list[Stale] = field(default_factory=list)
    """Items due for review, oldest first (their warnings are in `problems` too)."""
    sourced: int = 0
    """How many sourced items (organisations and routes) carry a review date."""
    files: int = 0
    """How many content files were read, including those that could not be parsed."""

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

    def raise_errors(self, strict: bool = False) -> None:
        """Raise the errors (and with `strict`, the warnings as errors) as one BookletError."""
        problems = self.errors + ([replace(p, warning=False) for p in self.warnings] if strict else [])
        if problems:
            raise BookletError(sorted_problems(problems))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
        return False
    return True


def _loops(path: Path) -> bool:
    """Whether `path` is a symbolic link whose chain of links never reaches a file."""
    import errno

    if not path.is_symlink():
        return False
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop this way
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


class _Reader:
    """Reads content files, collecting problems instead of stopping."""

    def __init__(self, content_dir: Path, root: Path) -> None:
        self.dir = content_dir
        self.root = root
        self.documents: dict[str, Document] = {}
        self.problems: list[Problem] = []
        self.seen: set[str] = set()

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def read(self, path: Path, required: bool = True) -> Document | None:
        name = self.name(path)
        if not path.exists() and not path.is_symlink():
            if required:
                hint = "every booklet needs this file"
                if path.suffix == ".yaml" and path.with_suffix(".yml").exists():
                    hint = f"rename {path.with_suffix('.yml').name} to {path.name}"
                self.problems.append(Problem(Where(name), "is missing", hint))
            return None
        if _loops(path):
            self.problems.append(
                Problem(
                    Where(name),
                    "is a symbolic link that leads back to itself, so there is no file to read",
                    "replace the link with the file itself",
                )
            )
            return None
        if not _inside(path, self.root):
            self.problems.append(
                Problem(
                    Where(name),
                    "links to a file outside the project",
                    "content is read only from inside the project; copy the file in instead",
                )
            )
            return None
        self.seen.add(name)
        try:
            doc = load(path, name)
        except BookletError as exc:
            self.problems.extend(exc.problems)
            return None
        self.problems.extend(doc.problems)
        self.problems.extend(check_text(doc))
        self.documents[name] = doc
        return doc

    def validate(self, doc: Document | None, cls: type[BaseModel], **kwargs: Any) -> Any:
        if doc is None:
            return None
        value, problems = validate(doc, cls, **kwargs)
        self.problems.extend(problems)
        return value


LOGO_MAX_BYTES = 2_000_000


def _logo_uri(
    path: Path, name: str, doc: Document, folder: Path, key: Loc = ("logo",), owner: str = "brand file"
) -> tuple[str, list[Problem]]:
    """Read a logo (or a story's photo) into a data: URI, checking it really is a PNG or an SVG.

    The image must sit in its content file's folder (or below it): a file from
    someone else must not be able to pull in any other file on the disk. `key`
    is where the file is named in `doc` (`logo`, or `photo.file` for a photo).
    """
    import base64

    where = doc.where(key)
    noun, at = str(key[0]), dotted(key)
    if Path(name).is_absolute() or not _inside(path, folder):
        return "", [
            Problem(
                where,
                f"{noun} {short(name)} is outside the {owner}'s folder",
                f"put the {noun} beside the {owner} and give its name, e.g. {key[-1]}: {noun}.svg",
                at,
            )
        ]
    if not path.is_file():
        return "", [Problem(where, f"{noun} file {short(name)} not found", f"the path is relative to the {owner}", at)]
    try:
        raw = read_bytes(path, doc.name + ": " + noun, LOGO_MAX_BYTES, noun + "s")
    except BookletError as exc:
        return "", [replace(p, where=where, path=at) for p in exc.problems]
    if path.suffix.lower() == ".png":
        if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
            return "", [Problem(where, f"{noun} is not a PNG image", "export it again as PNG", at)]
        mime, why = "image/png", logo.check_png(raw)
    elif path.suffix.lower() in (".jpg", ".jpeg"):  # a story's photo (the models allow JPEG nowhere else)
        if not raw.startswith(b"\xff\xd8\xff"):
            return "", [Problem(where, f"{noun} is not a JPEG image", "export it again as JPEG", at)]
        mime, why = "image/jpeg", logo.check_jpeg(raw)
    else:
        if b"<svg" not in raw[:4096]:
            return "", [Problem(where, f"{noun} is not an SVG image", "export it again as SVG", at)]
        mime, why = "image/svg+xml", logo.check_svg(raw)
    if why:
        what, hint = _split_hint(why)
        return "", [Problem(where, f"{noun} {short(name)} {what}", hint, at)]
    return f"data:{mime};base64,{base64.b64encode(raw).decode()}", []


def _uri_bytes(uri: str) -> bytes:
    """The bytes a base64 data: URI holds."""
    import base64

    return base64.b64decode(uri.split(",", 1)[1])


def load_brand(path: Path, reader: _Reader) -> BrandAssets | None:
    """Read and check a brand file; its problems go to `reader`. The logo is embedded, so it may
    live beside the brand file."""
    doc = reader.read(path)
    brand = reader.validate(doc, model.Brand)
    if brand is None or doc is None:
        return None
    uri = ""
    if brand.logo:
        uri, logo_problems = _logo_uri(path.parent / brand.logo, brand.logo, doc, path.parent)
        if logo_problems:
            reader.problems.extend(logo_problems)
            return None
    return BrandAssets(brand, uri)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _id_for_name(problem: Problem, doc: Document, names: dict[str, dict[str, str]]) -> Problem:
    """For "not a valid id" in audiences.yaml, suggest the id of the thing whose name was written."""
    if problem.where.file != doc.name or not problem.what.endswith("is not a valid id") or not problem.path:
        return problem
    parts = problem.path.split(".")
    kind = "organisations" if "featured" in parts else next((k for k in names if k in parts), "")
    value: Any = doc.data
    for part in parts:
        key: Any = int(part) if part.isdigit() else part
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return problem
    if not isinstance(value, str) or kind not in names:
        return problem
    by_name = {_slug(name): id_ for name, id_ in names[kind].items()}
    found = by_name.get(_slug(value.removeprefix("tag:")))
    if found is None:
        close = difflib.get_close_matches(_slug(value), sorted(by_name), n=1, cutoff=0.75)
        found = by_name[close[0]] if close else None
    if found is None:
        known = ", ".join(sorted(set(by_name.values()))) or "none"
        return replace(problem, hint=f"ids are lower case with hyphens; the {kind} are {known}")
    return replace(problem, hint=f"did you mean {found!r}? ids, not names, are used here")


_IGNORED = ("README", "readme", ".", "_")


def _stray_files(reader: _Reader, org_dir: Path) -> list[Problem]:
    """Files in organisations/ that are not read (wrong extension), so nobody wonders why they are missing."""
    problems: list[Problem] = []
    if not org_dir.is_dir():
        return problems
    for path in sorted(org_dir.iterdir()):
        if path.name.startswith(_IGNORED) or path.name.endswith("~"):
            continue
        if path.suffix.lower() in (".svg", ".png"):
            continue  # an organisation's logo lives beside its file
        if path.is_dir():
            inside = sorted(p.name for p in path.rglob("*") if p.suffix.lower() in (".yaml", ".yml"))
            if inside:
                problems.append(
                    Problem(
                        Where(reader.name(path)),
                        f"is a folder: its {len(inside)} organisation file{'s are' if len(inside) > 1 else ' is'} "
                        f"not read ({', '.join(inside[:3])}{', …' if len(inside) > 3 else ''})",
                        "organisation files go straight in organisations/; move them up a level",
                        warning=True,
                    )
                )
            continue
        if path.suffix.lower() in (".yaml", ".yml") and path.suffix not in (".yaml", ".yml"):
            hint = f"rename it to {path.stem}{path.suffix.lower()}"
        elif path.suffix not in (".yaml", ".yml"):
            hint = "organisation files end in .yaml; rename it or move it out of this folder"
        else:
            continue
        problems.append(Problem(Where(reader.name(path)), "is not read: it does not end in .yaml", hint, warning=True))
    return problems


def load_project_content(
    content_dir: Path,
    root: Path | None = None,
    brand_file: Path | None = None,
    *,
    months: int = REVIEW_MONTHS,
    on: dt.date | None = None,
) -> Content:
    """Read, validate and cross-check a content folder. Never raises for content problems.

    `months` is the review age after which sourced items are reported as stale;
    `on` is the date to measure it from (today by default).
    """
    root = root or content_dir.parent
    if not content_dir.is_dir():
        return Content(
            None,
            problems=[Problem(Where(str(content_dir)), "content folder not found", "pass --content DIR")],
        )
    reader = _Reader(content_dir, root)
    for folder in (content_dir, content_dir / "organisations"):
        if folder.is_dir() and not _inside(folder, root):
            problem = Problem(
                Where(reader.name(folder)),
                "links to a folder outside the project",
                "content is read only from inside the project; copy the files in instead",
            )
            return Content(None, problems=[problem])
    frame_path = content_dir / "booklet.yaml"
    frame = reader.validate(reader.read(frame_path), model.Frame)
    routes_doc = reader.read(content_dir / "routes.yaml")
    routes = reader.validate(routes_doc, model.Routes)

    organisations: list[model.Organisation] = []
    org_docs: list[tuple[model.Organisation, Document]] = []
    org_dir = content_dir / "organisations"
    files = sorted(org_dir.glob("*.yaml")) + sorted(org_dir.glob("*.yml")) if org_dir.is_dir() else []
    files = [f for f in files if not f.name.startswith(".")]
    if not files:
        reader.problems.append(
            Problem(Where(reader.name(org_dir)), "has no organisation files", "add organisations/NAME.yaml")
        )
    reader.problems += _stray_files(reader, org_dir)
    first_file: dict[str, str] = {}
    images: dict[str, str] = {}
    for path in files:
        doc = reader.read(path)
        if doc is None:
            continue
        stem = path.stem
        if stem in first_file:
            reader.problems.append(
                Problem(
                    doc.where(),
                    f"duplicate organisation id {stem!r}: {first_file[stem]} has the same name",
                    "ids come from file names; rename or remove one",
                )
            )
            continue
        first_file[stem] = doc.name
        data = doc.data
        if isinstance(data, dict):
            if "id" in data and data["id"] != stem:
                reader.problems.append(
                    Problem(
                        doc.where(("id",)),
                        f"id {short(data['id'])} differs from the file name",
                        f"use id: {stem}, or rename the file",
                        path="id",
                    )
                )
                continue
            data = {"id": stem, **data}
        org = reader.validate(doc, model.Organisation, data=data)
        if org is not None:
            organisations.append(org)
            org_docs.append((org, doc))
            images |= extras.organisation_logo(org, doc, path, _logo_uri, reader.problems)
    organisations.sort(key=lambda o: o.order)

    problems = reader.problems
    if routes is not None and routes_doc is not None:
        problems += _duplicates(routes.routes, "route", routes_doc, lambda i: ("routes", i, "id"))
        problems += check_steps(routes.routes, routes_doc)
        problems += check_facts(routes.routes, routes_doc, frame.edition if frame is not None else None)
    if frame is not None:
        doc = reader.documents[reader.name(frame_path)]
        for key in ("why", "challenges", "skills"):
            section = getattr(frame.sections, key)
            problems += _duplicates(section.items, "point", doc, functools.partial(_point_id_loc, key))
    audiences: list[model.Audience] = []
    audiences_doc = reader.read(content_dir / "audiences.yaml", required=False)
    parsed = reader.validate(audiences_doc, model.Audiences)
    if audiences_doc is not None:
        names: dict[str, dict[str, str]] = {"organisations": {path.stem: path.stem for path in files}}
        names["organisations"] |= {o.name: o.id for o in organisations}
        if routes is not None:
            names["routes"] = {r.title: r.id for r in routes.routes} | {r.id: r.id for r in routes.routes}
        if frame is not None:
            names["points"] = {
                p.title: p.id for key in ("why", "challenges", "skills") for p in getattr(frame.sections, key).items
            } | {p.id: p.id for key in ("why", "challenges", "skills") for p in getattr(frame.sections, key).items}
        reader.problems[:] = [_id_for_name(p, audiences_doc, names) for p in reader.problems]
    if parsed is not None and audiences_doc is not None:
        audiences = parsed.audiences
        stems = {path.stem for path in files}
        all_valid = len(organisations) == len(files)
        ids: dict[str, set[str] | None] = {"organisations": stems or None, "routes": None, "points": None}
        tags: dict[str, set[str] | None] = {
            "organisations": {t for o in organisations for t in o.tags} if all_valid and stems else None,
            "routes": None,
            "points": None,
        }
        if routes is not None:
            ids["routes"] = {r.id for r in routes.routes}
            tags["routes"] = {t for r in routes.routes for t in r.tags}
        elif (
            routes_doc is not None
            and isinstance(routes_doc.data, dict)
            and isinstance(routes_doc.data.get("routes"), list)
        ):
            raw = routes_doc.data["routes"]
            if all(isinstance(r, dict) and re.match(model.ID_PATTERN, str(r.get("id", ""))) for r in raw):
                ids["routes"] = {r["id"] for r in raw}
        if frame is not None:
            points = [p for key in ("why", "challenges", "skills") for p in getattr(frame.sections, key).items]
            ids["points"] = {p.id for p in points}
            tags["points"] = {t for p in points for t in p.tags}
        problems += _check_audiences(audiences, ids, tags, audiences_doc)

    brand = None
    brand_path = brand_file or (content_dir / "brand.yaml")
    if brand_file is not None or brand_path.exists() or brand_path.is_symlink():
        if brand_file is not None and not brand_file.is_file():
            problems.append(Problem(Where(str(brand_file)), "brand file not found", "check the --brand path"))
        else:
            # A --brand file may live anywhere: it gets a reader rooted at its own folder.
            own = brand_file is not None
            brand_reader = _Reader(brand_path.parent, brand_path.parent) if own else reader
            brand = load_brand(brand_path, brand_reader)
            if own:
                problems += brand_reader.problems
                reader.seen |= brand_reader.seen
                problems += check_placeholders(brand_reader.documents.values())
            brand_doc = brand_reader.documents.get(brand_reader.name(brand_path))
            if brand is not None and brand.logo_uri and brand_doc is not None:
                problems += check_logo(brand_doc, _uri_bytes(brand.logo_uri))

    # Stories and the glossary (both optional): their problems join the others.
    more = extras.load_extras(
        reader, content_dir, _logo_uri, frame, organisations, files, routes, audiences, audiences_doc
    )
    images |= more.images

    # Text the starter project marks as placeholder must not print unnoticed.
    problems += check_placeholders(reader.documents.values())

    fresh_problems, stale, sourced = check_freshness(reader.documents, reader.name(content_dir), months, on)
    problems += fresh_problems
    problems += check_lengths(org_docs)

    booklet = None
    if frame is not None and routes is not None and not [p for p in problems if not p.warning]:
        booklet = model.Booklet(
            frame=frame,
            organisations=organisations,
            routes=routes.routes,
            stories=more.stories,
            glossary=more.terms,
            images=images,
        )
    return Content(
        booklet, reader.documents, sorted_problems(problems), audiences, brand, stale, sourced, len(reader.seen)
    )
