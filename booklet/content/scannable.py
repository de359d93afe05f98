"""Whether an address can be printed as a QR code that a phone will scan.

A QR code grows with its data: a longer address needs more modules (the small
squares), and at a fixed printed size each module gets smaller. Below about
0.4 mm a module, phone cameras at arm's length stop reading the code; past
2,331 bytes no QR code can hold the data at all. The printed sizes below are
the smallest the stylesheets give each kind of code in any page format; a test
reads the stylesheets to keep them true.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import segno
from segno.consts import ERROR_LEVEL_M, SYMBOL_CAPACITY

MIN_MODULE_MM = 0.4
"""Smallest printed module (in mm) that phones scan reliably at arm's length."""

ERROR_LEVEL = "m"
"""Error correction used for every printed code (15 % of the code may be damaged)."""

QR_SIZES_MM: dict[str, dict[str, float]] = {
    "card": {
        "A4": 28,
        "A5": 22,
        "large print": 32,
        "large print A5": 30,
        "directory A4": 20,
        "directory A5": 18,
        "directory large print": 27,
    },
    "route": {"A4": 23, "A5": 20, "large print": 30, "large print A5": 30, "handout": 18, "compacted handout": 15},
    "back": {"A4": 62, "A5": 38},
}
"""Printed width of each kind of QR code in each page format and layout (from styles/*.css): an
address must scan in the smallest, since the same content may print as a directory or a handout."""


def make(data: str) -> segno.QRCode:
    """The QR code printed for `data` (raises segno's DataOverflowError when nothing can hold it)."""
    return segno.make(data, error=ERROR_LEVEL, micro=False)


@dataclass(frozen=True)
class Scan:
    """How a code for one address prints at the smallest size of its kind."""

    modules: int
    """Modules across the code (0 when no QR code can hold the address)."""
    size_mm: float
    page_format: str

    @property
    def module_mm(self) -> float:
        return self.size_mm / self.modules if self.modules else 0.0

    @property
    def scannable(self) -> bool:
        return self.module_mm >= MIN_MODULE_MM


def scan(data: str, kind: str) -> Scan:
    """The code for `data` at the smallest printed size of `kind` (card, route or back)."""
    page_format, size = min(QR_SIZES_MM[kind].items(), key=lambda item: item[1])
    try:
        # The mask does not change the size; fixing it skips segno's costly choice of the best one.
        modules = int(segno.make(data, error=ERROR_LEVEL, micro=False, mask=0).symbol_size(border=0)[0])
    except segno.DataOverflowError:
        modules = 0
    return Scan(modules, size, page_format)


@cache
def longest_scannable(kind: str) -> int:
    """Bytes of an address that still scan at the smallest size of `kind` (in byte mode, the mode of any
    address with lower-case letters; other modes hold more, so this is the safe bound).

    Read from the QR capacity table rather than by making codes: making one costs 10-50 ms.
    """
    size = min(QR_SIZES_MM[kind].values())
    version = int((size / MIN_MODULE_MM - 17) // 4)  # a version-v code has 17 + 4v modules across
    if version < 1:
        return 0
    bits: int = SYMBOL_CAPACITY[version][ERROR_LEVEL_M]  # type: ignore[index]
    return (bits - 4 - (8 if version < 10 else 16)) // 8  # less the mode and length fields


def problem(data: str, kind: str) -> str | None:
    """Why `data` cannot be printed as a scannable code of `kind`, with a hint in brackets; None if it can."""
    if len(data.encode("utf-8")) <= longest_scannable(kind):
        return None  # fits: no need to make the code
    result = scan(data, kind)
    if result.scannable:
        return None
    limit = longest_scannable(kind)
    if not result.modules:
        return (
            f"is too long for any QR code ({len(data.encode()):,} bytes) "
            f"(use a shorter address: at most about {limit} characters print as a scannable code)"
        )
    return (
        f"is too long to print as a QR code that phones can scan: {len(data):,} characters make "
        f"{result.modules}×{result.modules} modules, {result.module_mm:.2f} mm each at {result.size_mm:g} mm "
        f"({result.page_format}); at least {MIN_MODULE_MM} mm is needed "
        f"(use a shorter address, e.g. the site's home page: at most about {limit} characters fit)"
    )
