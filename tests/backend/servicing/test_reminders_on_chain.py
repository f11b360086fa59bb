"""The reminder scheduler (`python -m backend.servicing.worker`) on a real chain: the real deployment on
anvil, the real indexer process following it, the worker as its own process mailing a local SMTP server.
anvil's clock is moved to each reminder's day; what arrives in the mailbox is what the borrowers got."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.core.settings import Settings
from backend.db.session import create_db_engine, make_sessionmaker
from backend.notifications.models import Notification, NotificationDelivery
from backend.privacy.crypto import Keyring
from backend.privacy.keys import keyring_from_settings
from backend.servicing.clock import DAY, day_start
from backend.servicing.models import ReminderRecord
from demo.processes import IndexerProcess
from tests.backend.notifications.conftest import subscribe
from tests.backend.notifications.processes import WorkerProcess
from tests.backend.notifications.receivers import MailSink, mail_sink
from tests.backend.servicing.chain_loans import USD, drawn_loan, repay, schedule
from tests.support.anvil import rpc
from tests.support.chain import DeployedChain, deployed_chain  # noqa: F401
from tests.support.database import migrated_database
from tests.support.postgres import on_postgres

pytestmark = [
    pytest.mark.timeout(240),
    # the chain, indexer and worker processes are the same on either engine; the scheduler's queries and
    # the outbox run on PostgreSQL in the service-level tests (as the indexer's own tests, SQLite only)
    pytest.mark.skipif(on_postgres(), reason="run on SQLite only"),
]


@dataclass
class Platform:
    chain: DeployedChain
    mail: MailSink
    indexer: IndexerProcess
    worker: WorkerProcess
    sessions: Callable
    keyring: Keyring

    def wallet(self, user: str, email: str) -> str:
        address = self.chain.accounts[user].address
        with self.sessions() as session:
            subscribe(session, self.keyring, address, email=email)
        return address

    def advance_to(self, timestamp: int) -> None:
        rpc(self.chain.rpc_url, "evm_mine", [timestamp])

    def next_noon(self) -> None:
        """Mines a block at the next 12:00 UTC, so loans drawn now fall due mid-day, far from midnight."""
        self.advance_to(day_start(self.chain.now()) + DAY + 12 * 3600)

    def subjects(self, email: str) -> list[str]:
        return [m["Subject"] for m in self.mail.messages() if m["To"] == email]

    def wait_for(self, what: str, predicate: Callable[[], object], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            self.indexer.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}:\n{self.worker.log()}")
            time.sleep(0.05)

    def reminders(self, loan_id: int) -> list[tuple[int, int, str]]:
        with self.sessions() as session:
            rows = session.scalars(
                select(ReminderRecord)
                .where(ReminderRecord.loan_id == loan_id)
                .order_by(ReminderRecord.period, ReminderRecord.offset_days.desc())
            )
            return [(r.period, r.offset_days, r.status) for r in rows]


@pytest.fixture(scope="module")
def platform(deployed_chain, tmp_path_factory) -> Iterator[Platform]:  # noqa: F811
    snapshot = deployed_chain.snapshot()
    directory: Path = tmp_path_factory.mktemp("servicing-chain")
    with migrated_database(directory) as url, mail_sink(directory / "mail") as mail:
        engine = create_db_engine(url)
        indexer = IndexerProcess(
            deployed_chain.rpc_url,
            deployed_chain.manifest_path,
            url,
            build_dir=deployed_chain.build_dir,
            log_path=directory / "indexer.log",
            poll_interval=0.1,
        )
        worker = WorkerProcess(
            "backend.servicing.worker",
            url,
            mail.port,
            directory / "servicing.log",
            PEERLEND_SERVICING_POLL_SECONDS="0.1",
        )
        try:
            with indexer:
                worker.start()
                yield Platform(
                    deployed_chain,
                    mail,
                    indexer,
                    worker,
                    make_sessionmaker(engine),
                    keyring_from_settings(Settings(env="test", database_url=url)),
                )
        finally:
            worker.stop()
            engine.dispose()
            deployed_chain.revert(snapshot)
            # anvil's clock goes back with the snapshot: bring it to real time for whoever runs next
            rpc(deployed_chain.rpc_url, "evm_mine", [max(deployed_chain.now() + 1, int(time.time()))])


def test_reminders_go_out_at_t7_t3_t1_and_on_the_due_day_and_never_for_a_paid_installment(platform):
    acc = platform.chain.accounts
    ada = platform.wallet("user1", "ada@example.org")
    ben = platform.wallet("user2", "ben@example.org")
    platform.next_noon()
    loan_a = drawn_loan(platform.chain, ada, acc["user7"].address, 3_000 * USD)
    loan_b = drawn_loan(platform.chain, ben, acc["user7"].address, 2_000 * USD)
    (due, amount), *_ = schedule(platform.chain, loan_a)
    day = day_start(due)
    assert day_start(schedule(platform.chain, loan_b)[0][0]) == day

    platform.advance_to(day - 7 * DAY - 3600)  # an hour before T-7: nothing yet
    platform.advance_to(day - 7 * DAY + 60)
    platform.wait_for("both T-7 reminders", lambda: platform.subjects("ben@example.org"))
    platform.wait_for("Ada's T-7", lambda: platform.subjects("ada@example.org"))
    assert platform.subjects("ada@example.org") == [
        f"Repayment due in 7 days: loan #{loan_a}, installment 1 of 3"
    ]

    repay(platform.chain, ada, loan_a, amount)  # Ada pays installment 1 early
    for offset, when in ((3, "in 3 days"), (1, "in 1 day"), (0, "today")):
        platform.advance_to(day - offset * DAY + 60)
        expected = f"Repayment due {when}: loan #{loan_b}, installment 1 of 3"
        platform.wait_for(f"Ben's T-{offset}", lambda e=expected: e in platform.subjects("ben@example.org"))
    # the worker decided Ada's installment in the same passes as Ben's: paid, so never reminded again
    assert platform.subjects("ada@example.org") == [
        f"Repayment due in 7 days: loan #{loan_a}, installment 1 of 3"
    ]
    assert platform.reminders(loan_a) == [(1, 7, "scheduled")]
    assert len(platform.subjects("ben@example.org")) == 4
    assert platform.reminders(loan_b) == [(1, o, "scheduled") for o in (7, 3, 1, 0)]


def test_a_worker_sigkilled_between_sending_and_recording_sends_no_reminder_twice(platform):
    cara = platform.wallet("user3", "cara@example.org")
    platform.next_noon()
    loan = drawn_loan(platform.chain, cara, platform.chain.accounts["user7"].address, 1_000 * USD)
    day = day_start(schedule(platform.chain, loan)[0][0])
    killed: list[str] = []
    mine = f"loan #{loan},"

    def on_data(envelope) -> None:  # the server has the T-7 message; its sender dies before the answer
        if "cara@example.org" in envelope.rcpt_tos and "T-7" not in killed:
            killed.append("T-7")
            platform.worker.kill()

    def on_rcpt(address: str) -> None:  # the T-3 message: its sender dies while naming the recipient
        if address == "cara@example.org" and "T-7" in killed and "T-3" not in killed:
            killed.append("T-3")
            platform.worker.kill()

    platform.mail.handler.on_data, platform.mail.handler.on_rcpt = on_data, on_rcpt
    try:
        for offset in (7, 3):
            platform.advance_to(day - offset * DAY + 60)
            platform.worker.wait_killed()
            platform.worker.start()
        platform.wait_for(
            "the T-3 reminder, sent again",
            lambda: sum(mine in s for s in platform.subjects("cara@example.org")) == 2,
        )
    finally:
        platform.mail.handler.on_data = platform.mail.handler.on_rcpt = None
    assert killed == ["T-7", "T-3"]
    assert [s for s in platform.subjects("cara@example.org") if mine in s] == [
        f"Repayment due in 7 days: loan #{loan}, installment 1 of 3",  # taken by the server: never again
        f"Repayment due in 3 days: loan #{loan}, installment 1 of 3",  # never handed over: sent once after
    ]
    with platform.sessions() as session:
        outcomes = session.execute(
            select(Notification.data, NotificationDelivery.status, NotificationDelivery.attempts)
            .join(Notification, Notification.id == NotificationDelivery.notification_id)
            .where(Notification.recipient == cara)
        ).all()
    assert sorted(
        (d["offsetDays"], status, attempts) for d, status, attempts in outcomes if d["loanId"] == loan
    ) == [
        (3, "sent", 2),
        (7, "unconfirmed", 1),
    ]


def test_after_downtime_the_scheduler_sends_only_the_latest_applicable_reminder(platform):
    dan = platform.wallet("user4", "dan@example.org")
    platform.next_noon()
    loan = drawn_loan(platform.chain, dan, platform.chain.accounts["user7"].address, 1_000 * USD)
    day = day_start(schedule(platform.chain, loan)[0][0])
    platform.worker.stop()  # down from before T-7 until T-1
    platform.advance_to(day - DAY + 60)
    platform.wait_for("the index to reach T-1", lambda: _indexed_at(platform) >= day - DAY + 60)
    platform.worker.start()
    mine = f"loan #{loan},"
    platform.wait_for("Dan's T-1", lambda: any(mine in s for s in platform.subjects("dan@example.org")))
    assert [s for s in platform.subjects("dan@example.org") if mine in s] == [
        f"Repayment due in 1 day: loan #{loan}, installment 1 of 3"
    ]
    assert platform.reminders(loan) == [(1, 7, "superseded"), (1, 3, "superseded"), (1, 1, "scheduled")]


def _indexed_at(platform: Platform) -> int:
    from backend.servicing.clock import chain_now

    with platform.sessions() as session:
        return chain_now(session) or 0
