"""The servicing tests share the notification tests' receivers and settings, and run the worker's pass
(scheduling and sending) over the test's database with the servicing guards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.notifications.sender import Sender
from backend.servicing.config import ServicingSettings
from backend.servicing.worker import ServicingWorker
from tests.backend.notifications.conftest import hooks, keyring, mail, options  # noqa: F401


@pytest.fixture
def worker(sessions, options, keyring) -> Iterator[ServicingWorker]:  # noqa: F811
    settings = ServicingSettings()
    sender = Sender(sessions, options, keyring, guards=ServicingWorker.guards(settings), unguarded=False)
    yield ServicingWorker(sessions, settings, sender)
    sender.close()
