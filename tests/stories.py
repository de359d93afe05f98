"""A generated project with stories, organisation logos and a glossary, for tests of those parts.

A copy of the default project with: a PNG logo for GDS and an SVG one for UKHSA (both drawn
here); a real-person story (consent) with a JPEG photo after GDS; an invented one (illustrative)
with a decorative SVG picture after the Fast Stream route; a story with Welsh versions and no
photo after UKHSA, tagged for one audience; and a glossary of three terms the booklet uses.
The people are invented for the tests; the files say so where a reader of the tests looks.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def portrait(width: int = 240, height: int = 300, kind: str = "JPEG") -> bytes:
    """A simple drawn head-and-shoulders figure as JPEG (or PNG) bytes (made here, no real person)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "#dce8f2")
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 190, 200, 360), fill="#12436d")  # shoulders
    draw.rectangle((104, 160, 136, 205), fill="#a8714f")  # neck
    draw.ellipse((74, 70, 166, 180), fill="#a8714f")  # head
    draw.pieslice((70, 60, 170, 150), 180, 360, fill="#2b1d14")  # hair
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def logo_png() -> bytes:
    """A small two-colour logo as PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 96), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 96, 96), fill="#0b0c0c")
    draw.rectangle((24, 24, 72, 72), fill="#ffffff")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60" width="200" height="60">
  <rect width="60" height="60" fill="#6b2c91"/><circle cx="30" cy="30" r="16" fill="#ffffff"/>
  <rect x="72" y="20" width="120" height="20" fill="#6b2c91"/>
</svg>
"""

DECORATIVE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 150" width="120" height="150">
  <rect width="120" height="150" fill="#eef3f8"/><circle cx="60" cy="55" r="26" fill="#12436d"/>
  <path d="M14 150 C18 104 102 104 106 150 Z" fill="#12436d"/>
</svg>
"""

STORIES = {
    "priya": {
        "name": "Priya",
        "role": "Data scientist",
        "organisation": "gds",
        "quote": "I see the difference my work makes to people every week.",
        "story": "I joined after a maths degree and a year in retail analytics.\n\n"
        "Most of my week is spent with designers and policy colleagues, turning questions into "
        "analysis they can act on.",
        "photo": {
            "file": "priya.jpg",
            "alt": "Priya at her desk, smiling",
            "credit": "Photo: test illustration drawn for booklet's own tests",
        },
        "consent": True,
        "tags": ["graduates"],
    },
    "jordan": {
        "name": "Jordan",
        "role": "Fast Stream analyst",
        "route": "fast-stream",
        "quote": "The assessment centre was hard work, and worth it.",
        "story": "Jordan applied in the final year of university and now moves between departments every year.",
        "photo": {"file": "jordan.svg", "decorative": True, "credit": "Illustration: booklet tests, CC0"},
        "illustrative": True,
        "tags": ["graduates"],
    },
    "morgan": {
        "name": "Morgan",
        "role": "Epidemiologist",
        "role_cy": "Epidemiolegydd",
        "organisation": "ukhsa",
        "quote": "Our models help the country prepare.",
        "quote_cy": "Mae ein modelau’n helpu’r wlad i baratoi.",
        "story": "Morgan came to public health from a research post.",
        "story_cy": "Daeth Morgan i iechyd cyhoeddus o swydd ymchwil.",
        "illustrative": True,
        "tags": ["researchers"],
    },
}

GLOSSARY = {
    "terms": [
        {
            "term": "Fast Stream",
            "definition": "The Civil Service's graduate programme: placements across government with training.",
            "source": "https://www.faststream.gov.uk",
            "term_cy": "Llwybr Carlam",
            "definition_cy": "Rhaglen graddedigion y Gwasanaeth Sifil.",
        },
        {
            "term": "Success Profiles",
            "definition": "The framework the Civil Service uses to assess candidates.",
            "source": "https://www.gov.uk/government/publications/success-profiles",
        },
        {
            "term": "Civil Service Jobs",
            "definition": "The website where most Civil Service vacancies are advertised.",
            "source": "https://www.civilservicejobs.service.gov.uk",
        },
    ]
}


def stories_project(folder: Path) -> Path:
    """A copy of the default project in `folder` with stories, logos and a glossary; returns `folder`."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    (folder / "output").mkdir(exist_ok=True)
    orgs = content / "organisations"
    (orgs / "gds-logo.png").write_bytes(logo_png())
    (orgs / "ukhsa-logo.svg").write_text(LOGO_SVG, encoding="utf-8")
    for org_id, logo, alt in (("gds", "gds-logo.png", "GDS logo"), ("ukhsa", "ukhsa-logo.svg", "UKHSA logo")):
        path = orgs / f"{org_id}.yaml"
        path.write_text(
            path.read_text(encoding="utf-8") + f"logo: {logo}\nlogo_alt: {alt}\nlogo_alt_cy: Logo {org_id.upper()}\n",
            encoding="utf-8",
        )
    stories = content / "stories"
    stories.mkdir()
    (stories / "priya.jpg").write_bytes(portrait())
    (stories / "jordan.svg").write_text(DECORATIVE_SVG, encoding="utf-8")
    for story_id, data in STORIES.items():
        text = "# yaml-language-server: $schema=../schemas/story.schema.json\n"
        text += "# An invented person, for the project's tests.\n" + yaml.safe_dump(data, allow_unicode=True)
        (stories / f"{story_id}.yaml").write_text(text, encoding="utf-8")
    (content / "glossary.yaml").write_text(
        "# yaml-language-server: $schema=schemas/glossary.schema.json\n" + yaml.safe_dump(GLOSSARY, allow_unicode=True),
        encoding="utf-8",
    )
    return folder
