"""`python -m backend.disclosure.worker`: publish each month's disclosure once the chain passes its end.

Each pass runs backend/disclosure/publishing.py `publish_due` (every ended month stored once and anchored
once; a month that fails is logged and tried again next pass). Start-up waits, with backoff, for the
database to be migrated and for the deployment manifest naming a DisclosureRegistry; a node that is down
only makes a pass wait. SIGTERM stops it between two passes (a pass in flight finishes its month: an
anchor out is the outbox's from then on, so a kill at any point sends nothing twice).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

from backend.chain.client import ChainClient
from backend.chain.errors import ChainError
from backend.core.settings import Settings, get_settings
from backend.db.session import get_engine, make_sessionmaker
from backend.disclosure.config import DisclosureSettings, disclosure_settings
from backend.disclosure.publishing import publish_due

log = logging.getLogger("peerlend.disclosure.worker")


def _wait(stop: threading.Event, what: str, ready: Callable[[], bool], timeout: float = 300.0) -> bool:
    delay, waited = 0.5, 0.0
    while not stop.is_set():
        try:
            if ready():
                return True
            log.info("waiting for %s", what)
        except (OperationalError, ChainError, OSError, ValueError) as exc:
            log.info("waiting for %s: %s", what, exc)
        if waited > timeout:
            raise SystemExit(f"gave up waiting for {what}")
        stop.wait(delay)
        waited += delay
        delay = min(delay * 2, 10.0)
    return False


def run(stop: threading.Event, settings: Settings, disclosure: DisclosureSettings) -> None:
    engine = get_engine(settings)
    sessions = make_sessionmaker(engine)
    if not _wait(
        stop, "the database to be migrated", lambda: inspect(engine).has_table("disclosure_snapshots")
    ):
        return
    chain: ChainClient | None = None

    def manifest_ready() -> bool:
        nonlocal chain
        chain = ChainClient.from_settings(settings)
        chain.contract("DisclosureRegistry")
        return True

    if not _wait(stop, "a deployment manifest with a DisclosureRegistry", manifest_ready):
        return
    log.info("disclosure worker publishing as %s", disclosure.publisher)
    while not stop.is_set():
        try:
            result = publish_due(sessions, engine, settings.chain_id, disclosure, chain)
            if result.work:
                log.info("published: computed %s, anchored %s", result.computed, result.sent)
        except (OperationalError, ChainError) as exc:  # the database or the node away for a moment
            log.warning("publishing pass skipped: %s", exc)
        stop.wait(disclosure.worker_poll_seconds)


def main() -> None:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for chatty in ("httpx", "httpcore", "urllib3"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("disclosure worker started")
    run(stop, settings, disclosure_settings(settings.env))
    log.info("disclosure worker stopped")


if __name__ == "__main__":
    main()
