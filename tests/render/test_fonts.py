"""The typeface: static instances for speed, the full font for every other character."""

from __future__ import annotations

import pikepdf
from pypdf import PdfReader

from booklet.jobs import build
from booklet.render import fonts


def test_instances_cover_welsh_and_the_full_font_the_rest(project_copy, tmp_path):
    booklet = project_copy / "content" / "booklet.yaml"
    text = booklet.read_text(encoding="utf-8")
    booklet.write_text(text.replace("strapline: ", "strapline: Ŵ ŷ Ελληνικά Кириллица – ", 1), encoding="utf-8")
    result = build(content=project_copy / "content", output=tmp_path / "scripts.pdf")
    assert result.warnings == []
    assert "Ŵ ŷ Ελληνικά Кириллица" in PdfReader(tmp_path / "scripts.pdf").pages[0].extract_text()
    with pikepdf.open(tmp_path / "scripts.pdf") as pdf:
        names = {str(f.BaseFont).split("+")[1] for f in pdf.pages[0].Resources.Font.values()}
    # Latin (Welsh included) from the static instances, Greek and Cyrillic from the full font.
    assert "Booklet-Sans" in names
    assert "Booklet-Sans-Full" in names
    assert all(name.startswith("Booklet-Sans") for name in names)


def test_static_instances_are_real_files_without_variations():
    faces = [face for face in fonts.font_faces() if face[0] == fonts.CSS_FAMILY]
    assert {(style, weight) for _, style, weight, _ in faces} >= {("normal", w) for w in fonts.WEIGHTS}
    from fontTools.ttLib import TTFont

    for _, _, _, path in faces:
        font = TTFont(path)
        assert "fvar" not in font
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in "ŵŷŴŶẁẃẅỳ£€–“”")


def test_an_unwritable_cache_falls_back_to_the_variable_font(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("BOOKLET_CACHE", str(blocker))
    fonts.font_faces.cache_clear()
    try:
        faces = fonts.font_faces()
        assert [path for family, _, _, path in faces if family == fonts.CSS_FAMILY] == list(
            fonts.variable_files().values()
        )
    finally:
        fonts.font_faces.cache_clear()
        fonts.font_face_css.cache_clear()


def test_the_typefaces_coverage_is_read_once_and_kept(tmp_path, monkeypatch):
    """The character map kept in the cache gives exactly the font's own, and a spoiled copy is read again."""
    from fontTools.ttLib import TTFont

    from booklet.render import coverage

    monkeypatch.setenv("BOOKLET_CACHE", str(tmp_path))
    with TTFont(fonts.variable_files()["normal"]) as font:
        truth = frozenset(font.getBestCmap())
    coverage.covered.cache_clear()
    try:
        assert coverage.covered() == truth  # read from the font, and kept
        [saved] = (tmp_path / "fonts").glob("coverage-*.json")
        coverage.covered.cache_clear()
        assert coverage.covered() == truth  # read from the cache
        assert "é" not in coverage.missing("café ŵŷ") and coverage.missing("\U0001f600") == ["\U0001f600"]
        saved.write_text('{"not": "ranges"')
        coverage.covered.cache_clear()
        assert coverage.covered() == truth  # spoiled: read from the font again, and kept again
        assert saved.read_text().startswith("[[")
    finally:
        coverage.covered.cache_clear()
