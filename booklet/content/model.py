"""The content model: what a booklet is made of, validated by pydantic.

Every model forbids unknown keys and documents each field in a docstring; the
content guide (docs/content-guide.md) and the JSON Schema are generated from
these docstrings, so this file is the one place the content format is defined.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from ..colour import MIN_TEXT_CONTRAST, contrast
from . import scannable
from .base import Date as Date
from .base import HttpsUrl as HttpsUrl
from .base import Model as Model
from .base import Sourced as Sourced
from .base import Text as Text
from .base import _check_paired as _check_paired
from .base import _https_only as _https_only
from .facts import RouteFacts

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


def _scannable(kind: str) -> AfterValidator:
    """Refuse an address whose QR code of this kind would be too dense to scan (or impossible)."""

    def check(value: str) -> str:
        why = scannable.problem(value, kind)
        if why:
            raise ValueError(why)
        return value

    return AfterValidator(check)


CardUrl = Annotated[HttpsUrl, _scannable("card")]
"""An https:// address printed with a QR code on an organisation card."""
RouteUrl = Annotated[HttpsUrl, _scannable("route")]
"""An https:// address printed with a QR code on a checklist route."""
BackUrl = Annotated[HttpsUrl, _scannable("back")]
"""An https:// address printed with the large QR code on the back cover."""


Id = Annotated[str, Field(pattern=ID_PATTERN, examples=["fast-stream"])]

DIRECTORY_ABOVE = 12
"""With profiles: auto, more organisations than this are printed as a directory (see Frame.profiles)."""

MIN_STEPS, MAX_STEPS = 1, 8
"""A route has one to eight first steps: two is real content, nine no longer fits a checklist card."""
ADVISED_STEPS = 3
"""Fewer steps than this is a warning: a checklist of one or two ticks gives a reader little to act on."""


class Point(Model):
    """One titled point in a list section (a reason, a challenge, a skill)."""

    id: Id
    """Short identifier, lower case with hyphens, unique within its section."""
    title: Text
    """The point's heading, e.g. "Large-Scale Impact"."""
    text: Text
    """One or two sentences explaining the point."""
    title_cy: Text | None = Field(default=None, examples=["Effaith ar Raddfa Fawr"])
    """Welsh version of title (Cymraeg), used by Welsh and bilingual editions."""
    text_cy: Text | None = Field(default=None, examples=["Mae eich gwaith yn effeithio ar filiynau o bobl."])
    """Welsh version of text."""
    tags: list[Id] = []
    """Labels that audiences use to include or exclude this point."""


class PointSection(Model):
    """A section made of a heading, an optional lead paragraph and a list of points."""

    heading: Text
    """The section heading as printed."""
    lead: str = ""
    """Optional paragraph printed under the heading."""
    heading_cy: Text | None = Field(default=None, examples=["Pam AI yn y Sector Cyhoeddus?"])
    """Welsh version of heading (Cymraeg), used by Welsh and bilingual editions."""
    lead_cy: str | None = Field(default=None, examples=["Rhai rhesymau dros ddewis y gwaith hwn."])
    """Welsh version of lead."""
    items: list[Point] = Field(min_length=1)
    """The points, in printed order."""


class Heading(Model):
    """A section that only needs a heading and an optional lead paragraph."""

    heading: Text
    """The section heading as printed."""
    lead: str = ""
    """Optional paragraph printed under the heading."""
    heading_cy: Text | None = Field(default=None, examples=["Cael Troed yn y Drws"])
    """Welsh version of heading (Cymraeg), used by Welsh and bilingual editions."""
    lead_cy: str | None = Field(default=None, examples=["Marciwch bob blwch wrth i chi ei gwblhau."])
    """Welsh version of lead."""


class Sections(Model):
    """The booklet's sections, in the order they are printed."""

    why: PointSection
    """Reasons to work in the field the booklet covers."""
    organisations: Heading
    """Heading for the organisation profiles (the profiles live in organisations/)."""
    unique: Heading
    """Heading over the challenges and skills."""
    challenges: PointSection
    """Challenges people face in this work."""
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
    heading_cy: Text | None = Field(default=None, examples=["Barod i Gael Effaith Gyhoeddus?"])
    """Welsh version of heading (Cymraeg), used by Welsh and bilingual editions."""
    text_cy: Text | None = Field(default=None, examples=["Porwch swyddi a dechreuwch ar eich taith."])
    """Welsh version of text."""
    label_cy: Text | None = Field(default=None, examples=["Chwilio am Swyddi"])
    """Welsh version of label."""
    url: BackUrl
    """Where the action leads; printed and encoded in the large QR code."""


STORY_WORDS = 200
"""Words of a story (its `story:` text) that print beside a photo and a quote in about half an A4 page:
the word limit of a booklet.yaml without `story_words`."""


