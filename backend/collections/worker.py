"""`python -m backend.collections.worker`: the collections pass, until SIGTERM.

Each pass reads the chain's time from the index, opens, tiers and closes cases and settles promises to
pay (backend/collections/service.py), then delivers the tier notices: they carry the case guard, so this
process, which can check it, sends them (backend/notifications/sender.py), re-checking each just before
it leaves. A pass that fails is logged and the next one does its work again: what a pass records is
keyed by case and tier, and its transactions commit whole.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from backend.collections import notices, service
from backend.collections.config import CollectionsSettings, collections_settings
from backend.core.settings import get_settings
from backend.db.session import get_engine, make_sessionmaker
from backend.notifications.config import notification_settings
from backend.notifications.process import stopper, wait_for_tables
from backend.notifications.sender import Guard, Sender
from backend.privacy.keys import keyring_from_settings

log = logging.getLogger("peerlend.collections.worker")
TABLES = ("collection_cases", "notifications", "notification_deliveries", "chain_loans", "chain_checkpoints")


class CollectionsWorker:
    def __init__(
        self, sessions: sessionmaker[Session], settings: CollectionsSettings, sender: Sender
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.sender = sender

    @classmethod
    def guards(cls) -> dict[str, Guard]:
        return {notices.GUARD: notices.case_guard()}

    def process(self) -> service.PassResult:
        with self.sessions() as session:
            result = service.process(session, self.settings)
        if result.changed:
            log.info(
                "chain time %s: %d opened, %d tier changes, %d notices, %d cured, %d settled, "
                "%d promises kept, %d broken",
                result.chain_time,
                result.opened,
                result.tier_changes,
                result.notices,
                result.cured,
                result.settled,
                result.kept,
                result.broken,
            )
        return result

    def run_once(self) -> service.PassResult:
        result = self.process()
        self.sender.reconcile()
        self.sender.deliver_due()
        return result

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # the next pass tries again; nothing recorded half
                log.exception("collections pass failed")
            stop.wait(self.settings.poll_seconds)


def main() -> None:
    settings = get_settings()
    options = collections_settings()
    stop = stopper(settings)
    engine = get_engine(settings)
    if not wait_for_tables(engine, TABLES, stop, timeout=300):
        return
    sessions = make_sessionmaker(engine)
    sender = Sender(
        sessions,
        notification_settings(settings.env),
        keyring_from_settings(settings),
        guards=CollectionsWorker.guards(),
        unguarded=False,
    )
    log.info("collections worker started: a case per late loan, tiers at 1, 31 and 91 days past due")
    try:
        CollectionsWorker(sessions, options, sender).run(stop)
    finally:
        sender.close()
    log.info("collections worker stopped")


if __name__ == "__main__":
    main()
