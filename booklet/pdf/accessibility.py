"""Accessibility: measure a built PDF (and our stylesheets) against the rules readers rely on.

`check_pdf` reads a finished PDF and returns one `Rule` per requirement: tagged
structure, document language, title shown in the title bar, heading hierarchy,
alt text on every figure, smallest text size and text contrast. Sizes and
colours are measured on the real pages with pdfium (already a dependency):
each character's size comes from its font size and text matrix, and its
background from a render of the page with all text made invisible, so borders,
cards and covers count exactly as printed.

`colour_pairs` reads a stylesheet's custom properties and its declared
text/background pairs, so tests can compute their contrast from the CSS alone.

`mark_page_furniture` turns text that WeasyPrint 70 tags outside the structure
tree (running headers and footers in page margin boxes) into artifacts, as
PDF/UA asks for page furniture.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..colour import MIN_TEXT_CONTRAST, contrast

MIN_TEXT_PT = 12.0
"""RNIB Clear Print and GDS: nothing printed smaller than 12 pt."""

LARGE_PRINT_PT = 16.0
"""RNIB: large print is 16 to 18 pt."""

HEADING_TAGS = {f"/H{n}": n for n in range(1, 7)}


@dataclass(frozen=True)
class Rule:
    """The outcome of one accessibility rule on one document."""

    name: str
    passed: bool
    detail: str
    required: bool = True
    """Advisory rules print WARN instead of FAIL and do not change the exit code."""

    def line(self) -> str:
        status = "PASS" if self.passed else ("FAIL" if self.required else "WARN")
        return f"{status}  {self.name}: {self.detail}"


# --- The structure tree -------------------------------------------------------------------


def _walk_structure(root) -> Iterator:
    """Structure elements in reading (document) order, each once."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if "/S" in node:
            yield node
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)