class Frame(Model):
    """The booklet's frame: cover, introduction, sections and call to action (booklet.yaml)."""

    title: Text
    """Booklet title, on the cover, in the footer and in the PDF metadata."""
    strapline: Text
    """One line under the title on the cover."""
    publisher: Text
    """Who publishes the booklet; on the cover and as the PDF author."""
    edition: Date
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
    profiles: str = Field(default="auto", pattern=r"^(auto|cards|directory)$", examples=["directory"])
    """How organisations are printed: cards (one tinted card each, about three to a page), directory
    (compact entries, five or more to a page, for booklets with many organisations) or auto (cards for
    up to 12 organisations, directory above that)."""
    title_cy: Text | None = Field(default=None, examples=["Gyrfaoedd yng Nghymru"])
    """Welsh version of title (Cymraeg), used by Welsh and bilingual editions."""
    strapline_cy: Text | None = Field(default=None, examples=["Gwaith sy’n gwneud gwahaniaeth i bobl o Gymru."])
    """Welsh version of strapline."""
    publisher_cy: Text | None = Field(default=None, examples=["Gwasanaeth Gyrfaoedd"])
    """Welsh version of publisher."""
    subject_cy: Text | None = Field(default=None, examples=["Canllaw gyrfaoedd gyda phroffiliau sefydliadau."])
    """Welsh version of subject."""
    introduction_cy: list[Text] | None = Field(default=None, min_length=1, examples=[["Croeso i’r canllaw hwn."]])
    """Welsh version of the introduction paragraphs."""
    bilingual_order: list[str] = Field(default=["cy", "en"], min_length=2, max_length=2, examples=[["cy", "en"]])
    """Order of the languages in a bilingual edition: [cy, en] (Welsh first, the default) or [en, cy]."""
    story_words: int = Field(default=STORY_WORDS, ge=1, strict=True, examples=[300])
    """Most words a story's text may have, e.g. 300; `booklet check` warns about a longer story."""

    @field_validator("bilingual_order")
    @classmethod
    def _two_languages(cls, order: list[str]) -> list[str]:
        if sorted(order) != ["cy", "en"]:
            raise ValueError("must be [cy, en] (Welsh first) or [en, cy]")
        return order


class Organisation(Sourced):
    """An organisation profile (one file in organisations/; its id is the file name)."""

    id: Id
    """Identifier, taken from the file name (organisations/gds.yaml has id gds)."""
    name: Text
    """Full name as printed, e.g. "Government Digital Service (GDS)"."""
    summary: Text
    """What the organisation does, in two or three sentences."""
    roles: list[Text] = Field(min_length=1)
    """Typical roles there, e.g. Data Scientists."""
    website: CardUrl
    """Careers or home page; printed and encoded in the profile's QR code."""
    order: int = 100
    """Position among the organisations (smaller first; ties keep file-name order)."""
    tags: list[Id] = []
    """Labels that audiences use to include or exclude this organisation."""
    name_cy: Text | None = Field(default=None, examples=["Llywodraeth Cymru"])
    """Welsh version of name (Cymraeg), used by Welsh and bilingual editions."""
    summary_cy: Text | None = Field(default=None, examples=["Yn rhedeg gwasanaethau cyhoeddus yng Nghymru."])
    """Welsh version of summary."""
    roles_cy: list[Text] | None = Field(default=None, examples=[["Gwyddonwyr Data"]])
    """Welsh versions of the roles, one for each role in the same order."""
    name_language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$", examples=["cy"])
    """Language of name when it differs from the booklet's, e.g. cy for an organisation known by its Welsh name."""
    logo: str | None = Field(default=None, examples=["gds-logo.svg"])
    """Logo file (SVG or PNG), relative to the organisation file; printed beside the name."""
    logo_alt: str | None = Field(default=None, examples=["Government Digital Service logo"])
    """Text alternative for the logo, required when there is a logo."""
    logo_alt_cy: str | None = Field(default=None, examples=["Logo Gwasanaeth Digidol y Llywodraeth"])
    """Welsh version of logo_alt."""

    @field_validator("logo")
    @classmethod
    def _logo_kind(cls, value: str | None) -> str | None:
        return _image_kind(value, "the logo")

    @model_validator(mode="after")
    def _logo_described(self) -> Organisation:
        if self.logo and not (self.logo_alt or "").strip():
            raise ValueError("a logo needs logo_alt: a short text alternative, e.g. the words the logo shows")
        return self

    @field_validator("roles")
    @classmethod
    def _distinct_roles(cls, roles: list[str]) -> list[str]:
        seen = {r.casefold() for r in roles}
        if len(seen) != len(roles):
            raise ValueError("lists the same role twice")
        return roles

    @model_validator(mode="after")
    def _roles_paired(self) -> Organisation:
        _check_paired("roles", self.roles, self.roles_cy, "role")
        return self


