"""Import: a workbook's rows written back into the YAML content, only if the result is valid.

YAML is edited in place (ruamel.yaml keeps comments, key order and list styles) and a file whose
data did not change is never rewritten, so YAML → sheet → YAML leaves every file byte for byte as
it was. The whole result is read and checked by `load_project_content` in a scratch copy before
anything is written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...content.glossary import slug as term_slug
from ...errors import BookletError, Exit, Problem
from ..cells import bounded
from . import facts
from .layout import (
    _ORG_SCHEMA,
    COLUMNS,
    GLOSSARY,
    ORGANISATIONS,
    PHOTO,
    POINTS,
    ROUTES,
    SCHEMA_LINES,
    SECTIONS,
    STORIES,
    WELSH_LISTS,
    _Project,
    _read_project,
)
from .workbook import _read_book, _Row, _sheet_rows
from .yamledit import _assign, _dump, _plain, _update, _yaml

FACT_COLUMNS = tuple(facts.COLUMNS)


@dataclass
class Change:
    """One content file an import creates, changes or deletes."""

    path: Path
    name: str
    action: str
    """created, changed or deleted."""
    old: str = ""
    new: str = ""

    def diff(self) -> str:
        """A unified diff of the file, for --dry-run."""
        import difflib

        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            f"a/{self.name}",
            f"b/{self.name}",
        )
        return "".join(lines)


@dataclass
class _Located:
    """Where a YAML location came from in the sheet, to point problems back at cells."""

    rows: dict[tuple[str, tuple[str, ...]], _Row] = field(default_factory=dict)
    """(file name, key path prefix) → the row it came from."""


def _plan(
    project: _Project, rows: dict[str, list[_Row]], prune: bool, located: _Located, notes: list[str]
) -> list[Change]:
    yaml = _yaml()
    changes: list[Change] = []
    content = project.content

    def read_rt(path: Path) -> tuple[str, Any]:
        text = path.read_text(encoding="utf-8")
        return text, yaml.load(text)

    if ORGANISATIONS in rows:
        org_dir = content / "organisations"
        wanted = set()
        for row in rows[ORGANISATIONS]:
            stem = row.values["id"]
            wanted.add(stem)
            path = org_dir / f"{stem}.yaml"
            name = project.name(path)
            located.rows[(name, ())] = row
            if path.exists():
                old_text, data = read_rt(path)
                keep_id = "id" in data
                _update(data, row, COLUMNS[ORGANISATIONS], skip=() if keep_id else ("id",))
                if _plain(data) != _plain(yaml.load(old_text)):
                    changes.append(Change(path, name, "changed", old_text, _dump(data, old_text)))
            else:
                from ruamel.yaml.comments import CommentedMap

                data = CommentedMap()
                _update(data, row, COLUMNS[ORGANISATIONS], skip=("id",))
                header = _ORG_SCHEMA if (content / "schemas").is_dir() else ""
                changes.append(Change(path, name, "created", "", header + _dump(data)))
        for stem in sorted(set(project.organisations) - wanted):
            path = org_dir / f"{stem}.yaml"
            if prune:
                changes.append(Change(path, project.name(path), "deleted", path.read_text(encoding="utf-8"), ""))
            else:
                notes.append(f"{project.name(path)} has no row in the sheet: kept (--prune deletes it)")

    if ROUTES in rows:
        path = content / "routes.yaml"
        name = project.name(path)
        old_text, data = read_rt(path)
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        before = _plain(data)
        existing = {str(r.get("id")): r for r in data.get("routes") or [] if isinstance(r, dict)}
        new_list = CommentedSeq()
        for i, row in enumerate(rows[ROUTES]):
            item = existing.get(row.values["id"], CommentedMap())
            _update(item, row, COLUMNS[ROUTES], skip=FACT_COLUMNS)
            facts.update(item, row.values, row.columns, _assign)
            new_list.append(item)
            located.rows[(name, ("routes", str(i)))] = row
        data["routes"] = new_list
        if _plain(data) != before:
            changes.append(Change(path, name, "changed", old_text, _dump(data, old_text)))

    if POINTS in rows:
        path = content / "booklet.yaml"
        name = project.name(path)
        old_text, data = read_rt(path)
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        before = _plain(data)
        sections = data.setdefault("sections", CommentedMap())
        for key in SECTIONS:
            section = sections.setdefault(key, CommentedMap())
            existing = {str(p.get("id")): p for p in section.get("items") or [] if isinstance(p, dict)}
            new_items = CommentedSeq()
            for row in (r for r in rows[POINTS] if r.values["section"] == key):
                item = existing.get(row.values["id"], CommentedMap())
                _update(item, row, COLUMNS[POINTS], skip=("section",))
                located.rows[(name, ("sections", key, "items", str(len(new_items))))] = row
                new_items.append(item)
            section["items"] = new_items
        if _plain(data) != before:
            changes.append(Change(path, name, "changed", old_text, _dump(data, old_text)))
    if GLOSSARY in rows:
        changes += _plan_glossary(project, rows[GLOSSARY], prune, located, notes)
    if STORIES in rows:
        changes += _plan_stories(project, rows[STORIES], prune, located, notes)
    return changes


def _created(project: _Project, sheet: str, path: Path, data: Any) -> Change:
    header = SCHEMA_LINES[sheet] if (project.content / "schemas").is_dir() else ""
    return Change(path, project.name(path), "created", "", header + _dump(data))


def _plan_glossary(
    project: _Project, rows: list[_Row], prune: bool, located: _Located, notes: list[str]
) -> list[Change]:
    """glossary.yaml with one term for each row, in the sheet's order; an entry keeps its comments and
    styles when its term is found again (or, retyped, in the same place)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    path = project.content / "glossary.yaml"
    name = project.name(path)
    old_text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if not rows:
        if old_text and prune:
            return [Change(path, name, "deleted", old_text, "")]
        if old_text:
            notes.append(f"{name}: the Glossary sheet has no rows: kept (--prune deletes it)")
        return []
    data = _yaml().load(old_text) if old_text else CommentedMap()
    before = _plain(data)
    old_terms = [t for t in data.get("terms") or [] if isinstance(t, dict)]
    by_term = {term_slug(str(t.get("term"))): t for t in old_terms}
    typed = {term_slug(str(r.values["term"])) for r in rows}
    terms = CommentedSeq()
    for i, row in enumerate(rows):
        item = by_term.get(term_slug(str(row.values["term"])))
        if item is None and i < len(old_terms) and term_slug(str(old_terms[i].get("term"))) not in typed:
            item = old_terms[i]
        if item is None or any(item is t for t in terms):
            item = CommentedMap()
        _update(item, row, COLUMNS[GLOSSARY])
        located.rows[(name, ("terms", str(i)))] = row
        terms.append(item)
    data["terms"] = terms
    if not old_text:
        return [_created(project, GLOSSARY, path, data)]
    return [Change(path, name, "changed", old_text, _dump(data, old_text))] if _plain(data) != before else []


