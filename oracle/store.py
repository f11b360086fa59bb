"""The aggregator's own SQLite file: rounds and their state, the acknowledgement outbox, refusal counts.

States of a round: built -> signed -> submitted -> confirmed; submitted -> failed (reverted: its reports
go back to the pool or are rejected); built/signed/submitted -> abandoned (rebuilt under a new round
number, or nothing left to submit); confirmed -> submitted again when a reorg removes its block.

Every transaction is recorded before it is sent: a round becomes `submitted` with its signed raw
transaction, hash and nonce written (synchronous=FULL) BEFORE the first broadcast, and each later
broadcast of the same bytes is counted (`sends`, `last_sent_at`) before it goes out. After a crash the
aggregator therefore knows exactly which transaction may be on the chain and sends those same bytes
again (same hash: they can land once at most) rather than building a second one.

A submitted round's transaction is `mined` (block number and hash noted, state still `submitted`) until
it has the configured number of confirmations; then it is `confirmed`, and the round's confirmation
and the acks of its reports are written in one transaction, so no report is lost between them. A
confirmed round stays under watch for `reorg_window` blocks: if its block stops being canonical the
round is reopened (`reorgs` counts how often) and its reports are sent again.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from oracle.signing import CreditReport, ScoreBatch

ACTIVE = ("built", "signed", "submitted")

SCHEMA = """
CREATE TABLE IF NOT EXISTS rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    round INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    state TEXT NOT NULL,
    batch TEXT NOT NULL,
    report_ids TEXT NOT NULL,
    signatures TEXT NOT NULL DEFAULT '{}',
    tx_hash TEXT,
    raw_tx TEXT,
    nonce INTEGER,
    gas INTEGER,
    block_number INTEGER,
    error TEXT,
    first_seen REAL NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_rounds_state ON rounds(state);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL,
    status TEXT NOT NULL,
    round INTEGER,
    tx_hash TEXT,
    reason TEXT,
    created_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX IF NOT EXISTS ix_outbox_unsent ON outbox(sent_at);
