"""Header cells of tagged tables get their /Scope, which WeasyPrint 70 leaves out of the PDF.

The HTML says `<th scope="col">` and `<th scope="row">`, but WeasyPrint writes each TH with
only `/A << /O /Table >>`, so a PDF/UA checker (Matterhorn 15-003) cannot tell which data
cells a header belongs to. A TH in a THead row heads its column; any other TH heads its row
(the routes-at-a-glance table names each route in its first cell). Idempotent.
"""

from __future__ import annotations

from typing import Any

from .accessibility import structure_elements


def scope_header_cells(pdf: Any) -> bool:
    """Give every TH structure element a Table attribute with /Scope; True if anything changed."""
    import pikepdf

    changed = False
    for element in structure_elements(pdf):
        if element.S != "/TH":
            continue
        row = element.get("/P")
        section = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
        in_head = isinstance(section, pikepdf.Dictionary) and section.get("/S") == "/THead"
        scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
        attributes = element.get("/A")
        owners = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
        table = next((a for a in owners if isinstance(a, pikepdf.Dictionary) and a.get("/O") == "/Table"), None)
        if table is None:
            table = pikepdf.Dictionary(O=pikepdf.Name.Table)
            if attributes is None:
                element.A = table
            elif isinstance(attributes, pikepdf.Array):
                attributes.append(table)
            else:
                element.A = pikepdf.Array([attributes, table])
        if table.get("/Scope") != scope:
            table.Scope = scope
            changed = True
    return changed
