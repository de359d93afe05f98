"""The content guide for advisers, generated from the content model so it cannot drift.

Every field's description is its docstring in booklet/content/model.py; its example
comes from the starter project that `booklet init` writes (booklet/starter/),
which the tests build, so every example is known to be valid. Regenerate with:

    python -m booklet.adapters.guide > docs/content-guide.md

`tests/adapters/test_guide.py` fails when the committed guide differs from this output.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from ..content import glossary, model, stories
from . import classlist
from .starter import starter, starter_text

EXAMPLE_DATE = dt.date(2026, 11, 28)
"""The date the starter's date fields show in the guide (init writes the day's date)."""
MAX_EXAMPLE = 60
"""Longer example texts are cut, with an ellipsis, to keep the tables readable."""


@dataclass(frozen=True)
class FileKind:
    """One kind of content file and the model its top level is validated with."""

    title: str
    model: type[BaseModel]
    starter: str
    """The starter file that illustrates it, relative to the starter project."""
    intro: str


FILES = [
    FileKind(
        "booklet.yaml",
        model.Frame,
        "content/booklet.yaml",
        "One file for the booklet's frame: cover, introduction, sections and call to action.",
    ),
    FileKind(
        "organisations/NAME.yaml",
        model.Organisation,
        "content/organisations/example-employer.yaml",
        "One file per organisation profile. The file name (without .yaml) is the organisation's id, "
        "so `organisations/example-employer.yaml` describes `example-employer`. Profiles print in "
        "`order`, smallest first.",
    ),
    FileKind(
        "routes.yaml",
        model.Routes,
        "content/routes.yaml",
        "The entry routes, printed as a checklist: each step is a tick box, each route has a QR code.",
    ),
    FileKind(
        "audiences.yaml",
        model.Audiences,
        "content/audiences.yaml",
        "Optional. Each audience is a tailored booklet with its own selection, cover line and notes: "
        "`booklet build --audience ID`, or every one with `booklet build --all`.",
    ),
    FileKind(
        "brand.yaml",
        model.Brand,
        "content/brand.yaml",
        "Optional. Your careers service's name, logo, contact details and colours for the cover and "
        "back cover. Without it the booklet is printed without co-branding. `booklet build --brand "
        "FILE` uses another brand file, so one content folder can serve several services.",
    ),
    FileKind(
        "stories/NAME.yaml",
        stories.Story,
        "content/stories/alex.yaml",
        "Optional. One file per person's story; the file name is its id. A story prints after the "
        "organisation it names (or, without one, after its route). Each story says who the person is: "
        "`consent: true` for a real person who agreed to their story and photo being printed, or "
        '`illustrative: true` for an invented example, which prints with an "Illustrative example" '
        "label; a story with neither is an error. A photo (JPEG, PNG or SVG, beside the story file, at most "
        "2 MB and 25 million pixels, the same rules as a logo) needs a `credit` line and `alt` text, "
        "unless `decorative: true`. `booklet check` warns about a story over "
        f"{model.STORY_WORDS} words, or over the limit `story_words` sets in `booklet.yaml`. "
        "Audiences choose stories with `stories: include: [tag:NAME]`.",
    ),
    FileKind(
        "glossary.yaml",
        glossary.Glossary,
        "content/glossary.yaml",
        "Optional. Words a reader may not know, printed as a Glossary page before the back cover; in "
        "the HTML and EPUB editions the first use of each term links to its entry. `booklet check` "
        "warns about a term the booklet never uses (a term is found as a whole word, in any case, "
        "plural or not).",
    ),
]

TYPE_NOTES: dict[tuple[type[BaseModel], str], str] = {
    (model.Selector, "include"): "list of ids or tag:NAME",
    (model.Selector, "exclude"): "list of ids or tag:NAME",
    (classlist.PersonRow, "id"): "letters, digits, - and _",
    (classlist.PersonRow, "audience"): "an audience id",
    (classlist.PersonRow, "routes"): "route ids, separated by ;",
    (classlist.PersonRow, "organisations"): "organisation ids, separated by ;",
    (classlist.PersonRow, "next_steps"): "texts, separated by ;",
    (classlist.PersonRow, "follow_up"): "date",
    (classlist.PersonRow, "name"): f"text, at most {classlist.MAX_TEXT} characters",
    (classlist.PersonRow, "adviser"): f"text, at most {classlist.MAX_TEXT} characters",
}
"""Fields whose type a validator narrows further than the annotation shows."""

REQUIRED_NOTES: dict[tuple[type[BaseModel], str], str] = {
    (model.Organisation, "id"): "optional: the file name",
    (stories.Story, "id"): "optional: the file name",
    (stories.Photo, "credit"): "required",
    (stories.Photo, "alt"): "required unless decorative",
}
"""Fields whose "required" column needs words of their own."""

PRELUDE = """\
# Content guide

