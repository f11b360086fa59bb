"""The notification worker (`python -m backend.notifications.worker`) SIGKILLed between sending and
recording, three times, each by the receiver at the worst moment: the SMTP server kills it after taking a
message and before answering DATA, and again while it names a recipient (before DATA); the webhook
receiver kills it after processing a request and before answering. After each restart: the email the
server took is never sent again (unconfirmed), the one it never took is sent once, and the webhook is
sent again with the same event id, which the receiver dedupes, so it is processed once."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from backend.notifications.channels.webhook import EVENT_ID_HEADER
from backend.notifications.models import Notification, NotificationDelivery
from backend.notifications.service import Notice, notify
from tests.backend.factories.wallets import wallet
from tests.backend.notifications.conftest import subscribe
from tests.backend.notifications.processes import WorkerProcess

pytestmark = pytest.mark.timeout(120)


def _statuses(sessions) -> dict[str, tuple[str, int]]:
    with sessions() as s:
        rows = s.execute(
            select(Notification.recipient, NotificationDelivery.status, NotificationDelivery.attempts).join(
                Notification, Notification.id == NotificationDelivery.notification_id
            )
        )
        return {who: (status, attempts) for who, status, attempts in rows}


def test_sigkilled_between_sending_and_recording_it_never_sends_twice(
    database_url, sessions, keyring, mail, hooks, tmp_path
):
    ada, ben, cara = wallet("ada"), wallet("ben"), wallet("cara")
    with sessions() as session:
        subscribe(session, keyring, ada, email="ada@example.org")
        subscribe(session, keyring, ben, email="ben@example.org")
        subscribe(session, keyring, cara, webhook=hooks.url)
        for who in (ada, ben, cara):
            notify(
                session,
                Notice(kind="loan_repaid", recipient=who, key="chain:0x1:0", subject=f"to {who}", body="b"),
            )
        session.commit()
    worker = WorkerProcess("backend.notifications.worker", database_url, mail.port, tmp_path / "worker.log")
    killed: set[str] = set()

    def kill_once(what: str) -> None:
        if what not in killed:
            killed.add(what)
            worker.kill()

    mail.handler.on_data = lambda envelope: (
        kill_once("data") if "ada@example.org" in envelope.rcpt_tos else None
    )
    mail.handler.on_rcpt = lambda address: kill_once("rcpt") if address == "ben@example.org" else None
    hooks.on_request = lambda hit: kill_once("webhook")
    try:
        for expected in ("data", "rcpt", "webhook"):
            worker.start()
            worker.wait_killed()
            assert expected in killed
        worker.start()
        deadline = time.monotonic() + 60
        while set(_statuses(sessions).values()) - {("sent", 1), ("sent", 2), ("unconfirmed", 1)}:
            assert time.monotonic() < deadline, (_statuses(sessions), worker.log())
            time.sleep(0.05)
    finally:
        worker.stop()
    received = [m["To"] for m in mail.messages()]
    assert sorted(received) == ["ada@example.org", "ben@example.org"]  # each once
    assert _statuses(sessions) == {ada: ("unconfirmed", 1), ben: ("sent", 2), cara: ("sent", 2)}
    assert len(hooks.hits) == 2 and len({h.headers[EVENT_ID_HEADER] for h in hooks.hits}) == 1
    assert len(hooks.processed) == 1  # the receiver's dedupe on the event id: processed once
    log = worker.log_path.read_text()
    assert "ada@example.org" not in log and "ben@example.org" not in log  # never a contact point in a log
