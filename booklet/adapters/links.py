"""Link checking: find every web address in the content and ask each site whether it still answers.

`addresses` walks the parsed content files (with their positions) and returns
every value that is a whole http(s) address: organisation websites, route and
call-to-action urls, `source:` fields, the brand's `web:`. `check_links` asks
each site politely (HEAD, then GET where HEAD is refused; a few requests at a
time overall and one at a time per host; short timeouts and one retry) and sorts
each address into ok, moved, broken or unreachable. Results are kept for a day
in the user cache so a second run costs no requests. `link_problems` turns the
results into located `Problem`s, printed like every other content problem.

Only public https addresses are asked. Every host name is resolved before
connecting, each of its addresses is checked with `ipaddress` (loopback,
private, link-local, shared and reserved ranges are refused), and the request
goes to the very address that was checked, so a name that resolves differently
a moment later cannot send it elsewhere (DNS rebinding). A redirect is checked
the same way as an address in the content, before it is followed; one that
leads anywhere else is reported, not fetched. Each address has one deadline for
all its requests, so a site that answers a byte at a time cannot hold it (or the
other addresses on its host) for longer.

Network I/O lives here and nowhere else in the content stage.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import TypeAdapter, ValidationError

from ..content.model import HttpsUrl
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

ALLOW_ENV = "BOOKLET_LINKS_ALLOW"
"""Comma-separated host:port pairs that may be asked although they are not public
(a test server on this computer, say). Nothing else that is not public is ever asked."""

NAT64 = ipaddress.ip_network("64:ff9b::/96")
"""Well-known NAT64 prefix: the IPv4 address it carries is the one really reached."""


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
    refused: bool = False
    """Not asked, or a redirect not followed, because of where it leads: not kept in the cache,
    so allowing an address (`BOOKLET_LINKS_ALLOW`) takes effect at once."""


def _allowed_from_env() -> frozenset[str]:
    return frozenset(item.strip().lower() for item in os.environ.get(ALLOW_ENV, "").split(",") if item.strip())


@dataclass(frozen=True)
class Options:
    """How politely and how patiently to ask."""

    timeout: float = 8.0
    """Seconds one address may take in all: every request, retry and redirect it needs."""
    retries: int = 1
    """Further attempts after a timeout, connection error or 5xx answer."""
    retry_wait: float = 1.0
    """Seconds between attempts."""
    concurrency: int = 6
    """Requests in flight at once, over all hosts (one at a time per host)."""
    cache_seconds: float = CACHE_SECONDS
    allow: frozenset[str] = field(default_factory=_allowed_from_env)
    """host:port pairs asked although they are not public (default: $BOOKLET_LINKS_ALLOW)."""


def addresses(documents: Mapping[str, Document]) -> list[Address]:
    """Every whole http(s) address in the documents' values, in file and reading order."""
    found: list[Address] = []
    for name in sorted(documents):
        doc = documents[name]
        for loc, value in _strings(doc.data, ()):
            text = value.strip()
            parts = urlsplit(text)
            if parts.scheme in ("http", "https") and parts.hostname and refusal(text) is None:
                # An address `check` refuses (http://, https://localhost:8080/…) is reported there, never asked.
                found.append(Address(text, doc, loc))
    found.sort(key=lambda a: (a.doc.name, a.doc.where(a.loc).line, a.doc.where(a.loc).col))
    return found


_HTTPS = TypeAdapter(HttpsUrl)


def refusal(url: str) -> str | None:
    """Why `check` would refuse `url` as a content address (not https, no dotted host…), or None."""
    try:
        _HTTPS.validate_python(url)
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `address` is on the public internet (an IPv6 one carrying IPv4: both must be)."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        carried = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if address in NAT64:
            carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(_public(inner) for inner in carried if inner is not None)
    return True


class Refused(Exception):
    """An address that is not asked; the message says why."""


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


class _Deadline(Exception):
    """An address used up its time (`Options.timeout`) over all its requests."""


