"""Delivery figures for `/metrics` (backend/core/state_metrics.py), read from the outbox at each scrape,
so every API process reports the same counts whatever process sent them.

  peerlend_notifications_sent_total{channel}      delivered (inbox: recorded in the inbox)
  peerlend_notifications_failed_total{channel}    given up: refused for good, or out of attempts
  peerlend_notifications_retried_total{channel}   attempts beyond each delivery's first
  peerlend_notifications_cancelled_total{channel} no longer relevant at send time, or no contact point
  peerlend_notifications_unconfirmed_total        email handed to SMTP whose answer never came (not resent)
  peerlend_notifications_pending{channel}         waiting for a first attempt or a retry, or being sent

`delivery_figures` gives the same families under another prefix for a subset of kinds (the reminders').
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backend.core.state_metrics import Figure
from backend.notifications.models import (
    CANCELLED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNCONFIRMED,
    Notification,
    NotificationDelivery,
)

CHANNELS = ("email", "webhook")


def delivery_figures(
    session: Session, prefix: str, what: str, kinds: Sequence[str] | None = None
) -> Iterator[Figure]:
    d = NotificationDelivery
    query = (
        select(
            d.channel,
            d.status,
            func.count(),
            func.coalesce(func.sum(case((d.attempts > 1, d.attempts - 1), else_=0)), 0),
        )
        .join(Notification, Notification.id == d.notification_id)
        .group_by(d.channel, d.status)
    )
    inbox = select(func.count()).select_from(Notification).where(Notification.inbox.is_(True))
    if kinds is not None:
        query = query.where(Notification.kind.in_(kinds))
        inbox = inbox.where(Notification.kind.in_(kinds))
    counts: dict[tuple[str, str], int] = {}
    retried = dict.fromkeys(CHANNELS, 0)
    for channel, status, count, extra in session.execute(query):
        counts[(channel, status)] = int(count)
        retried[channel] = retried.get(channel, 0) + int(extra)
    families = (
        ("sent", f"{what} delivered, by channel", (SENT,)),
        ("failed", f"{what} given up after a refusal or the last attempt, by channel", (FAILED,)),
        (
            "cancelled",
            f"{what} found no longer relevant (or without a contact point) at send time",
            (CANCELLED,),
        ),
        (
            "unconfirmed",
            f"{what} handed to the SMTP server whose answer never came (never resent)",
            (UNCONFIRMED,),
        ),
    )
    for name, help_text, statuses in families:
        for channel in CHANNELS:
            value = sum(counts.get((channel, s), 0) for s in statuses)
            yield Figure(f"{prefix}_{name}", help_text, value, {"channel": channel}, counter=True)
    yield Figure(
        f"{prefix}_sent",
        f"{what} delivered, by channel",
        int(session.scalar(inbox) or 0),
        {"channel": "inbox"},
        counter=True,
    )
    for channel in CHANNELS:
        yield Figure(
            f"{prefix}_retried",
            f"{what}: attempts beyond each delivery's first",
            retried[channel],
            {"channel": channel},
            counter=True,
        )
        pending = counts.get((channel, PENDING), 0) + counts.get((channel, SENDING), 0)
        yield Figure(
            f"{prefix}_pending", f"{what} waiting to be sent or being sent", pending, {"channel": channel}
        )


def notification_figures(session: Session) -> Iterator[Figure]:
    yield from delivery_figures(session, "peerlend_notifications", "Notices")
