"""Reminder scheduling and notice delivery: how many reminders per second the scheduler records and the
sender mails for N loans, and how long a notice takes from being recorded to being delivered.

    .venv/bin/python bench/reminders_throughput.py [--loans 2000] [--latency-notices 200]

N active loans of 12 monthly installments, every borrower with an email address (encrypted, as the API
stores it), all with their first installment three days away on the chain's clock, in a fresh SQLite
file (WAL). One scheduling pass records a reminder and its notice per loan (one transaction per 500);
one sender then mails them all, one SMTP transaction each, to an aiosmtpd server on loopback, with the
send-time guard read for each. Latency: notices recorded one at a time (every 20 ms) while a sender polls
every 50 ms, to that SMTP server and to a local webhook receiver; from the notice's commit to its
delivery's recorded `sent`, percentiles in milliseconds (the poll interval is part of it). Prints one JSON
document.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from eth_utils import keccak, to_checksum_address  # noqa: E402
from sqlalchemy import select  # noqa: E402

from backend.chain.indexer.models import ChainBlock, ChainCheckpoint  # noqa: E402
from backend.core.settings import Settings  # noqa: E402
from backend.db.migrate import upgrade  # noqa: E402
from backend.db.session import create_db_engine, make_sessionmaker  # noqa: E402
from backend.loans.annuity import annuity_installment, annuity_schedule  # noqa: E402
from backend.loans.models import InstallmentView, LoanView  # noqa: E402
from backend.notifications.config import NotificationSettings  # noqa: E402
from backend.notifications.contacts import seal  # noqa: E402
from backend.notifications.models import NotificationContact, NotificationDelivery  # noqa: E402
from backend.notifications.sender import Sender  # noqa: E402
from backend.notifications.service import Notice, notify  # noqa: E402
from backend.privacy.keys import keyring_from_settings  # noqa: E402
from backend.servicing.clock import DAY, day_start  # noqa: E402
from backend.servicing.config import ServicingSettings  # noqa: E402
from backend.servicing.reminders import schedule_reminders  # noqa: E402
from backend.servicing.worker import ServicingWorker  # noqa: E402

USD = 10**6
MONTH = 30 * DAY
NOW = 1_900_000_000 - 1_900_000_000 % DAY + 12 * 3600  # noon UTC on the chain


class CountingSink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(sessions, keyring, loans: int) -> None:
    first_due = day_start(NOW) + 3 * DAY + 15 * 3600
    installment = annuity_installment(1_000 * USD, 1_200, 12, MONTH)
    rows = annuity_schedule(1_000 * USD, 1_200, 12, MONTH, first_due, installment)
    with sessions() as session:
        session.add(ChainBlock(number=1, hash="0x" + "11" * 32, timestamp=NOW))
        session.add(
            ChainCheckpoint(name="main", chain_id=31337, last_block=1, last_block_hash="0x" + "11" * 32)
        )
        for i in range(1, loans + 1):
            borrower = to_checksum_address(keccak(text=f"bench:borrower:{i}")[-20:])
            session.add(
                LoanView(
                    loan_id=i,
                    borrower=borrower,
                    status="active",
                    principal=1_000 * USD,
                    term=12,
                    period_seconds=MONTH,
                    rate_bps=1_200,
                    grade=2,
                    funded=1_000 * USD,
                    lenders=1,
                    listed_at=NOW - MONTH,
                    drawn_at=first_due - MONTH,
                    installment=installment,
                    periods_paid=0,
                    updated_block=1,
                )
            )
            for r in rows:
                session.add(
                    InstallmentView(
                        loan_id=i,
                        period=r.period,
                        due_at=r.due,
                        payment=r.payment,
                        principal=r.principal,
                        interest=r.interest,
                        balance_after=r.balance,
                    )
                )
            session.add(
                NotificationContact(
                    wallet=borrower, email_ciphertext=seal(keyring, borrower, "email", f"b{i}@example.org")
                )
            )
        session.commit()


def _latency(sessions, sender: Sender, count: int, recipient: str, channel: str) -> dict:
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,), daemon=True)
    thread.start()
    ids = []
    try:
        for n in range(count):
            with sessions() as session:
                row = notify(
                    session,
                    Notice(
                        kind="loan_repaid",
                        recipient=recipient,
                        key=f"bench:{channel}:{n}",
                        subject="s",
                        body="b",
                    ),
                )
                session.commit()
                assert row is not None
                ids.append(row.id)
            time.sleep(0.02)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sessions() as session:
                rows = session.execute(
                    select(NotificationDelivery.created_at, NotificationDelivery.sent_at).where(
                        NotificationDelivery.notification_id.in_(ids), NotificationDelivery.channel == channel
                    )
                ).all()
            if len(rows) == count and all(sent for _, sent in rows):
                break
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    millis = sorted((sent - created).total_seconds() * 1000 for created, sent in rows if sent)
    return {
        "notices": len(millis),
        "p50_ms": round(statistics.median(millis), 1),
        "p99_ms": round(millis[min(len(millis) - 1, int(len(millis) * 0.99))], 1),
        "max_ms": round(millis[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=2000)
    parser.add_argument("--latency-notices", type=int, default=200)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="peerlend-bench-reminders-"))
    url = f"sqlite:///{directory / 'bench.db'}"
    settings = Settings(env="test", database_url=url, log_level="WARNING")
    upgrade("head", settings)
    engine = create_db_engine(url)
    sessions = make_sessionmaker(engine)
    keyring = keyring_from_settings(settings)
    _seed(sessions, keyring, args.loans)

    sink = CountingSink()
    smtp_port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    options = NotificationSettings(env="test", smtp_port=smtp_port, poll_seconds=0.05, batch_size=1000)
    servicing = ServicingSettings()
    sender = Sender(sessions, options, keyring, guards=ServicingWorker.guards(servicing), unguarded=False)

    started = time.perf_counter()
    with sessions() as session:
        scheduled = schedule_reminders(session, NOW, servicing.reminder_offsets_days).scheduled
    scheduling = time.perf_counter() - started
    sending_started = time.perf_counter()
    sent = 0
    while (result := sender.deliver_due()).attempted:
        sent += result.outcomes.get("sent", 0)
    sending = time.perf_counter() - sending_started
    total = time.perf_counter() - started
    received = sink.count

    hits = {"count": 0}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hits["count"] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a) -> None:
            pass

    http_port = _free_port()
    server = ThreadingHTTPServer(("127.0.0.1", http_port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    plain = Sender(sessions, options, keyring, unguarded=True)
    email_reader = to_checksum_address(keccak(text="bench:latency:email")[-20:])
    hook_reader = to_checksum_address(keccak(text="bench:latency:webhook")[-20:])
    with sessions() as session:
        session.add(
            NotificationContact(
                wallet=email_reader, email_ciphertext=seal(keyring, email_reader, "email", "l@example.org")
            )
        )
        session.add(
            NotificationContact(
                wallet=hook_reader,
                webhook_url_ciphertext=seal(
                    keyring, hook_reader, "webhook_url", f"http://127.0.0.1:{http_port}/h"
                ),
                webhook_secret_ciphertext=seal(keyring, hook_reader, "webhook_secret", "whsec_bench"),
            )
        )
        session.commit()
    latency = {
        "email": _latency(sessions, plain, args.latency_notices, email_reader, "email"),
        "webhook": _latency(sessions, plain, args.latency_notices, hook_reader, "webhook"),
    }
    server.shutdown()
    controller.stop()
    sender.close()
    plain.close()
    engine.dispose()
    print(
        json.dumps(
            {
                "loans": args.loans,
                "reminders_scheduled": scheduled,
                "reminders_sent": sent,
                "smtp_messages_received": received,
                "scheduled_per_second": round(scheduled / scheduling, 1),
                "sent_per_second": round(sent / sending, 1),
                "scheduled_and_sent_per_second": round(sent / total, 1),
                "delivery_latency": latency,
                "sender_poll_seconds": options.poll_seconds,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
