"""Restructuring proposals and approvals as indexed from the chain (backend/restructuring/projections.py).

A proposal row is written by RestructureProposed and closed by RestructureWithdrawn or RestructureExecuted;
whether an open one has expired is a question of the chain's clock, answered when it is read. An approval
row records who approved a proposal for a note; it counts while that wallet still owns the note
(chain_notes.owner), as the contract counts it. Keys are natural (proposal id; proposal id and note id),
so a rebuild from scratch writes the same rows.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base

OPEN, WITHDRAWN, EXECUTED = "open", "withdrawn", "executed"


class RestructureProposalView(Base):
    __tablename__ = "chain_restructure_proposals"
    __table_args__ = (Index("ix_chain_restructure_proposals_loan", "loan_id", "proposal_id"),)

    proposal_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    loan_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))  # open withdrawn executed (expiry: read time)
    extra_periods: Mapped[int] = mapped_column(Integer)
    holiday_periods: Mapped[int] = mapped_column(Integer)
    expiry: Mapped[int] = mapped_column(BigInteger)
    proposed_at: Mapped[int] = mapped_column(BigInteger)
    proposed_block: Mapped[int] = mapped_column(BigInteger)
    proposed_tx: Mapped[str] = mapped_column(String(66))
    closed_at: Mapped[int | None] = mapped_column(BigInteger)
    # the new terms, from RestructureExecuted
    approved_principal: Mapped[int | None] = mapped_column(BigInteger)
    base_period: Mapped[int | None] = mapped_column(Integer)
    base_balance: Mapped[int | None] = mapped_column(BigInteger)
    num_periods: Mapped[int | None] = mapped_column(Integer)
    installment: Mapped[int | None] = mapped_column(BigInteger)
    first_due_at: Mapped[int | None] = mapped_column(BigInteger)
    maturity: Mapped[int | None] = mapped_column(BigInteger)
    # late fees and interest the first new installment carries: decimal text (a uint256 on-chain)
    first_charges: Mapped[str | None] = mapped_column(String(80))
    updated_block: Mapped[int] = mapped_column(BigInteger)


class RestructureApprovalView(Base):
    __tablename__ = "chain_restructure_approvals"
    __table_args__ = (Index("ix_chain_restructure_approvals_loan", "loan_id"),)

    proposal_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    note_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    loan_id: Mapped[int] = mapped_column(BigInteger)
    holder: Mapped[str] = mapped_column(String(42))  # the approving wallet
    share: Mapped[int] = mapped_column(BigInteger)  # the note's principal share
    approved_at: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


# What the projections write: the indexer empties these first on a rebuild.
READ_MODELS = [RestructureProposalView, RestructureApprovalView]
