"""Webhooks: an HTTP POST of the notice as JSON, signed like Stripe's.

    PeerLend-Event-Id: 0b7c...        the notice's id, the same on every attempt: receivers dedupe on it
    PeerLend-Event-Kind: loan_repaid
    PeerLend-Delivery-Attempt: 2
    PeerLend-Signature: t=1767225600,v1=5257a869...

`v1` is hex HMAC-SHA256 under the subscriber's secret of `"<t>." + body`, with `t` the Unix time of the
attempt; a receiver recomputes it (`verify`) and refuses a timestamp outside its tolerance, so a request
captured on the way cannot be replayed later. Any 2xx answer is a delivery; anything else (or no answer)
is retried with backoff, except 410 Gone, which stops the deliveries of that notice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from backend.notifications.channels import Outcome
from backend.notifications.contacts import private_address
from backend.notifications.models import Notification

EVENT_ID_HEADER = "PeerLend-Event-Id"
KIND_HEADER = "PeerLend-Event-Kind"
ATTEMPT_HEADER = "PeerLend-Delivery-Attempt"
SIGNATURE_HEADER = "PeerLend-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def payload(notification: Notification) -> bytes:
    """The body, byte for byte the same on every attempt."""
    document: dict[str, Any] = {
        "id": notification.event_id,
        "kind": notification.kind,
        "recipient": notification.recipient,
        "subject": notification.subject,
        "body": notification.body,
        "data": notification.data,
        "occurredAt": notification.occurred_at,
        "createdAt": notification.created_at.isoformat().replace("+00:00", "Z"),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: a `v1` signature of this body at the header's `t`, `t` within `tolerance`
    seconds of `now`. Several `v1` values (during a secret rotation) pass if any one matches."""
    try:
        parts = [item.split("=", 1) for item in header.split(",")]
        timestamp = int(next(value for key, value in parts if key.strip() == "t"))
        candidates = [value for key, value in parts if key.strip() == "v1"]
    except (ValueError, StopIteration):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate.strip()) for candidate in candidates)


class WebhookChannel:
    def __init__(self, timeout: float, allow_private: bool) -> None:
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)
        self.allow_private = allow_private

    def close(self) -> None:
        self.client.close()

    def send(self, url: str, secret: str, notification: Notification, attempt: int) -> Outcome:
        if not self.allow_private and private_address(url):
            return Outcome("failed", "webhook private address")
        body = payload(notification)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "PeerLend-Webhooks/1",
            EVENT_ID_HEADER: notification.event_id,
            KIND_HEADER: notification.kind,
            ATTEMPT_HEADER: str(attempt),
            SIGNATURE_HEADER: signature_header(secret, int(time.time()), body),
        }
        try:
            reply = self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome("retry", f"webhook {type(exc).__name__}"[:120])
        if 200 <= reply.status_code < 300:
            return Outcome.sent()
        if reply.status_code == 410:
            return Outcome("failed", "webhook http 410")
        return Outcome("retry", f"webhook http {reply.status_code}")
