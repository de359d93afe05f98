"""Link checking: find every web address in the content and ask each site whether it still answers.

`addresses` walks the parsed content files (with their positions) and returns
every value that is a whole http(s) address: organisation websites, route and
call-to-action urls, `source:` fields, the brand's `web:`. `check_links` asks
each site politely (HEAD, then GET where HEAD is refused; a few requests at a
time overall and one at a time per host; short timeouts and one retry) and sorts
each address into ok, moved, broken or unreachable. Results are kept for a day
in the user cache so a second run costs no requests. `link_problems` turns the
results into located `Problem`s, printed like every other content problem.

Network I/O lives here and nowhere else in the content stage.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ..content.read import Document, Loc, dotted
from ..errors import Problem
from ..util import user_cache, write_atomic
from ..version import __version__

USER_AGENT = f"booklet/{__version__} (careers booklet link checker; checks each address at most once a day)"
"""Sent with every request, so a site's owner can see who is asking and why."""

CACHE_SECONDS = 24 * 60 * 60
"""How long a result is trusted before the address is asked again."""

HEAD_REFUSED = frozenset({400, 403, 405, 406, 501})
"""Answers to HEAD after which the same address is asked again with GET.

405 and 501 say HEAD is not supported; some servers answer HEAD with 400, 403 or
406 although GET works, so those are asked again too before anything is reported.
"""

PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 303, 307})
GONE = frozenset({404, 410})
MAX_REDIRECTS = 10


class Status(StrEnum):
    """What became of one address."""

    OK = "ok"
    MOVED = "moved"
    """A permanent redirect (301/308) to a page that works: the content should use the new address."""
    BROKEN = "broken"
    """The site answered 404 Not Found or 410 Gone."""
    UNREACHABLE = "unreachable"
    """No usable answer: timeout, connection error, 5xx after a retry, a redirect loop."""


@dataclass(frozen=True)
class Address:
    """One web address written in a content file, and where."""

    url: str
    doc: Document = field(compare=False, repr=False)
    loc: Loc = ()


@dataclass(frozen=True)
class Result:
    """What one address answered."""

    url: str
    status: Status
    detail: str = ""
    """Why, for people: 'answered 404 Not Found', 'timed out after 8 s'…"""
    new_url: str = ""
    """For MOVED: the address to paste in its place."""
    hint: str = ""
    """What to do about it."""
    no_connection: bool = False
    """The host could not be connected to at all (no route, refused, name not found)."""
    checked: float = 0.0
    """When it was asked (seconds since the epoch)."""


@dataclass(frozen=True)
class Options:
    """How politely and how patiently to ask."""

    timeout: float = 8.0
    """Seconds to wait for a connection or an answer."""
    retries: int = 1
    """Further attempts after a timeout, connection error or 5xx answer."""
    retry_wait: float = 1.0
    """Seconds between attempts."""
    concurrency: int = 6
    """Requests in flight at once, over all hosts (one at a time per host)."""
    cache_seconds: float = CACHE_SECONDS


def addresses(documents: Mapping[str, Document]) -> list[Address]:
    """Every whole http(s) address in the documents' values, in file and reading order."""
    found: list[Address] = []
    for name in sorted(documents):
        doc = documents[name]
        for loc, value in _strings(doc.data, ()):
            text = value.strip()
            parts = urlsplit(text)
            if parts.scheme in ("http", "https") and parts.hostname and not any(c.isspace() for c in text):
                found.append(Address(text, doc, loc))
    found.sort(key=lambda a: (a.doc.name, a.doc.where(a.loc).line, a.doc.where(a.loc).col))
    return found


def _strings(data: Any, loc: Loc) -> Iterable[tuple[Loc, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))


# ---------------------------------------------------------------------------
# The cache: one JSON file of results, keyed by address.


def cache_file() -> Path:
    """Where link results are kept between runs."""
    return user_cache("links") / "results.json"