def _image_kind(value: str | None, what: str, photo: bool = False) -> str | None:
    """Only SVG and PNG files (and JPEG for a photo) are read as images (see content/logo.py)."""
    kinds = (".svg", ".png", ".jpg", ".jpeg") if photo else (".svg", ".png")
    if value is not None and not value.lower().endswith(kinds):
        raise ValueError(f"{what} must be an .svg or .png file" + (" (or .jpg)" if photo else ""))
    return value


class Route(Sourced):
    """An entry route into the sector, printed as a checklist (routes.yaml)."""

    id: Id
    """Identifier, unique among routes, used for form field names and audiences."""
    title: Text
    """Route name, e.g. "Fast Stream"."""
    summary: Text
    """What the route is, in one or two sentences."""
    url: RouteUrl
    """Official address for the route; printed and encoded in its QR code."""
    steps: list[Text] = Field(min_length=MIN_STEPS, max_length=MAX_STEPS)
    """One to eight concrete first steps, each a tick box on the checklist (fewer than three is a warning)."""
    title_cy: Text | None = Field(default=None, examples=["Llwybr Carlam"])
    """Welsh version of title (Cymraeg), used by Welsh and bilingual editions."""
    summary_cy: Text | None = Field(default=None, examples=["Rhaglen i raddedigion."])
    """Welsh version of summary."""
    steps_cy: list[Text] | None = Field(default=None, examples=[["Darllenwch am y cynllun"]])
    """Welsh versions of the steps, one for each step in the same order."""
    tags: list[Id] = []
    """Labels that audiences use to include or exclude this route."""
    facts: RouteFacts | None = None
    """What students ask first: who it is for, entry requirements, pay, where, clearance, length and
    when to apply; each group names its own source and reviewed date."""

    @model_validator(mode="after")
    def _steps_paired(self) -> Route:
        _check_paired("steps", self.steps, self.steps_cy, "step")
        return self


class Routes(Model):
    """The entry routes file (routes.yaml)."""

    routes: list[Route] = Field(min_length=1)
    """The routes, in printed order."""


class ActionPlan(Model):
    """One student's action plan, printed after the contents of their own copy (see adapters/classlist.py).

    It holds personal data: it is made in memory for one copy and never written anywhere else.
    """

    student_id: str
    """The student's id from the class list; field names and file names use it, never the name."""
    name: str
    adviser: str = ""
    prepared: dt.date
    """The day the copy was made (printed on the cover)."""
    follow_up: dt.date | None = None
    routes: list[Route] = []
    """The routes the student chose, in their order, with every step."""
    organisations: list[Organisation] = []
    next_steps: list[str] = []
    notes: str = ""


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
    layout: str = "booklet"
    """booklet or handout (see Audience.layout)."""
    cover_line_cy: str | None = Field(default=None, examples=["Ar gyfer graddedigion"])
    """Welsh version of cover_line."""
    notes_cy: list[str] | None = Field(default=None, examples=[["Gofynnwch i’ch cynghorydd gyrfaoedd."]])
    """Welsh versions of notes."""
    language: str = Field(default="en", examples=["cy"])
    """Language of this edition: en, cy, or both for a bilingual one."""
    plan: ActionPlan | None = None
    """A student's action plan, for a personal copy (`booklet personalise`)."""
    stories: list[Any] = []
    """The stories (content/stories.py: Story), each printed after the organisation or route it names."""
    glossary: list[Any] = []
    """The glossary's terms (content/glossary.py: Term), printed as a page."""
    images: dict[str, str] = {}
    """Organisation logos and story photos as data: URIs, by "organisation:ID" or "story:ID"."""
    routes_at_a_glance: bool = True
    """Whether the routes-at-a-glance comparison is printed (see Audience.routes_at_a_glance)."""


class Selector(Model):
    """Which items an audience gets: by id or by `tag:NAME`; empty include means all."""

    include: list[str] = []
    """Ids or tags (written tag:NAME) to keep, printed in the order written here (items one rule
    matches keep their own order); leave empty to keep everything in the content's order."""
    exclude: list[str] = []
    """Ids or tags (written tag:NAME) to drop, applied after include."""

    @field_validator("include", "exclude")
    @classmethod
    def _selector_form(cls, values: list[str]) -> list[str]:
        for value in values:
            name = value[4:] if value.startswith("tag:") else value
            if not re.match(ID_PATTERN, name):
                raise ValueError(f"{value!r} is not an id or tag:NAME (e.g. gds or tag:technical)")
        return values

    def picks(self, item_id: str, tags: list[str]) -> bool:
        """Whether an item with this id and these tags is selected."""

        def matches(rule: str) -> bool:
            return rule == item_id or (rule.startswith("tag:") and rule[4:] in tags)

        kept = not self.include or any(matches(r) for r in self.include)
        return kept and not any(matches(r) for r in self.exclude)

    def rank(self, item_id: str, tags: list[str]) -> int:
        """Position of the first include rule that picks this item: the printed order follows include."""
        for index, rule in enumerate(self.include):
            if rule == item_id or (rule.startswith("tag:") and rule[4:] in tags):
                return index
        return len(self.include)


