"""Who may talk to `booklet serve`: the start-up secret, its cookie, Host and Origin checks, body size.

On a shared or terminal-server computer every user can reach 127.0.0.1, so an address alone
proves nothing. As in Jupyter, the server makes a secret at start-up and prints it in the
address it shows; the first request that carries it (`?token=…`) gets a session cookie
(HttpOnly, SameSite=Strict) and a redirect to the same page without the secret. Every
other request needs that cookie, or gets 403. On top of that:

- the Host header must be a name a browser would use for this server (a DNS-rebinding
  page, which reaches 127.0.0.1 under its own name, gets 421);
- a request that changes anything (POST) needs an Origin header naming this server
  (its CSRF token is checked by the form itself, against the session);
- a body over 64 kB gets 413, whether announced by Content-Length or streamed;
- any unexpected error is a 500 and one line on the terminal, never a traceback.
"""

from __future__ import annotations

import hmac
import secrets
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

MAX_BODY = 64 * 1024
MAX_SESSIONS = 64
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::", "")


@dataclass
class Session:
    """One browser that opened the printed address: its CSRF token and the plans it made."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    plans: dict[str, Path] = field(default_factory=dict)
    """Download name → the plan's PDF in output/people/ (offered to this session only)."""


class BodyTooLarge(Exception):
    """A streamed request body went past MAX_BODY."""


def _bracket(address: str) -> str:
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


LOOKUP_SECONDS = 1.0
"""How long `booklet serve --host 0.0.0.0` waits for its host name's forward lookup (a DNS that does not
answer would otherwise hold the start for tens of seconds); the names found by then are used."""


def machine_names(lookup_seconds: float = LOOKUP_SECONDS) -> set[str]:
    """The names and addresses a browser on the network may use for this machine.

    From the machine itself: its host name and every address of every interface (psutil reads
    them from the system, no DNS). Then what a forward lookup of the host name gives within
    `lookup_seconds` (its canonical name, e.g. pc12.school.example). Never a reverse lookup
    (`socket.getfqdn`): it can hang on a DNS that does not answer, and names whatever the
    first address maps to (often just "localhost").
    """
    import ipaddress

    import psutil

    names = {"localhost", "127.0.0.1", "[::1]"}
    hostname = socket.gethostname()
    names.add(hostname)
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family not in (socket.AF_INET, socket.AF_INET6):
                continue  # a MAC address
            ip = ipaddress.ip_address(address.address.split("%")[0])
            if ip.version == 6 and ip.is_link_local:
                continue  # fe80::…%eth0 needs its zone, which browsers do not take in an address
            names.add(_bracket(str(ip)))
    names |= _forward_lookup(hostname, lookup_seconds)
    return {name.lower() for name in names if name}


def _forward_lookup(hostname: str, seconds: float) -> set[str]:
    """The canonical name and addresses of `hostname` as the resolver gives them, or nothing if it
    has not answered within `seconds` (the lookup is left to finish on its own)."""
    found: list[str] = []

    def lookup() -> None:
        try:
            answers = socket.getaddrinfo(hostname, None, flags=socket.AI_CANONNAME)
        except (OSError, UnicodeError):
            return
        found.extend(str(canonical) for _, _, _, canonical, _ in answers if canonical)
        found.extend(_bracket(str(address[0]).split("%")[0]) for *_, address in answers)

    thread = threading.Thread(target=lookup, name="booklet-host-lookup", daemon=True)
    thread.start()
    thread.join(seconds)
    return set() if thread.is_alive() else set(found)


def allowed_hosts(host: str, port: int, extra: list[str] | tuple[str, ...] = ()) -> set[str]:
    """The Host header values a browser sends for this server: `name:port` for each name.

    Bound to a loopback address: the loopback names. Bound to every address (0.0.0.0, ::):
    the machine's names and addresses. Bound to one address: that address. `extra` adds
    names (e.g. a name the machine has in the school's DNS that it does not know itself).
    """
    if host in LOCAL_HOSTS:
        names = {"127.0.0.1", "localhost"} | ({"[::1]"} if host == "::1" else set())
    elif host in WILDCARDS:
        names = machine_names()
    else:
        names = {_bracket(host)}
    names |= {_bracket(name.strip()) for name in extra if name.strip()}
    return {f"{name.lower()}:{port}" for name in names}


