"""`booklet serve`: a local web page that shows the booklet live while its content is edited.

One process keeps WeasyPrint loaded. A watcher thread (watch.watch_loop, the same loop
`booklet watch` uses) rebuilds on every change with watch.rebuild_variants: the HTML
edition first (milliseconds), then the PDF and PNG previews of its pages. The page
(assets/serve.html) hears about each rebuild through server-sent events and shows the
HTML edition, the page previews, every content problem with its file:line, an audience
picker and a download button.

Safety: the server binds 127.0.0.1 unless told otherwise and answers only the browser
that opened the address it printed (serve_guard.py: a start-up secret swapped for a
cookie, Host and Origin checks, 64 kB bodies, one line per unexpected error). It serves
only the files the page shows (each view's HTML edition, PDF and page previews, looked up
by name, never by path), never the personal copies in output/people/, the caches, the
print file or its manifest, and it never writes content files.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ..content.model import ID_PATTERN
from ..errors import BookletError, Exit, Problem, Where
from ..project import Project
from ..settings import Settings
from .serve_guard import LOCAL_HOSTS, WILDCARDS, Guard, allowed_hosts, network_address
from .serve_plan import plan_routes
from .watch import rebuild_variants, watch_loop, watched_files, watched_paths

PREVIEW_DPI = 40
ASSETS = ("serve.html", "serve.css", "serve.js", "plan.css", "plan.js")
MAX_VIEWS = 20


@dataclass
class View:
    """What the page shows for one audience (None: the default booklet)."""

    audience: str | None
    version: int = 0
    """Goes up by one whenever anything below changes."""
    building: bool = True
    html: str = ""
    """The HTML edition's file name in output/ (the last good one)."""
    pdf: str = ""
    pages: list[str] = field(default_factory=list)
    """PNG previews in output/, one per page."""
    problems: list[dict[str, Any]] = field(default_factory=list)
    spelling: list[dict[str, Any]] = field(default_factory=list)
    """Words to look at (`booklet check --spelling`): the word, where, suggestions."""
    spelling_missing: list[str] = field(default_factory=list)
    """Why spelling was not (fully) checked: a dictionary's Debian package to install."""
    seconds: float = 0.0
    built_at: float = 0.0
    pdf_built_at: float = 0.0
    """When the PDF was last written (before its page previews are drawn)."""
    started_at: float = 0.0
    """When the latest build started."""

    def as_json(self) -> dict[str, Any]:
        return {
            "audience": self.audience,
            "version": self.version,
            "building": self.building,
            "html": self.html,
            "pdf": self.pdf,
            "pages": self.pages,
            "problems": self.problems,
            "spelling": self.spelling,
            "spelling_missing": self.spelling_missing,
            "seconds": round(self.seconds, 2),
            "built_at": self.built_at,
            "pdf_built_at": self.pdf_built_at,
            "started_at": self.started_at,
        }


def _anchor(problem: Problem, documents: dict[str, Any]) -> str:
    """The id of the element in the HTML edition that a problem is about, when there is one."""
    file = problem.where.file
    parts = problem.path.split(".") if problem.path else []
    if "/organisations/" in f"/{file}":
        return f"org-{Path(file).stem}"
    if file.endswith("routes.yaml") and len(parts) >= 2 and parts[0] == "routes" and parts[1].isdigit():
        data = getattr(documents.get(file), "data", None)
        try:
            return f"route-{data['routes'][int(parts[1])]['id']}"  # type: ignore[index]
        except (AttributeError, LookupError, TypeError, ValueError):
            return "routes"
    if file.endswith("booklet.yaml") and len(parts) >= 2 and parts[0] == "sections":
        return parts[1]
    if file.endswith("booklet.yaml") and parts and parts[0] == "introduction":
        return "introduction"
    return ""


def _problem_json(problem: Problem, documents: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": problem.where.file,
        "line": problem.where.line,
        "col": problem.where.col,
        "where": str(problem.where) or "-",
        "path": problem.path,
        "what": problem.what,
        "hint": problem.hint,
        "warning": problem.warning,
        "anchor": _anchor(problem, documents),
        "text": problem.line(),
    }