class Audience(Model):
    """A tailored booklet for one audience (an entry in audiences.yaml)."""

    id: Id
    """Identifier used on the command line: booklet build --audience ID."""
    name: Text
    """Who it is for, e.g. "School and college leavers"."""
    output: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.pdf$")
    """File name of this audience's PDF in output/."""
    cover_line: str = ""
    """Line printed on the cover under the strapline, e.g. "For school and college leavers";
    without one, the cover shows the audience's name."""
    introduction: list[Text] | None = None
    """Introduction paragraphs that replace the booklet's own for this audience."""
    organisations: Selector = Selector()
    """Which organisations appear."""
    routes: Selector = Selector()
    """Which entry routes appear."""
    points: Selector = Selector()
    """Which reasons, challenges and skills appear."""
    stories: Selector = Selector()
    """Which stories appear (each prints only where its organisation or route does)."""
    featured: list[Id] = []
    """Organisations printed first and emphasised, in this order."""
    notes: list[Text] = []
    """Extra notes for this audience, printed after the introduction."""
    cover_line_cy: str | None = Field(default=None, examples=["Ar gyfer graddedigion"])
    """Welsh version of cover_line (Cymraeg)."""
    introduction_cy: list[Text] | None = Field(default=None, examples=[["Croeso."]])
    """Welsh version of introduction."""
    notes_cy: list[Text] | None = Field(default=None, examples=[["Gofynnwch i’ch cynghorydd gyrfaoedd."]])
    """Welsh versions of the notes."""
    layout: str = Field(default="booklet", pattern=r"^(booklet|handout)$")
    """booklet (the full booklet) or handout (at most four A4 pages for careers fairs)."""
    max_steps: int | None = Field(default=None, ge=MIN_STEPS, le=MAX_STEPS)
    """Print at most this many first steps per route (useful for handouts)."""
    routes_at_a_glance: bool = Field(default=True, examples=[False])
    """Print the routes-at-a-glance comparison (who, needs, pay, when) when routes give those facts."""


class Audiences(Model):
    """The audiences file (audiences.yaml)."""

    audiences: list[Audience] = Field(min_length=1)
    """The audiences, in the order `booklet audiences` lists them."""


def _email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"{value!r} is not an email address ({exc})") from None


def _phone(value: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number (e.g. 020 7946 0000)") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{value!r} is not a valid phone number (e.g. 020 7946 0000)")
    return value


class Brand(Model):
    """A careers service's co-branding for the cover and back cover (brand.yaml)."""

    name: Text
    """The careers service's name, e.g. "University of Exampleton Careers Service"."""
    logo: str | None = None
    """Logo file (SVG or PNG), relative to the brand file."""
    logo_alt: str | None = None
    """Text alternative for the logo, required when there is a logo."""
    email: Annotated[str, AfterValidator(_email)] | None = None
    """Contact email address."""
    phone: Annotated[str, AfterValidator(_phone)] | None = None
    """Contact phone number, e.g. 020 7946 0000."""
    web: HttpsUrl | None = None
    """The careers service's website."""
    hours: str | None = None
    """Opening hours, e.g. "Monday to Friday, 9am to 5pm"."""
    accent: str = Field(default="#12436d", pattern=HEX_COLOUR)
    """Accent colour for covers and headings, six hex digits, e.g. #1d70b8."""
    accent_text: str = Field(default="#ffffff", pattern=HEX_COLOUR)
    """Colour of text on the accent colour; must contrast at least 4.5:1 with it."""

    @field_validator("logo")
    @classmethod
    def _logo_kind(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().endswith((".svg", ".png")):
            raise ValueError("the logo must be an .svg or .png file")
        return value

    @model_validator(mode="after")
    def _accessible(self) -> Brand:
        if self.logo and not (self.logo_alt or "").strip():
            raise ValueError("a logo needs logo_alt: a short text alternative, e.g. the service's name")
        ratio = contrast(self.accent, self.accent_text)
        if ratio < MIN_TEXT_CONTRAST:
            raise ValueError(
                f"accent {self.accent} and accent_text {self.accent_text} contrast {ratio:.2f}:1; "
                f"text needs at least {MIN_TEXT_CONTRAST}:1 (try a darker accent)"
            )
        return self
