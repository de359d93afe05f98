"""The HTML edition's stylesheets under the same sandbox as the PDF's.

A PDF build reads `url()` and `@import` through the sandboxed fetcher, which
refuses the network and any file outside the project. The HTML edition is read
by browsers, which would fetch whatever the page names; so before its CSS is
put into the page, every `@import` of a file inside the allowed folders is
inlined, every `url()` of such a file becomes a data: URI, and every other
address (http, https, a file outside, `javascript:` …) is dropped and reported
in the PDF build's words. `escape_style` keeps any stylesheet from ending its
`<style>` element.
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import tinycss2
import tinycss2.ast

MAX_RESOURCE_BYTES = 2_000_000
"""A file inlined into the web page larger than this is refused (it would bloat the page)."""
MAX_IMPORT_DEPTH = 8
STYLESHEET = "a stylesheet (<link rel=stylesheet> or @import)"
IMAGE = "an image (<img>, <object>, <embed> or a CSS url())"


@dataclass(frozen=True)
class Blocked:
    """An address a sandbox refused, and what asked for it: the PDF's fetcher and the web page's CSS
    rewriting report in the same words."""

    url: str
    by: str

    def __str__(self) -> str:
        return f"blocked {self.url}, requested by {self.by}"


def escape_style(css: str) -> str:
    """CSS safe inside `<style>`: `</` (which could close the element) becomes `<\\/`, the same to CSS."""
    return css.replace("</", "<\\/")


class Sandbox:
    """Rewrites CSS so that it names only data: URIs; records what it refused."""

    def __init__(self, allowed: list[Path], base: Path) -> None:
        self.allowed = [p.resolve() for p in allowed]
        self.base = base.resolve().as_uri() + "/"
        self.blocked: list[Blocked] = []

    def local(self, url: str, base: str) -> Path | None:
        """The allowed regular file `url` names (resolved against `base`), or None."""
        absolute = urljoin(base, url)
        parts = urlsplit(absolute)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        inside = any(path == root or root in path.parents for root in self.allowed)
        return path if inside and path.is_file() and path.stat().st_size <= MAX_RESOURCE_BYTES else None

    def css(self, text: str, base: str | None = None, depth: int = 0) -> str:
        """`text` with every import inlined or dropped and every url() made a data: URI or dropped."""
        base = base or self.base
        out = []
        for rule in tinycss2.parse_stylesheet(text, skip_comments=True):
            if isinstance(rule, tinycss2.ast.ParseError):
                continue  # browsers drop what they cannot parse; so do we
            if isinstance(rule, tinycss2.ast.AtRule) and rule.lower_at_keyword == "import":
                url = _first_url(rule.prelude)
                path = self.local(url, base) if url is not None else None
                if path is not None and depth < MAX_IMPORT_DEPTH:
                    # Media conditions after the address are dropped: the imported rules always apply.
                    out.append(self.css(path.read_text(encoding="utf-8", errors="replace"), path.as_uri(), depth + 1))
                else:
                    self.blocked.append(Blocked(url or tinycss2.serialize(rule.prelude).strip(), STYLESHEET))
                continue
            if isinstance(rule, (tinycss2.ast.QualifiedRule, tinycss2.ast.AtRule)):
                rule.prelude = self._tokens(rule.prelude, base)
                if rule.content is not None:
                    rule.content = self._tokens(rule.content, base)
            out.append(rule.serialize())
        return "".join(out)

    def _tokens(self, tokens: list, base: str) -> list:
        result = []
        for token in tokens:
            if isinstance(token, tinycss2.ast.ParseError):
                continue
            url = _url_of(token)
            if url is not None:
                result.append(self._url(url, base, token))
                continue
            if isinstance(token, tinycss2.ast.FunctionBlock):
                token.arguments = self._tokens(token.arguments, base)
            elif isinstance(
                token,
                (tinycss2.ast.SquareBracketsBlock, tinycss2.ast.ParenthesesBlock, tinycss2.ast.CurlyBracketsBlock),
            ):
                token.content = self._tokens(token.content, base)
            result.append(token)
        return result

    def _url(self, url: str, base: str, token: object) -> object:
        if url.startswith("#") or url.split(":", 1)[0].strip().lower() == "data":
            return token  # a reference inside the page, or data already in it
        path = self.local(url, base)
        if path is None:
            self.blocked.append(Blocked(url, IMAGE))
            return tinycss2.ast.IdentToken(0, 0, "none")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        uri = f"data:{mime};base64,{data}"
        return tinycss2.ast.URLToken(0, 0, uri, f"url({uri})")


def _url_of(token: object) -> str | None:
    """The address of a url(...) token or url("...") function, else None."""
    if isinstance(token, tinycss2.ast.URLToken):
        return token.value
    if isinstance(token, tinycss2.ast.FunctionBlock) and token.lower_name in ("url", "src"):
        strings = [t for t in token.arguments if isinstance(t, tinycss2.ast.StringToken)]
        return strings[0].value if strings else ""
    return None


def _first_url(prelude: list) -> str | None:
    for token in prelude:
        if isinstance(token, tinycss2.ast.StringToken):
            return token.value
        url = _url_of(token)
        if url is not None:
            return url
    return None
