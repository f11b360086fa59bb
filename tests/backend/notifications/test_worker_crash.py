"""The notification worker (`python -m backend.notifications.worker`) SIGKILLed between sending and
recording, three times, each by the receiver at the worst moment: the SMTP server kills it after taking a
message and before answering DATA, and again while it names a recipient (before DATA); the webhook
receiver kills it after processing a request and before answering. After each restart: the email the
server took is never sent again (unconfirmed), the one it never took is sent once, and the webhook is
sent again with the same event id, which the receiver dedupes, so it is processed once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from backend.core.settings import ROOT
from backend.notifications.channels.webhook import EVENT_ID_HEADER
from backend.notifications.models import Notification, NotificationDelivery
from backend.notifications.service import Notice, notify
from tests.backend.factories.wallets import wallet
from tests.backend.notifications.conftest import subscribe

pytestmark = pytest.mark.timeout(120)


class Worker:
    def __init__(self, database_url: str, smtp_port: int, log_path) -> None:
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith("PEERLEND_") and k != "DATABASE_URL"
        }
        self.env.update(
            {
                "PEERLEND_ENV": "test",
                "PEERLEND_DATABASE_URL": database_url,
                "PEERLEND_LOG_JSON": "false",
                "PEERLEND_NOTIFICATIONS_SMTP_PORT": str(smtp_port),
                "PEERLEND_NOTIFICATIONS_POLL_SECONDS": "0.05",
                "PEERLEND_NOTIFICATIONS_BACKOFF_BASE_SECONDS": "0.05",
            }
        )
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [sys.executable, "-m", "backend.notifications.worker"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)

    def wait_dead(self, timeout: float = 60) -> None:
        assert self.process is not None
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the worker was not killed:\n{self.log_path.read_text()[-3000:]}") from None
        assert self.process.returncode == -signal.SIGKILL, self.log_path.read_text()[-3000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)


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
    worker = Worker(database_url, mail.port, tmp_path / "worker.log")
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
            worker.wait_dead()
            assert expected in killed
        worker.start()
        deadline = time.monotonic() + 60
        while set(_statuses(sessions).values()) - {("sent", 1), ("sent", 2), ("unconfirmed", 1)}:
            assert time.monotonic() < deadline, (_statuses(sessions), worker.log_path.read_text()[-3000:])
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
