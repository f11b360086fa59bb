"""Indexer core tables: checkpoint, the blocks the index depends on, and the raw decoded events.

Events are unique by (block_hash, log_index): re-processing a block inserts nothing new, and events of a
block that was reorged out are deleted with their block before the canonical block is indexed.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base


class ChainCheckpoint(Base):
    __tablename__ = "chain_checkpoints"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    last_block: Mapped[int] = mapped_column(BigInteger)
    last_block_hash: Mapped[str | None] = mapped_column(String(66))


class ChainBlock(Base):
    """Blocks holding indexed events, plus each range's last block: enough to find a fork point."""

    __tablename__ = "chain_blocks"

    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(66))
    timestamp: Mapped[int] = mapped_column(BigInteger)


class ChainEvent(Base):
    __tablename__ = "chain_events"
    __table_args__ = (
        UniqueConstraint("block_hash", "log_index", name="uq_chain_events_block_log"),
        Index("ix_chain_events_order", "block_number", "log_index"),
        Index("ix_chain_events_name", "contract", "event"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(String(66))
    block_timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66), index=True)
    log_index: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(42))
    contract: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(64))
    args: Mapped[str] = mapped_column(Text)  # JSON; integers exact, bytes as 0x hex, addresses checksummed
