"""Spreadsheets in and out: organisations, routes (with their facts), points, the glossary and stories
as sheets, written back as YAML.

`export_sheets` (export.py) writes one sheet per kind of item; `import_sheets` (importing.py) reads
.xlsx, .ods or CSV (through workbook.py) and works out the YAML files that change. layout.py is what
both agree on: the columns, the files a sheet covers, an item as a row (facts.py flattens a route's
facts into columns); yamledit.py edits the YAML in place.
"""

from .export import export_sheets
from .importing import Change, ImportResult, import_sheets
from .layout import (
    COLUMNS,
    GLOSSARY,
    LISTS,
    ORGANISATIONS,
    POINTS,
    REQUIRED,
    ROUTES,
    SECTIONS,
    SEPARATOR,
    STORIES,
)

__all__ = [
    "COLUMNS",
    "GLOSSARY",
    "LISTS",
    "ORGANISATIONS",
    "POINTS",
    "REQUIRED",
    "ROUTES",
    "SECTIONS",
    "SEPARATOR",
    "STORIES",
    "Change",
    "ImportResult",
    "export_sheets",
    "import_sheets",
]