<!-- Generated by `python -m booklet.adapters.guide` from the docstrings in booklet/content/model.py.
     Do not edit by hand: change the docstrings, then run
     `python -m booklet.adapters.guide > docs/content-guide.md`. -->

A booklet is made from a few plain-text YAML files in a `content/` folder. You edit them in
any text editor, run `booklet check` to find mistakes, and `booklet build` to make the PDF.
This guide lists every field of every file, with an example taken from the starter project
that `booklet init` creates.

## The files of a booklet

| file | what it holds | needed |
|---|---|---|
| `content/booklet.yaml` | title, introduction, sections and call to action | yes |
| `content/organisations/NAME.yaml` | one organisation profile per file | at least one |
| `content/routes.yaml` | entry routes, printed as a checklist | yes |
| `content/audiences.yaml` | tailored versions for different readers | no |
| `content/brand.yaml` | your careers service's name, logo and colours | no |
| `content/stories/NAME.yaml` | one person's story per file, with an optional photo | no |
| `content/glossary.yaml` | terms and their definitions, printed as a page | no |
| `styles/` | your own templates and CSS (see docs/styles.md) | no |

## Writing YAML

- Each line is `key: value`. Indent nested keys with two spaces (never tabs).
- A list has one item per line, each starting with `- `; a short list can be written
  `[one, two]`.
- Long text can continue on the next lines after `>-`, indented: the lines are joined
  into one paragraph.
- Put text in quotes when it starts with a special character or contains `: ` or ` #`,
  for example `"#0b5e55"` or `"Step 1: register"`.
- A line starting with `#` is a comment. Keep the first line of each file,
  `# yaml-language-server: $schema=...`: with it, editors such as VS Code (with the YAML
  extension) suggest keys and flag mistakes as you type, using the schemas that
  `booklet schema` writes into `content/schemas/`.
- Text is printed exactly as written: it is never read as HTML or Markdown.
- **Ids** are lower case letters, digits and hyphens, such as `fast-stream`. **Tags**
  are ids too; audiences use them to choose what they show (`tag:students`).
- **Dates** are written `YYYY-MM-DD`, such as `2026-11-28`.
- **Web addresses** start with `https://` and are printed as written; each one a reader
  may scan is also printed as a QR code.
- Every organisation and route names the official page its facts come from (`source`)
  and the date someone last checked them (`reviewed`). `booklet check` warns when a
  review is more than 12 months old; `booklet check --stale` lists every one.

## Checking your work

```sh
booklet check            # every problem in every file, one per line, with file:line:column
booklet check --strict   # treat warnings (such as old reviews) as errors
booklet build            # the PDF in output/; the old PDF stays if anything is wrong
booklet preview          # PNG pages and a contact sheet in output/preview/
```

## Welsh (Cymraeg) beside the English

Any text can carry its Welsh version in a key of the same name ending in `_cy`, written
just below the English one, so you see both together:

```yaml
name: Government Digital Service (GDS)
name_cy: Gwasanaeth Digidol y Llywodraeth (GDS)
roles: [Data Scientists, Policy Advisors]
roles_cy: [Gwyddonwyr Data, Cynghorwyr Polisi]
```

Lists in `_cy` (roles, steps) have one Welsh item for each English item, in the same order.
`booklet build --language cy` makes the Welsh edition and `booklet build --bilingual` one with
both languages (Welsh first; `bilingual_order: [en, cy]` in `booklet.yaml` puts English first).
Text without a Welsh version is printed in English and marked as English for screen readers;
`booklet check --language cy` lists every such text by file and line.

