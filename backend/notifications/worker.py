"""`python -m backend.notifications.worker`: delivers every notice that carries no guard (lender notices
from chain events, and what other domains send with `notify`) until SIGTERM.

Notices with a guard are delivered by the worker of the domain that owns the guard (reminders: the
servicing worker), which can check them at send time. Several of these processes may run on one
database: a delivery is claimed by one at a time (backend/notifications/sender.py).
"""

from __future__ import annotations

import logging

from backend.core.settings import get_settings
from backend.db.session import get_engine, make_sessionmaker
from backend.notifications.config import notification_settings
from backend.notifications.process import stopper, wait_for_tables
from backend.notifications.sender import Sender
from backend.privacy.keys import keyring_from_settings

log = logging.getLogger("peerlend.notifications.worker")
TABLES = ("notifications", "notification_deliveries", "notification_contacts")


def main() -> None:
    settings = get_settings()
    options = notification_settings(settings.env)
    stop = stopper(settings)
    engine = get_engine(settings)
    if not wait_for_tables(engine, TABLES, stop, timeout=300):
        return
    sender = Sender(make_sessionmaker(engine), options, keyring_from_settings(settings), unguarded=True)
    log.info("notification sender started (smtp %s:%d)", options.smtp_host, options.smtp_port)
    try:
        sender.run(stop)
    finally:
        sender.close()
    log.info("notification sender stopped")


if __name__ == "__main__":
    main()
