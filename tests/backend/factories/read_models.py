"""The chain's read models as the indexer's projections leave them: blocks (the index's clock), loans with
their annuity schedules, notes, note offers and credit records. Amounts in stablecoin base units, times
in block seconds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainBlock
from backend.loans.annuity import annuity_installment, annuity_schedule
from backend.loans.models import InstallmentView, LoanView, NoteView
from backend.loans.note_ids import note_id
from backend.market.models import NoteOfferView
from backend.oracle_feed.models import CreditRecordView
from backend.risk.config import USDC
from tests.backend.factories.clock import CHAIN_NOW, DAY

DRAWN = ("active", "repaid", "defaulted")
MONTH = 30 * DAY


def chain_block(session: Session, timestamp: int = CHAIN_NOW, number: int | None = None) -> ChainBlock:
    """The latest indexed block, whose time is the chain's clock for every read path."""
    if number is None:
        number = (session.scalar(select(func.max(ChainBlock.number))) or 0) + 1
    block = ChainBlock(number=number, hash="0x" + f"{number:064x}", timestamp=timestamp)
    session.add(block)
    session.flush()
    return block


def loan(
    session: Session,
    borrower: str,
    status: str = "active",
    *,
    principal: int = 1_000 * USDC,
    term: int = 12,
    rate_bps: int = 1_000,
    grade: int = 3,
    period_seconds: int = MONTH,
    first_due_at: int | None = None,
    periods_paid: int = 0,
    **columns: Any,
) -> LoanView:
    """A loan of `borrower`. A drawn one (active, repaid, defaulted) has its annuity schedule, first due
    at `first_due_at` (a period after drawdown at the chain's clock by default), with `periods_paid`
    installments paid: its principal repaid is what those installments paid."""
    loan_id = columns.pop("loan_id", None) or (session.scalar(select(func.max(LoanView.loan_id))) or 0) + 1
    drawn = status in DRAWN
    first_due = CHAIN_NOW + period_seconds if first_due_at is None else first_due_at
    drawn_at = first_due - period_seconds
    installment = annuity_installment(principal, rate_bps, term, period_seconds)
    schedule = annuity_schedule(principal, rate_bps, term, period_seconds, first_due, installment)
    values: dict[str, Any] = {
        "loan_id": loan_id,
        "borrower": borrower,
        "status": status,
        "principal": principal,
        "term": term,
        "period_seconds": period_seconds,
        "rate_bps": rate_bps,
        "grade": grade,
        "funded": principal,
        "lenders": 1,
        "listing_deadline": drawn_at,
        "listed_at": drawn_at - 3 * DAY,
        "drawn_at": drawn_at if drawn else None,
        "drawn_amount": principal if drawn else 0,
        "installment": installment if drawn else 0,
        "principal_repaid": sum(row.principal for row in schedule[:periods_paid]),
        "interest_paid": sum(row.interest for row in schedule[:periods_paid]),
        "periods_paid": periods_paid,
        "updated_block": 1,
    }
    values.update(columns)
    row = LoanView(**values)
    session.add(row)
    if drawn:
        for r in schedule:
            session.add(
                InstallmentView(
                    loan_id=loan_id,
                    period=r.period,
                    due_at=r.due,
                    payment=r.payment,
                    principal=r.principal,
                    interest=r.interest,
                    balance_after=r.balance,
                )
            )
    session.flush()
    return row


def note(
    session: Session, on: LoanView, index: int, owner: str, principal: int | None = None, **columns: Any
) -> NoteView:
    """Note `index` of loan `on`, held by `owner` (its original lender unless told), for `principal`
    (the whole loan by default)."""
    values: dict[str, Any] = {
        "note_id": note_id(on.loan_id, index),
        "loan_id": on.loan_id,
        "owner": owner,
        "original_lender": owner,
        "principal": on.principal if principal is None else principal,
        "updated_block": 1,
    }
    values.update(columns)
    row = NoteView(**values)
    session.add(row)
    session.flush()
    return row


def note_offer(
    session: Session, of: NoteView, price: int, expiry: int = CHAIN_NOW + DAY, **columns: Any
) -> NoteOfferView:
    """A standing offer of note `of` by its holder at `price`."""
    values: dict[str, Any] = {
        "note_id": of.note_id,
        "loan_id": of.loan_id,
        "seller": of.owner,
        "price": price,
        "expiry": expiry,
        "offered_at": CHAIN_NOW - DAY,
        "offered_block": 1,
    }
    values.update(columns)
    row = NoteOfferView(**values)
    session.add(row)
    session.flush()
    return row


def credit_record(session: Session, borrower: str, **columns: Any) -> CreditRecordView:
    """The credit record CreditOracle holds for `borrower`, as indexed."""
    values: dict[str, Any] = {
        "borrower": borrower,
        "score": 700,
        "grade": 2,
        "pd_bps": 300,
        "model_version": 1,
        "as_of": CHAIN_NOW,
        "reasons_hash": "0x" + "ab" * 32,
        "round": 1,
        "updated_block": 1,
        "tx_hash": "0x" + "cd" * 32,
    }
    values.update(columns)
    row = CreditRecordView(**values)
    session.add(row)
    session.flush()
    return row
