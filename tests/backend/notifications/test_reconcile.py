"""Deliveries a sender left in `sending` when it died: taken back at once from a dead process of this
host, after the lease from another host's, never from a live one; a webhook and an email that never
reached DATA are sent again, an email handed to the SMTP server is unconfirmed and never sent again."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select

from backend.notifications.models import HANDED_OVER, NotificationDelivery
from backend.notifications.sender import owner_id
from backend.notifications.service import Notice, notify
from tests.backend.factories.wallets import wallet
from tests.backend.notifications.conftest import subscribe


def _dead_owner() -> str:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return owner_id().rsplit(":", 1)[0] + f":{process.pid}"


def _stuck(
    session, keyring, clock, name: str, owner: str, stage: str | None = None, lease: float = 60
) -> dict:
    who = wallet(name)
    subscribe(session, keyring, who, email=f"{name}@example.org", webhook="https://hooks.example.org/x")
    notice = notify(
        session, Notice(kind="loan_repaid", recipient=who, key=f"k:{name}", subject="s", body="b")
    )
    session.flush()
    rows = {}
    for d in session.scalars(
        select(NotificationDelivery).where(NotificationDelivery.notification_id == notice.id)
    ):
        d.status, d.owner, d.attempts = "sending", owner, 1
        d.stage = stage if d.channel == "email" else None
        d.lease_until = clock.now + timedelta(seconds=lease)
        rows[d.channel] = d.id
    session.commit()
    return rows


def _status(session, delivery_id: int) -> str:
    session.expire_all()
    return session.get(NotificationDelivery, delivery_id).status


def test_a_dead_senders_deliveries_are_taken_back_by_what_the_channel_allows(session, keyring, sender, clock):
    dead = _dead_owner()
    before_data = _stuck(session, keyring, clock, "ada", dead)
    handed_over = _stuck(session, keyring, clock, "ben", dead, stage=HANDED_OVER)
    assert sender.reconcile() == {"pending": 3, "unconfirmed": 1}
    assert _status(session, before_data["email"]) == "pending"  # the server held nothing: send again
    assert _status(session, before_data["webhook"]) == "pending"  # same event id: the receiver dedupes
    assert _status(session, handed_over["email"]) == "unconfirmed"  # maybe accepted: never again
    assert _status(session, handed_over["webhook"]) == "pending"


def test_a_live_or_leased_senders_deliveries_are_left_alone_until_the_lease_runs_out(
    session, keyring, sender, clock
):
    live = _stuck(session, keyring, clock, "ada", owner_id().rsplit(":", 1)[0] + ":1")  # pid 1 runs
    elsewhere = _stuck(session, keyring, clock, "ben", "another-host:4242", lease=60)
    assert sender.reconcile() == {"pending": 0, "unconfirmed": 0}
    clock.advance(seconds=61)
    taken = sender.reconcile()
    assert taken == {
        "pending": 4,
        "unconfirmed": 0,
    }  # both leases ran out: pid 1 is no proof of life elsewhere
    assert {_status(session, i) for i in [*live.values(), *elsewhere.values()]} == {"pending"}
