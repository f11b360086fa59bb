"""The fixed clock of service-level tests: the service's time (`utcnow`) and the chain's (block time)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import pytest

from backend.db import types

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
CHAIN_NOW = int(NOW.timestamp())  # the latest indexed block's time: the chain runs with the service here
DAY = 86_400
TICK = timedelta(milliseconds=1)


class Clock:
    """Stands in for `backend.db.types.utcnow`: starts at NOW and moves one millisecond at each reading,
    so rows the service writes one after another keep their order, and the same test reads the same
    times on every run. `advance` jumps ahead (a year later, a day later)."""

    def __init__(self, start: datetime = NOW) -> None:
        self._now = start

    def __call__(self) -> datetime:
        self._now += TICK
        return self._now

    @property
    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def freeze(monkeypatch: pytest.MonkeyPatch, clock: Clock) -> None:
    """Every loaded backend module that reads `utcnow` reads `clock` instead (the service takes the time
    from that one function; modules import it by name, so each one's reference is replaced)."""
    import backend.app
    import backend.projections  # noqa: F401

    original = types.utcnow
    for name, module in list(sys.modules.items()):
        if name.startswith("backend.") and getattr(module, "utcnow", None) is original:
            monkeypatch.setattr(module, "utcnow", clock)
