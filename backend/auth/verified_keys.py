"""Operator API keys this process verified a moment ago.

Every operator request used to look its key up in the database, in a worker thread of its own, before
the route ran in another: two thread hand-offs and a query for a fact that rarely changes. A key
verified within the last `ttl` seconds (`PEERLEND_API_KEY_CACHE_SECONDS`, 1 s) is taken as verified
again. A key revoked through this process's API stops working at once (the revocation clears this
process's copy); one revoked through another process or `peerlend apikey revoke` stops within `ttl`.
A key that failed is never kept, so a new key works at once.
"""

from __future__ import annotations

import hashlib
import time

from backend.auth.service import Operator

MAX_KEYS = 1024


class VerifiedKeys:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._keys: dict[bytes, tuple[Operator, float]] = {}

    @staticmethod
    def _id(key: str) -> bytes:
        return hashlib.sha256(key.encode()).digest()  # the raw secret is not kept in memory

    def get(self, key: str) -> Operator | None:
        if self.ttl <= 0:
            return None
        found = self._keys.get(self._id(key))
        if found is None or time.monotonic() - found[1] > self.ttl:
            return None
        return found[0]

    def put(self, key: str, operator: Operator) -> None:
        if self.ttl <= 0:
            return
        if len(self._keys) >= MAX_KEYS:
            self._keys.clear()
        self._keys[self._id(key)] = (operator, time.monotonic())

    def clear(self) -> None:
        self._keys.clear()
