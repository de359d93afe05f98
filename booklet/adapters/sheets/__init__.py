"""Spreadsheets in and out: organisations, routes and points as sheets, written back as YAML.

`export_sheets` (export.py) writes one sheet per kind of item; `import_sheets` (importing.py) reads
.xlsx, .ods or CSV (through workbook.py) and works out the YAML files that change. layout.py is what
both agree on: the columns, the files a sheet covers, an item as a row.
"""

from .export import export_sheets
from .importing import Change, ImportResult, import_sheets
from .layout import COLUMNS, LISTS, ORGANISATIONS, POINTS, REQUIRED, ROUTES, SECTIONS, SEPARATOR

__all__ = [
    "COLUMNS",
    "LISTS",
    "ORGANISATIONS",
    "POINTS",
    "REQUIRED",
    "ROUTES",
    "SECTIONS",
    "SEPARATOR",
    "Change",
    "ImportResult",
    "export_sheets",
    "import_sheets",
]