def _spelling(content: Any, folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The spelling panel's words: `check --spelling` on the content as loaded (never creating words.txt)."""
    from ..adapters.spelling import check_spelling

    report = check_spelling(content.documents, folder, create=False)
    found = [
        _problem_json(f.problem, content.documents)
        | {"word": f.word, "language": f.language, "suggestions": f.suggestions}
        for f in report.findings
    ]
    return found, report.missing


class Previewer:
    """Builds the views the page asks for, one build at a time, and tells the page when they change."""

    def __init__(self, project: Project, brand: Path | None = None, dpi: int = PREVIEW_DPI) -> None:
        self.project = project
        self.brand = brand
        self.dpi = dpi
        self.views: dict[str | None, View] = {None: View(None)}
        self.audiences: list[dict[str, str]] = []
        self.lock = threading.Lock()
        """One build at a time: WeasyPrint is not thread-safe."""
        self.changed = threading.Condition()
        self.stop = threading.Event()

    # The page's state -------------------------------------------------------------------

    def view(self, audience: str | None) -> View:
        with self.changed:
            if audience not in self.views:
                self.views[audience] = View(audience)
                threading.Thread(target=self.build, args=(audience,), daemon=True).start()
            return self.views[audience]

    def served(self) -> set[str]:
        """The only files under output/ the page may fetch: each view's HTML edition, PDF and pages."""
        with self.changed:
            views = list(self.views.values())
        names = set()
        for view in views:
            names |= {name for name in (view.html, view.pdf, *view.pages) if name}
        return names

    def _publish(self, audience: str | None, **values: Any) -> None:
        with self.changed:
            old = self.views[audience]
            self.views[audience] = replace(old, version=old.version + 1, **values)
            self.changed.notify_all()

    # Building ---------------------------------------------------------------------------

    def build_all(self) -> None:
        for audience in list(self.views):
            self.build(audience)

    def build(self, audience: str | None) -> None:
        """Rebuild one view: the HTML edition, then the PDF and its page previews."""
        with self.lock:
            start = time.perf_counter()
            self._publish(audience, building=True, started_at=time.time())
            problems: list[dict[str, Any]] = []
            values: dict[str, Any] = {}
            try:
                web = Settings(edition="web")
                content, results = rebuild_variants(
                    self.project, self.brand, [audience] if audience else (), variants=(web,)
                )
                self.audiences = [{"id": a.id, "name": a.name} for a in content.audiences]
                problems = [_problem_json(p, content.documents) for p in content.problems]
                values["spelling"], values["spelling_missing"] = _spelling(content, self.project.content)
                if not results:  # content errors: keep showing the last good booklet beside them
                    raise _Stop
                web_result = results[-1]
                if web_result.status == "failed":
                    problems.append(self._failure(web_result.error))
                else:
                    values["html"] = web_result.output.name
                # The HTML edition shows at once; the PDF follows.
                self._publish(audience, problems=problems, **values)
                _, results = rebuild_variants(self.project, self.brand, [audience] if audience else ())
                pdf_result = results[-1]
                if pdf_result.status == "failed":
                    problems.append(self._failure(pdf_result.error))
                else:
                    values["pdf"] = pdf_result.output.name
                    self._publish(audience, pdf=values["pdf"], pdf_built_at=time.time())
                    values["pages"] = self._pages(pdf_result.output, pdf_result.status == "unchanged")
                    problems += [self._failure(w) for w in pdf_result.warnings]
            except _Stop:
                pass
            except BookletError as exc:
                problems += [_problem_json(p, {}) for p in exc.problems]
            except Exception as exc:  # a bug: show it in the page rather than a blank one
                from ..errors import bug_message, save_traceback

                problems.append(self._failure(bug_message(save_traceback()), kind=type(exc).__name__))
            self._publish(
                audience,
                building=False,
                problems=problems,
                seconds=time.perf_counter() - start,
                built_at=time.time(),
                **values,
            )

    def _failure(self, message: str, kind: str = "") -> dict[str, Any]:
        text = f"{kind}: {message}" if kind else message
        return _problem_json(Problem(Where(""), text), {})

    def _pages(self, pdf: Path, unchanged: bool) -> list[str]:
        from .preview import PREVIEW_DIR, render_pages

        folder = self.project.output / PREVIEW_DIR / "serve"
        existing = sorted(folder.glob(f"{pdf.stem}-page-*.png"))
        if not (unchanged and existing and all(p.stat().st_mtime >= pdf.stat().st_mtime for p in existing)):
            existing = render_pages(pdf, folder, None, self.dpi)
        return [str(p.relative_to(self.project.output)) for p in existing]

    # Watching ---------------------------------------------------------------------------

    def watch(self, on_ready: Callable[[], None] = lambda: None) -> None:
        """Build once, then rebuild every view after each change, until `stop` is set."""
        self.build_all()
        paths = watched_paths(self.project, self.brand)
        files = watched_files(self.brand)
        watch_loop(paths, self.build_all, on_ready, self.stop, raise_interrupt=False, files=files)


class _Stop(Exception):
    """Ends a build early (content errors), keeping what was published."""


# ---------------------------------------------------------------------------------- the web app


def _asset(name: str) -> bytes:
    return (resources.files("booklet.cli") / "assets" / name).read_bytes()


def _inside(base: Path, relative: str) -> Path | None:
    """`base/relative` if it resolves to a file inside `base`, else None (no `..`, no symlinks out)."""
    try:
        base = base.resolve()
        path = (base / relative).resolve()
        inside = path.relative_to(base)
        if inside.parts[:1] == ("people",) or any(part.startswith(".") for part in inside.parts):
            return None  # personal copies and caches, whatever asked for them
        return path if path.is_file() else None
    except (ValueError, OSError, RuntimeError):  # OSError: e.g. a name too long for the file system
        return None


def make_app(
    previewer: Previewer,
    allowed: set[str],
    secret: str,
    port: int,
    print_error: Callable[[str], None] = print,
) -> Any:
    """The Starlette application, wrapped in the guard (serve_guard.py)."""
    from sse_starlette.sse import EventSourceResponse
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    output = previewer.project.output

    def audience_of(request: Request) -> str | None:
        value = request.query_params.get("audience") or None
        if value is None or value in {a["id"] for a in previewer.audiences}:
            return value
        # Before the first build the audiences are not known yet: accept anything shaped like
        # an id (an unknown one is reported as a problem), but never let a page make views without end.
        if not previewer.audiences and re.fullmatch(ID_PATTERN, value) and len(previewer.views) < MAX_VIEWS:
            return value
        return None

    async def index(request: Request) -> Response:
        return Response(
            _asset("serve.html"),
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": (
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
                ),
                "Cache-Control": "no-store",
            },
        )

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return PlainTextResponse("not found", status_code=404)
        kind = {"css": "text/css", "js": "text/javascript", "html": "text/html"}[name.rsplit(".", 1)[1]]
        return Response(_asset(name), media_type=f"{kind}; charset=utf-8", headers={"Cache-Control": "no-store"})

    async def state(request: Request) -> Response:
        view = previewer.view(audience_of(request))
        data = view.as_json() | {"audiences": previewer.audiences, "project": previewer.project.root.name}
        return JSONResponse(data, headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        audience = audience_of(request)

        async def stream() -> Any:
            seen = -1
            while not previewer.stop.is_set():
                version = previewer.view(audience).version
                if version != seen:
                    seen = version
                    yield {"event": "state", "data": json.dumps({"version": version})}
                await asyncio.sleep(0.05)

        return EventSourceResponse(stream(), ping=15)

    async def files(request: Request) -> Response:
        name = request.path_params["path"]
        path = _inside(output, name) if name in previewer.served() else None
        if path is None:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(path, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    async def download(request: Request) -> Response:
        view = previewer.view(audience_of(request))
        path = _inside(output, view.pdf) if view.pdf else None
        if path is None:
            return PlainTextResponse("the PDF is not built yet: see the problems listed", status_code=404)
        return FileResponse(path, media_type="application/pdf", filename=path.name)

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/assets/{name}", asset),
            Route("/state", state),
            Route("/events", events),
            Route("/download", download),
            Route("/output/{path:path}", files),
            *plan_routes(previewer),
        ]
    )
    return Guard(app, allowed, secret, port, print_error)