def _plan_stories(
    project: _Project, rows: list[_Row], prune: bool, located: _Located, notes: list[str]
) -> list[Change]:
    """One stories/ID.yaml for each row, as organisations are written; the photo columns go under `photo:`."""
    from ruamel.yaml.comments import CommentedMap

    changes = []
    for row in rows:
        path = project.content / "stories" / f"{row.values['id']}.yaml"
        name = project.name(path)
        located.rows[(name, ())] = row
        old_text = path.read_text(encoding="utf-8") if path.exists() else ""
        data = _yaml().load(old_text) if old_text else CommentedMap()
        skip = (*PHOTO, *(() if "id" in data else ("id",)))
        _update(data, row, COLUMNS[STORIES], skip=skip)
        present = [(c, k) for c, k in PHOTO.items() if c in row.columns]
        siblings = [c for c in COLUMNS[STORIES] if c == "photo" or c not in PHOTO]
        facts.update_block(data, "photo", present, row.values, list(PHOTO.values()), siblings, _assign)
        if not old_text:
            changes.append(_created(project, STORIES, path, data))
        elif _plain(data) != _plain(_yaml().load(old_text)):
            changes.append(Change(path, name, "changed", old_text, _dump(data, old_text)))
    for stem in sorted(set(project.stories) - {str(r.values["id"]) for r in rows}):
        path = project.content / "stories" / f"{stem}.yaml"
        if prune:
            changes.append(Change(path, project.name(path), "deleted", path.read_text(encoding="utf-8"), ""))
        else:
            notes.append(f"{project.name(path)} has no row in the sheet: kept (--prune deletes it)")
    return changes


