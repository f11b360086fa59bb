"""Rate limits that every API process shares: `limits`' sliding-window-counter strategy over a storage
kept in the service's own database (SQLite or PostgreSQL).

Why a storage of our own: `limits` keeps its counters in memory, Redis, Memcached, MongoDB or etcd, and
the service already has one shared store, its database. N workers or N hosts on one PostgreSQL then
enforce one limit per key, with no other server to run. Only sign-in and submissions are limited, so
the two statements a hit costs stay off the read paths.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from math import floor
from typing import cast

from limits import RateLimitItemPerSecond
from limits.storage import Storage
from limits.storage.base import SlidingWindowCounterSupport, TimestampedSlidingWindow
from limits.strategies import SlidingWindowCounterRateLimiter
from sqlalchemy import CursorResult, case, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from backend.core.models import RateLimitWindow
from backend.db.upsert import dialect_insert

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour)s?\s*$")
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_MAX_KEY = 255
# Expired windows are deleted once every this many hits, by whichever process makes the hit.
_SWEEP_EVERY = 256


@dataclass(frozen=True)
class Rate:
    capacity: int
    period_seconds: int

    def item(self) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(self.capacity, self.period_seconds)


def parse_rate(text: str) -> Rate:
    """ "10/minute", "5/30s", "100/hour" -> that many requests per period."""
    match = _RATE.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"invalid rate {text!r}; expected e.g. '10/minute'")
    count = int(match.group(2) or 1)
    return Rate(int(match.group(1)), count * _UNITS[match.group(3)])


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


class DatabaseWindowStorage(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """`limits` storage on the `rate_limit_windows` table: one counter row per key and window.

    A hit increments its window first and reads the previous window after, in one transaction: the
    write takes the row lock (PostgreSQL) or the write lock (SQLite) at once, so concurrent hits on one
    key from any process serialise and the weighted count each sees is exact. A hit that takes the
    count over the limit is undone in the same transaction.
    """

    def __init__(self, factory: sessionmaker[Session], clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._factory = factory
        self._clock = clock
        self._hits = itertools.count(1)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    # ---------------------------------------------------------------- the counter primitives

    @staticmethod
    def _key(key: str) -> str:
        # A limit key names a wallet or an address; anything longer is hashed to fit the column.
        if len(key) <= _MAX_KEY:
            return key
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()

    def _incr(self, session: Session, key: str, expiry: float, amount: int, now: float) -> int:
        table = RateLimitWindow.__table__
        statement = dialect_insert(session)(table).values(key=key, count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, amount), else_=table.c.count + amount),
                "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        return int(session.execute(statement).scalar_one())

    def _counts(self, session: Session, keys: tuple[str, ...], now: float) -> dict[str, int]:
        rows = session.execute(
            select(RateLimitWindow.key, RateLimitWindow.count).where(
                RateLimitWindow.key.in_(keys), RateLimitWindow.expires_at > now
            )
        )
        return {key: count for key, count in rows}

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._factory() as session:
            count = self._incr(session, self._key(key), expiry, amount, self._clock())
            session.commit()
        return count

    def get(self, key: str) -> int:
        with self._factory() as session:
            return self._counts(session, (self._key(key),), self._clock()).get(self._key(key), 0)

    def get_expiry(self, key: str) -> float:
        with self._factory() as session:
            expires = session.scalar(
                select(RateLimitWindow.expires_at).where(RateLimitWindow.key == self._key(key))
            )
        return float(expires) if expires is not None else self._clock()

    def clear(self, key: str) -> None:
        with self._factory() as session:
            session.execute(delete(RateLimitWindow).where(RateLimitWindow.key == self._key(key)))
            session.commit()

    def reset(self) -> int | None:
        with self._factory() as session:
            removed = cast(CursorResult, session.execute(delete(RateLimitWindow))).rowcount
            session.commit()
        return removed

    def check(self) -> bool:
        try:
            with self._factory() as session:
                session.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    # ---------------------------------------------------------------- the sliding window counter

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = self._clock()
        previous_key, current_key = (self._key(k) for k in self.sliding_window_keys(key, expiry, now))
        with self._factory() as session:
            # A window's row lives two periods: it is the current window for one, the previous for the next.
            current = self._incr(session, current_key, 2 * expiry, amount, now)
            previous = self._counts(session, (previous_key,), now).get(previous_key, 0)
            weighted = previous * self._previous_ttl(previous, expiry, now) / expiry + current
            allowed = floor(weighted) <= limit
            if not allowed:
                session.execute(
                    update(RateLimitWindow)
                    .where(RateLimitWindow.key == current_key)
                    .values(count=RateLimitWindow.count - amount)
                )
            if next(self._hits) % _SWEEP_EVERY == 0:
                session.execute(delete(RateLimitWindow).where(RateLimitWindow.expires_at <= now))
            session.commit()
        return allowed

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        now = self._clock()
        previous_key, current_key = (self._key(k) for k in self.sliding_window_keys(key, expiry, now))
        with self._factory() as session:
            counts = self._counts(session, (previous_key, current_key), now)
        previous, current = counts.get(previous_key, 0), counts.get(current_key, 0)
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous, self._previous_ttl(previous, expiry, now), current, current_ttl

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        for k in self.sliding_window_keys(key, expiry, self._clock()):
            self.clear(k)

    @staticmethod
    def _previous_ttl(previous: int, expiry: int, now: float) -> float:
        # How much of the previous window still overlaps the sliding one (as `limits` weighs it).
        return 0.0 if previous == 0 else (1 - (((now - expiry) / expiry) % 1)) * expiry


class SharedRateLimiter:
    """What the routes' dependencies call: one hit per request, and how long to wait when refused."""

    def __init__(self, storage: DatabaseWindowStorage) -> None:
        self._storage = storage
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    def acquire(self, key: str, rate: Rate) -> float:
        """Take one request from `key`'s allowance. Returns 0 when allowed, else the seconds until the
        sliding window admits another."""
        item = rate.item()
        if self._limiter.hit(item, key):
            return 0.0
        reset_at = self._limiter.get_window_stats(item, key).reset_time
        return max(reset_at - time.time(), 0.001)

    def reset(self) -> None:
        self._storage.reset()