def _read_cache(path: Path, max_age: float, now: float) -> dict[str, Result]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    results = {}
    if not isinstance(raw, dict):
        return {}
    for url, item in raw.items():
        try:
            result = Result(url=url, **{**item, "status": Status(item["status"])})
        except (TypeError, ValueError, KeyError):
            continue
        if 0 <= now - result.checked < max_age:
            results[url] = result
    return results


def _write_cache(path: Path, results: Mapping[str, Result], max_age: float, now: float) -> None:
    kept = _read_cache(path, max_age, now)
    kept.update(results)
    data = {url: {k: v for k, v in asdict(r).items() if k != "url"} for url, r in sorted(kept.items())}
    try:
        write_atomic(path, json.dumps(data, indent=1).encode(), mode=0o600)
    except OSError:
        pass  # a read-only cache folder only costs the next run some requests


# ---------------------------------------------------------------------------
# Asking the sites.


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _reason(response: httpx.Response) -> str:
    # The standard phrase, not the server's own spelling ("NOT FOUND", "Not found", "").
    return f"{response.status_code} {httpx.codes.get_reason_phrase(response.status_code)}".strip()


class _Checker:
    """Shares one client, one overall limit and one lock per host between all requests."""

    def __init__(self, client: httpx.AsyncClient, options: Options) -> None:
        self.client = client
        self.options = options
        self.limit = asyncio.Semaphore(options.concurrency)
        self.hosts: dict[str, asyncio.Lock] = {}

    async def _request(self, method: str, url: str) -> httpx.Response:
        lock = self.hosts.setdefault(_host(url), asyncio.Lock())
        async with self.limit, lock:
            request = self.client.build_request(method, url)
            response = await self.client.send(request, stream=True)
            await response.aclose()  # the status is all we need: never download the page
            return response

    async def _ask(self, url: str) -> httpx.Response:
        """HEAD, then GET when the site refuses HEAD; retried on timeouts, connection errors and 5xx."""
        attempt = 0
        while True:
            try:
                response = await self._request("HEAD", url)
                if response.status_code in HEAD_REFUSED:
                    response = await self._request("GET", url)
                if response.status_code < 500 or attempt >= self.options.retries:
                    return response
            except httpx.TransportError:
                if attempt >= self.options.retries:
                    raise
            attempt += 1
            await asyncio.sleep(self.options.retry_wait)

    async def check(self, url: str) -> Result:
        """Follow redirects one hop at a time (each hop waits for its own host) and classify the end."""
        seen = [url]
        moved_to = ""
        permanent = True  # still on the unbroken run of permanent redirects from the start
        current = url
        now = time.time()
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = await self._ask(current)
                code = response.status_code
                location = response.headers.get("location")
                if code in PERMANENT | TEMPORARY and location:
                    target = urljoin(current, location)
                    if target in seen:
                        loop = " → ".join([*seen, target])
                        hint = "the site sends this address round in a circle; find the page's current address"
                        return Result(url, Status.UNREACHABLE, f"redirect loop: {loop}", hint=hint, checked=now)
                    seen.append(target)
                    if permanent and code in PERMANENT:
                        moved_to = target
                    else:
                        permanent = False
                    current = target
                    continue
                return self._classify(url, response, moved_to, seen, now)
            what = f"more than {MAX_REDIRECTS} redirects"
            return Result(url, Status.UNREACHABLE, what, hint="find the page's current address", checked=now)
        except httpx.TimeoutException as exc:
            connect = isinstance(exc, httpx.ConnectTimeout)
            what = f"{'connecting timed out' if connect else 'no answer'} after {self.options.timeout:g} s"
            offline = connect and current == url
            return Result(url, Status.UNREACHABLE, what, hint=_LATER, no_connection=offline, checked=now)
        except httpx.ConnectError as exc:
            what = f"could not connect: {_short_error(exc)}"
            return Result(url, Status.UNREACHABLE, what, hint=_LATER, no_connection=current == url, checked=now)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return Result(url, Status.UNREACHABLE, f"failed: {_short_error(exc)}", hint=_LATER, checked=now)

    def _classify(self, url: str, response: httpx.Response, moved_to: str, seen: list[str], now: float) -> Result:
        code = response.status_code
        via = f" (after redirects to {seen[-1]})" if len(seen) > 1 else ""
        if code in GONE:
            hint = "find the page's new address on the site, or remove the link"
            return Result(url, Status.BROKEN, f"answered {_reason(response)}{via}", hint=hint, checked=now)
        if code >= 500:
            what = f"answered {_reason(response)} after {self.options.retries + 1} tries{via}"
            return Result(url, Status.UNREACHABLE, what, hint="the site has a fault; check again later", checked=now)
        if code >= 400:
            hint = "open it in a browser; if it works there, the site refuses automated checks"
            return Result(url, Status.UNREACHABLE, f"answered {_reason(response)}{via}", hint=hint, checked=now)
        if code >= 300:
            what = f"answered {_reason(response)} without a new address"
            return Result(url, Status.UNREACHABLE, what, hint="open it in a browser", checked=now)
        if moved_to:
            return Result(url, Status.MOVED, f"moved permanently to {moved_to}", new_url=moved_to, checked=now)
        return Result(url, Status.OK, f"answered {_reason(response)}", checked=now)