class _Budget:
    """The seconds one address has left; only time spent asking counts, not time queued behind others."""

    GRACE = 0.25
    """The overall guard fires this long after the request's own timeouts could have, so a plain
    silence is always reported by those (with what timed out), and the guard only cuts off a
    server that keeps sending a little at a time."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.started: float | None = None

    def remaining(self) -> float:
        """Seconds left now, while a request is running (for its own timeouts)."""
        spent = asyncio.get_running_loop().time() - self.started if self.started is not None else 0.0
        return max(self.left - spent, 0.001)

    async def run(self, work: Any) -> Any:
        """Await `work` within what is left, and subtract the time it took."""
        if self.left <= 0:
            work.close()
            raise _Deadline
        loop = asyncio.get_running_loop()
        started = self.started = loop.time()
        try:
            async with asyncio.timeout(self.left + self.GRACE):
                return await work
        except TimeoutError:
            raise _Deadline from None
        finally:
            self.left -= loop.time() - started
            self.started = None


class _Checker:
    """Shares one client, one overall limit and one lock per host between all requests."""

    def __init__(self, client: httpx.AsyncClient, options: Options) -> None:
        self.client = client
        self.options = options
        self.limit = asyncio.Semaphore(options.concurrency)
        self.hosts: dict[str, asyncio.Lock] = {}

    async def _resolve(self, target: httpx.URL) -> str:
        """The address to connect to: every address the host name resolves to must be public."""
        host = target.raw_host.decode("ascii")
        port = target.port or 443
        origin = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if origin.lower() not in self.options.allow:
            for address in addresses:
                if not _public(ipaddress.ip_address(address)):
                    named = host if host == address else f"{host} ({address})"
                    raise Refused(f"{named} is not a public internet address")
        return addresses[0]

    async def _request(self, method: str, url: str, budget: _Budget) -> httpx.Response:
        target = httpx.URL(url)
        lock = self.hosts.setdefault(_host(url), asyncio.Lock())
        async with self.limit, lock:

            async def ask() -> httpx.Response:
                address = await self._resolve(target)
                # Connect to the address just checked; the site still sees its own name (Host, TLS SNI).
                request = self.client.build_request(
                    method,
                    target.copy_with(host=address),
                    headers={"Host": target.netloc.decode("ascii")},
                    extensions={"sni_hostname": target.raw_host.decode("ascii")},
                    timeout=httpx.Timeout(budget.remaining()),
                )
                response = await self.client.send(request, stream=True)
                await response.aclose()  # the status is all we need: never download the page
                return response

            result: httpx.Response = await budget.run(ask())
            return result

    async def _ask(self, url: str, budget: _Budget) -> httpx.Response:
        """HEAD, then GET when the site refuses HEAD; retried on timeouts, connection errors and 5xx."""
        attempt = 0
        while True:
            try:
                response = await self._request("HEAD", url, budget)
                if response.status_code in HEAD_REFUSED:
                    response = await self._request("GET", url, budget)
                if response.status_code < 500 or attempt >= self.options.retries:
                    return response
            except (httpx.TransportError, socket.gaierror):  # a failed name lookup may be passing too
                if attempt >= self.options.retries or budget.left <= self.options.retry_wait:
                    raise
            attempt += 1
            await asyncio.sleep(self.options.retry_wait)
            budget.left -= self.options.retry_wait

    async def check(self, url: str) -> Result:
        """Follow redirects one hop at a time (each hop waits for its own host) and classify the end."""
        seen = [url]
        moved_to = ""
        permanent = True  # still on the unbroken run of permanent redirects from the start
        current = url
        now = time.time()
        budget = _Budget(self.options.timeout)
        timeout = f"{self.options.timeout:g} s"
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = await self._ask(current, budget)
                code = response.status_code
                location = response.headers.get("location")
                if code in PERMANENT | TEMPORARY and location:
                    target = urljoin(current, location)
                    if target in seen:
                        loop = " → ".join([*seen, target])
                        hint = "the site sends this address round in a circle; find the page's current address"
                        return Result(url, Status.UNREACHABLE, f"redirect loop: {loop}", hint=hint, checked=now)
                    why = refusal(target)
                    if why is not None:
                        return _refused_redirect(url, target, why, now)
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
        except Refused as exc:
            if current != url:
                return _refused_redirect(url, current, str(exc), now)
            what = f"not asked: {exc}"
            hint = "readers outside your network cannot open it; give the page's public https:// address"
            return Result(url, Status.UNREACHABLE, what, hint=hint, checked=now, refused=True)
        except _Deadline:
            what = f"no complete answer within {timeout} (the site answers too slowly)"
            return Result(url, Status.UNREACHABLE, what, hint=_LATER, checked=now)
        except socket.gaierror:
            what = f"could not connect: could not look up {urlsplit(current).hostname}"
            return Result(url, Status.UNREACHABLE, what, hint=_LATER, no_connection=current == url, checked=now)
        except httpx.TimeoutException as exc:
            connect = isinstance(exc, httpx.ConnectTimeout)
            what = f"{'connecting timed out' if connect else 'no answer'} after {timeout}"
            offline = connect and current == url
            return Result(url, Status.UNREACHABLE, what, hint=_LATER, no_connection=offline, checked=now)
        except httpx.ConnectError as exc:
            what = f"could not connect: {_short_error(exc)}"
            return Result(url, Status.UNREACHABLE, what, hint=_LATER, no_connection=current == url, checked=now)
        except (httpx.HTTPError, httpx.InvalidURL, OSError, UnicodeError) as exc:
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


def _refused_redirect(url: str, target: str, why: str, now: float) -> Result:
    """A redirect that is not followed (and never recommended): not https, not public, not a web host."""
    what = f"redirects to {target}, which is not followed: {why}"
    hint = "a printed address must lead to a public https:// page; find the page's own address, or remove the link"
    return Result(url, Status.UNREACHABLE, what, hint=hint, checked=now, refused=True)


def _short_error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]


async def _check_all(urls: Sequence[str], options: Options, probe: str | None = None) -> dict[str, Result]:
    """Ask every address in `urls`. When each one fails to connect and `probe` (an address that
    answered within the last day) is given, ask it too: its result is returned under its own key."""
    timeout = httpx.Timeout(options.timeout)
    # No connection is kept for another request: requests go to a checked IP address, and the pool
    # knows connections by that address alone, so a site sharing it could be served over a
    # connection whose certificate was checked for another name.
    limits = httpx.Limits(max_connections=options.concurrency, max_keepalive_connections=0)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"}
    async with httpx.AsyncClient(
        timeout=timeout, limits=limits, headers=headers, follow_redirects=False, http2=False
    ) as client:
        checker = _Checker(client, options)
        results = dict(zip(urls, await asyncio.gather(*(checker.check(url) for url in urls)), strict=True))
        if probe is not None and all(r.no_connection for r in results.values()):
            results[probe] = await checker.check(probe)
    return results


@dataclass
class Report:
    """The results of one `check_links` run."""

    results: dict[str, Result]
    """Every address's result, from the cache or asked now; when offline, only the cached ones."""
    cached: int = 0
    """How many results came from the cache (asked within the last day)."""
    offline: bool = False
    """Nothing new could be reached at all: the machine has no network, so what was not
    in the cache was not judged (and the cached results are still reported)."""
    unchecked: int = 0
    """When offline: how many addresses were asked and could not be connected to."""

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results.values() if r.status is status)


