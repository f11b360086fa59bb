"""The disclosure domain's tables.

- `disclosure_snapshots`: each month's published disclosure, as the exact canonical bytes whose SHA-256
  is anchored on-chain. Primary data: written once per month by the publisher (backend/disclosure/
  publishing.py), never changed, never emptied by an index rebuild. Its figures are a function of the
  chain index (and the complaint records) up to the month's end, so the same month computed again gives
  the same bytes.
- `disclosure_anchors`: the DisclosureRegistry's SnapshotAnchored events as indexed (a read model,
  backend/disclosure/projections.py): which hash each month has on-chain, in which transaction and block.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base
from backend.db.types import UTCDateTime, utcnow


class DisclosureSnapshot(Base):
    __tablename__ = "disclosure_snapshots"

    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # yyyymm
    schema_version: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON (backend/disclosure/canonical.py)
    sha256: Mapped[str] = mapped_column(String(64))  # hex, of content's UTF-8 bytes
    period_end: Mapped[int] = mapped_column(BigInteger)  # unix seconds: the figures' as-of time
    last_block: Mapped[int] = mapped_column(BigInteger)  # the index's block when it was computed
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnchorView(Base):
    __tablename__ = "disclosure_anchors"

    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # yyyymm
    content_hash: Mapped[str] = mapped_column(String(66))  # 0x-prefixed bytes32
    publisher: Mapped[str] = mapped_column(String(42))
    registry_address: Mapped[str] = mapped_column("registry", String(42))
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(String(66))
    log_index: Mapped[int] = mapped_column(Integer)
    tx_hash: Mapped[str] = mapped_column(String(66))
    anchored_at: Mapped[int] = mapped_column(BigInteger)  # the block's timestamp


# What the projections write: the indexer empties these first on a rebuild.
READ_MODELS = [AnchorView]
