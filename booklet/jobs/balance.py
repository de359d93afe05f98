"""Balancing a booklet's pages: lay out, find the short body pages, remedy them, lay out again.

The general form of the handout's fit (`fit.py`). WeasyPrint lays out once and moves a
block that does not fit to the next page, leaving the space behind it empty; a section
that starts a new page does the same. After the first layout the balancer measures every
body page (`booklet.pdf.fill`) and, for each page that misses the targets, looks at what
made it short and adds a remedy, as CSS aimed at the element by its id:

- a main section that would start a new page after a page under RUN_ON full runs on
  instead, its heading kept with its lead and first item;
- a card (entry route, organisation profile) that would leave more than a third of a page
  empty may split across pages; the next page repeats its title as "… (continued)" in the
  top margin (an artifact, so the tags still show one card and one list), and a step never
  parts from its tick box;
- one or two items of a section that spill onto a nearly empty page are pulled back by
  tightening the spacing between items (never the text size or the line spacing);
- a short last page before the back cover takes the end of the card before it, where that
  leaves both pages fuller than the short one was.

Each round lays out again with every remedy found so far, at most MAX_EXTRA_LAYOUTS times;
the layout with the best score (fewest and least empty short pages, then fewest pages) is
kept. The printed order never changes: remedies move page breaks, not content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..pdf.fill import GOOD, TARGET, PageFill, meets_targets, page_fills, score
from ..settings import Settings

MAX_EXTRA_LAYOUTS = 3
RUN_ON = 60
"""A main section runs on after a page less full than this (per cent)."""
SPLIT = GOOD
"""A card may split when keeping it whole would leave its page under GOOD full (more than 30 % empty)."""
SPILL = 25
"""A page less full than this that only finishes the section before it is a spill to pull back."""
CARDS = ("route", "card", "entry", "story")
"""Classes of the blocks that may split across pages, their title repeated."""
CARD_TAGS = ("article", "aside")
"""Elements of the cards: an aside is a person's story (after the card it names)."""
EDITION_PARTS = ("cy", "en")
"""Ids of the halves of a bilingual edition."""
BACK_MATTER = ("glossary", "dates-to-know")
"""Classes of the sections after the routes that may run on in duplex too: there the chapters start on
right-hand pages, but a short page, a blank one and a page of glossary are worse than a glossary that
follows the routes on the same page."""


