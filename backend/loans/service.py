"""Loans queries over the chain read models, and what the chain says a drawn loan owes now."""

from __future__ import annotations

import logging
import time

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from backend.chain.client import deployment_reader
from backend.chain.errors import ChainError
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint
from backend.core.schemas import decode_cursor, encode_cursor
from backend.core.settings import Settings
from backend.loans.models import (
    InstallmentView,
    LoanView,
    NoteView,
    PortfolioView,
    RepaymentView,
    WalletTransactionView,
)
from backend.loans.problems import loan_not_found
from backend.loans.schemas import (
    DRAWN,
    ChainFigures,
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
from backend.market.models import NoteOfferView, NoteSaleView

logger = logging.getLogger("peerlend.loans")

# sort name -> the column ordered on (descending), loan id breaking ties (descending)
SORTS = {"newest": None, "rate": LoanView.rate_bps, "amount": LoanView.principal}


def indexed_block(session: Session) -> int | None:
    # One column, not the ORM object: an identity-map load cost a list page about 0.7 ms.
    return session.scalar(select(ChainCheckpoint.last_block).where(ChainCheckpoint.name == "main"))


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
    cursor: str | None = None,
) -> LoanPage:
    """A page of the loan book, by keyset: the cursor holds the last row's sort value and loan id."""
    kind = f"loans:{sort}"
    column = SORTS[sort]
    position = decode_cursor(kind, cursor, {"id": int} if column is None else {"id": int, "v": int})
    # Plain rows, not ORM instances: a page is read once and never changed, and loading 50 identity-mapped
    # objects cost more than the query itself.
    query = select(*LoanView.__table__.columns)
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
    if column is None:
        if position:
            query = query.where(LoanView.loan_id < position["id"])
        query = query.order_by(LoanView.loan_id.desc())
    else:
        if position:
            query = query.where(tuple_(column, LoanView.loan_id) < tuple_(position["v"], position["id"]))
        query = query.order_by(column.desc(), LoanView.loan_id.desc())
    rows = list(session.execute(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        at = {"id": last.loan_id} if column is None else {"id": last.loan_id, "v": getattr(last, column.key)}
        next_cursor = encode_cursor(kind, at)
    return LoanPage(
        items=[LoanOut.model_validate(dict(r._mapping)) for r in rows],
        next_cursor=next_cursor,
        indexed_block=indexed_block(session),
    )


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
    days = days_past_due(next_due, now)
    return Delinquency(as_of=now, days_past_due=days, tier=delinquency_tier(days), next_due_at=next_due)


def days_past_due(next_due: int | None, now: int) -> int:
    """Whole days, rounded up, since the oldest unpaid due date `next_due` (None: nothing left due)."""
    return -((next_due - now) // 86_400) if next_due is not None and now > next_due else 0


def delinquency_tier(days: int) -> int:
    """0 current, 1 for 1-30 days past due, 2 for 31-90, 3 beyond (LoanAccounting.delinquencyTier)."""
    return 0 if days == 0 else 1 if days <= 30 else 2 if days <= 90 else 3


def loan_detail(session: Session, settings: Settings, loan_id: int) -> LoanDetail:
    """The indexed loan with its schedule, repayments and delinquency, then (with the database connection
    given back first) what the chain says it owes at the latest block."""
    loan = session.get(LoanView, loan_id)
    if loan is None:
        raise loan_not_found(loan_id)
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
        row = InstallmentOut.model_validate(s)
        row.paid = s.period <= loan.periods_paid
        rows.append(row)
    base = LoanOut.model_validate(loan)
    detail = LoanDetail.model_validate(
        {
            **dict(base),
            "indexed_block": indexed_block(session),
            "schedule": rows,
            "repayments": [RepaymentOut.model_validate(r) for r in repayments],
            "delinquency": delinquency(loan, schedule, chain_time(session)),
            "chain": ChainFigures(),
        }
    )
    session.close()  # the chain read below may take a moment: no connection is held through it
    detail.chain = chain_figures(settings, loan_id, loan.status)
    return detail


def chain_figures(settings: Settings, loan_id: int, status: str) -> ChainFigures:
    """LoanMarketLens.amountDue and LoanMarket.payoffAmount at one block, with a short timeout; a loan
    that is not drawn owes nothing. On failure the figures are null and `error` says why."""
    if status not in DRAWN:
        return ChainFigures(amount_due=0, payoff=0)
    if not settings.rpc_url:
        return ChainFigures(error="no chain configured")
    try:
        chain = deployment_reader(settings)
        block = chain._rpc(lambda: chain.w3.eth.get_block("latest"))
        number = int(block["number"])
        due = chain.call(chain.contract("LoanMarketLens").functions.amountDue(loan_id), number)
        payoff = chain.call(chain.contract("LoanMarket").functions.payoffAmount(loan_id), number)
    except (ChainError, OSError, ValueError) as exc:
        logger.warning("chain figures of loan %s not read: %s", loan_id, exc)
        return ChainFigures(error=f"{type(exc).__name__}: {exc}"[:300])
    return ChainFigures(
        block_number=number, block_time=int(block["timestamp"]), amount_due=int(due), payoff=int(payoff)
    )


def portfolio(session: Session, wallet: str) -> PortfolioOut:
    row = session.get(PortfolioView, wallet)
    notes = session.execute(
        select(NoteView, LoanView.status)
        .join(LoanView, LoanView.loan_id == NoteView.loan_id, isouter=True)
        .where(NoteView.owner == wallet)
        .order_by(NoteView.note_id)
    ).all()
    # The note market's read models: offers still standing at the index's clock, and sales made.
    now = chain_time(session)
    offers = {
        o.note_id: o
        for o in session.scalars(
            select(NoteOfferView).where(NoteOfferView.seller == wallet, NoteOfferView.expiry >= now)
        )
    }
    holdings = []
    for n, status in notes:
        offer = offers.get(n.note_id) if status in ("active", "defaulted") else None
        on_offer = {"offer_price": offer.price, "offer_expiry": offer.expiry} if offer else {}
        holdings.append(HoldingOut.model_validate({**_columns(n), "loan_status": status, **on_offer}))
    sales = list(session.scalars(select(NoteSaleView).where(NoteSaleView.seller == wallet)))
    totals = _columns(row) if row is not None else {}
    return PortfolioOut.model_validate(
        {
            **totals,
            "wallet": wallet,
            "holdings": holdings,
            "notes_sold": len(sales),
            "sold_for": sum(s.price for s in sales),
            "realized_gain_loss": str(sum(s.realized for s in sales)),
        }
    )


def _columns(row) -> dict:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def transactions(
    session: Session, wallet: str, kind: str | None, limit: int, cursor: str | None
) -> TransactionPage:
    """The wallet's activity, newest first, by keyset on (block, log index)."""
    position = decode_cursor("transactions", cursor, {"b": int, "l": int})
    query = select(WalletTransactionView).where(WalletTransactionView.wallet == wallet)
    if kind:
        query = query.where(WalletTransactionView.kind == kind)
    if position:
        query = query.where(
            tuple_(WalletTransactionView.block_number, WalletTransactionView.log_index)
            < tuple_(position["b"], position["l"])
        )
    rows = list(
        session.scalars(
            query.order_by(
                WalletTransactionView.block_number.desc(), WalletTransactionView.log_index.desc()
            ).limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return TransactionPage(
        items=[TransactionOut.model_validate(t) for t in rows],
        next_cursor=encode_cursor("transactions", {"b": rows[-1].block_number, "l": rows[-1].log_index})
        if more
        else None,
    )
