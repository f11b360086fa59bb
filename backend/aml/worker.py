"""`python -m backend.aml.worker`: the AML background work, until SIGTERM.

Each pass, in this order, each item in its own transaction (one that fails is logged and retried on a
later pass, never stops the rest):
- sanctions re-screening: pending jobs of uploaded lists, `PEERLEND_AML_SCREENING_BATCH` per pass
  (backend/aml/screening.py), so every identity is screened within a day of an upload;
- approved freezes whose chain transactions did not all go out (the node was down when the second
  officer approved), sent again through the outbox, never twice;
- alerts whose event a reorganisation took off the chain, withdrawn.
Start-up waits for the database (migrated by the API or `peerlend db upgrade`) with backoff. SIGTERM stops
it between two items.
"""

from __future__ import annotations

import logging
import signal
import threading

from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backend.aml import screening, service
from backend.aml.config import AmlSettings, aml_settings
from backend.core.settings import Settings, get_settings
from backend.db.session import get_engine, make_sessionmaker
from backend.kyc.config import KycSettings, kyc_settings

log = logging.getLogger("peerlend.aml.worker")


def wait_for_database(settings: Settings, stop: threading.Event, timeout: float = 300.0) -> bool:
    delay, waited = 0.5, 0.0
    while not stop.is_set():
        try:
            if inspect(get_engine(settings)).has_table("aml_screening_jobs"):
                return True
            log.info("waiting for the database to be migrated")
        except OperationalError as exc:
            log.info("waiting for the database: %s", exc)
        if waited > timeout:
            raise SystemExit("the database is not reachable or not migrated (peerlend db upgrade)")
        stop.wait(delay)
        waited += delay
        delay = min(delay * 2, 10.0)
    return False


def run_once(sessions: sessionmaker[Session], settings: Settings, kyc: KycSettings, aml: AmlSettings) -> int:
    """One pass; returns how much it did (0: idle)."""
    work = screening.work(sessions, settings, aml.screening_batch)
    work += service.retry_approved(sessions, settings, kyc, aml)
    with sessions() as session:
        work += service.withdraw_orphaned(session)
    return work


def run(stop: threading.Event, settings: Settings, kyc: KycSettings, aml: AmlSettings) -> None:
    sessions = make_sessionmaker(get_engine(settings))
    while not stop.is_set():
        try:
            busy = run_once(sessions, settings, kyc, aml)
        except OperationalError as exc:  # the database went away for a moment: wait, then go on
            log.warning("database unavailable: %s", exc)
            busy = 0
        if not busy:
            stop.wait(aml.worker_poll_seconds)


def main() -> None:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if not wait_for_database(settings, stop):
        return
    log.info("AML worker started")
    run(stop, settings, kyc_settings(settings.env), aml_settings())
    log.info("AML worker stopped")


if __name__ == "__main__":
    main()