@dataclass(frozen=True)
class Remedies:
    """What the balancer changes, each aimed at an element by its id."""

    run_on: frozenset[str] = frozenset()
    split: frozenset[str] = frozenset()
    tight: frozenset[str] = frozenset()
    breaks: tuple[tuple[str, int], ...] = ()
    """(id, n): start a new page before a route's n-th step (0: before its notes), or before the
    element itself (n = -1: a point, a reason, a card)."""
    closing_rules: tuple[int, ...] = ()
    """Ruled lines for notes after the last section of each language's part (one part but in a
    bilingual edition), filling a last page the content leaves short."""

    def __bool__(self) -> bool:
        return bool(self.run_on or self.split or self.tight or self.breaks or self.closing_rules)

    def css(self) -> str:
        """The remedies as CSS rules, added after every stylesheet."""
        rules = []
        for ident in sorted(self.run_on):
            rules.append(f"#{ident} {{ break-before: auto; margin-top: 6mm; }}")
            rules.append(f"#{ident} > h2, #{ident} > .lead {{ break-after: avoid; }}")
            # Where a route's QR code sits below its text (large print A5), its name, summary and address
            # may part after two lines of summary, so the first card of a section that runs on can begin
            # in the space the page leaves; beside the text, the code needs the whole head.
            rules.append(f"#{ident} .route-text {{ break-inside: var(--route-text-parts, avoid); }}")
        for ident in sorted(self.split):
            # `ident` is a section (its cards may split) or one card. A route keeps its head with its
            # first step, its last step with the one before, and its notes with its last step; a
            # profile or directory entry keeps its name with its summary and its QR code with its
            # address. So neither part of a split card is a scrap.
            def each(tail: str, kinds: tuple[str, ...] = CARDS, ident: str = ident) -> str:
                return ", ".join(f"#{ident}{sp}.{kind}{tail}" for sp in ("", " ") for kind in kinds)

            profiles = ("card", "entry")
            rules.append(f"{each('')} {{ break-inside: auto; }}")
            rules.append(f"{each(' h3')} {{ break-inside: avoid; }}")  # a route's text: booklet.css
            rules.append(f"{each(' h3')} {{ break-after: avoid; }}")  # a route's head: booklet.css
            # A profile splits inside its summary or before its address, never just before "Typical
            # roles": the same words at the top of page after page read as a running header to a checker
            # (and to a reader).
            rules.append(
                f"{each(' .summary', ('card',))}, {each(' .roles-label', ('card',))} {{ break-after: avoid; }}"
            )
            rules.append(
                f"{each(' .steps > li:last-child', ('route',))}, {each(' .notes', ('route',))}, "
                f"{each(' .link', ('entry',))}, {each(' .qr', profiles)} {{ break-before: avoid; }}"
            )
            rules.append(f"{each(' .notes', ('route',))} {{ break-inside: avoid; }}")
            # A story splits inside its text, never before it: its label, name and quote stay together.
            # One with a photo beside its text stays whole (the photo is placed by position at the top of
            # the story); on A5 pages the photo follows the text and the story may split (print.css).
            rules.append(
                f"{each(' .story-label', ('story',))}, {each(' .story-name', ('story',))}, "
                f"{each(' .story-quote', ('story',))} {{ break-after: avoid; }}"
            )
            rules.append(f"{each('.with-photo', ('story',))} {{ break-inside: var(--story-photo-parts, avoid); }}")
        for ident in sorted(self.tight):
            rules.append(
                f"#{ident} .point, #{ident} .reasons, #{ident} .card, #{ident} .route {{ margin-bottom: 1.5mm; }}"
            )
            rules.append(f"#{ident} .points {{ margin-bottom: 3mm; }} #{ident} .lead {{ margin-bottom: 3mm; }}")
            rules.append(f"#{ident} h2 {{ margin-bottom: 3mm; }} #{ident} .points h3 {{ margin-bottom: 1.5mm; }}")
        for ident, step in self.breaks:
            targets = {-1: f"#{ident}", 0: f"#{ident} .notes"}
            target = targets.get(step, f"#{ident} .steps > li:nth-child({step})")
            rules.append(f"{target} {{ break-before: page; }}")
        return "\n".join(rules)

    def __or__(self, other: Remedies) -> Remedies:
        breaks = dict(self.breaks)
        breaks.update(dict(other.breaks))
        return Remedies(
            self.run_on | other.run_on,
            self.split | other.split,
            self.tight | other.tight,
            tuple(sorted(breaks.items())),
            other.closing_rules or self.closing_rules,
        )


@dataclass
class Balanced:
    """The layout kept, its page fills and the remedies that made it."""

    laid: Any
    fills: list[PageFill]
    remedies: Remedies = field(default_factory=Remedies)
    layouts: int = 1


def settings_with(settings: Settings, remedies: Remedies) -> Settings:
    """`settings` with the remedies' CSS added after every stylesheet (and the closing notes)."""
    if not remedies:
        return settings
    return replace(settings, extra_css=(*settings.extra_css, remedies.css()), closing_rules=remedies.closing_rules)