def structure_elements(pdf) -> list:
    """Every structure element reachable from the StructTreeRoot, in document order."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/K" not in root:
        return []
    return list(_walk_structure(root.K))


def heading_levels(pdf) -> list[int]:
    """Levels of the H1–H6 elements in reading order."""
    return [HEADING_TAGS[str(e.S)] for e in structure_elements(pdf) if str(e.S) in HEADING_TAGS]


def heading_parts(pdf, levels: list[int]) -> list[list[int]]:
    """`levels` (the document's heading levels in reading order) by part: one part, or each language's
    half of a bilingual edition (each a top-level element holding one H1, as the halves are two booklets
    in one file)."""
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/K" not in root:
        return [[]]
    document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    tops = document.get("/K") if str(document.get("/S")) == "/Document" else None
    if not isinstance(tops, pikepdf.Array):
        return [levels]
    parts = [[HEADING_TAGS[str(e.S)] for e in _walk_structure(top) if str(e.S) in HEADING_TAGS] for top in tops]
    halves = [part for part in parts if part]
    if len(halves) > 1 and all(part.count(1) == 1 for part in halves) and sum(map(len, halves)) == len(levels):
        return halves
    return [levels]


def heading_problems(levels: list[int]) -> list[str]:
    """What is wrong with a sequence of heading levels (empty when it is a proper outline)."""
    if not levels:
        return ["no headings"]
    problems = []
    if levels[0] != 1:
        problems.append(f"the first heading is H{levels[0]}, not H1")
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} H1 headings, expected exactly 1")
    for before, after in pairwise(levels):
        if after > before + 1:
            problems.append(f"H{before} is followed by H{after}")
            break
    return problems


def figures(pdf) -> list[tuple[str | None, str]]:
    """(alt text or None, page) of every Figure element."""
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    found = []
    for element in structure_elements(pdf):
        if str(element.S) != "/Figure":
            continue
        alt = element.get("/Alt") or element.get("/ActualText")
        page = element.get("/Pg")
        where = str(pages.get(page.objgen, "?")) if page is not None else "?"
        found.append((str(alt).strip() or None if alt is not None else None, where))
    return found


def orphaned_mcids(pdf) -> dict[int, set[int]]:
    """Page index → marked-content ids whose structure element is not in the structure tree.

    WeasyPrint 70 tags margin-box text (running footers) this way: it is neither
    read as content nor marked as an artifact.
    """
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return {}
    reachable = {e.objgen for e in structure_elements(pdf)}
    orphans: dict[int, set[int]] = {}
    for index, page in enumerate(pdf.pages):
        key = page.obj.get("/StructParents")
        if key is None:
            continue
        mapping = _number_tree_get(root.ParentTree, int(key))
        if mapping is None:
            continue
        for mcid, element in enumerate(mapping):
            if element is not None and getattr(element, "is_indirect", False) and element.objgen not in reachable:
                orphans.setdefault(index, set()).add(mcid)
    return orphans


def _number_tree_get(node, key: int):
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            if int(nums[i]) == key:
                return nums[i + 1]
    for kid in node.get("/Kids", []):
        low, high = (int(v) for v in kid.get("/Limits", [key, key]))
        if low <= key <= high:
            found = _number_tree_get(kid, key)
            if found is not None:
                return found
    return None


def mark_page_furniture(pdf_bytes: bytes) -> bytes:
    """Re-mark text tagged outside the structure tree (running footers) as pagination artifacts.

    PDF/UA wants page furniture marked as an artifact, so assistive technology
    skips it without it looking like untagged content. WeasyPrint 70 writes it
    with marked-content ids whose structure elements hang outside the tree.
    """
    import pikepdf

    with pikepdf.open(BytesIO(pdf_bytes)) as pdf:
        if not mark_furniture_in(pdf):
            return pdf_bytes
        out = BytesIO()
        pdf.save(out)
        return out.getvalue()


_MARKED_CONTENT = re.compile(rb"/[A-Za-z0-9_]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def mark_furniture_in(pdf: Any) -> bool:
    """`mark_page_furniture` on an open pikepdf document, in place; True if anything changed.

    The markers are rewritten with a regular expression on the decoded content
    stream: parsing every operator with pikepdf cost about 130 ms a booklet.
    """

    orphans = orphaned_mcids(pdf)
    if not orphans:
        return False
    root = pdf.Root.StructTreeRoot
    for index, mcids in orphans.items():
        page = pdf.pages[index]
        remark_as_artifacts(pdf, page, mcids, b"/Pagination")
        mapping = _number_tree_get(root.ParentTree, int(page.obj.StructParents))
        for mcid in mcids:
            mapping[mcid] = None
    return True


def remark_as_artifacts(pdf: Any, page: Any, mcids: set[int], kind: bytes) -> None:
    """Rewrite the page's marked content with these ids as artifacts of `kind` (/Pagination, /Layout).

    A regular expression on the decoded content stream: parsing every operator with
    pikepdf cost about 130 ms a booklet.
    """
    import pikepdf

    def as_artifact(match: re.Match[bytes]) -> bytes:
        if int(match.group(1)) in mcids:
            return b"/Artifact <</Type " + kind + b">> BDC"
        return match.group(0)

    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    data = b"\n".join(stream.read_bytes() for stream in streams)
    page.obj.Contents = pdf.make_stream(_MARKED_CONTENT.sub(as_artifact, data))


# --- Text on the page: sizes and contrast -------------------------------------------------


@dataclass(frozen=True)
class TextSample:
    """One run of characters with the same size, colour and background on one page."""

    page: int
    size: float
    """Rendered size in points (font size × text matrix × page transform)."""
    colour: str
    background: str
    text: str

    @property
    def contrast(self) -> float:
        return contrast(self.colour, self.background)


def _hex(r: int, g: int, b: int) -> str:
    return f"#{r:02x}{g:02x}{b:02x}"


def text_samples(path: Path, scale: float = 2.0) -> list[TextSample]:
    """Every visible character of the PDF, grouped into runs, with its size, colour and background."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    samples: list[TextSample] = []
    text_doc = pdfium.PdfDocument(str(path))
    background_doc = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(text_doc)):
            page = text_doc[index]
            height = page.get_height()
            textpage = page.get_textpage()
            chars = []
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            matrix = raw.FS_MATRIX()
            box = [ctypes.c_double() for _ in range(4)]
            for i in range(textpage.count_chars()):
                if raw.FPDFText_IsGenerated(textpage, i) == 1:
                    continue
                char = chr(raw.FPDFText_GetUnicode(textpage, i))
                if char.isspace() or not char.isprintable():
                    continue
                raw.FPDFText_GetMatrix(textpage, i, matrix)
                size = raw.FPDFText_GetFontSize(textpage, i) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
                raw.FPDFText_GetFillColor(textpage, i, r, g, b, a)
                raw.FPDFText_GetCharBox(textpage, i, *box)  # left, right, bottom, top
                left, right, bottom, top = (v.value for v in box)
                chars.append((char, round(size, 1), _hex(r.value, g.value, b.value), (left, right, bottom, top)))
            textpage.close()

            # The same page with every text object invisible: what lies under each glyph.
            bg_page = background_doc[index]
            for obj in bg_page.get_objects(max_depth=8):
                if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                    raw.FPDFTextObj_SetTextRenderMode(obj, raw.FPDF_TEXTRENDERMODE_INVISIBLE)
            image = bg_page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")

            run: list = []
            for char, size, colour, (left, right, bottom, top) in chars:
                # A box around the glyph, a little larger, so the glyph's own ink is excluded by the render anyway.
                x0, x1 = int(left * scale), max(int(right * scale), int(left * scale) + 1)
                y0, y1 = (
                    int((height - top) * scale),
                    max(int((height - bottom) * scale), int((height - top) * scale) + 1),
                )
                crop = image.crop((x0 - 1, y0 - 1, x1 + 1, y1 + 1))
                colours = crop.getcolors(crop.width * crop.height) or [(1, (255, 255, 255))]
                background = _hex(*max(colours)[1])
                if run and (run[0][1], run[0][2], run[0][3]) == (size, colour, background):
                    run.append((char, size, colour, background))
                else:
                    if run:
                        samples.append(_sample(index, run))
                    run = [(char, size, colour, background)]
            if run:
                samples.append(_sample(index, run))
    finally:
        text_doc.close()
        background_doc.close()
    return samples


