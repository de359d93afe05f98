"""The content model: what a booklet is made of, validated by pydantic.

Every model forbids unknown keys and documents each field in a docstring; the
content guide (docs/content-guide.md) and the JSON Schema are generated from
these docstrings, so this file is the one place the content format is defined.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


def _https_only(value: str) -> str:
    """Accept only absolute https addresses with a host and no credentials."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme != "https":
        raise ValueError("must be an https:// address (e.g. https://www.gov.uk)")
    if not parts.hostname or "." not in parts.hostname:
        raise ValueError("needs a web host after https:// (e.g. https://www.gov.uk)")
    if parts.username or parts.password:
        raise ValueError("must not contain a user name or password")
    if re.search(r"\s", value):
        raise ValueError("must not contain spaces")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https_only)]
"""An absolute https:// address, printed exactly as written."""

Id = Annotated[str, Field(pattern=ID_PATTERN, examples=["fast-stream"])]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    """Base for all content models: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=True,
    )


class Sourced(Model):
    """A fact a reader may act on: it names where it comes from and when it was checked."""

    source: HttpsUrl
    """Official page the facts were taken from, e.g. https://www.faststream.gov.uk."""
    reviewed: dt.date
    """Date someone last checked the facts against the source (YYYY-MM-DD)."""


class Point(Model):
    """One titled point in a list section (a reason, a challenge, a skill)."""

    id: Id
    """Short identifier, lower case with hyphens, unique within its section."""
    title: Text
    """The point's heading, e.g. "Large-Scale Impact"."""
    text: Text
    """One or two sentences explaining the point."""
    tags: list[Id] = []
    """Labels that audiences use to include or exclude this point."""


class PointSection(Model):
    """A section made of a heading, an optional lead paragraph and a list of points."""

    heading: Text
    """The section heading as printed."""
    lead: str = ""
    """Optional paragraph printed under the heading."""
    items: list[Point] = Field(min_length=1)
    """The points, in printed order."""


class Heading(Model):
    """A section that only needs a heading and an optional lead paragraph."""

    heading: Text
    """The section heading as printed."""
    lead: str = ""
    """Optional paragraph printed under the heading."""


class Sections(Model):
    """The booklet's sections, in the order they are printed."""

    why: PointSection
    """Reasons to work in public sector AI."""
    organisations: Heading
    """Heading for the organisation profiles (the profiles live in organisations/)."""
    unique: Heading
    """Heading over the challenges and skills."""
    challenges: PointSection
    """Challenges people face in public sector AI."""
    skills: PointSection
    """Skills that matter most."""
    routes: Heading
    """Heading for the entry-route checklist (the routes live in routes.yaml)."""


class CallToAction(Model):
    """The closing call to action printed on the back cover."""

    heading: Text
    """Large heading, e.g. "Ready to Make a Public Impact?"."""
    text: Text
    """One sentence under the heading."""
    label: Text
    """Text of the action, e.g. "Search Public Sector Jobs"."""
    url: HttpsUrl
    """Where the action leads; printed and encoded in the large QR code."""


class Frame(Model):
    """The booklet's frame: cover, introduction, sections and call to action (booklet.yaml)."""

    title: Text
    """Booklet title, on the cover, in the footer and in the PDF metadata."""
    strapline: Text
    """One line under the title on the cover."""
    publisher: Text
    """Who publishes the booklet; on the cover and as the PDF author."""
    edition: dt.date
    """Edition date printed on the cover (YYYY-MM-DD)."""
    subject: Text
    """One-sentence description stored as the PDF subject."""
    keywords: list[Text] = []
    """Keywords stored in the PDF metadata."""
    output: str = Field(default="booklet.pdf", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.pdf$")
    """File name of the default booklet in output/, e.g. ai-careers-uk-public-sector.pdf."""
    language: str = Field(default="en-GB", pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    """Language of the text (BCP 47), e.g. en-GB or cy-GB."""
    introduction: list[Text] = Field(min_length=1)
    """Introduction paragraphs, printed before the first section."""
    sections: Sections
    """Headings and points of each section."""
    call_to_action: CallToAction
    """Closing call to action on the back cover."""


class Organisation(Sourced):
    """An organisation profile (one file in organisations/; its id is the file name)."""

    id: Id
    """Identifier, taken from the file name (organisations/gds.yaml has id gds)."""
    name: Text
    """Full name as printed, e.g. "Government Digital Service (GDS)"."""
    summary: Text
    """What the organisation does, in two or three sentences."""
    roles: list[Text] = Field(min_length=1)
    """Typical AI and data roles there."""
    website: HttpsUrl
    """Careers or home page; printed and encoded in the profile's QR code."""
    order: int = 100
    """Position among the organisations (smaller first; ties keep file-name order)."""
    tags: list[Id] = []
    """Labels that audiences use to include or exclude this organisation."""

    @field_validator("roles")
    @classmethod
    def _distinct_roles(cls, roles: list[str]) -> list[str]:
        seen = {r.casefold() for r in roles}
        if len(seen) != len(roles):
            raise ValueError("lists the same role twice")
        return roles


class Route(Sourced):
    """An entry route into the sector, printed as a checklist (routes.yaml)."""

    id: Id
    """Identifier, unique among routes, used for form field names and audiences."""
    title: Text
    """Route name, e.g. "Fast Stream"."""
    summary: Text
    """What the route is, in one or two sentences."""
    url: HttpsUrl
    """Official address for the route; printed and encoded in its QR code."""
    steps: list[Text] = Field(min_length=3, max_length=6)
    """Three to six concrete first steps, each a tick box on the checklist."""
    tags: list[Id] = []
    """Labels that audiences use to include or exclude this route."""


class Routes(Model):
    """The entry routes file (routes.yaml)."""

    routes: list[Route] = Field(min_length=1)
    """The routes, in printed order."""


class Booklet(Model):
    """A whole booklet: its frame, organisations and routes, ready to render."""

    frame: Frame
    organisations: list[Organisation]
    routes: list[Route]
    cover_line: str = ""
    """A line for one audience, printed on the cover under the strapline."""
    notes: list[str] = []
    """Extra notes for one audience, printed after the introduction."""
    featured: list[str] = []
    """Ids of organisations printed with emphasis."""