def find_remedies(
    fills: list[PageFill],
    laid: Any,
    duplex: bool = False,
    tried: Remedies = Remedies(),
    splittable: frozenset[str] = frozenset(),
) -> Remedies:
    """The remedies that this layout's short pages call for (see the module's docstring).

    `tried` is what earlier rounds applied: a break inside the card before a short last page is
    tried once. `splittable` names the sections whose cards the next layout lets split (besides
    those `tried` already does): a section of them may run on where its first card's opening fits."""
    run_on: set[str] = set()
    split: set[str] = set()
    tight: set[str] = set()
    breaks: dict[str, int] = {}
    for index, page in enumerate(fills[:-1]):
        after = fills[index + 1]
        if page.fill is None:
            continue
        section = _held_back(fills, index) if duplex else after
        if section is not None and page.fill < RUN_ON and "major" in section.first_classes:
            # Only where its heading and first item can fit in what the page leaves.
            if _opening(laid, section, tried.split | splittable) <= page.top + page.height - page.lowest - 6 * MM:
                run_on.add(section.first)
        elif page.fill < SPLIT and any(c in after.first_classes for c in CARDS):
            # Every card of the section may split: one card split moves the ones after it.
            split.add(after.continues[-1] if after.continues else after.first)
        if (
            after.fill is not None
            and after.fill < SPILL
            and after.continues
            and (index + 2 >= len(fills) or fills[index + 2].first)
        ):
            # The outermost section it goes on with (not a bilingual edition's half, `cy` or `en`).
            sections = [c for c in after.continues if c not in EDITION_PARTS]
            if sections:
                tight.add(sections[0])
    found = Remedies(frozenset(_both_halves(run_on)), frozenset(split), frozenset(_both_halves(tight)))
    if tried.breaks or (tried | found) != tried:
        return found
    # Once sections and cards have settled: balance a short page with the full one before it.
    for ident, step in _short_last(fills, laid):
        if step >= 0:
            split.add(ident)
        breaks[ident] = step
    return replace(found, split=frozenset(split), breaks=tuple(sorted(breaks.items())))


def _held_back(fills: list[PageFill], index: int) -> PageFill | None:
    """In duplex, the page after `fills[index]` whose back matter may run on: the next page, or the one
    after the blank left-hand page that keeps it on the right. None where that page does not start
    back matter: a main chapter never runs on there."""
    after = fills[index + 1]
    if after.kind == "blank" and index + 2 < len(fills):
        after = fills[index + 2]
    return after if any(c in after.first_classes for c in BACK_MATTER) else None


