"""Rendering to HTML: a project's custom.css is read after the defaults; content stays text."""

from __future__ import annotations

from booklet.render.html import render_html
from booklet.settings import Settings


def test_custom_css_comes_after_the_defaults(booklet_model, tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "custom.css").write_text(":root { --tint: #f3f0e8; }\n", encoding="utf-8")
    for edition in ("print", "web"):
        html = render_html(booklet_model, Settings(edition=edition), styles)
        assert html.index("--tint: #f3f0e8") > html.index("--tint: #")  # the default comes first
    plain = render_html(booklet_model, Settings(), tmp_path / "no-styles-here")
    assert "#f3f0e8" not in plain
