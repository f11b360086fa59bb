"""The loan book as indexed from the chain: loans, schedules, repayments, notes, portfolios and wallet
activity. Nothing here is written except by backend/loans/projections.py and transfers.py.

Primary keys are natural (wallet, loan id, note id, (block, log index)) so a rebuild from scratch
produces byte-identical tables. Amounts are integer base units of the stablecoin (6 decimals);
token transfers can carry any uint256 so their amount column is decimal text.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base


class LoanView(Base):
    __tablename__ = "chain_loans"
    __table_args__ = (Index("ix_chain_loans_filter", "status", "grade", "term"),)

    loan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    borrower: Mapped[str] = mapped_column(String(42), index=True)
    status: Mapped[str] = mapped_column(String(16))  # listed funded active repaid defaulted cancelled expired
    principal: Mapped[int] = mapped_column(BigInteger)
    term: Mapped[int] = mapped_column(Integer)  # periods
    period_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    rate_bps: Mapped[int] = mapped_column(Integer)  # annual
    grade: Mapped[int] = mapped_column(Integer)
    funded: Mapped[int] = mapped_column(BigInteger, default=0)
    lenders: Mapped[int] = mapped_column(Integer, default=0)
    collateral_token: Mapped[str | None] = mapped_column(String(42))
    # what the vault holds for the loan, in the collateral token's own units: any uint256 (an 18-decimal
    # token passes 2^63 at 9.2 tokens), so decimal text like token transfers
    collateral_amount: Mapped[str] = mapped_column(String(80), default="0")
    listing_deadline: Mapped[int] = mapped_column(BigInteger, default=0)
    listed_at: Mapped[int] = mapped_column(BigInteger)
    drawn_at: Mapped[int | None] = mapped_column(BigInteger)
    drawn_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    origination_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    installment: Mapped[int] = mapped_column(BigInteger, default=0)
    principal_repaid: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    fees_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    recovered: Mapped[int] = mapped_column(BigInteger, default=0)
    written_down: Mapped[int] = mapped_column(BigInteger, default=0)
    # after a default: principal the reserve fund paid the notes, and what it has recovered of it since
    reserve_covered: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    reserve_recovered: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    periods_paid: Mapped[int] = mapped_column(Integer, default=0)
    # after a restructuring (RestructureExecuted): the due periods before the schedule in force, whose
    # rows are the earlier schedule's, and how many restructurings the loan has had
    schedule_base_period: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    restructurings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # fees fixed for this loan at drawdown (LoanDrawn); 0 before
    servicing_fee_bps: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reserve_share_bps: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    late_fee_bps_per_day: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # LoanExpired reason: 1 listing deadline passed, 2 market wound down, 3 listing no longer qualifies
    expiry_reason: Mapped[int | None] = mapped_column(Integer)
    # the signed offer the loan was listed with (OfferUsed), uint256 as decimal text: joins the risk
    # service's loan_applications.offer_nonce
    offer_nonce: Mapped[str | None] = mapped_column(String(78), index=True)
    closed_at: Mapped[int | None] = mapped_column(BigInteger)
    updated_block: Mapped[int] = mapped_column(BigInteger)


class InstallmentView(Base):
    """The annuity schedule, fixed at drawdown (a pure function of principal, rate, term, start). A
    restructuring replaces the rows after its base period with the new schedule's (the first of them
    carrying, as its interest, the late fees and interest unpaid then and the interest to its due date)."""

    __tablename__ = "chain_loan_installments"

    loan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    due_at: Mapped[int] = mapped_column(BigInteger)
    payment: Mapped[int] = mapped_column(BigInteger)
    principal: Mapped[int] = mapped_column(BigInteger)
    interest: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)


class RepaymentView(Base):
    __tablename__ = "chain_repayments"

    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    loan_id: Mapped[int] = mapped_column(BigInteger, index=True)
    payer: Mapped[str] = mapped_column(String(42))
    amount: Mapped[int] = mapped_column(BigInteger)
    interest: Mapped[int] = mapped_column(BigInteger, default=0)
    principal: Mapped[int] = mapped_column(BigInteger, default=0)
    fees: Mapped[int] = mapped_column(BigInteger, default=0)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


class NoteView(Base):
    __tablename__ = "chain_notes"

    note_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    loan_id: Mapped[int] = mapped_column(BigInteger, index=True)
    owner: Mapped[str] = mapped_column(String(42), index=True)
    original_lender: Mapped[str] = mapped_column(String(42))
    principal: Mapped[int] = mapped_column(BigInteger)  # share of the loan principal
    claimed: Mapped[int] = mapped_column(BigInteger, default=0)
    principal_returned: Mapped[int] = mapped_column(BigInteger, default=0)
    written_down: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_block: Mapped[int] = mapped_column(BigInteger)

    @property
    def outstanding_principal(self) -> int:
        """The share of the loan's principal the note still carries (0 once refunded)."""
        return 0 if self.refunded else max(0, self.principal - self.principal_returned - self.written_down)


class PortfolioView(Base):
    __tablename__ = "chain_portfolios"

    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    invested: Mapped[int] = mapped_column(BigInteger, default=0)
    outstanding: Mapped[int] = mapped_column(BigInteger, default=0)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    losses: Mapped[int] = mapped_column(BigInteger, default=0)
    notes: Mapped[int] = mapped_column(Integer, default=0)
    borrowed: Mapped[int] = mapped_column(BigInteger, default=0)
    repaid: Mapped[int] = mapped_column(BigInteger, default=0)


class WalletTransactionView(Base):
    __tablename__ = "chain_wallet_transactions"
    __table_args__ = (Index("ix_chain_wallet_tx_wallet", "wallet", "block_number", "log_index"),)

    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    wallet: Mapped[str] = mapped_column(String(42), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    contract: Mapped[str] = mapped_column(String(64))
    counterparty: Mapped[str | None] = mapped_column(String(42))
    loan_id: Mapped[int | None] = mapped_column(BigInteger)
    note_id: Mapped[int | None] = mapped_column(BigInteger)
    amount: Mapped[str] = mapped_column(String(80))  # uint256 as decimal text
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


# What the projections write: the indexer empties these first on a rebuild.
READ_MODELS = [LoanView, InstallmentView, RepaymentView, NoteView, PortfolioView, WalletTransactionView]