_ITEM = {"roles": "role", "steps": "step"}


def _unpaired(
    project: _Project, rows: dict[str, list[_Row]], labels: dict[str, str], quiet: set[tuple[str, str]]
) -> list[Problem]:
    """A Welsh list that no longer has one item for each English item, at the cell to fix.

    The Welsh list is the row's Welsh cell, or (when the sheet has no such column) the one already in
    the YAML; an empty Welsh cell is "no Welsh yet" and pairs with anything. The content check's own
    message for the same mistake (at the row, not the cell) goes in `quiet` as (row, message start)."""
    routes = project.routes.get("routes") if isinstance(project.routes, dict) else None
    existing = {
        ORGANISATIONS: project.organisations,
        ROUTES: {str(r.get("id")): r for r in routes or [] if isinstance(r, dict)},
    }
    problems = []
    for sheet, items in existing.items():
        for row in rows.get(sheet, []):
            old = items.get(str(row.values.get("id")))
            for welsh, english in WELSH_LISTS.items():
                if welsh not in COLUMNS[sheet] or english not in row.values:
                    continue
                if welsh in row.columns:
                    translated = row.values.get(welsh)
                else:
                    translated = old.get(welsh) if isinstance(old, dict) else None
                if not isinstance(translated, list) or len(translated) == len(row.values[english]):
                    continue
                item, count = _ITEM.get(english, "item"), len(row.values[english])
                if welsh in row.columns:
                    where = row.where(labels[sheet], welsh)
                    hint = (
                        f"give one Welsh {item} for each of the {count} in {english}, in the same order and separated "
                        "with ;, or empty the cell to leave the Welsh for later"
                    )
                else:
                    where = row.where(labels[sheet], english)
                    hint = f"add a {welsh} column with one Welsh {item} for each {item}; booklet export writes one"
                what = f"{welsh} has {len(translated)} items and {english} {count}"
                quiet.add((str(row.where(labels[sheet], None)), what))
                problems.append(
                    Problem(
                        where,
                        what,
                        hint,
                        path=welsh if welsh in row.columns else english,
                    )
                )
    return problems


_PHOTO_SAYS = {"photo has no alt text": "alt", "photo has no credit line": "credit"}


def _back_to_cell(problem: Problem, located: _Located, labels: dict[str, str]) -> Problem:
    """A problem found in the scratch copy, pointed at the sheet cell it came from (when it did)."""
    parts = tuple(problem.path.split(".")) if problem.path else ()
    for cut in range(len(parts), -1, -1):
        row = located.rows.get((problem.where.file, parts[:cut]))
        if row is not None:
            column = parts[cut] if cut < len(parts) else None
            if column == "facts" and row.sheet == ROUTES:
                column = facts.column_for(parts[cut + 1 :], problem.what, row.columns)
            elif column == "photo" and row.sheet == STORIES:
                # The story check puts a photo without alt text or credit at `photo`: the cell to fill is named.
                key = parts[cut + 1] if cut + 1 < len(parts) else _PHOTO_SAYS.get(problem.what, "file")
                column = next((c for c, k in PHOTO.items() if k == key), column)
            if column is not None and column not in row.columns:
                column = None
            return Problem(
                row.where(labels[row.sheet], column),
                problem.what,
                problem.hint,
                column or problem.path,
                problem.warning,
            )
    return problem


