"""Loans queries over the chain read models."""

from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainBlock
from backend.chain.indexer.read_models import (
    InstallmentView,
    LoanView,
    NoteView,
    PortfolioView,
    RepaymentView,
    WalletTransactionView,
)
from backend.loans.schemas import (
    Delinquency,
    HoldingOut,
    InstallmentOut,
    LoanDetail,
    LoanOut,
    LoanPage,
    PortfolioOut,
    RepaymentOut,
    TransactionOut,
    TransactionPage,
)

SORTS = {
    "newest": LoanView.loan_id.desc(),
    "rate": LoanView.rate_bps.desc(),
    "amount": LoanView.principal.desc(),
}


def loan_out(loan: LoanView, cls=LoanOut, **extra):
    return cls(
        loanId=loan.loan_id,
        borrower=loan.borrower,
        status=loan.status,
        grade=loan.grade,
        principal=loan.principal,
        funded=loan.funded,
        lenders=loan.lenders,
        term=loan.term,
        periodSeconds=loan.period_seconds,
        rateBps=loan.rate_bps,
        listingDeadline=loan.listing_deadline,
        listedAt=loan.listed_at,
        drawnAt=loan.drawn_at,
        installment=loan.installment,
        principalRepaid=loan.principal_repaid,
        interestPaid=loan.interest_paid,
        feesPaid=loan.fees_paid,
        recovered=loan.recovered,
        writtenDown=loan.written_down,
        periodsPaid=loan.periods_paid,
        collateralToken=loan.collateral_token,
        collateralAmount=int(loan.collateral_amount),
        servicingFeeBps=loan.servicing_fee_bps,
        reserveShareBps=loan.reserve_share_bps,
        lateFeeBpsPerDay=loan.late_fee_bps_per_day,
        expiryReason=loan.expiry_reason,
        closedAt=loan.closed_at,
        **extra,
    )


def list_loans(
    session: Session,
    *,
    status=None,
    grades=None,
    term=None,
    min_rate=None,
    max_rate=None,
    borrower=None,
    sort="newest",
    limit=50,
    offset=0,
) -> LoanPage:
    query = select(LoanView)
    if status:
        query = query.where(LoanView.status == status)
    if grades:
        query = query.where(LoanView.grade.in_(grades))
    if term is not None:
        query = query.where(LoanView.term == term)
    if min_rate is not None:
        query = query.where(LoanView.rate_bps >= min_rate)
    if max_rate is not None:
        query = query.where(LoanView.rate_bps <= max_rate)
    if borrower:
        query = query.where(LoanView.borrower == borrower)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(SORTS[sort], LoanView.loan_id.desc()).limit(limit).offset(offset))
    return LoanPage(items=[loan_out(r) for r in rows], total=total or 0, limit=limit, offset=offset)


def chain_time(session: Session) -> int:
    """Time of the latest indexed block (wall clock before anything is indexed)."""
    latest = session.scalar(select(ChainBlock.timestamp).order_by(ChainBlock.number.desc()).limit(1))
    return int(latest) if latest is not None else int(time.time())


def delinquency(loan: LoanView, schedule: list[InstallmentView], now: int) -> Delinquency | None:
    """Days past the oldest unpaid due date, rounded up, as LoanMarket.daysPastDue counts them. The one
    case it does not see: a borrower whose principal is ahead of schedule but who owes interest that
    fell due (the contract dates that from the latest due date; indexed events carry no accrual)."""
    if loan.status != "active":
        return None
    next_due = schedule[loan.periods_paid].due_at if loan.periods_paid < len(schedule) else None
    days = -((next_due - now) // 86_400) if next_due is not None and now > next_due else 0
    tier = 0 if days == 0 else 1 if days <= 30 else 2 if days <= 90 else 3
    return Delinquency(asOf=now, daysPastDue=days, tier=tier, nextDueAt=next_due)


def loan_detail(session: Session, loan_id: int) -> LoanDetail | None:
    loan = session.get(LoanView, loan_id)
    if loan is None:
        return None
    schedule = list(
        session.scalars(
            select(InstallmentView).where(InstallmentView.loan_id == loan_id).order_by(InstallmentView.period)
        )
    )
    repayments = session.scalars(
        select(RepaymentView)
        .where(RepaymentView.loan_id == loan_id)
        .order_by(RepaymentView.block_number, RepaymentView.log_index)
    )
    rows = []
    for s in schedule:
        rows.append(
            InstallmentOut(
                period=s.period,
                dueAt=s.due_at,
                payment=s.payment,
                interest=s.interest,
                principal=s.principal,
                balanceAfter=s.balance_after,
                paid=s.period <= loan.periods_paid,
            )
        )
    return loan_out(
        loan,
        LoanDetail,
        schedule=rows,
        repayments=[
            RepaymentOut(
                payer=r.payer,
                amount=r.amount,
                interest=r.interest,
                principal=r.principal,
                fees=r.fees,
                timestamp=r.timestamp,
                txHash=r.tx_hash,
                blockNumber=r.block_number,
            )
            for r in repayments
        ],
        delinquency=delinquency(loan, schedule, chain_time(session)),
    )


def portfolio(session: Session, wallet: str) -> PortfolioOut:
    row = session.get(PortfolioView, wallet)
    notes = session.execute(
        select(NoteView, LoanView.status)
        .join(LoanView, LoanView.loan_id == NoteView.loan_id, isouter=True)
        .where(NoteView.owner == wallet)
        .order_by(NoteView.note_id)
    ).all()
    holdings = [
        HoldingOut(
            noteId=n.note_id,
            loanId=n.loan_id,
            loanStatus=status,
            principal=n.principal,
            principalReturned=n.principal_returned,
            writtenDown=n.written_down,
            claimed=n.claimed,
            refunded=n.refunded,
        )
        for n, status in notes
    ]
    if row is None:
        return PortfolioOut(
            wallet=wallet,
            invested=0,
            outstanding=0,
            received=0,
            losses=0,
            notes=0,
            borrowed=0,
            repaid=0,
            holdings=holdings,
        )
    return PortfolioOut(
        wallet=wallet,
        invested=row.invested,
        outstanding=row.outstanding,
        received=row.received,
        losses=row.losses,
        notes=row.notes,
        borrowed=row.borrowed,
        repaid=row.repaid,
        holdings=holdings,
    )


def transactions(session: Session, wallet: str, kind: str | None, limit: int, offset: int) -> TransactionPage:
    query = select(WalletTransactionView).where(WalletTransactionView.wallet == wallet)
    if kind:
        query = query.where(WalletTransactionView.kind == kind)
    rows = session.scalars(
        query.order_by(WalletTransactionView.block_number.desc(), WalletTransactionView.log_index.desc())
        .limit(limit)
        .offset(offset)
    )
    return TransactionPage(
        items=[
            TransactionOut(
                kind=t.kind,
                contract=t.contract,
                amount=t.amount,
                counterparty=t.counterparty,
                loanId=t.loan_id,
                noteId=t.note_id,
                timestamp=t.timestamp,
                txHash=t.tx_hash,
                blockNumber=t.block_number,
                logIndex=t.log_index,
            )
            for t in rows
        ],
        limit=limit,
        offset=offset,
    )
