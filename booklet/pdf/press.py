"""PDF/X-4 finishing for print-ready files: the output intent and colour-managed RGB.

WeasyPrint's `pdf/x-4` variant writes the PDF/X-4 identification (XMP, PDF 1.6,
Info /Trapped) but no output intent unless a CSS colour profile is given, and it
paints in DeviceRGB. This module adds what PDF/X-4 asks of such a file:

- one `/GTS_PDFX` output intent naming the printing condition (FOGRA39: offset on
  coated paper, ISO 12647-2) with the CMYK profile shipped in `icc/`;
- `/DefaultRGB` (ICC-based sRGB, WeasyPrint's own profile) in every page's and
  every form XObject's resources, and sRGB for DeviceRGB transparency groups, so
  the RGB artwork is colour-managed rather than device-dependent.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

OUTPUT_CONDITION = "FOGRA39"
CONDITION_TEXT = "Offset printing on coated paper, ISO 12647-2 (FOGRA39)"
REGISTRY = "http://www.color.org"


@cache
def cmyk_profile() -> bytes:
    """The CMYK output profile (see icc/README.md for how it was made)."""
    return files("booklet.pdf").joinpath("icc/fogra39-coated.icc").read_bytes()


@cache
def srgb_profile() -> bytes:
    """WeasyPrint's bundled sRGB profile: the space its DeviceRGB colours are meant in."""
    return files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()


def _icc_stream(pdf: Any, data: bytes, components: int, alternate: str) -> Any:
    import pikepdf

    stream = pikepdf.Stream(pdf, data)
    stream.N = components
    stream.Alternate = pikepdf.Name(alternate)
    return pdf.make_indirect(stream)


def prepare_for_press(pdf: Any) -> bool:
    """Add the PDF/X output intent and colour-manage DeviceRGB. Returns True (the file changes)."""
    import pikepdf

    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
        OutputCondition=pikepdf.String(CONDITION_TEXT),
        RegistryName=pikepdf.String(REGISTRY),
        Info=pikepdf.String(CONDITION_TEXT),
        DestOutputProfile=_icc_stream(pdf, cmyk_profile(), 4, "/DeviceCMYK"),
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])
    srgb = pdf.make_indirect(pikepdf.Array([pikepdf.Name.ICCBased, _icc_stream(pdf, srgb_profile(), 3, "/DeviceRGB")]))
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        _manage(page.obj, srgb, seen)
    trailer_info = pdf.trailer.get("/Info")
    if trailer_info is not None and "/Trapped" not in trailer_info:
        trailer_info.Trapped = pikepdf.Name("/False")
    return True


def _manage(owner: Any, srgb: Any, seen: set[tuple[int, int]]) -> None:
    """Give `owner` (a page or form XObject) DefaultRGB and sRGB groups, then its form XObjects."""
    import pikepdf

    if owner.is_indirect:
        if owner.objgen in seen:
            return
        seen.add(owner.objgen)
    group = owner.get("/Group")
    if group is not None and group.get("/CS") == pikepdf.Name.DeviceRGB:
        group.CS = srgb
    if "/Resources" not in owner:
        owner.Resources = pikepdf.Dictionary()
    resources = owner.Resources
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        resources.ColorSpace = spaces = pikepdf.Dictionary()
    spaces.DefaultRGB = srgb
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == pikepdf.Name.Form:
            _manage(xobject, srgb, seen)
        smask = xobject.get("/SMask")
        if isinstance(smask, pikepdf.Stream) and smask.get("/Subtype") == pikepdf.Name.Form:
            _manage(smask, srgb, seen)
    for pattern in resources.get("/Pattern", {}).values():
        if isinstance(pattern, pikepdf.Stream):
            _manage(pattern, srgb, seen)
    for state in resources.get("/ExtGState", {}).values():
        mask = state.get("/SMask")
        if isinstance(mask, pikepdf.Dictionary) and isinstance(mask.get("/G"), pikepdf.Stream):
            _manage(mask.G, srgb, seen)
