"""Whole public pages, kept for anonymous visitors until the data they show changes.

What may be served from it, and to whom:

- only pages whose handler says so (``opt=PUBLIC_PAGE``), only plain ``GET`` requests (not
  htmx partials), and only to visitors with no session at all: anyone signed in, or half-way
  through two-factor, neither reads nor fills it, so a member never gets an anonymous page and
  an anonymous visitor never gets a member's;
- a page is kept against the data version read before it was built (see
  :mod:`govhub.data_version`), today's date and the visitor's language, and is served only while
  all three still hold, for at most :data:`MAX_AGE` (a meeting moves from "upcoming" to "past"
  with the clock, not with the data);
- only complete ``200`` answers that set no cookie are kept, and the visitor's CSRF token never
  is: the page is built with a placeholder that each answer replaces with that visitor's token.

When the version cannot be read (a database migrated before the cache existed, or one that is
down) the page is built as if there were no cache.
"""

from __future__ import annotations

import gzip
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from govhub import clock, data_version
from govhub.settings import Settings

__all__ = ["MAX_AGE", "PUBLIC_PAGE", "PageCache", "PageCacheMiddleware"]

logger = logging.getLogger(__name__)

PUBLIC_PAGE: dict[str, Any] = {"public_page": True}
"""``@get(..., opt=PUBLIC_PAGE)``: this page may be served from the cache to anonymous visitors."""

MAX_AGE = 60.0
"""Seconds a page is kept even if nothing changes (pages that depend on the time of day)."""

MAX_PAGE_BYTES = 512 * 1024
LANGUAGE_COOKIE = b"govhub_lang"  # govhub.web.language: pages in the visitor's language
GZIP_MINIMUM = 1024  # as the app's CompressionConfig


@dataclass(frozen=True)
class _Page:
    key: tuple
    version: int
    day: Any
    stored: float
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes  # with the CSRF placeholder


class PageCache:
    """Least recently used pages of one process, at most ``entries`` of them."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._pages: OrderedDict[tuple, _Page] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: tuple, version: int, day: Any) -> _Page | None:
        page = self._pages.get(key)
        if page is None:
            return None
        if page.version != version or page.day != day or time.monotonic() - page.stored > MAX_AGE:
            del self._pages[key]
            return None
        self._pages.move_to_end(key)
        return page

    def put(self, page: _Page) -> None:
        self._pages[page.key] = page
        self._pages.move_to_end(page.key)
        while len(self._pages) > self.entries:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


def _cookie(scope: Scope, name: bytes) -> bytes:
    raw = _header(scope, b"cookie") or b""
    for part in raw.split(b";"):
        key, _, value = part.strip().partition(b"=")
        if key == name:
            return value
    return b""


class PageCacheMiddleware:
    """Inside :class:`~govhub.web.security.SecurityMiddleware`, which has loaded the session."""

    def __init__(self, app: ASGIApp, settings: Settings, cache: PageCache) -> None:
        self.app = app
        self.cache = cache
        self.enabled = settings.page_cache_entries > 0
        self.warned = False
        # A fresh random placeholder per process: no one can put it in data beforehand.
        self.placeholder = f"csrf-{secrets.token_hex(16)}"

    def _cacheable(self, scope: Scope) -> bool:
        if not self.enabled or scope["type"] != "http" or scope["method"] != "GET":
            return False
        handler = scope.get("route_handler")
        if handler is None or not handler.opt.get("public_page"):
            return False
        state = scope.get("state", {})
        if state.get("session") is not None or state.get("principal") is None:
            return False
        if state["principal"].signed_in or state.get("notice"):
            return False
        return _header(scope, b"hx-request") is None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        engine = scope["app"].state.engine
        try:
            version = await data_version.current(engine)
        except Exception:  # no version table, or the database is down: serve it uncached
            if not self.warned:
                logger.warning("page cache skipped: no data version to read", exc_info=True)
                self.warned = True
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), _cookie(scope, LANGUAGE_COOKIE))
        day = clock.today()
        state = scope["state"]
        token: str = state["csrf_token"]
        page = self.cache.get(key, version, day)
        if page is not None:
            self.cache.hits += 1
            await self._answer(scope, send, page, token)
            return
        self.cache.misses += 1
        page = await self._build(scope, receive, key, version, day)
        if page is None:
            return  # already answered as it was
        await self._answer(scope, send, page, token)

    async def _build(self, scope: Scope, receive: Receive, key, version, day) -> _Page | None:
        """Run the handler with the placeholder token and no compression; keep a good answer."""
        state = scope["state"]
        token = state["csrf_token"]
        state["csrf_token"] = self.placeholder
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            state["csrf_token"] = token
        start = messages[0] if messages else None
        body = b"".join(m.get("body", b"") for m in messages[1:])
        headers = tuple(start.get("headers", ())) if start else ()
        if (b"content-encoding", b"gzip") in headers:
            # The app compressed it for this visitor; the cache keeps it plain (see _answer).
            body = gzip.decompress(body)
            headers = tuple((k, v) for k, v in headers if k not in {b"content-encoding", b"vary"})
        complete = bool(messages) and not messages[-1].get("more_body", False)
        keep = (
            start is not None
            and start["status"] == 200
            and complete
            and len(body) <= MAX_PAGE_BYTES
            and all(name.lower() not in {b"set-cookie", b"content-encoding"} for name, _ in headers)
        )
        page = _Page(key, version, day, time.monotonic(), start["status"] if start else 500,
                     headers, body)  # fmt: skip
        if keep:
            self.cache.put(page)
        return page

    async def _answer(self, scope: Scope, send: Send, page: _Page, token: str) -> None:
        body = page.body.replace(self.placeholder.encode(), token.encode())
        headers = [(k, v) for k, v in page.headers if k.lower() != b"content-length"]
        accepts = _header(scope, b"accept-encoding") or b""
        headers.append((b"vary", b"accept-encoding"))
        if b"gzip" in accepts and len(body) >= GZIP_MINIMUM:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": page.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