def _sample(index: int, run: list) -> TextSample:
    _, size, colour, background = run[0]
    return TextSample(index + 1, size, colour, background, "".join(c[0] for c in run))


def body_size(samples: list[TextSample]) -> float:
    """The size most characters are printed at: the body text size."""
    counts: Counter[float] = Counter()
    for sample in samples:
        counts[sample.size] += len(sample.text)
    return counts.most_common(1)[0][0] if counts else 0.0


# --- The rules ----------------------------------------------------------------------------


@dataclass
class Report:
    """All rules for one PDF."""

    path: Path
    rules: list[Rule] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(rule.passed for rule in self.rules if rule.required)

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)


def check_pdf(path: Path, min_size: float = MIN_TEXT_PT, min_contrast: float = MIN_TEXT_CONTRAST) -> Report:
    """Measure a built PDF against each accessibility rule."""
    import pikepdf

    report = Report(path)
    add = report.rules.append
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        elements = structure_elements(pdf)
        marked = _flag(root, "/MarkInfo", "/Marked")
        ua = pdf.open_metadata().get("pdfuaid:part")
        add(
            Rule(
                "tagged",
                bool(elements) and marked,
                f"StructTreeRoot with {len(elements)} elements, MarkInfo Marked {str(marked).lower()}"
                + (f", PDF/UA-{ua} identifier" if ua else ", no PDF/UA identifier"),
            )
        )

        lang = str(root.get("/Lang", "")).strip()
        add(
            Rule(
                "language",
                bool(re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang)),
                lang or "no /Lang in the catalog",
            )
        )

        display = _flag(root, "/ViewerPreferences", "/DisplayDocTitle")
        title = str(pdf.docinfo.get("/Title", "")).strip() or str(pdf.open_metadata().get("dc:title", "")).strip()
        add(
            Rule(
                "title displayed",
                display and bool(title),
                f"DisplayDocTitle {str(display).lower()}, title " + (f"“{title}”" if title else "missing"),
            )
        )

        levels = [HEADING_TAGS[str(e.S)] for e in elements if str(e.S) in HEADING_TAGS]
        problems = [problem for part in heading_parts(pdf, levels) for problem in heading_problems(part)]
        counts = ", ".join(f"{levels.count(n)} H{n}" for n in sorted(set(levels)))
        add(Rule("headings", not problems, "; ".join(problems) if problems else f"{counts}, no level skipped"))

        found = figures(pdf)
        missing = [page for alt, page in found if not alt]
        add(
            Rule(
                "alt text",
                not missing,
                f"{len(found) - len(missing)} of {len(found)} figures"
                + (f"; missing on page {', '.join(dict.fromkeys(missing))}" if missing else ""),
            )
        )

        orphans = orphaned_mcids(pdf)
        loose = sum(len(v) for v in orphans.values())
        add(
            Rule(
                "page furniture",
                not loose,
                "running headers and footers are artifacts"
                if not loose
                else f"{loose} running header/footer texts are tagged outside the structure tree, not as artifacts",
            )
        )

    samples = text_samples(path)
    if samples:
        smallest = min(samples, key=lambda s: s.size)
        add(
            Rule(
                "smallest text",
                smallest.size >= min_size - 0.05,
                f"{smallest.size:.1f} pt (at least {min_size:g} pt; body {body_size(samples):.1f} pt)"
                + ("" if smallest.size >= min_size - 0.05 else f"; “{smallest.text[:30]}” on page {smallest.page}"),
            )
        )
        worst = min(samples, key=lambda s: s.contrast)
        ok = worst.contrast >= min_contrast
        add(
            Rule(
                "contrast",
                ok,
                f"min {worst.contrast:.1f}:1, {worst.colour} on {worst.background} (at least {min_contrast:g}:1)"
                + ("" if ok else f"; “{worst.text[:30]}” on page {worst.page}"),
            )
        )
    else:
        add(Rule("smallest text", False, "no text found: is the PDF scanned images only?"))
        add(Rule("contrast", False, "no text found"))
    return report


