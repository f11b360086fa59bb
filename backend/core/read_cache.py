"""Responses of public read-model routes, kept until the chain index moves.

The loan book, a loan's page and the offer book are functions of the indexed chain (and, for a loan's
page, of the chain at the latest block): between two commits of the indexer every request for the same
URL gets the same answer. So each API process keeps the last answer per URL together with the index
version it was built at (the checkpoint's block number and hash, which change with every indexed block,
a rollback included), and serves it again without the route, its database work or its serialisation
until the version changes. Each process watches the version on its own, so N processes or hosts on one
database never disagree for longer than one watch interval.

What a client sees:
- the same body it would have got from the route, at most `interval` seconds (plus the indexer's own
  poll) behind the index; the body's `indexedBlock` says which block it reflects;
- an `ETag` and `Cache-Control: no-cache` (a browser may keep the body but asks again before using
  it); `If-None-Match` with the ETag answers 304 without a body while the index has not moved;
- `X-Read-Cache: hit` or `miss`, for operators.

Only routes marked with `@cached_by_index` are kept, and only their 200 answers without `Cache-Control:
no-store` (a loan page whose live chain figures could not be read sets it). Such a route must not depend
on who calls: no authentication, no rate limit, no per-caller fields. The key is the exact path and
query string, so a request the route would refuse is never answered from here.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("peerlend.read_cache")
CACHED_BY_INDEX = "__cached_by_index__"


def cached_by_index(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a public route whose answer depends only on its URL and the chain index."""
    setattr(endpoint, CACHED_BY_INDEX, True)
    return endpoint


@dataclass(frozen=True)
class Entry:
    version: Hashable
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class IndexVersion:
    """The index's current version as this process last read it (None until read, or while unreadable)."""

    def __init__(self, read: Callable[[], Hashable | None], interval: float) -> None:
        self._read = read
        self.interval = interval
        self.current: Hashable | None = None

    def refresh(self) -> None:
        try:
            self.current = self._read()
        except Exception:  # the database away for a moment: keep nothing rather than serve stale answers
            logger.warning("index version not read; read cache paused", exc_info=True)
            self.current = None

    async def watch(self) -> None:
        """Runs for the life of the process (started in the app's lifespan)."""
        while True:
            await anyio.to_thread.run_sync(self.refresh)
            await anyio.sleep(self.interval)


class ReadCache:
    """ASGI middleware serving marked GET routes from `Entry`s of the current index version."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        version: IndexVersion,
        routes: list[re.Pattern[str]],
        max_entries: int,
        state: Any = None,
    ) -> None:
        self.app = app
        if state is not None:
            state.read_cache = self  # the app keeps a handle on its counters
        self.version = version
        self.routes = routes
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple[str, bytes], Entry] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not any(r.match(scope["path"]) for r in self.routes)
        ):
            await self.app(scope, receive, send)
            return
        version = self.version.current
        key = (scope["path"], scope.get("query_string", b""))
        entry = self.entries.get(key)
        if version is not None and entry is not None and entry.version == version:
            self.hits += 1
            self.entries.move_to_end(key)
            await self._replay(entry, scope, send)
            return
        self.misses += 1
        await self._build(key, version, scope, receive, send)

    async def _replay(self, entry: Entry, scope: Scope, send: Send) -> None:
        if _header(scope, b"if-none-match") == entry.etag:
            headers = [(b"etag", entry.etag), (b"x-read-cache", b"hit")]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
        await send({"type": "http.response.body", "body": entry.body})

    async def _build(self, key: tuple[str, bytes], version: Hashable | None, scope, receive, send) -> None:
        """Runs the route, holding its answer back until it is complete so the ETag can go with it."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(key, version, start, b"".join(chunks), send)

        await self.app(scope, receive, capture)

    async def _finish(
        self, key: tuple[str, bytes], version: Hashable | None, start: Message, body: bytes, send: Send
    ) -> None:
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"etag"]
        keep = (
            start["status"] == 200
            and version is not None
            and b"no-store" not in (dict((k.lower(), v) for k, v in headers).get(b"cache-control") or b"")
        )
        if keep:
            etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
            # Public data: a browser may keep it, and must ask again (If-None-Match) before reusing it.
            headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
            headers += [(b"etag", etag), (b"cache-control", b"no-cache")]
            # The version read before the route ran: the body is at least that new, never older.
            self.entries[key] = Entry(version, headers + [(b"x-read-cache", b"hit")], body, etag)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
            headers = headers + [(b"x-read-cache", b"miss")]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


def marked_route_patterns(routers: Iterable[Any], prefix: str) -> list[re.Pattern[str]]:
    """The path patterns, under `prefix`, of the routers' GET routes marked with `@cached_by_index`."""
    return [
        compile_path(prefix + route.path)[0]
        for router in routers
        for route in router.routes
        if getattr(getattr(route, "endpoint", None), CACHED_BY_INDEX, False) and "GET" in route.methods
    ]
