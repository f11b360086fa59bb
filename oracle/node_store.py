"""What a signer node remembers across restarts: the batch digest it signed for each round.

A node must never sign two different batches for one round (two signed batches for one round would let
whoever holds them choose which lands). Kept only in memory, that promise ended with the process: a node
killed after signing round N and restarted would sign any other batch for N. The digest is written
(synchronous=FULL) BEFORE the signature leaves the node, keyed by chain id and contract, so after a
SIGKILL at any point the node signs the same batch again (same digest) and refuses any other.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS signed_rounds (
    chain_id INTEGER NOT NULL,
    contract TEXT NOT NULL,
    round INTEGER NOT NULL,
    digest TEXT NOT NULL,
    signed_at REAL NOT NULL,
    PRIMARY KEY (chain_id, contract, round)
);
"""


class SignedRounds:
    """round -> digest, in memory (bounded) or in a SQLite file when `path` is given."""

    def __init__(self, path: str | Path | None = None, memory_limit: int = 1000):
        self._lock = threading.Lock()
        self._memory: OrderedDict[tuple[int, str, int], bytes] = OrderedDict()
        self._limit = memory_limit
        self._db: sqlite3.Connection | None = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)

    def claim(self, chain_id: int, contract: str, round_: int, digest: bytes) -> bytes | None:
        """Record `digest` as the batch signed for `round_` unless another is recorded; returns the
        digest recorded before (None if there was none). Sign only if it is None or equal."""
        key = (chain_id, contract.lower(), round_)
        with self._lock:
            if self._db is None:
                previous = self._memory.get(key)
                if previous is None:
                    self._memory[key] = digest
                    while len(self._memory) > self._limit:
                        self._memory.popitem(last=False)
                return previous
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT digest FROM signed_rounds WHERE chain_id=? AND contract=? AND round=?", key
                ).fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO signed_rounds (chain_id, contract, round, digest, signed_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (*key, digest.hex(), time.time()),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return bytes.fromhex(row[0]) if row else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
