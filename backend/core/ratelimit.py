"""In-process token buckets. Per replica: a real deployment puts a shared limiter at the edge as well."""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour)s?\s*$")
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


@dataclass(frozen=True)
class Rate:
    capacity: int
    period_seconds: float

    @property
    def per_second(self) -> float:
        return self.capacity / self.period_seconds


def parse_rate(text: str) -> Rate:
    """ "10/minute", "5/30s", "100/hour" -> a bucket of that many tokens refilled over the period."""
    match = _RATE.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"invalid rate {text!r}; expected e.g. '10/minute'")
    count = int(match.group(2) or 1)
    return Rate(int(match.group(1)), count * _UNITS[match.group(3)])


class TokenBucketLimiter:
    def __init__(self, max_keys: int = 100_000) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def acquire(self, key: str, rate: Rate, now: float | None = None) -> float:
        """Take one token. Returns 0 when allowed, else the seconds until a token is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(rate.capacity), now))
            tokens = min(float(rate.capacity), tokens + (now - last) * rate.per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                allowed = 0.0
            else:
                self._buckets[key] = (tokens, now)
                allowed = (1.0 - tokens) / rate.per_second
            if len(self._buckets) > self._max_keys:
                self._evict(now, rate)
            return allowed

    def _evict(self, now: float, rate: Rate) -> None:
        # Drop buckets idle long enough to have refilled completely: forgetting them changes nothing.
        idle = rate.period_seconds
        for key in [k for k, (_, last) in self._buckets.items() if now - last > idle]:
            del self._buckets[key]

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))
