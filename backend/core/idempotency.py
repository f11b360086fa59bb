"""Idempotency keys for POSTs that create something (`Idempotency-Key` header).

The first request with a key reserves (principal, key) with a hash of its method, path and body, under
a lease held by its process. A retry with the same key and body gets the stored response replayed; with
a different body, a 422 problem; while the first is still running, a 409 problem. Failed attempts
release the key so the client can retry with it.

Exactly once across crashes: a sync route's unit of work (backend/core/routing.py) runs in one database
transaction that the route's own commits only checkpoint (savepoints), and its 2xx response is stored
in the reservation by that same transaction before it commits. So either the work and its stored
response both exist, and every retry replays the response, or neither does, and a retry redoes the
work. A process killed mid-request leaves its reservation pending: a retry takes it over once the lease
has run out, or at once when the owner was a process on this host that is no longer running.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import socket
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import anyio
from sqlalchemy import Connection, CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.models import IdempotencyRecord
from backend.core.problems import Problem
from backend.db.types import utcnow

logger = logging.getLogger("peerlend.idempotency")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{1,255}$")
STATE_KEY = "peerlend_idempotency"
REPLAY_HEADER = "Idempotent-Replayed"
_STORED_HEADERS = ("content-type", "location")
# Who holds a reservation: this host and process, so a retry on the same host can tell a dead owner.
_HOST = socket.gethostname()[:64]


@dataclass
class IdempotentRequest:
    """A reservation this request holds: its record, its lease, and whether its outcome is settled."""

    record_id: int
    lease: str
    factory: sessionmaker[Session]
    settled: bool = False  # the unit of work stored the response or released the key itself


# The reservation of the request being served, seen by its unit of work in the route's thread.
current_request: ContextVar[IdempotentRequest | None] = ContextVar("peerlend_idempotent", default=None)


def _owner() -> str:
    return f"{_HOST}:{os.getpid()}"


def _owner_is_gone(owner: str | None) -> bool:
    """True only when the owner ran on this host and its process no longer exists; a live process (even
    one that reused the pid) or another host's process is left to its lease."""
    host, _, pid = (owner or "").rpartition(":")
    if host != _HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class IdempotentReplay(Exception):
    """Raised by the dependency to short-circuit a request whose response is already stored."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("replay")
        self.status_code = record.status_code or 200
        self.body = record.response_body or b""
        self.headers = dict(record.response_headers or {})


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        # Semantically equal JSON bodies (key order, whitespace) count as the same request.
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(method.upper().encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def idempotency_key_in_use() -> Problem:
    return Problem(
        status=409,
        title="Idempotency key in use",
        type="idempotency-key-in-use",
        detail="a request with this key is being processed; retry shortly",
        headers={"Retry-After": "1"},
    )


def reserve(
    session: Session,
    principal: str,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    ttl_seconds: int,
    lease_seconds: int,
) -> tuple[int, str]:
    """Reserve the key for this request (returns the record id and this request's lease) or raise
    replay/conflict."""
    if not KEY_PATTERN.match(key):
        raise Problem(
            status=422,
            title="Invalid Idempotency-Key",
            type="invalid-idempotency-key",
            detail="Idempotency-Key must be 1-255 characters of [A-Za-z0-9._:-]",
        )
    now = utcnow()
    lease = secrets.token_hex(16)
    # Expired records go, this key's and everyone's: stored responses may hold personal data and
    # must not outlive their purpose (indexed on expires_at, so this stays cheap).
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
    record = IdempotencyRecord(
        principal=principal,
        key=key,
        method=method,
        path=path,
        request_hash=request_hash,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
        lease=lease,
        owner=_owner(),
        locked_until=now + timedelta(seconds=lease_seconds),
    )
    session.add(record)
    try:
        session.commit()
        return record.id, lease
    except IntegrityError:
        session.rollback()
    existing = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
        )
    )
    if existing is None:  # released between our insert and read: let the client retry
        raise idempotency_key_in_use()
    if existing.request_hash != request_hash:
        raise Problem(
            status=422,
            title="Idempotency key reused",
            type="idempotency-key-reused",
            detail="this Idempotency-Key was already used with a different request",
        )
    if existing.status_code is None:
        lapsed = existing.locked_until is None or existing.locked_until <= now
        if not (lapsed or _owner_is_gone(existing.owner)):
            raise idempotency_key_in_use()
        # Its owner died before its work committed (work and response commit together), so the work
        # is redone under a new lease. The condition makes one retry win when several race.
        taken = cast(
            CursorResult,
            session.execute(
                update(IdempotencyRecord)
                .where(
                    IdempotencyRecord.id == existing.id,
                    IdempotencyRecord.status_code.is_(None),
                    IdempotencyRecord.lease == existing.lease,
                )
                .values(lease=lease, owner=_owner(), locked_until=now + timedelta(seconds=lease_seconds))
            ),
        ).rowcount
        session.commit()
        if taken != 1:
            raise idempotency_key_in_use()
        logger.warning("idempotency key %s taken over from %s", existing.id, existing.owner)
        return existing.id, lease
    raise IdempotentReplay(existing)


def settle_in_transaction(
    connection: Connection, request: IdempotentRequest, status: int, body: bytes, headers: dict[str, str]
) -> bool:
    """Store a 2xx outcome in the reservation, or release the key for any other, inside the unit of
    work's own transaction. False when this request no longer holds the lease (another took it over):
    the caller must then roll its work back."""
    holds = (IdempotencyRecord.id == request.record_id) & (IdempotencyRecord.lease == request.lease)
    pending = holds & IdempotencyRecord.status_code.is_(None)
    if 200 <= status < 300:
        stored = {k: v for k, v in headers.items() if k.lower() in _STORED_HEADERS}
        values = {"status_code": status, "response_body": body, "response_headers": stored}
        done = connection.execute(update(IdempotencyRecord).where(pending).values(**values)).rowcount
    else:
        done = connection.execute(delete(IdempotencyRecord).where(pending)).rowcount
    return done == 1


def _complete(
    factory: sessionmaker[Session],
    reserved: IdempotentRequest,
    status: int,
    body: bytes,
    headers: dict[str, str],
) -> None:
    """For a route that is not a sync unit of work (or failed before reaching it): store or release, in
    a transaction of its own."""
    with factory() as session:
        settle_in_transaction(session.connection(), reserved, status, body, headers)
        session.commit()


class IdempotencyMiddleware:
    """Stores the response of a request whose key was reserved by the idempotency dependency, unless its
    unit of work already did (then it was stored in the work's own transaction).

    The record is completed before the last body chunk goes out: a client that retries as soon as it
    has the response must find it stored (replay), never still pending (409).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        captured: dict = {"status": 500, "headers": {}, "body": [], "done": False}

        async def complete() -> None:
            reserved: IdempotentRequest | None = (scope.get("state") or {}).get(STATE_KEY)
            if reserved is None or reserved.settled or captured["done"]:
                return
            captured["done"] = True
            try:
                await anyio.to_thread.run_sync(
                    _complete,
                    scope["app"].state.sessionmaker,
                    reserved,
                    captured["status"],
                    b"".join(captured["body"]),
                    captured["headers"],
                )
            except Exception:
                logger.exception("could not store idempotent response")

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = {
                    k.decode().lower(): v.decode()
                    for k, v in message.get("headers", [])
                    if k.decode().lower() in _STORED_HEADERS
                }
            elif message["type"] == "http.response.body" and (scope.get("state") or {}).get(STATE_KEY):
                captured["body"].append(message.get("body", b""))
                if not message.get("more_body", False):
                    await complete()
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            await complete()  # no complete response (error, disconnect): release the key
