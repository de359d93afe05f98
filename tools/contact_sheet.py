"""A contact sheet of any PDF: every page, small and numbered, in one PNG, to judge a layout by eye.

Usage: python tools/contact_sheet.py FILE.pdf OUT.png [COLUMNS]

`booklet preview` makes the same sheet for a booklet it builds; this takes a PDF already built
(an A5, large-print, Welsh or bilingual edition, a personal copy). docs/contact-sheet-*.png are
made with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from booklet.cli.preview import contact_sheet

if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    columns = int(sys.argv[3]) if len(sys.argv) == 4 else 8
    print(contact_sheet(Path(sys.argv[1]), Path(sys.argv[2]), columns))