def _flag(root, dictionary: str, key: str) -> bool:
    """A boolean entry of a catalog sub-dictionary, false when either is missing."""
    holder = root.get(dictionary)
    return holder is not None and bool(holder.get(key, False))


def run_accessibility_check(
    path: Path, print_line: Callable[[str], None] = print, min_size: float = MIN_TEXT_PT
) -> int:
    """`booklet check --accessibility PDF`: one verdict from the independent checkers and our rules
    (an EPUB gets EPUBCheck's and DAISY Ace's, see `epub_checkers`).

    The independent PDF/UA checkers (`checkers`) report first, finding by finding;
    our own rules follow (text size, contrast, line length and the structure facts
    a reader relies on). Exit 0 only when both checkers found nothing and every
    required rule passed; a checker that is not installed is said plainly, and the
    verdict then says it rests on our rules alone.
    """
    from ..errors import BookletError, Exit
    from .checkers import check_independently, print_verdicts

    if path.suffix.lower() == ".epub":  # an e-book: EPUBCheck and DAISY Ace judge it
        from .epub_checkers import run_epub_check

        if not path.is_file():
            raise BookletError.single(
                "no such EPUB", file=path, hint="build it first with `booklet build --edition epub`", code=Exit.USAGE
            )
        return run_epub_check(path, print_line)
    if not path.is_file():
        raise BookletError.single("no such PDF", file=path, hint="build it first with `booklet build`", code=Exit.USAGE)
    if path.read_bytes()[:5] != b"%PDF-":
        raise BookletError.single("not a PDF file", file=path, code=Exit.USAGE)
    print_line(f"Accessibility of {path}:")
    failed, missing = print_verdicts(
        check_independently([path])[path],
        print_line,
        lambda _checker: "pip install 'booklet[check]'",
        lambda verdict: (
            "no errors or warnings" + (f"; {len(verdict.skipped)} rule(s) it could not run" if verdict.skipped else "")
        ),
    )
    report = check_pdf(path, min_size=min_size)
    for rule in report.rules:
        print_line(f"  {rule.line()}")
    failed += [r.name for r in report.rules if r.required and not r.passed]
    if failed:
        print_line(f"{len(failed)} check(s) failed: {', '.join(failed)}.")
    elif missing:
        print_line(f"Our own rules passed; not independently checked ({', '.join(missing)} not installed).")
    else:
        print_line("All checks passed: both independent PDF/UA checkers and our own rules.")
    return int(Exit.CONTENT) if failed else 0


# --- Colours declared by a stylesheet -----------------------------------------------------

_PAIRS_COMMENT = re.compile(r"contrast pairs:(.*?)\*/", re.S | re.I)


def custom_properties(css: str) -> dict[str, str]:
    """The colour custom properties of every :root rule, with var() references resolved."""
    import tinycss2

    values: dict[str, str] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule" or tinycss2.serialize(rule.prelude).strip() != ":root":
            continue
        for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type == "declaration" and declaration.name.startswith("--"):
                values[declaration.name] = tinycss2.serialize(declaration.value).strip()
    for _ in range(5):  # resolve var(--x) chains
        for name, value in values.items():
            match = re.fullmatch(r"var\((--[\w-]+)\)", value)
            if match and match.group(1) in values:
                values[name] = values[match.group(1)]
    return values


def declared_pairs(css: str) -> list[tuple[str, str]]:
    """The text/background pairs a stylesheet declares in its `contrast pairs:` comment.

    The comment lists pairs as `--text on --background`, comma separated; either
    side may also be a literal #rrggbb colour.
    """
    pairs = []
    for block in _PAIRS_COMMENT.findall(css):
        for item in re.split(r"[,;\n]", block):
            match = re.search(r"(--[\w-]+|#[0-9a-fA-F]{3,6})\s+on\s+(--[\w-]+|#[0-9a-fA-F]{3,6})", item)
            if match:
                pairs.append((match.group(1), match.group(2)))
    return pairs


def colour_pairs(css: str) -> list[tuple[str, str, float]]:
    """(text, background, contrast ratio) for every declared pair, colours resolved to #rrggbb."""
    props = custom_properties(css)
    result = []
    for text, background in declared_pairs(css):
        fg, bg = props.get(text, text), props.get(background, background)
        result.append((f"{text} {fg}", f"{background} {bg}", contrast(fg, bg)))
    return result