def serve(
    content: Path | None,
    styles: Path | None,
    brand: Path | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    print_line: Callable[[str], None] = print,
    print_error: Callable[[str], None] = print,
    allow_hosts: list[str] | tuple[str, ...] = (),
) -> None:
    """Build, watch and serve the preview page until Ctrl-C."""
    import secrets

    import uvicorn

    project = Project.locate(content, styles)
    project.output.mkdir(parents=True, exist_ok=True)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = "choose another with --port, or --port 0 for any free port"
        raise BookletError.single(
            f"cannot listen on {host}:{port} ({exc.strerror})", hint=hint, code=Exit.USAGE
        ) from None
    port = sock.getsockname()[1]
    sock.listen(128)  # connections wait in the queue from now on, so the printed address works at once
    secret = secrets.token_urlsafe(32)
    allowed = allowed_hosts(host, port, allow_hosts)
    shown = network_address(host)
    if host not in LOCAL_HOSTS:
        names = ", ".join(sorted(a.rsplit(":", 1)[0] for a in allowed))
        where = "every address of this machine" if host in WILDCARDS else host
        print_error(
            f"warning: serving on {where}, so other computers on the network can reach this server; "
            "they still need the secret in the address below (share it only with who should see the booklet); "
            f"it answers to {names} (add a name with --allow-host); use the default 127.0.0.1 unless you mean it"
        )
    previewer = Previewer(project, brand)
    watcher = threading.Thread(
        target=previewer.watch,
        kwargs={"on_ready": lambda: print_line(f"watching {project.content} for changes")},
        daemon=True,
    )
    watcher.start()
    config = uvicorn.Config(
        make_app(previewer, allowed, secret, port, print_error),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    # Ctrl-C may come as soon as the address is printed, before uvicorn takes the signals
    # over: from now on a signal asks the server to stop, never interrupts whatever runs.
    stopped: list[int] = []

    def stop_server(sig: int, _frame: Any) -> None:
        stopped.append(sig)
        server.should_exit = True

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, stop_server) for sig in (signal.SIGINT, signal.SIGTERM)}
    print_line(f"serving http://{shown}:{port}/?token={secret} (Ctrl-C to stop; the address holds a secret)")
    try:
        server.run(sockets=[sock])
    finally:
        previewer.stop.set()
        with previewer.changed:
            previewer.changed.notify_all()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stopped:
        raise KeyboardInterrupt