def _opening(laid: Any, page: PageFill, split: frozenset[str] = frozenset()) -> float:
    """How tall the section starting at the top of `page` is down to the end of its first item
    (its first list item, table, line of routes at a glance, or card): what running it on needs (px).
    A card of a section in `split` needs only its name and the first lines of its summary (a section
    that runs on lets its cards split there)."""
    from weasyprint.formatting_structure import boxes

    stack = [c for c in laid.document.pages[page.number - 1]._page_box.children if not isinstance(c, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        element = box.element
        if element is not None and element.get("id") == page.first:
            for child in _walk(box):
                classes = (child.element.get("class") or "").split() if child.element is not None else []
                if child.element_tag in ("li", "table") or "glance-fact" in classes:
                    # A list's first item, a whole table, or the first line of routes at a glance.
                    return child.position_y + child.margin_height() - page.top
                if child.element_tag in CARD_TAGS and any(c in classes for c in CARDS):
                    end = _first_part(child) if page.first in split else None
                    return (end if end is not None else child.position_y + child.margin_height()) - page.top
            return float(box.margin_height())
        if isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    return 0.0


def _first_part(card: Any) -> float | None:
    """Where the first part of a card that may split ends (px from the page's top): after the
    second line of its summary, or after a route's first step where its QR code sits beside its
    text (the head then stays whole)."""
    from weasyprint.formatting_structure import boxes

    walked = _walk(card)
    whole_head = "route" in (card.element.get("class") or "").split() and any(
        child.element_tag == "img" and child.style["position"] == "absolute" for child in walked if child is not card
    )
    for child in walked:
        classes = (child.element.get("class") or "").split() if child.element is not None else []
        if whole_head:  # the QR code beside the text: the head stays whole, with the first step
            steps = [c for c in getattr(child, "children", []) if c.element_tag == "li"]
            if child.element_tag == "ul" and "steps" in classes and steps:  # not a list of facts
                return float(steps[0].position_y + steps[0].margin_height())
            continue
        if child.element_tag == "blockquote" and "story-quote" in classes:
            return float(child.position_y + child.margin_height())
        if child.element_tag == "p" and "summary" in classes and isinstance(child, boxes.BlockBox):
            lines = [line for line in child.children if isinstance(line, boxes.LineBox)]
            if lines:
                line = lines[min(1, len(lines) - 1)]
                return float(line.position_y + line.height)
    return None


def _both_halves(ids: set[str]) -> set[str]:
    """In a bilingual edition the halves have the same sections: a section that runs on (or is
    tightened) in one half is allowed to in the other, saving a round; it still moves only where
    its heading and first item fit."""
    mirrored = set(ids)
    for ident in ids:
        for one, other in (("cy-", "en-"), ("en-", "cy-")):
            if ident.startswith(one):
                mirrored.add(other + ident.removeprefix(one))
    return mirrored


MM = 96 / 25.4
"""CSS px in a millimetre."""


def _parts(fills: list[PageFill]) -> list[list[PageFill]]:
    """The body pages of each language's part: runs of pages between covers."""
    parts: list[list[PageFill]] = [[]]
    for page in fills:
        if page.kind == "cover" and parts[-1]:
            parts.append([])
        elif page.kind == "body":
            parts[-1].append(page)
    return [part for part in parts if part]


def _finished(fills: list[PageFill]) -> list[PageFill]:
    """The fills as they will be once the finishing layout has ruled notes lines on the short last
    page of each part: the measure to compare layouts by (a short last page costs nothing then)."""
    last = {part[-1].number for part in _parts(fills)}
    return [replace(f, fill=100) if f.number in last and f.fill is not None and f.fill < GOOD else f for f in fills]


def _blank_between_parts(fills: list[PageFill]) -> bool:
    """Whether a page is left blank between one half's back cover and the next half's cover."""
    return any(
        page.kind == "blank" and fills[i - 1].kind == "cover" and fills[i + 1].kind == "cover"
        for i, page in enumerate(fills[1:-1], start=1)
    )


def _closing_rules(fills: list[PageFill], large_print: bool) -> tuple[int, ...]:
    """For each part, how many ruled lines fill what its last body page leaves empty (0 where it
    is full enough); () when no part needs any."""
    rule = (11 if large_print else 9) * MM  # .notes-page .rule in booklet.css and large-print.css
    heading = (16 if large_print else 12) * 1.3 * 1.5 * 96 / 72 + 10 * MM  # a line of 1.3 em text, the gap
    counts = []
    for part in _parts(fills):
        last = part[-1]
        space = last.top + last.height - last.lowest - heading - 2 * MM
        # One line fewer than would fit: a notes block that does not fit would move to a page of its own.
        counts.append(max(0, int(space // rule) - 1) if last.fill is not None and last.fill < GOOD else 0)
    return tuple(counts) if any(counts) else ()


def _short_last(fills: list[PageFill], laid: Any) -> list[tuple[str, int]]:
    """Breaks that balance a short page with the full one before it, where nothing can follow the
    short page onto it: the last body page, and the last page of a section before a section that
    starts a new page. Each is (id, step): the step of a route before which to break (0: before its
    notes), or -1 to break before the element itself (a point, a reason, a card)."""
    body = [f for f in fills if f.kind == "body"]
    found = []
    for index, short in enumerate(fills):
        if short.fill is None or short.fill >= GOOD or index == 0:
            continue
        before = fills[index - 1]
        after = fills[index + 1] if index + 1 < len(fills) else None
        last_of_part = short is body[-1] or (after is not None and after.kind != "body")
        last_of_section = after is not None and "major" in after.first_classes
        if before.fill is None or not (last_of_part or last_of_section):
            continue
        point = _balance_pair(before, short, laid)
        if point is not None:
            found.append(point)
    return found


def _balance_pair(before: PageFill, short: PageFill, laid: Any) -> tuple[str, int] | None:
    """The break on `before` that leaves both pages fuller than GOOD (or than `short` was), if any."""
    page = laid.document.pages[before.number - 1]._page_box
    best: tuple[float, tuple[str, int]] | None = None
    assert short.fill is not None
    for ident, step, y in _break_points(page):
        moved = before.lowest - y
        if moved <= 0 or y <= before.top:
            continue
        new_before = 100 * (y - before.top) / before.height
        new_short = short.fill + 100 * moved / short.height + 4  # a repeated title, a gap
        worst = min(new_before, new_short)
        if new_short <= 100 and worst > short.fill and (best is None or worst > best[0]):
            best = (worst, (ident, step))
    return best[1] if best is not None and best[0] >= max(TARGET, short.fill + 10) else None


def card_sections(laid: Any) -> frozenset[str]:
    """The ids of the sections that hold cards (routes, organisation profiles)."""
    from weasyprint.formatting_structure import boxes

    found: set[str] = set()
    for page in laid.document.pages:
        stack: list[tuple[Any, str]] = [(c, "") for c in page._page_box.children if not isinstance(c, boxes.MarginBox)]
        while stack:
            box, section = stack.pop()
            element = box.element
            classes = (element.get("class") or "").split() if element is not None else []
            if box.element_tag == "section" and element.get("id"):
                section = element.get("id")
            if any(c in classes for c in CARDS) and box.element_tag in CARD_TAGS and section:
                found.add(section)
                continue
            if isinstance(box, boxes.ParentBox):
                stack.extend((child, section) for child in box.children)
    return frozenset(found)


ITEMS = ("point", "reason", *CARDS)
"""Classes of the items a page may be broken before."""


def _break_points(page_box: Any) -> list[tuple[str, int, float]]:
    """The places on a page where it may break: (id, step, top in px) — before an item that begins
    on the page (step -1), or inside a route that begins on it (its n-th step, 0 for its notes)."""
    from weasyprint.formatting_structure import boxes

    points: list[tuple[str, int, float]] = []
    stack = [c for c in page_box.children if not isinstance(c, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        element = box.element
        classes = (element.get("class") or "").split() if element is not None else []
        if element is not None and element.get("id") and any(c in ITEMS for c in classes):
            points.append((element.get("id"), -1, box.position_y))
        if box.element_tag == "article" and "route" in classes and element.get("id"):
            ident = element.get("id")
            for child in _walk(box):
                child_classes = (child.element.get("class") or "").split() if child.element is not None else []
                if child.element_tag == "ul" and "steps" in child_classes:
                    items = [e for e in child.element if e.tag == "li"]
                    for item in (c for c in child.children if c.element_tag == "li"):
                        number = items.index(item.element) + 1  # in the whole list, not this page's part
                        if number > 1:
                            points.append((ident, number, item.position_y))
                elif child.element_tag == "div" and "notes" in child_classes:
                    points.append((ident, 0, child.position_y))
            continue
        if isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    return points


def _walk(box: Any) -> list[Any]:
    from weasyprint.formatting_structure import boxes

    out, stack = [], [box]
    while stack:
        current = stack.pop()
        out.append(current)
        if isinstance(current, boxes.ParentBox):
            stack.extend(reversed(current.children))
    return out


def balance(
    layout: Callable[[Settings], Any],
    settings: Settings,
    rounds: int | None = None,
    whole_sheets: bool = False,
    first: Any = None,
    unmeasured: frozenset[int] = frozenset(),
    stale: bool = False,
) -> Balanced:
    """Lay out with `layout(settings)` and remedy short pages; returns the best layout found.

    At most `rounds` extra layouts (default MAX_EXTRA_LAYOUTS): all but the last move page
    breaks; the last one finishes the best of them, filling a short last page of each part
    with ruled notes lines and, with `whole_sheets`, adding ruled Notes pages before the back
    cover up to a multiple of four pages. `rounds=0` measures the first layout and only pads.
    The `unmeasured` pages (0-based) are left out of every measure, so no remedy is found on them or
    for them: a student's action plan, fitted on its own and the same length in every layout, so the
    remedies of the pages after it do not depend on what the plan holds.
    `first` is the layout of `settings` when the caller has it already, or, with `stale`, a layout of
    what `settings` changes only on the unmeasured pages without moving any other: a student's action
    plan before its notes lines were counted. The first layout with `settings` is then the next one,
    with the remedies found: one layout fewer than fitting the plan first and balancing after.
    """
    rounds = MAX_EXTRA_LAYOUTS if rounds is None else rounds

    def measure(laid: Any) -> list[PageFill]:
        return [replace(f, fill=None) if f.number - 1 in unmeasured else f for f in page_fills(laid.document)]

    laid = first if first is not None else layout(settings)
    fills = measure(laid)
    best = Balanced(laid, fills)
    remedies = Remedies()
    made = 1
    stale = stale and first is not None
    while made <= rounds - 1 and not meets_targets(_finished(fills)):
        # Cards split only where a whole one leaves room for a part (a route's head and first step
        # at least), so letting every card section split at once, in the first round, saves the rounds
        # that finding them one short page at a time would take.
        splittable = card_sections(laid) if made == 1 else frozenset()
        found = (
            remedies | find_remedies(fills, laid, settings.duplex, remedies, splittable) | Remedies(split=splittable)
        )
        if found == remedies and not stale:
            break
        remedies = found
        laid = layout(settings_with(settings, remedies))
        made += 1
        fills = measure(laid)
        if stale or score(_finished(fills)) < score(_finished(best.fills)):
            best = Balanced(laid, fills, remedies)
        stale = False
    closing = _closing_rules(best.fills, settings.large_print) if rounds and not meets_targets(best.fills) else ()
    pad = -best.laid.pages % 4 if whole_sheets else 0
    # A folded bilingual edition: the page left blank so the second half opens on a right-hand page
    # becomes a Notes page at the end of the first half.
    halves = (1, pad) if whole_sheets and _blank_between_parts(best.fills) else ()
    if closing or pad or halves:
        finished = replace(best.remedies, closing_rules=closing)
        laid = layout(replace(settings_with(settings, finished), notes_pages=pad, part_notes=halves))
        made += 1
        fills = measure(laid)
        if closing and laid.pages != best.laid.pages + pad:
            # The notes lines did not fit after all: pad the best layout as it was.
            laid = layout(replace(settings_with(settings, best.remedies), notes_pages=pad, part_notes=halves))
            made += 1
            finished, fills = best.remedies, measure(laid)
        best = Balanced(laid, fills, finished)
        stale = False
    if stale:  # nothing to remedy or finish: the layout of `settings` itself
        laid = layout(settings)
        made += 1
        best = Balanced(laid, measure(laid))
    best.layouts = made
    return best


def plan_rules(laid: Any, settings: Settings, plan_end: int) -> int | None:
    """The number of "My notes" lines that makes a student's action plan end at the foot of a
    page, or None when the plan's last page (0-based `plan_end`) is already full enough.

    A plan whose last page holds little but the notes spilled from the page before gets two
    lines (or none, if two still spill); any other short last page (one that holds the end of the
    plan before its notes too) gets as many lines as fit."""
    fills = page_fills(laid.document)
    last = fills[plan_end]
    if last.fill is None or last.fill >= GOOD:
        return None
    # .notes .rule: 7 mm, 6 mm on A5 pages (print.css), 10 mm in large print; and its 0.3 mm border.
    rule = ((10 if settings.large_print else 6 if settings.page_size.upper() == "A5" else 7) + 0.3) * MM
    if (
        last.fill < SPILL
        and "action-plan" in last.continues
        and settings.plan_rules > 0
        and _notes_only(laid, plan_end)
    ):
        return 2 if settings.plan_rules > 2 else 0
    # One line fewer than would fit; and one more where the notes are new: their label needs a line.
    extra = int((last.top + last.height - last.lowest) // rule) - (1 if settings.plan_rules else 2)
    return settings.plan_rules + extra if extra > 0 else None


def _notes_only(laid: Any, index: int) -> bool:
    """Whether the plan's part on page `index` (0-based) is its notes alone: fewer lines may pull them
    back; anything before them stays where it is, however many lines follow."""
    boxes = _walk(laid.document.pages[index]._page_box)
    plan = next((b for b in boxes if b.element is not None and b.element.get("id") == "action-plan"), None)
    parts = [c for c in getattr(plan, "children", []) if c.element is not None]
    return bool(parts) and all("notes" in (c.element.get("class") or "").split() for c in parts)


def fill_warnings(fills: list[PageFill]) -> list[str]:
    """One warning for each body page that misses the targets, naming the page and the cause."""
    from ..pdf.fill import short_pages

    total = len(fills)
    lines = []
    for page in sorted(short_pages(fills), key=lambda f: f.number):
        after = fills[page.number] if page.number < total else None
        lines.append(
            f"warning: page {page.number} of {total} is {page.fill} % full (target: {TARGET} % or more, "
            f"most pages {GOOD} %): {_cause(page, after)}"
        )
    return lines


def _cause(page: PageFill, after: PageFill | None) -> str:
    if after is None or after.kind == "cover":
        return "the content ends here"
    if any(c in after.first_classes for c in CARDS):
        return f"the next item ({after.first}) is too tall for the space left"
    if after.first:
        return f"the next part ({after.first}) starts a new page"
    return "the next page goes on with what this page began"
