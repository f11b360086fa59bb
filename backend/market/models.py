"""The note market's read models, projected from LoanMarket's NoteOffered, NoteOfferCancelled and NoteSold
events (backend/market/projections.py). Amounts are stablecoin base units; times block timestamps."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base


class NoteOfferView(Base):
    """A standing offer as last announced. The chain also voids an offer when the note moves or its loan
    has nothing left to pay; queries join the note's owner and the loan's status for that."""

    __tablename__ = "market_note_offers"

    note_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    loan_id: Mapped[int] = mapped_column(BigInteger, index=True)
    seller: Mapped[str] = mapped_column(String(42), index=True)
    price: Mapped[int] = mapped_column(BigInteger)
    expiry: Mapped[int] = mapped_column(BigInteger)
    offered_at: Mapped[int] = mapped_column(BigInteger)
    offered_block: Mapped[int] = mapped_column(BigInteger)


class NoteSaleView(Base):
    """A completed sale, with what the seller realised against the principal the note still carried."""

    __tablename__ = "market_note_sales"

    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note_id: Mapped[int] = mapped_column(BigInteger, index=True)
    loan_id: Mapped[int] = mapped_column(BigInteger, index=True)
    seller: Mapped[str] = mapped_column(String(42), index=True)
    buyer: Mapped[str] = mapped_column(String(42), index=True)
    price: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    seller_earned: Mapped[int] = mapped_column(BigInteger)
    principal_at_sale: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))

    @property
    def realized(self) -> int:
        """What the seller realised against the principal it gave up: price - fee - principal at sale."""
        return self.price - self.fee - self.principal_at_sale


READ_MODELS = [NoteOfferView, NoteSaleView]
