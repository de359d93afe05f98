"""The "New action plan" page of `booklet serve`: a form that makes one student's plan.

The form (assets/plan.html.j2) follows the GOV.UK Design System's patterns; its answers are
checked by plan.check_plan and the copy made by plan.make_plan, exactly as `booklet plan`
does. Nothing about the student is kept but the PDF in output/people/: the answers live only
in the request, the preview images are sent inline (data: URIs, never written), and the PDF
is offered for download to the browser session that made it, by a random name, never by id.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import io
import secrets
import threading
from importlib import resources
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs

from ..content.load import Content, load_project_content
from ..project import Project
from ..settings import Settings
from .plan import FieldProblem, PlanInput, check_plan, make_plan, remember_adviser, remembered_adviser
from .serve_guard import Session


class Previewer(Protocol):
    """What the form needs of serve.Previewer (imported the other way round: serve uses this module)."""

    project: Project
    brand: Path | None
    lock: threading.Lock


ANCHORS = {
    "id": "student-id",
    "name": "name",
    "audience": "audience",
    "routes": "routes",
    "organisations": "organisations",
    "next_steps": "next-steps",
    "follow_up": "follow-up-day",
    "adviser": "adviser",
    "notes": "notes",
    "make": "make-plan",
}
"""Each field's first input: where the error summary's links go."""
MISSING = {
    "id": "Enter the student's reference, for example S1042",
    "name": "Enter the student's name",
    "routes": "Select at least one route the student chose",
}
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PREVIEW_DPI = 50


def _template() -> Any:
    from jinja2 import Environment

    source = (resources.files("booklet.cli") / "assets" / "plan.html.j2").read_text(encoding="utf-8")
    return Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(source)


def _follow_up(day: str, month: str, year: str) -> tuple[str, str]:
    """The date from its three boxes as YYYY-MM-DD, or a message saying what is wrong with it."""
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    if not any(parts.values()):
        return "", ""
    missing = [name for name, value in parts.items() if not value]
    if missing:
        return "", "Follow-up date must include a " + " and a ".join(missing)
    if not all(value.isdigit() for value in parts.values()) or len(parts["year"]) != 4:
        return "", "Follow-up date must be a real date, for example 27 3 2027"
    try:
        return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat(), ""
    except ValueError:
        return "", "Follow-up date must be a real date, for example 27 3 2027"


def _message(problem: FieldProblem) -> str:
    """A problem as the page says it: what to do, in a sentence."""
    if problem.field in MISSING and (problem.what.startswith("no ") or problem.what.startswith("choose")):
        return MISSING[problem.field]
    if problem.field == "follow_up" and "in the past" in problem.what:
        return "Follow-up date must be today or in the future"
    text = problem.what[:1].upper() + problem.what[1:]
    return text + (f" ({problem.hint})" if problem.hint else "")


def _previews(pdf: Path) -> list[str]:
    """The PDF's pages as PNG data: URIs, drawn in memory (a student's pages are never written as images)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        document.init_forms()  # draw the tick boxes, which are form fields
        for index in range(len(document)):
            image = document[index].render(scale=PREVIEW_DPI / 72, may_draw_forms=True).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")  # not optimize=True: three times slower for 2 % smaller
            images.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"))
    finally:
        document.close()
    return images


