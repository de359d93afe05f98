"""Print-ready files are PDF/X-4 for a print shop, and stay tagged PDF/UA-1.

Reads the print-ready A4 and A5 variants the session's `variants` fixture built
(the independent PDF/UA checkers run over the same files in
test_independent_checkers.py).
"""

from __future__ import annotations

import pikepdf
import pytest
from typer.testing import CliRunner

from booklet.errors import BookletError, Exit
from booklet.pdf.finish import check_settings
from booklet.settings import Settings
from tests.conftest import CONTENT

PRINT_READY = ("print-ready", "print-ready-a5")


@pytest.fixture(params=PRINT_READY)
def press_pdf(request, variants):
    with pikepdf.open(variants[request.param].path) as pdf:
        yield pdf


def test_one_pdfx_output_intent_with_a_cmyk_printer_profile(press_pdf):
    (intent,) = press_pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFX"
    assert str(intent.OutputConditionIdentifier) == "FOGRA39"
    assert str(intent.RegistryName) == "http://www.color.org"
    assert "coated paper" in str(intent.OutputCondition) and "12647-2" in str(intent.Info)
    profile = intent.DestOutputProfile
    assert int(profile.N) == 4
    header = profile.read_bytes()[:128]
    assert header[12:16] == b"prtr"  # device class: output (printer) profile
    assert header[16:20] == b"CMYK"  # colour space of the data
    assert header[36:40] == b"acsp"  # the ICC signature: a real profile, not a stub


def test_metadata_says_pdfx4_and_pdfua1(press_pdf):
    assert press_pdf.pdf_version == "1.6"  # PDF/X-4 is based on PDF 1.6
    meta = press_pdf.open_metadata()
    assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
    assert meta["pdfuaid:part"] == "1"
    assert press_pdf.trailer.Info.Trapped == "/False"
    assert "/StructTreeRoot" in press_pdf.Root  # still tagged for screen readers


def test_trim_and_bleed_boxes_on_every_page(press_pdf):
    for page in press_pdf.pages:
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
        assert [float(v) for v in page.BleedBox] == pytest.approx(media)
        assert trim[0] > media[0] and trim[1] > media[1] and trim[2] < media[2] and trim[3] < media[3]


def test_no_form_fields_and_links_draw_nothing(press_pdf):
    assert "/AcroForm" not in press_pdf.Root
    annotations = [annot for page in press_pdf.pages for annot in page.obj.get("/Annots", [])]
    assert annotations, "the website links should stay links"
    assert {str(annot.Subtype) for annot in annotations} == {"/Link"}
    for annot in annotations:
        assert "/AP" not in annot
        assert [float(v) for v in annot.get("/Border", [0, 0, 0])][2] == 0


def test_every_page_colour_manages_rgb_through_srgb(press_pdf):
    profiles = set()
    for page in press_pdf.pages:
        default = page.Resources.ColorSpace.DefaultRGB
        assert default[0] == "/ICCBased"
        assert int(default[1].N) == 3
        profiles.add(default[1].objgen)
        header = default[1].read_bytes()[:20]
        assert header[16:20] == b"RGB "
    assert len(profiles) == 1  # one profile stream shared by every page


def test_default_booklet_is_not_pdfx(default_pdf):
    with pikepdf.open(default_pdf.path) as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert "pdfxid:GTS_PDFXVersion" not in pdf.open_metadata()


@pytest.mark.parametrize("standard", ["a-2a", "a-3a"])
def test_print_ready_archive_copy_is_a_usage_error(standard, tmp_path):
    from booklet.cli import app

    out = tmp_path / "x.pdf"
    arguments = ["build", "--content", str(CONTENT), "-o", str(out), "--print-ready", "--pdf-standard", standard]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == Exit.USAGE
    assert f"--print-ready cannot be combined with --pdf-standard {standard}" in result.output
    assert "build the archive copy and the print-ready file separately" in result.output
    assert not out.exists()
    with pytest.raises(BookletError) as caught:
        check_settings(Settings(bleed_mm=3.0, pdf_standard=standard))
    assert caught.value.code == Exit.USAGE
    assert "PDF/X-4" in str(caught.value)
