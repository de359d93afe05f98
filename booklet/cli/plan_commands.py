"""The `booklet plan` command's options; its body is in plan.py."""

from __future__ import annotations

import functools
from typing import Annotated

import typer

from .common import BrandOpt, ContentOpt, Language, LargePrintOpt, PageFormat, StylesOpt, err, guarded


def _many(name: str, text: str) -> object:
    return typer.Option(name, help=text, show_default=False)


@functools.partial(guarded, redact=True)
def plan(
    student_id: Annotated[
        str, typer.Option("--id", help="The student's reference (letters, digits, - and _); never their name.")
    ] = "",
    name: Annotated[str, typer.Option("--name", help="The student's name, printed on the cover and plan.")] = "",
    audience: Annotated[
        str, typer.Option("--audience", "-a", help="Audience id whose booklet the student gets (default: the whole).")
    ] = "",
    route: Annotated[list[str] | None, _many("--route", "A route the student chose (repeatable, or a,b).")] = None,
    organisation: Annotated[
        list[str] | None, _many("--organisation", "An organisation to contact (repeatable, or a,b).")
    ] = None,
    step: Annotated[
        list[str] | None, _many("--step", "A next step you agreed (repeatable), printed as a tick box.")
    ] = None,
    follow_up: Annotated[
        str, typer.Option("--follow-up", help="Date of the follow-up meeting, YYYY-MM-DD (today or later).")
    ] = "",
    adviser: Annotated[
        str, typer.Option("--adviser", help="Your name, printed on the plan (default: the one remembered).")
    ] = "",
    remember_adviser: Annotated[
        bool, typer.Option("--remember-adviser", help="Remember --adviser in this project for the next plans.")
    ] = False,
    notes: Annotated[str, typer.Option("--notes", help='A short note printed in the plan as "Adviser\'s note".')] = "",
    private_note: Annotated[
        str,
        typer.Option(
            "--private-note",
            help="A note for yourself: never printed, kept or cached (booklet drops it at once).",
            show_default=False,
        ),
    ] = "",
    plan_only: Annotated[
        bool, typer.Option("--plan-only", help="Just the cover and the action plan (1-2 pages), not the booklet.")
    ] = False,
    language: Annotated[Language, typer.Option("--language", help="Language of the copy: en, or cy for Welsh.")] = (
        Language.en
    ),
    content: ContentOpt = None,
    styles: StylesOpt = None,
    brand: BrandOpt = None,
    page_format: Annotated[PageFormat, typer.Option("--format", help="Page size of the copy.")] = PageFormat.a4,
    large_print: LargePrintOpt = False,
    force: Annotated[bool, typer.Option("--force", help="Make the copy again even when nothing changed.")] = False,
) -> None:
    """Make one student's action plan after a guidance interview: output/people/<id>.pdf.

    The copy is made as `booklet personalise` makes a class's: named by id, readable by you
    only. In a terminal, missing values are asked for (routes from a numbered list): on a
    shared computer leave --name out and type it when asked, as options show in `ps` and history.

    Example: booklet plan --id S1042 --name "Siân O'Connor" --route fast-stream --step "Book a mock interview"
    """
    from .plan import PlanInput, run_plan, split_values

    del private_note  # accepted so a note can be typed here, and dropped: never printed, kept or cached

    values = PlanInput(
        id=student_id,
        name=name,
        audience=audience,
        routes=split_values(route),
        organisations=split_values(organisation),
        next_steps=list(step or ()),
        follow_up=follow_up,
        adviser=adviser,
        notes=notes,
    )
    raise typer.Exit(
        run_plan(
            values,
            content=content,
            styles=styles,
            brand=brand,
            language=language.value,
            page_size=page_format.value.upper(),
            large_print=large_print,
            force=force,
            remember=remember_adviser,
            plan_only=plan_only,
            print_line=lambda line: print(line, flush=True),
            print_error=err,
        )
    )
