"""Idempotency keys for POSTs that create something (`Idempotency-Key` header).

The first request with a key reserves (principal, key) with a hash of its method, path and body; its
successful (2xx) response is stored when sent. A retry with the same key and body gets that response
replayed; with a different body, a 422 problem; while the first is still running, a 409 problem.
Failed attempts release the key so the client can retry with it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import timedelta

import anyio
from sqlalchemy import delete, select
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


def reserve(
    session: Session, principal: str, key: str, method: str, path: str, request_hash: str, ttl_seconds: int
) -> int:
    """Reserve the key for this request (returns the record id) or raise replay/conflict."""
    if not KEY_PATTERN.match(key):
        raise Problem(
            status=422,
            title="Invalid Idempotency-Key",
            type="invalid-idempotency-key",
            detail="Idempotency-Key must be 1-255 characters of [A-Za-z0-9._:-]",
        )
    now = utcnow()
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
    )
    session.add(record)
    try:
        session.commit()
        return record.id
    except IntegrityError:
        session.rollback()
    existing = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
        )
    )
    if existing is None:  # released between our insert and read: let the client retry
        raise Problem(
            status=409,
            title="Idempotency key in use",
            type="idempotency-key-in-use",
            detail="a request with this key is being processed; retry shortly",
            headers={"Retry-After": "1"},
        )
    if existing.request_hash != request_hash:
        raise Problem(
            status=422,
            title="Idempotency key reused",
            type="idempotency-key-reused",
            detail="this Idempotency-Key was already used with a different request",
        )
    if existing.status_code is None:
        raise Problem(
            status=409,
            title="Idempotency key in use",
            type="idempotency-key-in-use",
            detail="a request with this key is being processed; retry shortly",
            headers={"Retry-After": "1"},
        )
    raise IdempotentReplay(existing)


def _complete(
    factory: sessionmaker[Session], record_id: int, status: int, body: bytes, headers: dict[str, str]
) -> None:
    with factory() as session:
        record = session.get(IdempotencyRecord, record_id)
        if record is None:
            return
        if 200 <= status < 300:
            record.status_code = status
            record.response_body = body
            record.response_headers = headers
        else:
            session.delete(record)
        session.commit()


class IdempotencyMiddleware:
    """Stores the response of a request whose key was reserved by the idempotency dependency.

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
            reserved = (scope.get("state") or {}).get(STATE_KEY)
            if reserved is None or captured["done"]:
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