"""


def slug(title: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^a-z0-9 _-]", "", title.strip().lower()).replace(" ", "-")


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _annotated_parts(annotation: Any) -> tuple[Any, list[Any]]:
    """(base type, metadata) of a possibly Annotated type, with FieldInfo metadata flattened."""
    metadata: list[Any] = []
    if hasattr(annotation, "__metadata__"):
        base = annotation.__origin__
        for item in annotation.__metadata__:
            if isinstance(item, FieldInfo):
                metadata += item.metadata
            else:
                metadata.append(item)
        return base, metadata
    return annotation, metadata


def _model_of(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap_optional(annotation)
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    annotation, _ = _annotated_parts(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _scalar_words(base: Any, metadata: list[Any]) -> str:
    """Plain words for a single value's type."""
    patterns = [getattr(m, "pattern", None) for m in metadata]
    validators = [m.func for m in metadata if isinstance(m, AfterValidator)]
    if model.ID_PATTERN in patterns:
        return "id"
    if model.HEX_COLOUR in patterns:
        return "colour (#rrggbb)"
    if any(p and p.endswith(r"\.pdf$") for p in patterns):
        return "file name ending in .pdf"
    if any(p and "[a-z]{2,3}" in p for p in patterns):
        return "language tag"
    for pattern in patterns:
        choices = re.fullmatch(r"\^\(([\w|]+)\)\$", pattern or "")
        if choices:
            return "one of: " + ", ".join(choices.group(1).split("|"))
    words = {
        model._https_only: "web address (https://)",
        model._email: "email address",
        model._phone: "phone number",
    }
    for func in validators:
        if func in words:
            return words[func]
    if base is dt.date:
        return "date (YYYY-MM-DD)"
    if base is int:
        low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
        high = next((m.le for m in metadata if isinstance(m, Le)), None)
        if low is not None and high is not None:
            return f"whole number, {low} to {high}"
        if low is not None:
            return f"whole number, {low} or more"
        return "whole number"
    if base is bool:
        return "yes or no (true/false)"
    if base is float:
        return "number"
    if get_origin(base) is Literal:
        return "one of: " + ", ".join(str(choice) for choice in get_args(base))
    if isinstance(base, type) and issubclass(base, BaseModel):
        return f"[{base.__name__}](#{slug(base.__name__)})"
    return "text"


def _plural(words: str) -> str:
    if words.startswith("["):
        return f"{words} entries"
    head, _, rest = words.partition(" ")
    plural = {"id": "ids", "text": "text items", "date": "dates", "whole": "whole"}.get(head, head + "s")
    return " ".join(filter(None, [plural, rest]))


def type_words(owner: type[BaseModel], name: str, info: FieldInfo) -> str:
    """A field's type in plain words, with its limits (e.g. "list of texts, 3 to 6 items")."""
    annotation = _unwrap_optional(info.annotation)
    if (owner, name) in TYPE_NOTES:
        return TYPE_NOTES[(owner, name)]
    low = next((m.min_length for m in info.metadata if isinstance(m, MinLen)), None)
    high = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
    if get_origin(annotation) is list:
        base, metadata = _annotated_parts(get_args(annotation)[0])
        words = f"list of {_plural(_scalar_words(base, metadata))}"
        if low and high:
            words += f", {low} to {high} items"
        elif low:
            words += f", at least {low}"
        return words
    base, metadata = _annotated_parts(annotation)
    return _scalar_words(base, [*metadata, *info.metadata])


def required_words(owner: type[BaseModel], name: str, info: FieldInfo) -> str:
    """Say "required", or "optional" with the default when that tells the reader something."""
    if (owner, name) in REQUIRED_NOTES:
        return REQUIRED_NOTES[(owner, name)]
    if info.is_required():
        return "required"
    default = info.default
    if default in (None, "", []) or isinstance(default, BaseModel):
        return "optional"
    return f"optional (default `{default}`)"


def _dump(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False, allow_unicode=True)
    return text.strip().removesuffix("...").strip()  # a lone scalar ends with a document marker


def _inline(value: Any) -> str:
    """A value as it would be written in YAML, on one line."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        dumped = _dump(" ".join(value.split()))
        if len(dumped) > MAX_EXAMPLE:
            dumped = dumped[: MAX_EXAMPLE - 1].rstrip() + "…"
        return dumped
    dumped = _dump(value)
    if isinstance(value, list) and value and len(dumped) > MAX_EXAMPLE:
        return "- " + _inline(value[0])  # the first item, as the file writes it
    if len(dumped) > MAX_EXAMPLE:
        dumped = dumped[: MAX_EXAMPLE - 1].rstrip() + "…"
    return dumped


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def starter_data(relative: str) -> Any:
    """A starter file's data, with the guide's fixed date in its date fields."""
    text = (starter() / relative).read_text(encoding="utf-8")
    return yaml.safe_load(starter_text(text, EXAMPLE_DATE))


def starter_source(relative: str) -> str:
    return starter_text((starter() / relative).read_text(encoding="utf-8"), EXAMPLE_DATE)


def collect_samples(cls: type[BaseModel], data: Any, samples: dict[type[BaseModel], list[dict[str, Any]]]) -> None:
    """Every mapping in `data` that `cls` (or a model nested in it) validates, by model."""
    if not isinstance(data, dict):
        return
    samples.setdefault(cls, []).append(data)
    for name, info in cls.model_fields.items():
        nested = _model_of(info.annotation)
        if nested is None or name not in data:
            continue
        values = data[name] if isinstance(data[name], list) else [data[name]]
        for value in values:
            collect_samples(nested, value, samples)


def example(
    cls: type[BaseModel], name: str, info: FieldInfo, samples: dict[type[BaseModel], list[dict[str, Any]]]
) -> str:
    """An example value for a field, from the starter project or the field's own examples."""
    if _model_of(info.annotation) is not None:
        return "see below"
    if (cls, name) == (model.Organisation, "id"):
        return "`example-employer` (from the file name)"
    if (cls, name) == (stories.Story, "id"):
        return "`alex` (from the file name)"
    for data in samples.get(cls, []):
        if (info.alias or name) in data:
            return f"`{_cell(_inline(data[info.alias or name]))}`"
    if info.examples:
        return f"`{_cell(_inline(info.examples[0]))}`"
    if issubclass(cls, model.Sourced) and name in model.Sourced.model_fields and cls is not model.Route:
        return example(model.Route, name, info, samples)  # a fact group's source and review, as a route's
    raise LookupError(
        f"{cls.__name__}.{name} has no example: use it in booklet/starter/ or give the field examples=[...]"
    )


