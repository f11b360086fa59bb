"""What a notification-sending process needs around its loop: logs with personal data masked, SIGTERM
and SIGINT that stop it between two deliveries, and a start that waits for the database's schema
(migrated by the API at its start in development, by `peerlend db upgrade` in production)."""

from __future__ import annotations

import logging
import signal
import threading

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import OperationalError

from backend.core.logging import configure_logging
from backend.core.settings import Settings


def stopper(settings: Settings) -> threading.Event:
    configure_logging(settings.log_level, settings.log_json)
    for chatty in ("httpx", "httpcore"):  # one line per webhook request would drown the outcomes
        logging.getLogger(chatty).setLevel(logging.WARNING)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def wait_for_tables(engine: Engine, tables: tuple[str, ...], stop: threading.Event, timeout: float) -> bool:
    """True once every table exists; False if stopped; SystemExit after `timeout` seconds."""
    log = logging.getLogger("peerlend.notifications.process")
    waited, delay = 0.0, 0.5
    while not stop.is_set():
        try:
            missing = set(tables) - set(inspect(engine).get_table_names())
        except OperationalError:
            missing = set(tables)
        if not missing:
            return True
        if waited >= timeout:
            raise SystemExit(
                f"tables {sorted(missing)} missing after {timeout:.0f}s: run `peerlend db upgrade`"
            )
        log.info("waiting for the database schema (%s)", ", ".join(sorted(missing)))
        stop.wait(delay)
        waited += delay
        delay = min(delay * 2, 10)
    return False