_LATER = "open it in a browser; if it fails there too, the site is down or the address is wrong"


def _short_error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]


async def _check_all(urls: Sequence[str], options: Options) -> dict[str, Result]:
    timeout = httpx.Timeout(options.timeout)
    limits = httpx.Limits(max_connections=options.concurrency, max_keepalive_connections=options.concurrency)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"}
    async with httpx.AsyncClient(
        timeout=timeout, limits=limits, headers=headers, follow_redirects=False, http2=False
    ) as client:
        checker = _Checker(client, options)
        results = await asyncio.gather(*(checker.check(url) for url in urls))
    return dict(zip(urls, results, strict=True))


@dataclass
class Report:
    """The results of one `check_links` run."""

    results: dict[str, Result]
    cached: int = 0
    """How many results came from the cache (asked within the last day)."""
    offline: bool = False
    """Nothing could be reached at all: the machine has no network, so nothing was judged."""

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results.values() if r.status is status)


def check_links(urls: Iterable[str], options: Options | None = None, *, use_cache: bool = True) -> Report:
    """Ask every address (each once), reusing results younger than a day; see `Report`.

    When every address asked failed to connect (no route, refused, name not found),
    the machine is taken to be offline: nothing is judged and nothing is cached.
    """
    options = options or Options()
    unique = list(dict.fromkeys(urls))
    now = time.time()
    path = cache_file()
    cached = _read_cache(path, options.cache_seconds, now) if use_cache else {}
    results = {url: cached[url] for url in unique if url in cached}
    ask = [url for url in unique if url not in results]
    fresh = asyncio.run(_check_all(ask, options)) if ask else {}
    if fresh and all(r.no_connection for r in fresh.values()):
        return Report({}, len(results), offline=True)
    results.update(fresh)
    if fresh and use_cache:
        _write_cache(path, fresh, options.cache_seconds, now)
    return Report({url: results[url] for url in unique}, len(unique) - len(ask))


def link_problems(found: Sequence[Address], report: Report) -> list[Problem]:
    """One problem per address that is not ok: broken is an error, moved and unreachable are warnings."""
    problems = []
    for address in found:
        result = report.results.get(address.url)
        if result is None or result.status is Status.OK:
            continue
        where = address.doc.where(address.loc)
        path = dotted(address.loc)
        if result.status is Status.MOVED:
            what = f"{address.url} has moved permanently"
            hint = f"replace it with {result.new_url}"
        else:
            what = f"{address.url} is {result.status.value}: {result.detail}"
            hint = result.hint
        problems.append(Problem(where, what, hint, path, warning=result.status is not Status.BROKEN))
    return problems
