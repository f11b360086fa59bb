"""Notifications use cases: record a notice (the one call other domains make), read and mark the inbox,
and read or change a wallet's contact points and channels.

`notify` writes in the caller's transaction and never commits: a notice is recorded together with
whatever made it (an indexed range, a scheduler's decision), or not at all. The API's use cases commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.schemas import decode_cursor, encode_cursor
from backend.db.session import take_write_lock
from backend.db.types import utcnow
from backend.notifications import problems
from backend.notifications.config import NotificationSettings
from backend.notifications.contacts import (
    email_problem,
    new_webhook_secret,
    read_contacts,
    seal,
    webhook_url_problem,
)
from backend.notifications.kinds import KINDS
from backend.notifications.models import (
    PENDING,
    Notification,
    NotificationContact,
    NotificationDelivery,
    NotificationPreference,
)
from backend.notifications.schemas import (
    Channels,
    MarkReadOut,
    NotificationOut,
    NotificationPage,
    PreferencesIn,
    PreferencesOut,
)
from backend.privacy.crypto import Keyring

# uuid5 namespace of notice ids: the same (event key, recipient) always gets the same id
EVENT_NAMESPACE = uuid.UUID("6f1c1e0a-3b0e-5d55-9a52-7065657246c1")
EXTERNAL_CHANNELS = ("email", "webhook")


@dataclass(frozen=True)
class Notice:
    """One notice to one wallet.

    `key` names what the notice is about, unique per recipient ("reminder:12:3:T-7"); recording the same
    key for the same recipient again does nothing. `guard` names a check the sender runs before each
    delivery (backend/notifications/sender.py); only a sender that knows the guard delivers the notice.
    `occurred_at` is the chain time of the fact, when the chain decided it.
    """

    kind: str
    recipient: str
    key: str
    subject: str
    body: str
    data: Mapping[str, Any] = field(default_factory=dict)
    occurred_at: int | None = None
    guard: str | None = None


def event_id_for(key: str, recipient: str) -> str:
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{key}|{recipient}"))


def notify(session: Session, notice: Notice) -> Notification | None:
    """Records `notice` and a pending delivery for each channel the recipient gets it on; None if it was
    recorded before. Runs in the caller's transaction (opened as a writer here) and does not commit."""
    if notice.kind not in KINDS:
        raise ValueError(f"unknown notice kind {notice.kind!r}: add it to backend/notifications/kinds.py")
    take_write_lock(session)
    known = select(Notification.id).where(
        Notification.event_key == notice.key, Notification.recipient == notice.recipient
    )
    if session.scalar(known) is not None:
        return None
    channels = channels_for(session, notice.recipient, notice.kind)
    now = utcnow()
    row = Notification(
        event_id=event_id_for(notice.key, notice.recipient),
        event_key=notice.key,
        recipient=notice.recipient,
        kind=notice.kind,
        subject=notice.subject[:200],
        body=notice.body,
        data=dict(notice.data),
        guard=notice.guard,
        occurred_at=notice.occurred_at,
        inbox=channels.inbox,
        created_at=now,
    )
    try:
        with session.begin_nested():  # a concurrent writer of the same notice wins; this one is a no-op
            session.add(row)
            session.flush()
            for channel in EXTERNAL_CHANNELS:
                if getattr(channels, channel):
                    session.add(
                        NotificationDelivery(
                            notification_id=row.id,
                            channel=channel,
                            status=PENDING,
                            attempts=0,
                            next_attempt_at=now,
                            created_at=now,
                        )
                    )
            session.flush()
    except IntegrityError:
        return None
    return row


def notify_all(session: Session, notices: Iterable[Notice]) -> int:
    """Records each notice (see `notify`); returns how many were new."""
    return sum(notify(session, notice) is not None for notice in notices)


def channels_for(session: Session, wallet: str, kind: str) -> Channels:
    """The channels a notice of `kind` reaches `wallet` on: those its preferences leave on (all, unless
    set) that have a contact point."""
    preference = session.get(NotificationPreference, (wallet, kind))
    contact = session.get(NotificationContact, wallet)
    wanted = preference or NotificationPreference(email=True, webhook=True, inbox=True)
    return Channels(
        email=bool(wanted.email and contact is not None and contact.email_ciphertext),
        webhook=bool(wanted.webhook and contact is not None and contact.webhook_url_ciphertext),
        inbox=bool(wanted.inbox),
    )


# ------------------------------------------------------------------------------------------ the inbox


