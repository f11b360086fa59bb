"""Contact points, preferences, notices (the in-app inbox) and their deliveries (the outbox).

- `notification_contacts`: a wallet's email address, webhook URL and webhook signing secret, each
  AES-GCM encrypted (backend/privacy) with the wallet and the field as associated data, so a ciphertext
  copied to another wallet or field fails to decrypt. Nothing else in these tables is personal data.
- `notification_preferences`: channels per wallet and kind; no row means every channel is on (a channel
  without a contact point delivers nothing).
- `notifications`: one notice per (what it is about, recipient): `event_key` names the fact
  ("reminder:12:3:T-7", "chain:<block hash>:<log index>"), so a notice recorded twice (a replayed range,
  a scheduler that crashed before recording) is the same row. `event_id` is derived from that pair and
  is what webhook receivers dedupe on. `inbox` says whether the wallet's inbox shows it.
- `notification_deliveries`: the outbox, one row per (notice, channel), unique; its status moves
  pending -> sending -> sent, or back to pending for a retry, or to failed, cancelled (a guard said the
  notice is no longer relevant, or the contact point is gone) or unconfirmed (email only: the sender
  died, or lost the connection, after handing the message to the SMTP server and before its answer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow

PENDING, SENDING, SENT, FAILED, CANCELLED, UNCONFIRMED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "cancelled",
    "unconfirmed",
)
# email: the message is being handed to the SMTP server (DATA); before it the server holds nothing
HANDED_OVER = "handed_over"


def contact_aad(wallet: str, field: str) -> bytes:
    """Associated data of one encrypted contact field: its wallet and its column."""
    return f"notification_contact:{wallet}:{field}".encode()


class NotificationContact(Base):
    __tablename__ = "notification_contacts"

    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    email_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook_url_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook_secret_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class NotificationPreference(Base):
    __tablename__ = "notification_preferences"

    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    webhook: Mapped[bool] = mapped_column(Boolean, default=True)
    inbox: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_key", "recipient", name="uq_notifications_event_key_recipient"),
        Index("ix_notifications_recipient_id", "recipient", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_key: Mapped[str] = mapped_column(String(160))
    recipient: Mapped[str] = mapped_column(String(42))
    kind: Mapped[str] = mapped_column(String(48), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # a check a sender runs before each delivery (backend/notifications/guards.py); None: always deliver
    guard: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the chain time of what the notice is about (block timestamp), when the chain decided it
    occurred_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    inbox: Mapped[bool] = mapped_column(Boolean, default=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationDelivery(Base):
    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint(
            "notification_id", "channel", name="uq_notification_deliveries_notification_channel"
        ),
        Index("ix_notification_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    channel: Mapped[str] = mapped_column(String(16))  # email | webhook
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # who holds a delivery being sent ("host:pid") and until when
    owner: Mapped[str | None] = mapped_column(String(96), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # never a contact point or a server's reply text (they may quote the address): a class and a code
    last_error: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(48), nullable=True)  # why cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
