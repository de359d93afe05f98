"""The primitives every content model is built from: the base model, sourced facts, dates, text, https addresses.

They live apart from model.py so that models in other modules (route facts) can build on them
while model.py uses those models in turn; model.py re-exports them, so `model.Sourced` still works.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ..errors import BIDI, INVISIBLE


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
    hidden = [c for c in value if c in BIDI or c in INVISIBLE]
    if hidden:
        # U+202E and friends make an address print as another one; zero-width ones hide inside it.
        raise ValueError(
            f"must not contain the invisible character U+{ord(hidden[0]):04X}, which can make an address "
            "look like another (type the address again, or copy it from the browser's address bar)"
        )
    return value


HttpsUrl = Annotated[str, AfterValidator(_https_only)]
"""An absolute https:// address, printed exactly as written."""


def _calendar_date(value: object) -> object:
    """Refuse numbers for dates: pydantic would read 86400 as a Unix time (1970-01-02)."""
    if isinstance(value, (int, float)):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


Date = Annotated[dt.date, BeforeValidator(_calendar_date)]
"""A calendar date written YYYY-MM-DD."""

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
    reviewed: Date
    """Date someone last checked the facts against the source (YYYY-MM-DD)."""


def _check_paired(field: str, english: list[str], welsh: list[str] | None, item: str) -> None:
    """A Welsh list (`FIELD_cy`) must give one item for each item of its English list."""
    if welsh is not None and len(welsh) != len(english):
        raise ValueError(
            f"{field}_cy has {len(welsh)} items and {field} {len(english)}: give one Welsh {item} for each {item}"
        )
