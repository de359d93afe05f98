"""Finishing: the fillable checklist, bleed boxes and refused combinations, on real PDFs."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from booklet.errors import BookletError, Exit
from booklet.jobs.plan import printed_html_path
from booklet.pdf.finish import check_settings, complete_checkboxes, set_bleed_boxes
from booklet.render.html import page_css, stylesheets
from booklet.settings import Settings


def expected_field_names(booklet) -> list[str]:
    names = []
    for route in booklet.routes:
        names.append(f"route.{route.id}.done")
        names += [f"route.{route.id}.step-{n}" for n in range(1, len(route.steps) + 1)]
    return names


def qualified_name(field: pikepdf.Dictionary) -> str:
    parts = []
    while field is not None:
        parts.append(str(field.T))
        field = field.get("/Parent")
    return ".".join(reversed(parts))


def checkbox_widgets(pdf: pikepdf.Pdf) -> list[tuple[int, pikepdf.Dictionary]]:
    return [
        (index, annot)
        for index, page in enumerate(pdf.pages)
        for annot in page.get("/Annots", [])
        if annot.get("/Subtype") == "/Widget" and annot.get("/FT") == "/Btn"
    ]


def test_one_checkbox_field_per_tick_box_with_a_name_that_says_what_it_is(default_pdf, booklet_model):
    html = printed_html_path(default_pdf.path).read_text(encoding="utf-8")
    boxes = re.findall(r'<input type="checkbox" class="tick[^"]*" name="([^"]+)"', html)
    expected = expected_field_names(booklet_model)
    assert boxes == expected
    with pikepdf.open(default_pdf.path) as pdf:
        widgets = checkbox_widgets(pdf)
        names = [qualified_name(w) for _, w in widgets]
        assert names == expected

        # Partial names never contain the period that joins them (ISO 32000-1, 12.7.3.2).
        def partials(fields):
            for f in fields:
                yield str(f.T)
                yield from partials(f.get("/Kids", []))

        assert all("." not in name for name in partials(pdf.Root.AcroForm.Fields))
    # pypdf, an independent reader, sees the same fully qualified names, each with two states.
    fields = {k: v for k, v in default_pdf.reader.get_fields().items() if "/_States_" in v}
    assert sorted(fields) == sorted(expected)
    assert all(sorted(v["/_States_"]) == ["/Off", "/on"] for v in fields.values())


def test_every_checkbox_has_an_on_and_an_off_state_and_prints_unticked(default_pdf):
    with pikepdf.open(default_pdf.path) as pdf:
        assert "/NeedAppearances" not in pdf.Root.AcroForm  # PDF/A forbids it; readers would redraw boxes
        widgets = checkbox_widgets(pdf)
        assert widgets
        for _, widget in widgets:
            normal = widget.AP.N
            assert set(normal.keys()) == {"/on", "/Off"}
            for state in normal.values():
                assert state.Subtype == "/Form"
            assert widget.AS == "/Off" and widget.V == "/Off"
            assert int(widget.F) & 4  # Print
            assert not int(widget.F) & (1 | 2 | 32)  # not Invisible, Hidden or NoView
            x0, y0, x1, y1 = (float(v) for v in widget.Rect)
            assert x0 < x1 and y0 < y1


def box_darkness(png: Image.Image, rect: list[float], page_height: float, scale: float) -> int:
    """Darkest grey level inside the middle half of a tick box (255: empty)."""
    x0, y0, x1, y1 = rect
    box = png.convert("L").crop(
        (round(x0 * scale), round((page_height - y1) * scale), round(x1 * scale), round((page_height - y0) * scale))
    )
    w, h = box.size
    inner = box.crop((w // 4, h // 4, 3 * w // 4, 3 * h // 4))
    return min(inner.getextrema())


def render_both(path, index: int, scale: float) -> dict[str, Image.Image]:
    document = pdfium.PdfDocument(path)
    document.init_forms()
    images = {"pdfium": document[index].render(scale=scale, may_draw_forms=True).to_pil()}
    document.close()
    done = subprocess.run(
        ["pdftoppm", "-r", str(round(72 * scale)), "-f", str(index + 1), "-l", str(index + 1), "-png", str(path)],
        capture_output=True,
        check=True,
    )
    assert done.stderr == b""
    images["poppler"] = Image.open(io.BytesIO(done.stdout))
    return images


def test_boxes_print_empty_and_show_a_tick_once_ticked_and_saved(default_pdf, tmp_path):
    scale = 4
    with pikepdf.open(default_pdf.path) as pdf:
        index, widget = checkbox_widgets(pdf)[1]
        rect = [float(v) for v in widget.Rect]
        height = float(pdf.pages[index].MediaBox[3])
        # What a reader does when someone ticks the box and saves.
        widget.V = widget.AS = pikepdf.Name("/on")
        pdf.save(tmp_path / "ticked.pdf")
    for reader, image in render_both(default_pdf.path, index, scale).items():
        assert box_darkness(image, rect, height, scale) > 240, f"{reader}: unticked box is not empty"
    for reader, image in render_both(tmp_path / "ticked.pdf", index, scale).items():
        assert box_darkness(image, rect, height, scale) < 128, f"{reader}: ticked box shows no tick"


def test_checkbox_completion_is_idempotent(default_pdf):
    with pikepdf.open(default_pdf.path) as pdf:
        before = [qualified_name(w) for _, w in checkbox_widgets(pdf)]
        complete_checkboxes(pdf)
        assert [qualified_name(w) for _, w in checkbox_widgets(pdf)] == before
        assert all(set(w.AP.N.keys()) == {"/on", "/Off"} for _, w in checkbox_widgets(pdf))


def test_bleed_box_covers_a_bleed_wider_than_weasyprints_10pt_cap():
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    bleed = 5 * 72 / 25.4
    page.obj.MediaBox = [-bleed, -bleed, 100 + bleed, 100 + bleed]
    page.obj.TrimBox = [0, 0, 100, 100]
    page.obj.BleedBox = [-10, -10, 110, 110]
    assert set_bleed_boxes(pdf)
    assert [float(v) for v in page.obj.BleedBox] == pytest.approx([-bleed, -bleed, 100 + bleed, 100 + bleed])
    assert not set_bleed_boxes(pdf)


def test_page_css_for_bleed_a5_and_duplex():
    assert "bleed: 5mm; marks: crop cross" in page_css(Settings(bleed_mm=5.0))
    assert "bleed" not in page_css(Settings())
    assert "size: A5 portrait" in page_css(Settings(page_size="A5"))
    assert stylesheets(Settings(page_size="A5")) == ["booklet.css", "print.css"]
    assert stylesheets(Settings(page_size="A5", large_print=True))[-1] == "large-print-a5.css"
    duplex = page_css(Settings(duplex=True, blank_page_text='Left "blank"'))
    assert ".major { break-before: right; }" in duplex and '"Left \\"blank\\""' in duplex


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (Settings(pdf_standard="a-3a", imposition="saddle"), "a-3a cannot be combined with --imposition"),
        (Settings(page_size="A5", bleed_mm=3.0, imposition="saddle"), "--print-ready cannot be combined"),
        (Settings(imposition="perfect"), "unknown imposition"),
    ],
)
def test_impossible_combinations_are_clear_errors(settings, message):
    with pytest.raises(BookletError) as caught:
        check_settings(settings)
    assert caught.value.code == Exit.USAGE
    assert message in str(caught.value)
