"""The service's chain transactions, recorded before they are sent and reconciled after.

A request that sends a transaction (a KYC attestation, a revocation, a freeze) may die between the node
accepting it and the database recording the outcome: the chain then holds a fact the service never
learnt. So every transaction is written here, signed, with its hash, sender and nonce, and committed in
a transaction of its own *before* it goes to the node (`Outbox.record`, called by ChainClient.transact).
The sender records the outcome when it sees the receipt; if it never does, `reconcile` (run by the
indexer between ranges) finds it out from the chain and applies it to the object the transaction was
for, through the outcome handlers its domain registers:

- mined: `confirmed`, and the domain's `on_confirmed` runs;
- reverted, or its nonce taken by another transaction: `failed`, and `on_failed` runs;
- unknown to the node with its nonce still free (dropped from the pool, or its block reorganised away):
  the signed bytes are broadcast again, unchanged, so it can only land once;
- confirmed in a block that a reorganisation replaced: back to `sent`, and broadcast again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import BigInteger, Engine, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.chain.sends import SignedSend
from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow

logger = logging.getLogger("peerlend.chain.outbox")

SENT, CONFIRMED, FAILED = "sent", "confirmed", "failed"
# A sender waits this long for its own receipt before reconciliation steps in.
SETTLE_GRACE = timedelta(seconds=30)
# Confirmed transactions this many blocks deep or less are checked against reorganisations.
REORG_WINDOW = 64


class OutboxEntry(Base):
    __tablename__ = "chain_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(64))  # "kyc.attest", ...: which outcome handler applies
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(128), index=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    sender: Mapped[str] = mapped_column(String(42))
    nonce: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66), unique=True)
    raw_tx: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12), default=SENT, index=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    block_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Outbox:
    """Records one object's transaction: `record` before it is sent, `settle` once its fate is known.

    On PostgreSQL each call commits a session of its own, never the caller's transaction, so what it
    writes survives whatever happens to the request. SQLite (development) has one writer at a time, and
    the request may already hold the lock, so there the entry is written in the caller's own session and
    lasts when the request commits.
    """

    def __init__(
        self,
        engine: Engine | None,
        purpose: str,
        object_type: str,
        object_id: object,
        session: Session | None = None,
    ) -> None:
        self._engine = engine
        self._shared = session
        self.purpose, self.object_type, self.object_id = purpose, object_type, str(object_id)
        self.tx_hash: str | None = None

    @classmethod
    def beside(cls, session: Session, purpose: str, object_type: str, object_id: object) -> Outbox:
        """An outbox on the database `session` uses: its engine, not its transaction (PostgreSQL)."""
        bind = session.get_bind()
        if bind.dialect.name == "sqlite":
            return cls(None, purpose, object_type, object_id, session=session)
        return cls(bind.engine, purpose, object_type, object_id)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        if self._shared is not None:
            yield self._shared
            self._shared.flush()
            return
        with Session(self._engine) as session:
            yield session
            session.commit()

    def record(self, sent: SignedSend) -> None:
        with self._session() as session:
            session.add(
                OutboxEntry(
                    purpose=self.purpose,
                    object_type=self.object_type,
                    object_id=self.object_id,
                    chain_id=sent.chain_id,
                    sender=sent.sender,
                    nonce=sent.nonce,
                    tx_hash=sent.tx_hash,
                    raw_tx=sent.raw,
                )
            )
        self.tx_hash = sent.tx_hash

    def refused(self, tx_hash: str) -> None:
        """The node refused the transaction outright (a stale nonce, say): it never existed."""
        with self._session() as session:
            entry = session.scalar(select(OutboxEntry).where(OutboxEntry.tx_hash == tx_hash))
            if entry is not None:
                session.delete(entry)
        if self.tx_hash == tx_hash:
            self.tx_hash = None

    def settle(self, receipt: Any = None, error: str | None = None) -> None:
        """The sender saw the receipt (mined) or a revert (`error`)."""
        if self.tx_hash is None:
            return
        with self._session() as session:
            entry = session.scalar(select(OutboxEntry).where(OutboxEntry.tx_hash == self.tx_hash))
            if entry is None:
                return
            if receipt is not None:
                entry.status, entry.error = CONFIRMED, None
                entry.block_number = int(receipt["blockNumber"])
                entry.block_hash = "0x" + bytes(receipt["blockHash"]).hex()
            else:
                entry.status, entry.error = FAILED, (error or "reverted")[:500]


class Outcome(Protocol):
    """What a domain does when reconciliation learns a transaction's fate (in the reconciling session)."""

    def on_confirmed(self, session: Session, entry: OutboxEntry) -> None: ...

    def on_failed(self, session: Session, entry: OutboxEntry) -> None: ...


