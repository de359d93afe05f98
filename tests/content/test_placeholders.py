"""Placeholder text: the list is read from the starter's markers, and the check finds what is left of it."""

from __future__ import annotations

import shutil

from booklet.content.load import load_project_content
from booklet.content.placeholders import (
    MARKER,
    check_placeholders,
    read_placeholders,
    starter_placeholders,
    strip_markers,
)
from booklet.content.read import parse
from tests.conftest import CONTENT, ROOT

STARTER = ROOT / "booklet" / "starter" / "content"


def test_the_list_is_generated_from_the_starter_markers():
    found = starter_placeholders()
    marked = sum(len(MARKER.findall(p.read_text(encoding="utf-8"))) for p in STARTER.rglob("*.yaml"))
    # Every marked line gives one (value, key) entry or the logo; none is lost or invented.
    assert sum(len(keys) for keys in found.values.values()) + len(found.logos) == marked == 27
    assert found.hint("An optional paragraph under a heading. Delete the line if you do not need it.", "lead") == (
        "write a lead of your own, or delete the line"
    )
    assert found.hint("A four-page summary to hand out at careers fairs.", "introduction") is not None
    assert found.hint("https://www.example.org", "website") == "give the organisation's own web address"
    assert found.hint("https://www.example.org", "source") == "give the page the profile's facts come from"
    # A value marked under several keys: each key keeps its own hint; another key borrows the first.
    assert found.hint("Your Careers Service", "publisher") == "name the service that publishes the booklet"
    assert found.hint("Your Careers Service", "logo_alt") == "describe your own logo in a few words"
    assert found.hint("Your Careers Service", "cover_line") is not None
    # Facts the starter gives as they are (the National Careers Service's address) are not placeholders.
    assert found.hint("https://nationalcareers.service.gov.uk", "url") is None
    assert "logo.svg" not in found.values


def test_a_new_marker_is_picked_up_without_a_hand_copy(tmp_path):
    (tmp_path / "brand.yaml").write_text(
        "name: Somewhere  # placeholder: name your service\nhours: 9 to 5\nweb: https://x.example  # placeholder\n",
        encoding="utf-8",
    )
    found = read_placeholders(tmp_path)
    assert found.values == {
        "Somewhere": {"name": "name your service"},
        "https://x.example": {"web": "replace it with your own, or delete it"},
    }
    doc = parse("name: Somewhere\nhours: 9 to 5\n", "content/brand.yaml")
    (problem,) = check_placeholders([doc], found)
    assert problem.line() == (
        "content/brand.yaml:1:1  name  warning: is the starter's placeholder text 'Somewhere' (name your service)"
    )


def test_markers_are_stripped_and_nothing_else():
    text = (STARTER / "brand.yaml").read_text(encoding="utf-8")
    stripped = strip_markers(text)
    assert "placeholder" not in stripped
    assert stripped.splitlines()[3] == "name: Your Careers Service"
    assert len(stripped.splitlines()) == len(text.splitlines())
    assert strip_markers("text: a # not a marker\n") == "text: a # not a marker\n"


def test_the_default_content_has_no_placeholders():
    loaded = load_project_content(CONTENT, ROOT)
    assert [p.line() for p in loaded.warnings if "placeholder" in p.what] == []


def test_a_placeholder_anywhere_is_found_and_only_the_exact_text(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    routes = tmp_path / "content" / "routes.yaml"
    text = routes.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("summary:"))
    number = text.splitlines().index(first) + 1
    indent = first[: len(first) - len(first.lstrip())]
    lead = "An optional paragraph under a heading. Delete the line if you do not need it."
    routes.write_text(text.replace(first, f"{indent}summary: {lead}", 1), encoding="utf-8")
    (warning,) = load_project_content(tmp_path / "content", tmp_path).warnings
    assert warning.line().startswith(f"content/routes.yaml:{number}:{len(indent) + 1}  routes.0.summary  warning: ")
    assert warning.hint == "write a lead of your own, or delete the line"
    routes.write_text(text.replace(first, f"{indent}summary: {lead[:-1]}; this one matters.", 1), encoding="utf-8")
    assert load_project_content(tmp_path / "content", tmp_path).warnings == []
