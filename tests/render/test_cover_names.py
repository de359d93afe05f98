"""A branded cover names the careers service once when it is also the booklet's publisher."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booklet.content.load import BrandAssets, load_project_content
from booklet.content.model import Brand
from booklet.render.html import render_html

BASE = Path(__file__).resolve().parents[1] / "invalid" / "_base" / "content"


def cover_text(publisher: str, brand_name: str) -> str:
    booklet = load_project_content(BASE).booklet
    assert booklet is not None
    booklet = booklet.model_copy(update={"frame": booklet.frame.model_copy(update={"publisher": publisher})})
    html = render_html(booklet, brand=BrandAssets(Brand(name=brand_name)))
    cover = re.search(r'<section class="cover".*?</section>', html, re.S)
    assert cover
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cover.group()))


@pytest.mark.parametrize(
    ("publisher", "brand"),
    [
        ("Exampleton Careers", "Exampleton Careers"),
        ("Exampleton Careers", "exampleton careers"),
        ("Exampleton Careers ", "  Exampleton Careers"),
        ("Gwasanaeth Gyrfaoedd Ŵyl", "GWASANAETH GYRFAOEDD ŴYL"),
    ],
)
def test_the_same_service_is_named_once(publisher, brand):
    text = cover_text(publisher, brand)
    assert "Handed out by" not in text
    assert f"Published by {publisher.strip()}" in text


@pytest.mark.parametrize(
    ("publisher", "brand"), [("Cabinet Office", "Exampleton Careers"), ("Exampleton Careers", "Exampleton Careers Hub")]
)
def test_a_different_service_is_named_as_handing_it_out(publisher, brand):
    text = cover_text(publisher, brand)
    assert f"Published by {publisher}" in text and f"Handed out by {brand}" in text
