"""`python -m backend.servicing.worker`: the reminder scheduler, until SIGTERM.

Each pass reads the chain's time from the index (the latest indexed block, never the wall clock), records
the reminders and late notices now due (backend/servicing/reminders.py, late.py), then delivers them:
the notices carry the servicing guards, so this process, which can check them, is the one that sends
them (backend/notifications/sender.py), re-checking each against the index just before it leaves. A
pass that fails (the database busy, a bug on one loan) is logged and the next pass tries again; SIGTERM
stops it between two deliveries.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from backend.core.settings import get_settings
from backend.db.session import get_engine, make_sessionmaker
from backend.notifications.config import notification_settings
from backend.notifications.process import stopper, wait_for_tables
from backend.notifications.sender import Guard, Sender
from backend.privacy.keys import keyring_from_settings
from backend.servicing import late, reminders
from backend.servicing.clock import chain_now
from backend.servicing.config import ServicingSettings, servicing_settings

log = logging.getLogger("peerlend.servicing.worker")
TABLES = (
    "servicing_reminders",
    "notifications",
    "notification_deliveries",
    "chain_loans",
    "chain_checkpoints",
)


@dataclass
class PassResult:
    chain_time: int | None = None
    scheduled: int = 0
    superseded: int = 0
    late: int = 0
    delivered: int = 0


class ServicingWorker:
    def __init__(self, sessions: sessionmaker[Session], settings: ServicingSettings, sender: Sender) -> None:
        self.sessions = sessions
        self.settings = settings
        self.sender = sender

    @classmethod
    def guards(cls, settings: ServicingSettings) -> dict[str, Guard]:
        return {
            reminders.GUARD: reminders.reminder_guard(settings.reminder_offsets_days, chain_now),
            late.GUARD: late.late_guard(),
        }

    def schedule(self) -> PassResult:
        result = PassResult()
        with self.sessions() as session:
            now = result.chain_time = chain_now(session)
            if now is None:
                return result  # nothing indexed yet: no clock to remind by
            scheduled = reminders.schedule_reminders(
                session, now, self.settings.reminder_offsets_days, self.settings.batch_size
            )
            result.scheduled, result.superseded = scheduled.scheduled, scheduled.superseded
            if self.settings.late_notices:
                result.late = late.notify_late(session, now)
        if result.scheduled or result.superseded or result.late:
            log.info(
                "chain time %d: %d reminders scheduled, %d superseded, %d late notices",
                now,
                result.scheduled,
                result.superseded,
                result.late,
            )
        return result

    def run_once(self) -> PassResult:
        result = self.schedule()
        self.sender.reconcile()
        result.delivered = self.sender.deliver_due().attempted
        return result

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            busy = False
            try:
                result = self.run_once()
                busy = bool(result.delivered)
            except Exception:  # the next pass tries again; nothing recorded half (one transaction each)
                log.exception("servicing pass failed")
            if not busy:
                stop.wait(self.settings.poll_seconds)


def main() -> None:
    settings = get_settings()
    options = servicing_settings()
    stop = stopper(settings)
    engine = get_engine(settings)
    if not wait_for_tables(engine, TABLES, stop, timeout=300):
        return
    sessions = make_sessionmaker(engine)
    sender = Sender(
        sessions,
        notification_settings(settings.env),
        keyring_from_settings(settings),
        guards=ServicingWorker.guards(options),
        unguarded=False,
    )
    log.info(
        "reminder scheduler started: reminders %s days before each due date", options.reminder_offsets_days
    )
    try:
        ServicingWorker(sessions, options, sender).run(stop)
    finally:
        sender.close()
    log.info("reminder scheduler stopped")


if __name__ == "__main__":
    main()
