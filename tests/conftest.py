"""Shared fixtures: each distinct PDF is rendered once per test session."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.content.load import load_project_content
from booklet.jobs import Result, build
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


STARTER_PLACEHOLDERS = [
    "content/audiences.yaml:21:9  audiences.1.introduction.0",
    "content/booklet.yaml:4:1  title",
    "content/booklet.yaml:5:1  strapline",
    "content/booklet.yaml:6:1  publisher",
    "content/booklet.yaml:8:1  subject",
    "content/booklet.yaml:17:5  introduction.0",
    "content/booklet.yaml:20:5  introduction.1",
    "content/booklet.yaml:26:5  sections.why.lead",
    "content/booklet.yaml:30:9  sections.why.items.0.text",
    "content/booklet.yaml:36:9  sections.why.items.1.text",
    "content/booklet.yaml:48:9  sections.challenges.items.0.text",
    "content/booklet.yaml:55:9  sections.skills.items.0.text",
    "content/brand.yaml:4:1  name",
    "content/brand.yaml:5:1  logo",
    "content/brand.yaml:6:1  logo_alt",
    "content/brand.yaml:7:1  email",
    "content/brand.yaml:8:1  phone",
    "content/brand.yaml:9:1  web",
    "content/organisations/another-employer.yaml:3:1  name",
    "content/organisations/another-employer.yaml:4:1  summary",
    "content/organisations/another-employer.yaml:10:1  website",
    "content/organisations/another-employer.yaml:13:1  source",
    "content/organisations/example-employer.yaml:3:1  name",
    "content/organisations/example-employer.yaml:4:1  summary",
    "content/organisations/example-employer.yaml:11:1  website",
    "content/organisations/example-employer.yaml:14:1  source",
    "content/stories/alex.yaml:5:1  name",
]
"""Where a new project's placeholder warnings point (file:line:col  key): every text meant to be replaced."""


def brand_placeholder_warnings(name: str) -> list[str]:
    """The warnings a build of `branded_content` prints, the brand file shown as `name`: the starter's brand
    is placeholder text (the exact lines are those of the invalid corpus's placeholder-brand case)."""
    expected = ROOT / "tests" / "invalid" / "placeholder-brand" / "expected.txt"
    return [line.replace("content/brand.yaml", name, 1) for line in expected.read_text(encoding="utf-8").splitlines()]


WELSH_BODIES = ["Cyngor Sir", "Prifysgol", "Bwrdd Iechyd", "Data & Dadansoddi", "Gwasanaeth Tân ac Achub"]
WELSH_PLACES = [
    "Ynys Môn",
    "Gwynedd",
    "Conwy",
    "Sir Ddinbych",
    "Sir y Fflint",
    "Wrecsam",
    "Ceredigion",
    "Powys",
    "Sir Benfro",
    "Sir Gâr",
    "Abertawe",
    "Castell-nedd Port Talbot",
    "Pen-y-bont ar Ogwr",
    "Bro Morgannwg",
    "Rhondda Cynon Taf",
    "Merthyr Tudful",
    "Caerffili",
    "Blaenau Gwent",
    "Tor-faen",
    "Sir Fynwy",
    "Casnewydd",
    "Caerdydd",
    "Aberystwyth",
    "Bangor",
    "Llanbedr Pont Steffan",
    "Caerfyrddin",
    "Llandrindod",
    "Wyddgrug",
    "Dinbych-y-pysgod",
    "Hwlffordd",
    "Y Trallwng",
    "Pwllheli",
    "Llŷn",
    "Dyffryn Ŵy",
    "Bethesda",
    "Rhuthun",
]


def large_content(folder: Path, organisations: int = 30) -> Path:
    """A content folder of our own: the default frame and routes with `organisations` generated
    organisations (Welsh names with circumflexes, ampersands and quotes, long names), for checks
    that must hold for far more content than the default."""
    content = folder / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("audiences.yaml", "brand.yaml"))
    for old in (content / "organisations").glob("*.yaml"):
        old.unlink()
    for n in range(organisations):
        place = WELSH_PLACES[n % len(WELSH_PLACES)]
        name = f"{WELSH_BODIES[n % len(WELSH_BODIES)]} {place}" + (' – "Tîm Data"' if n % 4 == 0 else "")
        roles = ["Data Scientists", "Machine Learning Engineers", "Policy & Ethics Advisers", "Analysts"][: 2 + n % 3]
        text = (
            f"name: {json.dumps(name, ensure_ascii=False)}\n"
            f'summary: "Uses data & AI to improve public services in {place}. '
            'Works with the \\"Digital Strategy\\" team and local partners."\n'
            "roles:\n" + "".join(f"  - {json.dumps(r)}\n" for r in roles) + f"website: https://www.gov.wales/org-{n}\n"
            f"order: {n}\nsource: https://www.gov.wales/org-{n}\nreviewed: {dt.date.today().isoformat()}\n"
        )
        (content / "organisations" / f"org-{n:02d}.yaml").write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="session")
def variants(tmp_path_factory, content) -> dict[str, BuiltPdf]:
    """Every print variant of the default booklet (and the larger booklet's), built once, in parallel."""
    from booklet.content.load import load_project_content
    from booklet.jobs import default_workers, plan, run
    from booklet.project import Project

    folder = tmp_path_factory.mktemp("variants")
    project = Project.locate(CONTENT)
    large = Project.locate(large_content(tmp_path_factory.mktemp("large")))
    large_loaded = load_project_content(large.content, large.root)
    assert not large_loaded.errors, [p.line() for p in large_loaded.errors]
    wanted = [(name, project, content, settings) for name, settings in VARIANTS.items()]
    wanted += [(f"large-{name}", large, large_loaded, settings) for name, settings in LARGE_VARIANTS.items()]
    jobs = [
        job
        for name, where, loaded, settings in wanted
        for job in plan(where, loaded, output=folder / f"{name}.pdf", settings=settings)
    ]
    results = run(jobs, workers=min(default_workers(), len(jobs)), force=True)
    built = {}
    for (name, *_), result in zip(wanted, results, strict=True):
        assert result.status == "built", result.error
        # Any WeasyPrint warning (bad CSS, missing resource, blocked address) fails the suite. Page-fill
        # warnings are asserted, edition by edition, in tests/pdf/test_fill.py (with the known misses).
        assert [w for w in result.warnings if "% full" not in w] == [], (name, result.warnings)
        built[name] = BuiltPdf(result.output, result)
    return built


BLANK_TEXT = "Left blank for your notes"

VARIANTS = {
    "a5": Settings(page_size="A5"),
    "saddle": Settings(page_size="A5", forms=False, imposition="saddle"),
    "print-ready": Settings(bleed_mm=3.0),
    "print-ready-a5": Settings(page_size="A5", bleed_mm=3.0),
    "duplex": Settings(duplex=True, blank_page_text=BLANK_TEXT),
    "large-print": Settings(large_print=True),
    "large-print-a5": Settings(page_size="A5", large_print=True),
    "a-2a": Settings(pdf_standard="a-2a"),
    "a-3a": Settings(pdf_standard="a-3a"),
    "welsh": Settings(language="cy"),
    "bilingual": Settings(language="bilingual"),
}
"""Named print variants of the default booklet (the `variants` fixture builds each once)."""

LARGE_VARIANTS = {
    "a4": Settings(),
    "a5": Settings(page_size="A5"),
    "large-print": Settings(large_print=True),
}
"""The same for the larger booklet of our own (`large_content`)."""


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
