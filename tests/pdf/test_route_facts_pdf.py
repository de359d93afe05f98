"""Routes at a glance in the PDF: a tagged table (Table, TR, TH with /Scope, TD) on A4, blocks in A5 and large print."""

from __future__ import annotations

import pikepdf
import pytest

from booklet.pdf.accessibility import structure_elements
from booklet.pdf.checkers import check_independently, executable
from booklet.pdf.tables import scope_header_cells
from booklet.render.facts import glance_columns


def _tags(element) -> list[str]:
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [str(k.S) for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _scope(element) -> str | None:
    attributes = element.get("/A")
    owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for owner in owners:
        if isinstance(owner, pikepdf.Dictionary) and owner.get("/O") == "/Table":
            scope = owner.get("/Scope")
            return str(scope) if scope is not None else None
    return None


def glance_routes(booklet_model) -> list[str]:
    return [r.title for r in booklet_model.routes if r.facts and (r.facts.who or r.facts.entry or r.facts.apply)]


def test_the_default_booklet_tags_its_glance_table(default_pdf, booklet_model):
    with pikepdf.open(default_pdf.path) as pdf:
        elements = structure_elements(pdf)
        [table] = [e for e in elements if e.S == "/Table"]
        assert _tags(table) == ["/THead", "/TBody"]
        head_rows = [e for e in elements if e.S == "/TR" and e.P.S == "/THead"]
        body_rows = [e for e in elements if e.S == "/TR" and e.P.S == "/TBody"]
        assert len(head_rows) == 1 and len(body_rows) == len(glance_routes(booklet_model))
        columns = len(glance_columns(booklet_model.routes))
        assert _tags(head_rows[0]) == ["/TH"] * (1 + columns)
        for row in body_rows:
            assert _tags(row) == ["/TH", *["/TD"] * columns]
        headers = [e for e in elements if e.S == "/TH"]
        assert [_scope(h) for h in headers if h.P.P.S == "/THead"] == ["/Column"] * (1 + columns)
        assert [_scope(h) for h in headers if h.P.P.S == "/TBody"] == ["/Row"] * len(body_rows)
    text = default_pdf.text
    assert "Routes at a glance" in text
    for title in glance_routes(booklet_model):
        assert title in text


def test_scoping_is_idempotent(default_pdf):
    with pikepdf.open(default_pdf.path) as pdf:
        assert scope_header_cells(pdf) is False  # the build already did it


@pytest.mark.parametrize("name", ["a5", "large-print", "large-print-a5"])
def test_a5_and_large_print_have_blocks_not_a_table(variants, name):
    built = variants[name]
    with pikepdf.open(built.path) as pdf:
        assert not [e for e in structure_elements(pdf) if e.S == "/Table"]
    flat = " ".join(built.text.split())
    assert "Routes at a glance" in flat
    assert "Who it is for:" in flat


@pytest.mark.skipif(executable("outloud") is None or executable("pdfua") is None, reason="PDF/UA checkers missing")
def test_both_checkers_accept_the_table(default_pdf):
    [outloud, pdfua] = check_independently([default_pdf.path])[default_pdf.path]
    assert outloud.findings == [] and pdfua.findings == []