class Rpc(Protocol):
    def call(self, method: str, params: list | None = None) -> Any: ...


def reconcile(
    session: Session, rpc: Rpc, outcomes: dict[str, Outcome], now: Callable[[], datetime] = utcnow
) -> dict[str, int]:
    """One pass over what is unsettled or recently confirmed. The caller commits."""
    counts = {"confirmed": 0, "failed": 0, "resent": 0, "reorged": 0}
    head = int(rpc.call("eth_blockNumber"), 16)
    pending = session.scalars(
        select(OutboxEntry).where(OutboxEntry.status == SENT, OutboxEntry.created_at <= now() - SETTLE_GRACE)
    )
    for entry in pending:
        _settle_from_chain(session, rpc, entry, outcomes, counts)
    recent = session.scalars(
        select(OutboxEntry).where(
            OutboxEntry.status == CONFIRMED, OutboxEntry.block_number >= head - REORG_WINDOW
        )
    )
    for entry in recent:
        assert entry.block_number is not None  # the query selects confirmed entries at a block
        block = rpc.call("eth_getBlockByNumber", [hex(entry.block_number), False])
        if block is not None and block["hash"] == entry.block_hash:
            continue
        receipt = rpc.call("eth_getTransactionReceipt", [entry.tx_hash])
        if receipt is not None and receipt.get("blockHash"):  # mined again in the new branch
            entry.block_number, entry.block_hash = int(receipt["blockNumber"], 16), receipt["blockHash"]
            continue
        logger.warning(
            "transaction %s was reorganised out of block %s; sending it again",
            entry.tx_hash,
            entry.block_number,
        )
        entry.status, entry.block_number, entry.block_hash = SENT, None, None
        _broadcast(rpc, entry)
        counts["reorged"] += 1
    return counts


def _settle_from_chain(
    session: Session, rpc: Rpc, entry: OutboxEntry, outcomes: dict[str, Outcome], counts: dict[str, int]
) -> None:
    outcome = outcomes.get(entry.purpose)
    receipt = rpc.call("eth_getTransactionReceipt", [entry.tx_hash])
    if receipt is not None and receipt.get("blockHash"):
        mined = int(receipt["status"], 16) == 1
        entry.block_number, entry.block_hash = int(receipt["blockNumber"], 16), receipt["blockHash"]
        if mined:
            entry.status, entry.error = CONFIRMED, None
            if outcome:
                outcome.on_confirmed(session, entry)
            counts["confirmed"] += 1
        else:
            _fail(session, entry, outcome, counts, "reverted")
        return
    if rpc.call("eth_getTransactionByHash", [entry.tx_hash]) is not None:
        return  # still waiting in the pool
    used = int(rpc.call("eth_getTransactionCount", [entry.sender, "latest"]), 16)
    if used > entry.nonce:  # another transaction took its nonce: this one can never be mined
        _fail(session, entry, outcome, counts, f"nonce {entry.nonce} used by another transaction")
        return
    _broadcast(rpc, entry)
    counts["resent"] += 1


def _fail(
    session: Session, entry: OutboxEntry, outcome: Outcome | None, counts: dict[str, int], reason: str
) -> None:
    entry.status, entry.error = FAILED, reason
    if outcome:
        outcome.on_failed(session, entry)
    counts["failed"] += 1


def _broadcast(rpc: Rpc, entry: OutboxEntry) -> None:
    try:
        rpc.call("eth_sendRawTransaction", ["0x" + entry.raw_tx.hex()])
    except Exception as exc:  # "already known", "nonce too low": the next pass reads what happened
        logger.info("resending %s: %s", entry.tx_hash, exc)
