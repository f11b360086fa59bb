"""Admission control: at most `max_in_flight` requests are served at once, a short queue waits for a slot,
and the rest are told to come back (503 problem details with Retry-After) instead of piling up.

The limit is what the process is sized for: the database pool and the worker threads are sized from it
(backend/app.py), so an admitted request never waits for either longer than the work ahead of it.
Probes and metrics (`/healthz`, `/metrics`) are answered whatever the load, so an overloaded process is
not mistaken for a dead one.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.core.problems import overloaded

logger = logging.getLogger("peerlend.admission")
EXEMPT_PATHS = frozenset({"/healthz", "/metrics"})


class AdmissionControl:
    def __init__(
        self, app: ASGIApp, *, max_in_flight: int, queue: int, wait_seconds: float, state: Any = None
    ) -> None:
        self.app = app
        if state is not None:
            state.admission = self  # the app keeps a handle on its counters
        self.max_in_flight = max_in_flight
        self.queue = queue
        self.wait_seconds = wait_seconds
        self.waiting = 0
        self.rejected = 0
        self._slots: anyio.Semaphore | None = None  # made in the serving event loop, on first use

    @property
    def in_flight(self) -> int:
        return 0 if self._slots is None else self.max_in_flight - self._slots.value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self.max_in_flight)
        slots = self._slots
        if slots.value == 0:
            if self.waiting >= self.queue:
                await self._reject(scope, receive, send)
                return
            self.waiting += 1
            try:
                with anyio.move_on_after(self.wait_seconds) as waited:
                    await slots.acquire()
            finally:
                self.waiting -= 1
            if waited.cancelled_caught:
                await self._reject(scope, receive, send)
                return
        else:
            await slots.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.rejected += 1
        retry_after = max(1, math.ceil(self.wait_seconds / 2))
        response = overloaded(retry_after).to_response(scope.get("path"))
        await response(scope, receive, send)
