"""The sender: takes due deliveries from the outbox, one at a time, and records what became of each.

Per delivery, each step in a transaction of its own:

1. claim: pending -> sending, attempts + 1, owner ("host:pid") and a lease, by a conditional UPDATE, so
   two senders never hold one delivery;
2. guard: a notice with a guard (a reminder: is the installment still unpaid, still in its window?) is
   checked now, on the index as it is at send time; no longer relevant -> cancelled;
3. send, through the channel (backend/notifications/channels/);
4. record: sent, or pending again after a backoff, or failed after the last attempt, or unconfirmed.

A sender that dies between 1 and 4 leaves a delivery in `sending`. `reconcile` (run before every pass)
takes such a delivery back once its owner is gone (a process of this host that no longer runs) or its
lease ran out (another host's): a webhook goes back to pending and is sent again with the same event id,
which the receiver dedupes on; an email that never reached DATA goes back to pending (the SMTP server
holds nothing of it); an email that had reached DATA becomes unconfirmed and is never sent again (see
backend/notifications/channels/email.py for the exact guarantee).

Guards are what a domain checks before its notices leave. A sender delivers a notice only if it knows the
notice's guard (the servicing worker knows the reminders'), and unguarded notices only if told to (the
notifications worker), so no process ever sends a notice whose check it cannot run.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.db.types import utcnow
from backend.notifications.channels import Outcome
from backend.notifications.channels.email import SmtpChannel, build_message
from backend.notifications.channels.webhook import WebhookChannel
from backend.notifications.config import NotificationSettings
from backend.notifications.contacts import read_contacts
from backend.notifications.models import (
    CANCELLED,
    FAILED,
    HANDED_OVER,
    PENDING,
    SENDING,
    SENT,
    UNCONFIRMED,
    Notification,
    NotificationDelivery,
)
from backend.privacy.crypto import Keyring

log = logging.getLogger("peerlend.notifications.sender")

# (session, notice) -> None to deliver it, or the reason it is no longer relevant
Guard = Callable[[Session, Notification], str | None]
_HOST = socket.gethostname()[:64]


def owner_id() -> str:
    return f"{_HOST}:{os.getpid()}"


def owner_is_gone(owner: str | None) -> bool:
    """True only when the owner ran on this host and its process no longer exists (as
    backend/core/idempotency.py tells a dead request's owner)."""
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


def backoff(settings: NotificationSettings, delivery_id: int, attempts: int) -> timedelta:
    """base * 2^(attempts-1), capped, spread by up to 25 % (from the delivery id: deterministic, so many
    deliveries failing together do not all come back in the same second)."""
    delay = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** max(0, attempts - 1))
    spread = int.from_bytes(hashlib.sha256(f"{delivery_id}:{attempts}".encode()).digest()[:2], "big") / 65_535
    return timedelta(seconds=delay * (1 + 0.25 * spread))


@dataclass
class PassResult:
    attempted: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, result: str) -> None:
        self.outcomes[result] = self.outcomes.get(result, 0) + 1