def models_in(cls: type[BaseModel], seen: list[type[BaseModel]] | None = None) -> list[type[BaseModel]]:
    """`cls` and the models nested in it, each once, in the order a reader meets them."""
    seen = [] if seen is None else seen
    seen.append(cls)
    for info in fields_of(cls).values():
        nested = _model_of(info.annotation)
        if nested is not None and nested not in seen:
            models_in(nested, seen)
    return seen


def fields_of(cls: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields, its own first and inherited ones (such as source, reviewed) last."""
    own = getattr(cls, "__annotations__", {})
    fields = cls.model_fields
    return {**{n: i for n, i in fields.items() if n in own}, **{n: i for n, i in fields.items() if n not in own}}


def _doc(cls: type[BaseModel]) -> str:
    return " ".join((cls.__doc__ or "").split())


def field_table(cls: type[BaseModel], samples: dict[type[BaseModel], list[dict[str, Any]]]) -> list[str]:
    """A Markdown table of a model's fields: name, type, required, description, example."""
    lines = ["| field | type | required | what it is | example |", "|---|---|---|---|---|"]
    for name, info in fields_of(cls).items():
        description = " ".join((info.description or "").split())
        if not description:
            raise LookupError(f"{cls.__name__}.{name} has no docstring: add one under the field in model.py")
        lines.append(
            f"| `{info.alias or name}` | {_cell(type_words(cls, name, info))} | {required_words(cls, name, info)} "
            f"| {_cell(description)} | {example(cls, name, info, samples)} |"
        )
    return lines


def file_section(kind: FileKind) -> list[str]:
    """The guide's section for one kind of content file."""
    samples: dict[type[BaseModel], list[dict[str, Any]]] = {}
    collect_samples(kind.model, starter_data(kind.starter), samples)
    lines = [f"## {kind.title}", "", kind.intro, ""]
    for index, cls in enumerate(models_in(kind.model)):
        if index:
            lines += [f"### {cls.__name__}", ""]
        lines += [_doc(cls), "", *field_table(cls, samples), ""]
    lines += [
        f"### Example: {kind.starter.removeprefix('content/')}",
        "",
        "```yaml",
        starter_source(kind.starter).rstrip("\n"),
        "```",
        "",
    ]
    return lines


CLASS_LIST_INTRO = """\
Not content but a spreadsheet an adviser keeps: one row per student, for `booklet personalise
people.csv` (also `.xlsx` and `.ods`; the first sheet is read). The first row names the columns,
in any order; only `id` is required, and a column not listed here is warned about and ignored.
Each student gets their audience's booklet with their name on the cover and a "Your action
plan" page after the contents, written to `output/people/ID.pdf`. A row with a mistake is
reported as `people.csv:ROW:COLUMN  column  message` and every other row is still built.
Names are personal data: they appear only inside each student's own PDF (see the README)."""


def class_list_section() -> list[str]:
    """The guide's section for class lists (booklet personalise)."""
    header = ",".join(classlist.COLUMNS)
    row = ",".join(f'"{v}"' if "," in str(v) else str(v) for v in classlist.EXAMPLE.values())
    return [
        "## Class lists (booklet personalise)",
        "",
        CLASS_LIST_INTRO,
        "",
        *field_table(classlist.PersonRow, {classlist.PersonRow: [classlist.EXAMPLE]}),
        "",
        "### Example: people.csv",
        "",
        "```csv",
        header,
        row,
        "```",
        "",
    ]


def content_guide() -> str:
    """The whole content guide as Markdown."""
    lines = [PRELUDE.rstrip("\n"), ""]
    for kind in FILES:
        lines += file_section(kind)
    lines += class_list_section()
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m booklet.adapters.guide [FILE]`: print the content guide, or write it to FILE."""
    args = sys.argv[1:] if argv is None else argv
    text = content_guide()
    if args:
        from pathlib import Path

        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