def plan_routes(previewer: Previewer) -> list[Any]:
    """The page's routes: GET /plan (the form), POST /plan (make it), GET /plan/download/KEY."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    project = previewer.project
    template = _template()

    def content() -> Content:
        return load_project_content(project.content, project.root, previewer.brand)

    def page(
        session: Session, loaded: Content, values: dict[str, Any], errors: dict[str, str], made: Any = None
    ) -> Response:
        booklet = loaded.booklet if not loaded.errors else None
        html = template.render(
            project=project.root.name,
            csrf=session.csrf,
            values=values,
            errors=errors,
            anchors=ANCHORS,
            made=made,
            routes=booklet.routes if booklet else [],
            organisations=booklet.organisations if booklet else [],
            audiences=loaded.audiences if booklet else [],
        )
        headers = {"Content-Security-Policy": CSP, "Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
        return HTMLResponse(html, headers=headers)

    async def form(request: Request) -> Response:
        session: Session = request.scope["booklet.session"]
        values = {"adviser": remembered_adviser(project), "routes": [], "organisations": [], "next_steps": []}
        return page(session, await run_in_threadpool(content), values, {})

    async def submit(request: Request) -> Response:
        session: Session = request.scope["booklet.session"]
        try:
            fields = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return PlainTextResponse("400 Bad Request: the form was not sent as UTF-8", status_code=400)
        sent = fields.get("csrf", [""])[0]
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            return PlainTextResponse(
                "403 Forbidden: this form was not sent from its own page; open /plan again", status_code=403
            )

        def one(name: str) -> str:
            return fields.get(name, [""])[0]

        values: dict[str, Any] = {
            name: one(name)
            for name in ("id", "name", "audience", "adviser", "notes", "plan_only", "remember_adviser", "language")
        }
        values |= {name: one(name) for name in ("follow_up_day", "follow_up_month", "follow_up_year")}
        values["routes"] = fields.get("routes", [])
        values["organisations"] = fields.get("organisations", [])
        values["next_steps"] = [line.strip() for line in one("next_steps").splitlines() if line.strip()]
        follow_up, date_error = _follow_up(values["follow_up_day"], values["follow_up_month"], values["follow_up_year"])
        plan = PlanInput(
            id=values["id"],
            name=values["name"],
            audience=values["audience"],
            routes=list(values["routes"]),
            organisations=list(values["organisations"]),
            next_steps=list(values["next_steps"]),
            follow_up=follow_up,
            adviser=values["adviser"],
            notes=values["notes"],
        )
        loaded = await run_in_threadpool(content)
        if loaded.errors or loaded.booklet is None:
            return page(session, loaded, values, {})
        today = dt.date.today()
        person, problems = check_plan(plan, loaded, today)
        errors = {p.field: _message(p) for p in reversed(problems)}  # the first problem of a field wins
        if date_error:
            errors["follow_up"] = date_error
        errors = {field: errors[field] for field in ANCHORS if field in errors}
        if errors or person is None:
            return page(session, loaded, values, errors)

        if values["remember_adviser"] and plan.adviser.strip():
            remember_adviser(project, plan.adviser.strip())
        settings = Settings(language="cy" if values["language"] == "cy" else "en")

        def make() -> tuple[Any, list[str]]:
            with previewer.lock:  # one render at a time: WeasyPrint is not thread-safe
                result = make_plan(project, loaded, person, settings, today, plan_only=bool(values["plan_only"]))
                return result, ([] if result.status == "failed" else _previews(result.output))

        result, images = await run_in_threadpool(make)
        if result.status == "failed":
            return page(session, loaded, values, {"make": f"The plan could not be made: {result.error}"})
        key = secrets.token_urlsafe(16)
        session.plans[key] = result.output
        made = {
            "id": person.id,
            "pages": len(images),
            "file": result.output.name,
            "href": f"/plan/download/{key}",
            "path": f"output/people/{result.output.name}",
            "images": images,
        }
        return page(session, loaded, {}, {}, made)

    async def download(request: Request) -> Response:
        session: Session = request.scope["booklet.session"]
        path = session.plans.get(request.path_params["key"])
        if path is None or not path.is_file():
            return PlainTextResponse("404 Not Found: make the plan again on this page", status_code=404)
        return FileResponse(
            path, media_type="application/pdf", filename=path.name, headers={"Cache-Control": "no-store"}
        )

    return [
        Route("/plan", form, methods=["GET"]),
        Route("/plan", submit, methods=["POST"]),
        Route("/plan/download/{key}", download),
    ]
