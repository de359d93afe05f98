"""The content guide is generated from the model and current; the styles guide's recipes work."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from booklet.adapters import guide as docs
from booklet.cli.init import init_project
from booklet.content import base, facts, model
from booklet.jobs import build
from booklet.jobs.plan import printed_html_path
from booklet.render import fonts
from booklet.render.html import default_styles_dir
from booklet.settings import Settings
from tests.conftest import STARTER_PLACEHOLDERS

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "content-guide.md"


def test_content_guide_is_current():
    expected = docs.content_guide()
    assert GUIDE.read_text(encoding="utf-8") == expected, (
        "docs/content-guide.md is out of date: run `python -m booklet.adapters.guide > docs/content-guide.md`"
    )


def test_module_prints_the_guide():
    run = subprocess.run([sys.executable, "-m", "booklet.adapters.guide"], capture_output=True, text=True, check=True)
    assert run.stdout == docs.content_guide()


def test_every_field_of_every_file_is_documented_with_an_example():
    guide = docs.content_guide()
    for kind in docs.FILES:
        assert f"## {kind.title}\n" in guide
        for cls in docs.models_in(kind.model):
            section = guide if cls is kind.model else guide.split(f"### {cls.__name__}\n", 1)[1]
            for name in (info.alias or field for field, info in cls.model_fields.items()):
                row = re.search(rf"^\| `{name}` \|(.*)\|$", section, re.M)
                assert row, f"{cls.__name__}.{name} is missing from the guide"
                cells = [c.strip() for c in row.group(1).split(" | ")]
                assert len(cells) == 4 and all(cells), f"{cls.__name__}.{name}: {cells}"


def test_the_guide_covers_every_content_model():
    documented = {cls for kind in docs.FILES for cls in docs.models_in(kind.model)}
    modules = (model, base, facts)
    content_models = {
        cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, model.Model) and cls.__module__ == module.__name__
    }
    # Model and Sourced are bases; Booklet and ActionPlan are assembled by the tool, not written by anyone.
    assert content_models - documented == {model.Model, model.Sourced, model.Booklet, model.ActionPlan}


def test_the_guide_documents_every_class_list_column():
    from booklet.adapters.classlist import COLUMNS

    guide = docs.content_guide()
    section = guide[guide.index("## Class lists (booklet personalise)") :]
    for column in COLUMNS:
        assert f"| `{column}` |" in section


@pytest.mark.parametrize(
    ("cls", "name", "words"),
    [
        (model.Frame, "edition", "date (YYYY-MM-DD)"),
        (model.Route, "steps", "list of text items, 1 to 8 items"),
        (model.Route, "url", "web address (https://)"),
        (model.Point, "tags", "list of ids"),
        (model.Audience, "layout", "one of: booklet, handout"),
        (model.Audience, "max_steps", "whole number, 1 to 8"),
        (model.Brand, "accent", "colour (#rrggbb)"),
        (model.Brand, "email", "email address"),
        (model.PointSection, "items", "list of [Point](#point) entries, at least 1"),
        (model.Frame, "sections", "[Sections](#sections)"),
    ],
)
def test_types_are_in_plain_words(cls, name, words):
    assert docs.type_words(cls, name, cls.model_fields[name]) == words


def test_a_field_without_a_docstring_is_refused(monkeypatch):
    info = model.Point.model_fields["title"]
    monkeypatch.setattr(info, "description", None)
    with pytest.raises(LookupError, match=r"Point\.title has no docstring"):
        docs.field_table(model.Point, {})


def test_styles_guide_recipes_work(tmp_path):
    """The three recipes of docs/styles.md: a colour, the typeface and a template."""
    guide = (ROOT / "docs" / "styles.md").read_text(encoding="utf-8")
    assert "## Change a colour" in guide and "## Change the typeface" in guide and "## Override a template" in guide
    project = tmp_path / "project"
    init_project(project, print_line=lambda _line: None)
    styles = project / "styles"
    (styles / "fonts").mkdir()
    # Any font file will do; the package's italic keeps the test independent of system fonts.
    shutil.copy(fonts.variable_files()["italic"], styles / "fonts" / "MySans-Regular.ttf")
    css = (default_styles_dir() / "booklet.css").read_text(encoding="utf-8")
    assert "--muted: #444444;" in css and "'Booklet Sans'" in css
    css = css.replace("--muted: #444444;", "--muted: #3a3a3a;").replace("'Booklet Sans'", "'My Sans'")
    css = "@font-face { font-family: 'My Sans'; src: url('styles/fonts/MySans-Regular.ttf'); }\n" + css
    (styles / "booklet.css").write_text(css, encoding="utf-8")
    (styles / "partials").mkdir()
    cover = (default_styles_dir() / "partials" / "cover.html.j2").read_text(encoding="utf-8")
    kicker = '<p class="cover-kicker">Careers guide from {{ frame.publisher }}</p>'
    assert kicker in guide
    cover = re.sub(r'<p class="cover-kicker">.*?</p>', kicker, cover)
    (styles / "partials" / "cover.html.j2").write_text(cover, encoding="utf-8")

    result = build(content=project / "content", settings=Settings(write_html=True))
    # The starter's placeholder texts are listed; nothing else (no CSS or font warning) is.
    assert [line.split("  warning: ")[0] for line in result.warnings] == STARTER_PLACEHOLDERS, result.warnings
    assert "--muted: #3a3a3a;" in printed_html_path(result.output).read_text(encoding="utf-8")
    assert "Careers guide from Your Careers Service" in PdfReader(result.output).pages[0].extract_text()
    with pikepdf.open(result.output) as pdf:
        used = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.get("/Font", {}).values()}
    assert used and all("My-Sans" in name for name in used), used