@dataclass
class ImportResult:
    """What an import changed (or, with dry_run, would change)."""

    changes: list[Change]
    notes: list[str]
    warnings: list[Problem] = field(default_factory=list)
    """Warnings the imported content would bring (those already there are not repeated)."""


def import_sheets(
    source: Path,
    content: Path,
    root: Path | None = None,
    *,
    label: str | None = None,
    dry_run: bool = False,
    prune: bool = False,
    drop_references: bool = False,
) -> ImportResult:
    """Read a spreadsheet and write the YAML files it changes, all or nothing.

    Raises `BookletError` with every problem (sheet cells, or files for problems the
    sheet cannot be blamed for) and writes nothing when the result would not be valid.
    """
    from ...content.load import load_project_content

    root = root or content.parent
    label = label or source.name
    if not source.exists():
        raise BookletError.single("not found", file=label, hint="give the path of a .xlsx, .ods or .csv file")
    project = _read_project(content, root)
    book = _read_book(source, label)
    labels = {sheet: book.labels.get(sheet, book.label) for sheet in COLUMNS}
    problems: list[Problem] = []
    silenced: set[str] = set()
    notes: list[str] = []
    rejected: dict[str, list[_Row]] = {}
    rows = _sheet_rows(book, problems, silenced, notes, rejected)
    quiet: set[tuple[str, str]] = set()
    problems += _unpaired(project, rows, labels, quiet)
    located = _Located()
    changes = _plan(project, rows, prune, located, notes)
    deleted = sorted(c.path.stem for c in changes if c.action == "deleted" and c.path.parent.name == "organisations")
    if deleted and drop_references:
        changes += _drop_references(project, deleted, notes)
    checked = changes
    if any(rejected.values()):
        # Rows that cannot be placed still go into the scratch copy under a stand-in id, so every other
        # mistake in them is reported in this same pass (not one attempt later).
        located = _Located()
        checked = _plan(project, _with_stand_ins(rows, rejected), prune, located, [])
        checked += [c for c in changes if c.name.endswith("audiences.yaml")]

    # Check the whole result as the build would read it, in a scratch copy of the content.
    loaded_before = load_project_content(content, root)
    before = {p.line() for p in loaded_before.errors + loaded_before.warnings}
    with tempfile.TemporaryDirectory(prefix="booklet-import-") as scratch:
        scratch_root = Path(scratch)
        scratch_content = scratch_root / content.relative_to(root)
        shutil.copytree(content, scratch_content, symlinks=True)
        for change in checked:
            target = scratch_content / change.path.relative_to(content)
            if change.action == "deleted":
                target.unlink()
            else:
                target.write_text(change.new, encoding="utf-8")
        loaded_after = load_project_content(scratch_content, scratch_root)
    cells = {str(p.where) for p in problems} | silenced
    warnings: list[Problem] = []
    for problem in loaded_after.errors + loaded_after.warnings:
        if problem.line() in before:
            continue
        moved = _back_to_cell(problem, located, labels)
        if str(moved.where) in cells or any(moved.what.startswith(w) for at, w in quiet if at == str(moved.where)):
            continue  # already reported by the sheet checks (e.g. a date typed as text)
        cells.add(str(moved.where))
        (warnings if moved.warning else problems).append(moved)
    if deleted:
        problems = [_pruned(p, deleted, _audience_ids(content)) for p in problems]
    if problems:
        raise BookletError(bounded(problems + warnings))
    if not dry_run:
        write_all(changes)
    return ImportResult(changes, notes, bounded(warnings))


_NAMES_ORGANISATION = re.compile(r"^audiences\.(\d+)\.(featured|organisations\.(?:include|exclude))\.\d+$")