def check_links(urls: Iterable[str], options: Options | None = None, *, use_cache: bool = True) -> Report:
    """Ask every address (each once), reusing results younger than a day; see `Report`.

    When every address asked failed to connect (no route, refused, name not found),
    the machine may be offline. If an address that answered within the last day
    still answers, it is not, and those addresses are unreachable like any other;
    otherwise (or with nothing to compare) it is taken to be offline: what was asked
    is not judged and not cached, and the cached results are reported as usual.
    """
    options = options or Options()
    unique = list(dict.fromkeys(urls))
    now = time.time()
    path = cache_file()
    cached = _read_cache(path, options.cache_seconds, now) if use_cache else {}
    results = {url: cached[url] for url in unique if url in cached}
    ask = [url for url in unique if url not in results]
    probe = next((url for url, result in results.items() if result.status is Status.OK), None)
    fresh = asyncio.run(_check_all(ask, options, probe)) if ask else {}
    answered = fresh.pop(probe, None) if probe is not None else None
    if fresh and all(r.no_connection for r in fresh.values()) and (answered is None or answered.no_connection):
        return Report(results, len(results), offline=True, unchecked=len(fresh))
    results.update(fresh)
    kept = {url: result for url, result in fresh.items() if not result.refused}
    if kept and use_cache:
        _write_cache(path, kept, options.cache_seconds, now)
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
