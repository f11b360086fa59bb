"""Retry with exponential backoff for RPC and service calls (outages are expected, not exceptional)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import httpx
import requests

T = TypeVar("T")
log = logging.getLogger(__name__)

TRANSIENT = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    httpx.TransportError,
    ConnectionError,
    TimeoutError,
)


def retry_call(
    fn: Callable[[], T],
    *,
    what: str,
    attempts: int = 5,
    base_delay: float = 0.5,
    max_delay: float = 15.0,
    retry_on: tuple[type[BaseException], ...] = TRANSIENT,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    delay = base_delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except retry_on as exc:
            if attempt == attempts:
                raise
            log.warning(
                "%s failed (%s), retry %d/%d in %.1fs", what, type(exc).__name__, attempt, attempts - 1, delay
            )
            sleep(delay)
            delay = min(delay * 2, max_delay)
    raise AssertionError("unreachable")