def _audience_ids(content: Path) -> list[str]:
    try:
        data = _yaml().load((content / "audiences.yaml").read_text(encoding="utf-8"))
        return [str(a.get("id", "")) if isinstance(a, dict) else "" for a in data.get("audiences") or []]
    except Exception:  # an unreadable audiences.yaml is reported by the content check itself
        return []


def _pruned(problem: Problem, deleted: list[str], audiences: list[str]) -> Problem:
    """An audience that still names an organisation --prune deletes, said as such."""
    match = _NAMES_ORGANISATION.match(problem.path)
    gone = next((o for o in deleted if f"'{o}'" in problem.what), None)
    if not match or gone is None or not problem.where.file.endswith("audiences.yaml"):
        return problem
    kind = "features" if match.group(2) == "featured" else "names"
    index = int(match.group(1))
    audience = f"audience {audiences[index]}" if index < len(audiences) and audiences[index] else "an audience"
    return Problem(
        problem.where,
        f"{audience} {kind} {gone}, which --prune deletes",
        "add --drop-references to take it out of the audience too, or keep its row in the sheet",
        problem.path,
    )


def _drop_references(project: _Project, deleted: list[str], notes: list[str]) -> list[Change]:
    """audiences.yaml without the organisations --prune deletes (featured, include and exclude lists)."""
    path = project.content / "audiences.yaml"
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    data = _yaml().load(text)
    gone = set(deleted)
    for audience in (data or {}).get("audiences") or []:
        if not isinstance(audience, dict):
            continue
        lists = [("featured", audience, "featured")]
        selector = audience.get("organisations")
        if isinstance(selector, dict):
            lists += [("organisations." + key, selector, key) for key in ("include", "exclude")]
        for label, holder, key in lists:
            values = holder.get(key)
            if not isinstance(values, list) or not gone & {str(v) for v in values}:
                continue
            removed = sorted(gone & {str(v) for v in values})
            if key == "include" and len(removed) == len(values):
                continue  # an empty include means every organisation: leave it to be reported
            for index in reversed(range(len(values))):
                if str(values[index]) in gone:
                    del values[index]
            notes.append(f"audience {audience.get('id')}: {', '.join(removed)} taken out of {label}")
    new = _dump(data, text)
    if new == text:
        return []
    return [Change(path, project.name(path), "changed", text, new)]


def _with_stand_ins(rows: dict[str, list[_Row]], rejected: dict[str, list[_Row]]) -> dict[str, list[_Row]]:
    result = {sheet: list(found) for sheet, found in rows.items()}
    for sheet, unplaced in rejected.items():
        if sheet not in result:
            continue
        for row in unplaced:
            if sheet == GLOSSARY:
                continue  # a term without a term cell cannot stand in: it is reported as it is
            if sheet == POINTS and row.values.get("section") not in SECTIONS:
                continue
            values = {**row.values, "id": f"unplaced-row-{row.number}"}
            result[sheet].append(_Row(row.sheet, row.number, values, row.columns))
    return result


def write_all(changes: list[Change]) -> None:
    """Write every change or none: each new file goes to a temporary name beside its target first,
    and only when all are written are they renamed into place (then deletions are made)."""
    import os

    staged: list[tuple[str, Change]] = []
    try:
        for change in changes:
            if change.action == "deleted":
                continue
            change.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{change.path.name}.", suffix=".tmp", dir=change.path.parent)
            staged.append((tmp, change))
            with os.fdopen(fd, "wb") as handle:
                handle.write(change.new.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
    except OSError as exc:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        failed = staged[-1][1].name if staged else "the content folder"
        raise BookletError.single(
            f"cannot be written ({exc.strerror}); no file was changed",
            file=failed,
            hint="check the folder's permissions and free space, then import again",
            code=Exit.RENDER,
        ) from None
    for tmp, change in staged:
        os.replace(tmp, change.path)  # renames on one file system: nothing left half-written
    for change in changes:
        if change.action == "deleted":
            change.path.unlink(missing_ok=True)