def inbox(session: Session, wallet: str, unread: bool, limit: int, cursor: str | None) -> NotificationPage:
    """The wallet's own notices, newest first, by keyset on the notice's row id."""
    kind = f"notifications:{'unread' if unread else 'all'}"
    position = decode_cursor(kind, cursor, {"id": int})
    query = select(Notification).where(Notification.recipient == wallet, Notification.inbox.is_(True))
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if position is not None:
        query = query.where(Notification.id < position["id"])
    rows = list(session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return NotificationPage(
        items=_with_deliveries(session, rows),
        next_cursor=encode_cursor(kind, {"id": rows[-1].id}) if more and rows else None,
    )


def _with_deliveries(session: Session, rows: list[Notification]) -> list[NotificationOut]:
    deliveries: dict[int, list[dict[str, Any]]] = {row.id: [] for row in rows}
    if rows:
        for d in session.scalars(
            select(NotificationDelivery)
            .where(NotificationDelivery.notification_id.in_(deliveries))
            .order_by(NotificationDelivery.id)
        ):
            deliveries[d.notification_id].append(
                {"channel": d.channel, "status": d.status, "attempts": d.attempts, "sent_at": d.sent_at}
            )
    return [
        NotificationOut.model_validate(
            {
                "event_id": r.event_id,
                "kind": r.kind,
                "subject": r.subject,
                "body": r.body,
                "data": r.data,
                "occurred_at": r.occurred_at,
                "created_at": r.created_at,
                "read_at": r.read_at,
                "deliveries": deliveries[r.id],
            }
        )
        for r in rows
    ]


def _own(wallet: str, ids: list[str]) -> Any:
    return select(Notification).where(
        Notification.recipient == wallet, Notification.inbox.is_(True), Notification.event_id.in_(ids)
    )


def mark_read(session: Session, wallet: str, ids: list[str]) -> MarkReadOut:
    """Marks the wallet's notices `ids` read, all or none: an id that is not one of its own is a 404."""
    take_write_lock(session)
    wanted = list(dict.fromkeys(ids))
    found = {row.event_id for row in session.scalars(_own(wallet, wanted))}
    missing = [i for i in wanted if i not in found]
    if missing:
        session.rollback()
        raise problems.notification_not_found(missing)
    result = session.execute(
        update(Notification)
        .where(
            Notification.recipient == wallet,
            Notification.event_id.in_(wanted),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    session.commit()
    return MarkReadOut(read=int(getattr(result, "rowcount", 0) or 0))


def read_one(session: Session, wallet: str, event_id: str) -> NotificationOut:
    """Marks one of the wallet's notices read (again: no change) and returns it."""
    take_write_lock(session)
    row = session.scalar(_own(wallet, [event_id]))
    if row is None:
        session.rollback()
        raise problems.notification_not_found()
    if row.read_at is None:
        row.read_at = utcnow()
    session.commit()
    return _with_deliveries(session, [row])[0]


# ------------------------------------------------------------------------------------------ preferences


def preferences(
    session: Session, keyring: Keyring, wallet: str, new_secret: str | None = None
) -> PreferencesOut:
    contacts = read_contacts(session, keyring, wallet)
    rows = {
        p.kind: p
        for p in session.scalars(
            select(NotificationPreference).where(NotificationPreference.wallet == wallet)
        )
    }
    kinds = {}
    for name in KINDS:
        row = rows.get(name)
        kinds[name] = (
            Channels(email=row.email, webhook=row.webhook, inbox=row.inbox)
            if row
            else Channels(email=True, webhook=True, inbox=True)
        )
    return PreferencesOut(
        email=contacts.email,
        webhook_url=contacts.webhook_url,
        webhook_secret_set=contacts.webhook_secret is not None,
        webhook_secret=new_secret,
        kinds=kinds,
    )


def update_preferences(
    session: Session, keyring: Keyring, settings: NotificationSettings, wallet: str, body: PreferencesIn
) -> PreferencesOut:
    """Changes what `body` names. A webhook URL set for the first time, or with `rotateWebhookSecret`,
    gets a new signing secret, returned in this answer only; removing the URL removes the secret."""
    given = body.model_fields_set
    unknown = sorted(set(body.kinds) - set(KINDS))
    if unknown:
        raise problems.unknown_notice_kind(unknown, list(KINDS))
    if "email" in given and body.email is not None and (why := email_problem(body.email)):
        raise problems.invalid_contact_point("email", why)
    production = settings.env == "production"
    if "webhook_url" in given and body.webhook_url is not None:
        if why := webhook_url_problem(body.webhook_url, production):
            raise problems.invalid_contact_point("webhookUrl", why)
    take_write_lock(session)
    contact = session.get(NotificationContact, wallet) or NotificationContact(wallet=wallet)
    session.add(contact)
    if "email" in given:
        contact.email_ciphertext = seal(keyring, wallet, "email", body.email)
    new_secret = None
    if "webhook_url" in given:
        contact.webhook_url_ciphertext = seal(keyring, wallet, "webhook_url", body.webhook_url)
        if body.webhook_url is None:
            contact.webhook_secret_ciphertext = None
    if contact.webhook_url_ciphertext and (
        body.rotate_webhook_secret or not contact.webhook_secret_ciphertext
    ):
        new_secret = new_webhook_secret()
        contact.webhook_secret_ciphertext = seal(keyring, wallet, "webhook_secret", new_secret)
    contact.updated_at = utcnow()
    for kind, choice in body.kinds.items():
        row = session.get(NotificationPreference, (wallet, kind))
        if row is None:
            row = NotificationPreference(wallet=wallet, kind=kind, email=True, webhook=True, inbox=True)
            session.add(row)
        for channel in ("email", "webhook", "inbox"):
            value = getattr(choice, channel)
            if value is not None:
                setattr(row, channel, value)
        row.updated_at = utcnow()
    session.commit()
    return preferences(session, keyring, wallet, new_secret)