class Sender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: NotificationSettings,
        keyring: Keyring,
        *,
        guards: Mapping[str, Guard] | None = None,
        unguarded: bool = True,
        smtp: SmtpChannel | None = None,
        webhooks: WebhookChannel | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.keyring = keyring
        self.guards = dict(guards or {})
        self.unguarded = unguarded
        self.smtp = smtp or SmtpChannel(settings)
        self.webhooks = webhooks or WebhookChannel(
            settings.webhook_timeout_seconds, settings.allow_private_webhooks
        )
        self.owner = owner_id()

    def close(self) -> None:
        self.webhooks.close()

    # ------------------------------------------------------------------ which deliveries are ours

    def _mine(self) -> Any:
        """The notices this sender may deliver: those whose guard it knows, and unguarded ones if told."""
        allowed = []
        if self.guards:
            allowed.append(Notification.guard.in_(sorted(self.guards)))
        if self.unguarded:
            allowed.append(Notification.guard.is_(None))
        return or_(*allowed) if allowed else Notification.id.is_(None)

    # ------------------------------------------------------------------ reconciliation

    def reconcile(self) -> dict[str, int]:
        """Takes back deliveries whose sender died mid-send (see the module docstring)."""
        counts = {PENDING: 0, UNCONFIRMED: 0}
        now = utcnow()
        with self.sessions() as session:
            stuck = session.execute(
                select(
                    NotificationDelivery.id,
                    NotificationDelivery.channel,
                    NotificationDelivery.stage,
                    NotificationDelivery.owner,
                    NotificationDelivery.lease_until,
                )
                .join(Notification, Notification.id == NotificationDelivery.notification_id)
                .where(NotificationDelivery.status == SENDING, self._mine())
            ).all()
        for delivery_id, channel, stage, owner, lease_until in stuck:
            if owner == self.owner or not (owner_is_gone(owner) or (lease_until and lease_until < now)):
                continue
            status = UNCONFIRMED if channel == "email" and stage == HANDED_OVER else PENDING
            with self.sessions() as session:
                result = session.execute(
                    update(NotificationDelivery)
                    .where(
                        NotificationDelivery.id == delivery_id,
                        NotificationDelivery.status == SENDING,
                        NotificationDelivery.owner == owner,
                    )
                    .values(
                        status=status,
                        owner=None,
                        lease_until=None,
                        next_attempt_at=now,
                        last_error="sender died mid-send",
                        updated_at=now,
                    )
                )
                session.commit()
            if getattr(result, "rowcount", 0):
                counts[status] += 1
                log.warning(
                    "delivery %d (%s) taken back from %s: now %s", delivery_id, channel, owner, status
                )
        return counts

    # ------------------------------------------------------------------ one pass

    def deliver_due(self, limit: int | None = None) -> PassResult:
        """Attempts every delivery that is due (at most `limit`); one failing never stops the others."""
        result = PassResult()
        now = utcnow()
        with self.sessions() as session:
            due = list(
                session.scalars(
                    select(NotificationDelivery.id)
                    .join(Notification, Notification.id == NotificationDelivery.notification_id)
                    .where(
                        NotificationDelivery.status == PENDING,
                        NotificationDelivery.next_attempt_at <= now,
                        self._mine(),
                    )
                    .order_by(NotificationDelivery.next_attempt_at, NotificationDelivery.id)
                    .limit(limit or self.settings.batch_size)
                )
            )
        for delivery_id in due:
            try:
                outcome = self.attempt(delivery_id)
            except Exception:  # one bad delivery (a bug, an undecryptable contact) never stops a batch
                log.exception("delivery %d failed unexpectedly", delivery_id)
                outcome = self._record(delivery_id, Outcome("retry", "internal error"))
            if outcome is not None:
                result.attempted += 1
                result.count(outcome.result)
        return result

    def attempt(self, delivery_id: int) -> Outcome | None:
        """Claims, checks, sends and records one delivery; None if another sender had it first."""
        if not self._claim(delivery_id):
            return None
        with self.sessions() as session:
            delivery = session.get(NotificationDelivery, delivery_id)
            assert delivery is not None
            notification = session.get(Notification, delivery.notification_id)
            assert notification is not None
            guard = self.guards.get(notification.guard) if notification.guard else None
            if notification.guard and guard is None:
                return self._record(delivery_id, Outcome("retry", "unknown guard"))
            if guard is not None and (reason := guard(session, notification)):
                return self._cancel(delivery_id, reason)
            contacts = read_contacts(session, self.keyring, notification.recipient)
            session.expunge_all()  # plain objects from here on: the send holds no connection
        outcome = self._send(
            delivery, notification, contacts.email, contacts.webhook_url, contacts.webhook_secret
        )
        if outcome is None:
            return self._cancel(delivery_id, "no_contact")
        return self._record(delivery_id, outcome)

    def _send(
        self,
        delivery: NotificationDelivery,
        notification: Notification,
        email: str | None,
        url: str | None,
        secret: str | None,
    ) -> Outcome | None:
        if delivery.channel == "email":
            if not email:
                return None
            message = build_message(self.settings, delivery.id, notification, email)
            return self.smtp.send(message, email, lambda: self._stage(delivery.id, HANDED_OVER))
        if delivery.channel == "webhook":
            if not url or not secret:
                return None
            return self.webhooks.send(url, secret, notification, delivery.attempts)
        return Outcome("failed", f"unknown channel {delivery.channel}")

    # ------------------------------------------------------------------ the outbox rows

    def _claim(self, delivery_id: int) -> bool:
        now = utcnow()
        with self.sessions() as session:
            result = session.execute(
                update(NotificationDelivery)
                .where(NotificationDelivery.id == delivery_id, NotificationDelivery.status == PENDING)
                .values(
                    status=SENDING,
                    attempts=NotificationDelivery.attempts + 1,
                    owner=self.owner,
                    lease_until=now + timedelta(seconds=self.settings.lease_seconds),
                    stage=None,
                    updated_at=now,
                )
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0))

    def _held(self, delivery_id: int) -> Any:
        return update(NotificationDelivery).where(
            NotificationDelivery.id == delivery_id,
            NotificationDelivery.status == SENDING,
            NotificationDelivery.owner == self.owner,
        )

    def _stage(self, delivery_id: int, stage: str) -> None:
        with self.sessions() as session:
            session.execute(self._held(delivery_id).values(stage=stage, updated_at=utcnow()))
            session.commit()

    def _cancel(self, delivery_id: int, reason: str) -> Outcome:
        with self.sessions() as session:
            session.execute(
                self._held(delivery_id).values(
                    status=CANCELLED, reason=reason[:48], owner=None, lease_until=None, updated_at=utcnow()
                )
            )
            session.commit()
        log.info("delivery %d cancelled: %s", delivery_id, reason)
        return Outcome("cancelled", reason)

    def _record(self, delivery_id: int, outcome: Outcome) -> Outcome:
        now = utcnow()
        values: dict[str, Any] = {
            "owner": None,
            "lease_until": None,
            "updated_at": now,
            "last_error": outcome.error,
        }
        with self.sessions() as session:
            attempts = session.scalar(
                select(NotificationDelivery.attempts).where(NotificationDelivery.id == delivery_id)
            )
            if outcome.result == "sent":
                values.update(status=SENT, sent_at=now)
            elif outcome.result == "unconfirmed":
                values.update(status=UNCONFIRMED)
            elif outcome.result == "retry" and (attempts or 0) < self.settings.max_attempts:
                values.update(
                    status=PENDING, next_attempt_at=now + backoff(self.settings, delivery_id, attempts or 1)
                )
            else:
                values.update(status=FAILED)
            session.execute(self._held(delivery_id).values(**values))
            session.commit()
        log.info(
            "delivery %d: %s%s", delivery_id, values["status"], f" ({outcome.error})" if outcome.error else ""
        )
        return outcome

    # ------------------------------------------------------------------ the loop

    def run(self, stop: threading.Event, before_pass: Callable[[], object] | None = None) -> None:
        """Reconciles, delivers what is due, and waits `poll_seconds` when there was nothing to do."""
        while not stop.is_set():
            busy = False
            try:
                if before_pass is not None:
                    before_pass()
                self.reconcile()
                busy = self.deliver_due().attempted > 0
            except Exception:  # the database away for a moment: wait and try again
                log.exception("sender pass failed")
            if not busy:
                stop.wait(self.settings.poll_seconds)
