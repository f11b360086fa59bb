"""Lending projections: a loan's life folded into loans, schedule, notes and portfolios; rebuild equality."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend import projections
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent
from backend.db.base import Base
from backend.db.session import create_db_engine, make_sessionmaker
from backend.loans.annuity import annuity_installment, annuity_schedule
from backend.loans.models import InstallmentView, LoanView, NoteView, PortfolioView
from backend.loans.note_ids import note_id
from backend.projections import ALL_READ_MODELS
from tests.backend.chain.indexer.conftest import dump
from tests.backend.loans.lifecycle import (
    ADDED,
    BORROWER,
    BUYER,
    ETHER,
    FEES,
    LENDER_A,
    LENDER_B,
    OFFER_NONCE,
    PLEDGED,
    RAY,
    WETH,
    Stream,
    lifecycle,
    store,
)

TABLES = [ChainCheckpoint.__table__, ChainBlock.__table__, ChainEvent.__table__] + [
    m.__table__ for m in ALL_READ_MODELS
]


@pytest.fixture
def sessions(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'loans.db'}")
    Base.metadata.create_all(engine, tables=TABLES)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_schedule_pays_exactly_the_principal_and_matches_the_installment():
    installment = annuity_installment(1_000_000_000, 1200, 12, 30 * 86400)
    assert 88_000_000 < installment < 89_000_000
    rows = annuity_schedule(1_000_000_000, 1200, 12, 30 * 86400, 1_800_000_000, installment)
    assert sum(r[4] for r in rows) == 1_000_000_000 and rows[-1][5] == 0
    assert all(r[2] == installment for r in rows[:-1])  # equal installments, the last absorbs rounding
    assert abs(rows[-1][2] - installment) <= 12
    assert [r[1] for r in rows[:2]] == [1_800_000_000, 1_800_000_000 + 30 * 86400]


def test_loan_life_folds_into_read_models(sessions):
    with sessions() as s:
        store(s, lifecycle())
        s.commit()
        loan = s.get(LoanView, 1)
        assert (loan.status, loan.funded, loan.lenders, loan.periods_paid) == (
            "defaulted",
            1_000_000_000,
            2,
            1,
        )
        assert loan.principal_repaid == 157_985_775 and loan.written_down == 342_014_225
        assert len(s.scalars(select(InstallmentView).where(InstallmentView.loan_id == 1)).all()) == 12
        a, b = s.get(NoteView, note_id(1, 0)), s.get(NoteView, note_id(1, 1))
        assert b.owner == BUYER and b.original_lender == LENDER_B
        # the notes' principal back: what the borrower repaid plus the reserve fund's cover
        assert loan.reserve_covered == 500_000_000 and loan.reserve_recovered == 0
        assert a.principal_returned == 600_000_000 * (157_985_775 + 500_000_000) // 1_000_000_000
        lender_a, lender_b, buyer = (s.get(PortfolioView, w) for w in (LENDER_A, LENDER_B, BUYER))
        assert lender_a.invested == 600_000_000  # loan 2's refunded funding is not an investment
        assert lender_a.received == 52_000_000
        assert lender_a.losses == a.written_down > 0
        assert lender_a.outstanding == a.principal - a.principal_returned - a.written_down
        assert (lender_b.outstanding, lender_b.notes, buyer.notes) == (0, 0, 1)
        assert buyer.outstanding == b.principal - b.principal_returned - b.written_down
        assert s.get(PortfolioView, BORROWER).borrowed == 1_000_000_000
        assert s.get(LoanView, 2).status == "expired" and s.get(NoteView, note_id(2, 0)).refunded
        assert s.get(LoanView, 3).status == "listed"


def test_market_split_events_fold_into_the_loan(sessions):
    with sessions() as s:
        store(s, lifecycle())
        s.commit()
        loan = s.get(LoanView, 1)
        # the offer it was listed with, the fees fixed at drawdown, the vault's collateral events
        assert loan.offer_nonce == str(OFFER_NONCE)
        assert (loan.servicing_fee_bps, loan.reserve_share_bps, loan.late_fee_bps_per_day) == (
            FEES["servicingFeeBps"],
            FEES["reserveShareBps"],
            FEES["lateFeeBpsPerDay"],
        )
        assert loan.collateral_token == WETH and int(loan.collateral_amount) == PLEDGED + ADDED > 2**63
        # two covers: the cover accumulates, the loss and the notes' write-down are the latest
        assert loan.reserve_covered == 500_000_000 and loan.written_down == 342_014_225
        a = s.get(NoteView, note_id(1, 0))
        assert a.written_down == 600_000_000 * (342_014_225 * RAY // 1_000_000_000) // RAY
        assert s.get(PortfolioView, LENDER_A).losses == a.written_down
        expired = s.get(LoanView, 2)
        assert (expired.status, expired.expiry_reason, expired.offer_nonce) == ("expired", 1, "2")
        assert s.get(LoanView, 3).expiry_reason is None and s.get(LoanView, 3).offer_nonce is None


def test_liquidation_and_release_move_the_collateral(sessions):
    events = lifecycle()
    tail = Stream()
    tail.block = events[-1].block_number
    # a buyer takes 4 WETH for 400: the proceeds repay through the market, then the rest goes back
    tail.add(
        "CollateralVault",
        "CollateralLiquidated",
        loanId=1,
        buyer=BUYER,
        collateralAmount=4 * ETHER,
        payment=400_000_000,
    )
    tail.add(
        "LoanMarket",
        "LoanRepaid",
        loanId=1,
        payer=BUYER,
        lateFee=0,
        interest=0,
        principal=400_000_000,
        reserveShare=57_985_775,
        servicingFee=0,
    )
    tail.add("LoanMarket", "LiquidationProceedsReceived", loanId=1, amount=400_000_000, refundedToBorrower=0)
    with sessions() as s:
        store(s, events + tail.events[:1])
        s.commit()
        assert int(s.get(LoanView, 1).collateral_amount) == PLEDGED + ADDED - 4 * ETHER
        store(s, tail.events[1:])
        s.commit()
        loan = s.get(LoanView, 1)
        assert loan.recovered == 400_000_000 and loan.reserve_recovered == 57_985_775
    release = Stream()
    release.block = tail.events[-1].block_number
    release.add(
        "CollateralVault",
        "CollateralReleased",
        loanId=1,
        borrower=BORROWER,
        token=WETH,
        amount=PLEDGED + ADDED - 4 * ETHER,
    )
    release.add("LoanMarket", "LoanRepaidInFull", loanId=1)
    with sessions() as s:
        store(s, release.events)
        s.commit()
        loan = s.get(LoanView, 1)
        assert loan.collateral_amount == "0"
        assert loan.status == "defaulted"  # settled in full after a default: still defaulted, as on-chain


def test_recovery_after_cover_returns_principal_to_notes_except_the_reserves_part(sessions):
    events = lifecycle()
    with sessions() as s:
        store(s, events)
        s.commit()
    # the borrower pays 400 of principal after the cover: 342.01 is the notes' loss, 57.99 the reserve's
    tail = Stream()
    tail.block = events[-1].block_number
    tail.add(
        "LoanMarket",
        "LoanRepaid",
        loanId=1,
        payer=BORROWER,
        lateFee=0,
        interest=0,
        principal=400_000_000,
        reserveShare=57_985_775,
        servicingFee=0,
    )
    with sessions() as s:
        store(s, tail.events)
        s.commit()
        loan, a = s.get(LoanView, 1), s.get(NoteView, note_id(1, 0))
        assert loan.principal_repaid == 557_985_775 and loan.reserve_recovered == 57_985_775
        to_notes = 557_985_775 - 57_985_775 + 500_000_000
        assert a.principal_returned == 600_000_000 * to_notes // 1_000_000_000


def test_rebuild_from_the_event_log_yields_identical_read_models(sessions):
    with sessions() as s:
        store(s, lifecycle())
        s.commit()
    before = dump(sessions)
    with sessions() as s:
        assert projections.rebuild(s) == len(lifecycle())
        s.commit()
    assert dump(sessions) == before
