"""Shared fixtures: each distinct PDF is rendered once per test session."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.build import Result, build
from booklet.content.load import load_project_content
from booklet.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@dataclass
class BuiltPdf:
    """A PDF built by the tool plus cached views of it for assertions."""

    path: Path
    result: Result

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(self.path)

    @cached_property
    def page_texts(self) -> list[str]:
        return [page.extract_text() or "" for page in self.reader.pages]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.page_texts)

    def flat(self, index: int) -> str:
        """Page text with all white space removed (addresses may wrap across lines)."""
        return re.sub(r"\s+", "", self.page_texts[index])


@pytest.fixture(scope="session")
def content():
    loaded = load_project_content(CONTENT, ROOT)
    assert not loaded.errors, [p.line() for p in loaded.errors]
    return loaded


@pytest.fixture(scope="session")
def booklet_model(content):
    return content.booklet


@pytest.fixture(scope="session")
def default_pdf(tmp_path_factory) -> BuiltPdf:
    out = tmp_path_factory.mktemp("default") / "booklet.pdf"
    result = build(content=CONTENT, output=out, settings=Settings(write_html=True))
    # Any WeasyPrint warning (bad CSS, missing resource, blocked address) fails the suite.
    assert result.warnings == [], result.warnings
    return BuiltPdf(out, result)


def branded_content(folder: Path) -> Path:
    """A copy of the default content in `folder`, co-branded with the starter project's careers service."""
    shutil.copytree(CONTENT, folder / "content")
    for name in ("brand.yaml", "logo.svg"):
        shutil.copy(ROOT / "booklet" / "starter" / "content" / name, folder / "content" / name)
    return folder / "content"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A writable copy of the default project (content and styles)."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(ROOT / "styles", tmp_path / "styles", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "output").mkdir()
    return tmp_path


@dataclass
class ManyProject:
    """A generated project with many organisations (tests/many.py) and what was built from it."""

    root: Path
    default: BuiltPdf
    a5: BuiltPdf
    handout: BuiltPdf
    welsh_first: BuiltPdf


def _built(project: Path, **kwargs) -> BuiltPdf:
    """Build one output of `project` (through the library API) and check WeasyPrint said nothing."""
    result = build(content=project / "content", force=True, **kwargs)
    if isinstance(result, list):
        (result,) = result
    assert result.status == "built", result.error
    assert not [w for w in result.warnings if "WeasyPrint" in w], result.warnings
    return BuiltPdf(result.output, result)


@pytest.fixture(scope="session")
def many26(tmp_path_factory) -> ManyProject:
    """26 generated organisations (long, Welsh and ampersand names), two- to eight-step routes; built once."""
    from tests.many import many_project

    root = many_project(tmp_path_factory.mktemp("many26"), 26)
    return ManyProject(
        root,
        default=_built(root, output=root / "output" / "default.pdf"),
        a5=_built(root, output=root / "output" / "a5.pdf", settings=Settings(page_size="A5")),
        handout=_built(root, audiences=["fair"]),
        welsh_first=_built(root, audiences=["welsh-first"]),
    )


@pytest.fixture(scope="session")
def many100(tmp_path_factory) -> tuple[Path, BuiltPdf]:
    """100 generated organisations and their default booklet, built once (their handout is too full to fit)."""
    from tests.many import many_project

    root = many_project(tmp_path_factory.mktemp("many100"), 100)
    return root, _built(root, output=root / "output" / "default.pdf")
