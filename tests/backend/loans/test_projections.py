"""Lending projections: a loan's life folded into loans, schedule, notes and portfolios; rebuild equality."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.chain.indexer import projections
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent
from backend.chain.indexer.read_models import READ_MODELS, InstallmentView, LoanView, NoteView, PortfolioView
from backend.db.base import Base
from backend.db.session import create_db_engine, make_sessionmaker
from backend.loans.annuity import annuity_installment, annuity_schedule
from tests.backend.indexer.conftest import dump
from tests.backend.loans.lifecycle import BORROWER, BUYER, LENDER_A, LENDER_B, Stream, lifecycle, store

TABLES = [ChainCheckpoint.__table__, ChainBlock.__table__, ChainEvent.__table__] + [
    m.__table__ for m in READ_MODELS
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
        a, b = s.get(NoteView, 1 << 32), s.get(NoteView, (1 << 32) | 1)
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
        assert s.get(LoanView, 2).status == "expired" and s.get(NoteView, 2 << 32).refunded
        assert s.get(LoanView, 3).status == "listed"


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
        loan, a = s.get(LoanView, 1), s.get(NoteView, 1 << 32)
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