CREATE TABLE IF NOT EXISTS refusals (
    report_id TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    last_reason TEXT
);
CREATE INDEX IF NOT EXISTS ix_rounds_block ON rounds(state, block_number);
CREATE TABLE IF NOT EXISTS borrowers (
    borrower TEXT PRIMARY KEY,
    as_of INTEGER NOT NULL,
    refresh_requested_at REAL,
    refresh_after REAL
);
"""


@dataclass
class Round:
    id: int
    round: int
    deadline: int
    state: str
    batch: ScoreBatch
    report_ids: list[str]
    signatures: dict[str, str]
    tx_hash: str | None
    raw_tx: str | None
    nonce: int | None
    gas: int | None
    block_number: int | None
    error: str | None
    first_seen: float
    created_at: float
    block_hash: str | None = None
    resend: bool = False  # re-sends reports a reorg removed (the service holds them as published)
    reorgs: int = 0
    sends: int = 0

    @property
    def items(self) -> list[tuple[str, CreditReport]]:
        return list(zip(self.report_ids, self.batch.reports, strict=True))


# columns added after the first release: a store written by an older aggregator gains them on open
_ROUND_COLUMNS = {
    "block_hash": "TEXT",
    "resend": "INTEGER NOT NULL DEFAULT 0",
    "reorgs": "INTEGER NOT NULL DEFAULT 0",
    "sends": "INTEGER NOT NULL DEFAULT 0",
    "last_sent_at": "REAL",
    "confirmed_at": "REAL",
}


class RoundStore:
    def __init__(self, path: str | Path, clock=time.time):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a confirmed write survives power loss
        self._db.executescript(SCHEMA)
        columns = {r["name"] for r in self._db.execute("PRAGMA table_info(borrowers)")}
        if "refresh_after" not in columns:  # a store written before refreshes were scheduled
            self._db.execute("ALTER TABLE borrowers ADD COLUMN refresh_after REAL")
        columns = {r["name"] for r in self._db.execute("PRAGMA table_info(rounds)")}
        for name, ddl in _ROUND_COLUMNS.items():
            if name not in columns:
                self._db.execute(f"ALTER TABLE rounds ADD COLUMN {name} {ddl}")
        self._lock = threading.RLock()
        self._clock = clock

    def close(self) -> None:
        self._db.close()

    def _tx(self):
        store = self

        class _Tx:
            def __enter__(self_inner):
                store._lock.acquire()
                store._db.execute("BEGIN IMMEDIATE")
                return store._db

            def __exit__(self_inner, exc_type, *_):
                try:
                    store._db.execute("ROLLBACK" if exc_type else "COMMIT")
                finally:
                    store._lock.release()

        return _Tx()

    @staticmethod
    def _round(row) -> Round:
        return Round(
            id=row["id"],
            round=row["round"],
            deadline=row["deadline"],
            state=row["state"],
            batch=ScoreBatch.from_dict(json.loads(row["batch"])),
            report_ids=json.loads(row["report_ids"]),
            signatures=json.loads(row["signatures"]),
            tx_hash=row["tx_hash"],
            raw_tx=row["raw_tx"],
            nonce=row["nonce"],
            gas=row["gas"],
            block_number=row["block_number"],
            error=row["error"],
            first_seen=row["first_seen"],
            created_at=row["created_at"],
            block_hash=row["block_hash"],
            resend=bool(row["resend"]),
            reorgs=row["reorgs"],
            sends=row["sends"],
        )

    # -- rounds

    def active(self) -> Round | None:
        """The oldest unfinished round. Normally there is one; after a reorg the reopened rounds come
        first, in the order they were sent (their nonces are in that order too)."""
        row = self._db.execute(
            f"SELECT * FROM rounds WHERE state IN {ACTIVE} ORDER BY id LIMIT 1"  # noqa: S608 - constant
        ).fetchone()
        return self._round(row) if row else None

    def confirmed_since(self, block_number: int) -> list[Round]:
        """Confirmed rounds in blocks from `block_number` on: those a reorg may still remove."""
        rows = self._db.execute(
            "SELECT * FROM rounds WHERE state='confirmed' AND block_number >= ? ORDER BY id",
            (block_number,),
        ).fetchall()
        return [self._round(r) for r in rows]

    def get(self, round_id: int) -> Round:
        return self._round(self._db.execute("SELECT * FROM rounds WHERE id = ?", (round_id,)).fetchone())

    def rounds(self, limit: int = 50) -> list[Round]:
        rows = self._db.execute("SELECT * FROM rounds ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [self._round(r) for r in rows]

    def max_round(self) -> int:
        return self._db.execute("SELECT COALESCE(MAX(round), 0) FROM rounds").fetchone()[0]

    def create(
        self,
        batch: ScoreBatch,
        report_ids: list[str],
        first_seen: float | None = None,
        replaces: int | None = None,
        reason: str | None = None,
        resend: bool = False,
    ) -> Round:
        """A new built round; `replaces` (abandoned in the same transaction) is the round it rebuilds."""
        now = self._clock()
        with self._tx() as db:
            if replaces is not None:
                db.execute(
                    "UPDATE rounds SET state='abandoned', error=?, updated_at=? WHERE id=? AND state IN"
                    " ('built', 'signed', 'submitted')",
                    (reason, now, replaces),
                )
            cur = db.execute(
                "INSERT INTO rounds (round, deadline, state, batch, report_ids, first_seen, created_at,"
                " updated_at, resend) VALUES (?, ?, 'built', ?, ?, ?, ?, ?, ?)",
                (
                    batch.round,
                    batch.deadline,
                    json.dumps(batch.to_dict()),
                    json.dumps(report_ids),
                    first_seen if first_seen is not None else now,
                    now,
                    now,
                    int(resend),
                ),
            )
            return self._round(db.execute("SELECT * FROM rounds WHERE id=?", (cur.lastrowid,)).fetchone())

    def set_signed(self, round_id: int, signatures: dict[str, str]) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET state='signed', signatures=?, updated_at=? WHERE id=? AND state='built'",
                (json.dumps(signatures), self._clock(), round_id),
            )

    def set_submitted(self, round_id: int, tx_hash: str, raw_tx: str, nonce: int, gas: int) -> None:
        """Record the signed transaction. Called BEFORE it is broadcast; counts as its first send."""
        now = self._clock()
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET state='submitted', tx_hash=?, raw_tx=?, nonce=?, gas=?, sends=sends+1,"
                " last_sent_at=?, updated_at=? WHERE id=? AND state='signed'",
                (tx_hash, raw_tx, nonce, gas, now, now, round_id),
            )

    def note_send(self, round_id: int) -> None:
        """Record that the round's recorded bytes are about to be broadcast again."""
        now = self._clock()
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET sends=sends+1, last_sent_at=?, updated_at=? WHERE id=?",
                (now, now, round_id),
            )

    def set_mined(self, round_id: int, block_number: int, block_hash: str) -> None:
        """The round's transaction is in a block that does not have enough confirmations yet."""
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET block_number=?, block_hash=?, updated_at=?"
                " WHERE id=? AND state='submitted'",
                (block_number, block_hash, self._clock(), round_id),
            )

    def set_confirmed(self, rnd: Round, block_number: int, block_hash: str | None = None) -> None:
        """Confirmation and the `submitted` acks of every report in the round, atomically."""
        now = self._clock()
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET state='confirmed', block_number=?, block_hash=?, confirmed_at=?,"
                " error=NULL, updated_at=? WHERE id=?",
                (block_number, block_hash, now, now, rnd.id),
            )
            db.executemany(
                "INSERT INTO outbox (report_id, status, round, tx_hash, created_at)"
                " VALUES (?, 'submitted', ?, ?, ?)",
                [(rid, rnd.round, rnd.tx_hash, now) for rid in rnd.report_ids],
            )
            db.executemany(
                "INSERT INTO borrowers (borrower, as_of) VALUES (?, ?) ON CONFLICT(borrower) DO UPDATE"
                " SET as_of = MAX(as_of, excluded.as_of), refresh_requested_at = NULL, refresh_after = NULL",
                [(r.borrower, r.asOf) for r in rnd.batch.reports],
            )

    def move_block(self, round_id: int, block_number: int, block_hash: str) -> None:
        """A reorg moved the round's transaction into another block: it is still on the chain."""
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET block_number=?, block_hash=?, updated_at=? WHERE id=?",
                (block_number, block_hash, self._clock(), round_id),
            )

    def reopen(self, round_id: int, reason: str) -> None:
        """A reorg removed the confirmed round's block: back to `submitted`, to be sent again."""
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET state='submitted', block_number=NULL, block_hash=NULL, confirmed_at=NULL,"
                " reorgs=reorgs+1, error=?, updated_at=? WHERE id=? AND state='confirmed'",
                (reason, self._clock(), round_id),
            )

    def set_state(self, round_id: int, state: str, error: str | None = None) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE rounds SET state=?, error=?, updated_at=? WHERE id=?",
                (state, error, self._clock(), round_id),
            )

    # -- reports

    def in_flight_ids(self) -> set[str]:
        """Reports that must not enter a new round: in an active round, or decided but not yet acked."""
        ids: set[str] = set()
        for row in self._db.execute(
            f"SELECT report_ids FROM rounds WHERE state IN {ACTIVE}"  # noqa: S608 - constant
        ):
            ids.update(json.loads(row[0]))
        ids.update(r[0] for r in self._db.execute("SELECT report_id FROM outbox WHERE sent_at IS NULL"))
        return ids

    def reject(self, items: list[tuple[str, str]]) -> None:
        """(report id, reason) -> a `rejected` ack in the outbox."""
        now = self._clock()
        with self._tx() as db:
            db.executemany(
                "INSERT INTO outbox (report_id, status, reason, created_at) VALUES (?, 'rejected', ?, ?)",
                [(rid, reason[:500], now) for rid, reason in items],
            )

    def count_refusal(self, report_id: str, reason: str) -> int:
        with self._tx() as db:
            db.execute(
                "INSERT INTO refusals (report_id, count, last_reason) VALUES (?, 1, ?) ON CONFLICT(report_id)"
                " DO UPDATE SET count = count + 1, last_reason = excluded.last_reason",
                (report_id, reason[:500]),
            )
            return db.execute("SELECT count FROM refusals WHERE report_id=?", (report_id,)).fetchone()[0]

    def unsent_acks(self, limit: int = 500) -> list[dict]:
        rows = self._db.execute(
            "SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?", (limit,)
        ).fetchall()
        return [dict(r) for r in rows]

    def mark_acks_sent(self, outbox_ids: list[int]) -> None:
        now = self._clock()
        with self._tx() as db:
            db.executemany("UPDATE outbox SET sent_at=? WHERE id=?", [(now, i) for i in outbox_ids])

    def acks(self) -> list[dict]:
        return [dict(r) for r in self._db.execute("SELECT * FROM outbox ORDER BY id").fetchall()]

    # -- freshness

    def borrowers_due(self, cutoff_as_of: int, limit: int = 100) -> list[str]:
        """Borrowers whose record is older than `cutoff_as_of` and who are not waiting out a retry."""
        rows = self._db.execute(
            "SELECT borrower FROM borrowers WHERE as_of < ? AND (refresh_after IS NULL OR refresh_after <= ?)"
            " ORDER BY as_of LIMIT ?",
            (cutoff_as_of, self._clock(), limit),
        ).fetchall()
        return [r[0] for r in rows]

    def mark_refresh_requested(self, retry_after: dict[str, float]) -> None:
        """The service was asked about these borrowers; ask again after so many seconds each, unless a
        newer record lands first."""
        now = self._clock()
        with self._tx() as db:
            db.executemany(
                "UPDATE borrowers SET refresh_requested_at=?, refresh_after=? WHERE borrower=?",
                [(now, now + wait, b) for b, wait in retry_after.items()],
            )