def network_address(host: str) -> str:
    """The address to print for a server bound to `host`: a wildcard shows the outward address."""
    if host not in WILDCARDS:
        return _bracket(host)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.connect(("10.255.255.255", 1))
        return str(sock.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        sock.close()


class Guard:
    """ASGI middleware in front of the whole app: every rule in this module's docstring."""

    def __init__(self, app: Any, allowed: set[str], secret: str, port: int, print_error: Callable[[str], None]) -> None:
        self.app = app
        self.allowed = {a.lower() for a in allowed}
        self.origins = {f"http://{a}" for a in self.allowed}
        self.secret = secret
        self.cookie = f"booklet-{port}"
        """Cookies are shared by every port of a host: the name keeps two servers apart."""
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.print_error = print_error

    # Sessions -------------------------------------------------------------------------------

    def session_of(self, headers: dict[bytes, bytes]) -> Session | None:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
        except CookieError:
            return None
        morsel = cookie.get(self.cookie)
        return self.sessions.get(morsel.value) if morsel is not None else None

    def new_session(self) -> str:
        key = secrets.token_urlsafe(32)
        self.sessions[key] = Session()
        while len(self.sessions) > MAX_SESSIONS:
            self.sessions.popitem(last=False)
        return key

    # The checks -----------------------------------------------------------------------------

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":  # the page uses none: refuse before anything is read
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.check(scope, receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _plain(tracked_send, 413, "413 Request Entity Too Large: at most 64 kB")
        except Exception as exc:  # a bug: one line here, a plain 500 there, never a traceback
            from ..errors import bug_message, save_traceback

            method, path = scope.get("method", ""), scope.get("path", "")
            # Redacted: a form may hold a student's details, and an exception's message may quote them.
            saved = save_traceback(f"request: {method} {path[:80]}", redact=True)
            self.print_error(f"error: {method} {path[:80]}: {type(exc).__name__}; " + bug_message(saved))
            if not started:
                await _plain(tracked_send, 500, "500 Internal Server Error: see the terminal running booklet serve")

    async def check(self, scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if host not in self.allowed:
            await _plain(
                send, 421, "421 Misdirected Request: this server answers only to " + ", ".join(sorted(self.allowed))
            )
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        token = next((value for name, value in query if name == "token"), None)
        if (
            token is not None
            and scope.get("method") == "GET"
            and hmac.compare_digest(token.encode(), self.secret.encode())
        ):
            # The secret is swapped for a cookie at once, so it leaves the address bar and history.
            rest = urlencode([(name, value) for name, value in query if name != "token"])
            location = scope.get("path", "/") + (f"?{rest}" if rest else "")
            cookie = f"{self.cookie}={self.new_session()}; HttpOnly; SameSite=Strict; Path=/"
            await _plain(
                send, 303, "303 See Other", [(b"location", location.encode()), (b"set-cookie", cookie.encode())]
            )
            return
        session = self.session_of(headers)
        if session is None:
            await _plain(
                send,
                403,
                "403 Forbidden: open the address that booklet serve printed when it started (it ends in ?token=...)",
            )
            return
        if scope.get("method") not in ("GET", "HEAD"):
            origin = headers.get(b"origin", b"").decode("latin-1").lower()
            if origin not in self.origins:
                await _plain(send, 403, "403 Forbidden: this form may be sent only from its own page")
                return
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            raise BodyTooLarge
        scope = dict(scope)
        scope["booklet.session"] = session
        if scope["type"] == "http" and scope.get("method") not in ("GET", "HEAD"):
            receive = await _buffered(receive)
        await self.app(scope, receive, send)


async def _buffered(receive: Any) -> Any:
    """Read the whole body first (at most MAX_BODY, else BodyTooLarge, before the app has answered),
    then hand it to the app as one message."""
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if len(body) > MAX_BODY:
            raise BodyTooLarge
        if not message.get("more_body", False):
            break
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _plain(send: Any, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
