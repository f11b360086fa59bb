"""Loan-book figures for `/metrics` (backend/core/state_metrics.py), from the chain index.

Delinquency is counted as the loan pages count it (`service.delinquency`): days past the oldest unpaid
due date on the chain's clock (the latest indexed block), in tiers 0 current, 1 for 1-30 days, 2 for
31-90, 3 beyond.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from backend.chain.client import deployment_reader
from backend.chain.errors import ChainError
from backend.chain.indexer.read_models import InstallmentView, LoanView
from backend.core.settings import Settings
from backend.core.state_metrics import Figure
from backend.loans.service import chain_time


def _tier(days: int) -> int:
    return 0 if days == 0 else 1 if days <= 30 else 2 if days <= 90 else 3


def loan_figures(session: Session) -> Iterator[Figure]:
    for status, count in session.execute(select(LoanView.status, func.count()).group_by(LoanView.status)):
        yield Figure("peerlend_loans", "Loans by status (chain index)", count, {"status": status})
    now = chain_time(session)
    next_due = and_(
        InstallmentView.loan_id == LoanView.loan_id, InstallmentView.period == LoanView.periods_paid + 1
    )
    rows = session.execute(
        select(LoanView.principal - LoanView.principal_repaid, InstallmentView.due_at)
        .outerjoin(InstallmentView, next_due)
        .where(LoanView.status == "active")
    )
    loans, principal = Counter({t: 0 for t in range(4)}), Counter({t: 0 for t in range(4)})
    for outstanding, due_at in rows:
        days = -((due_at - now) // 86_400) if due_at is not None and now > due_at else 0
        tier = _tier(days)
        loans[tier] += 1
        principal[tier] += int(outstanding)
    for tier in range(4):
        labels = {"tier": str(tier)}
        yield Figure("peerlend_active_loans", "Active loans by delinquency tier", loans[tier], labels)
        yield Figure(
            "peerlend_principal_outstanding",
            "Outstanding principal of active loans by delinquency tier, stablecoin base units",
            principal[tier],
            labels,
        )


def reserve_figures(settings: Settings) -> Callable[[Session], Iterator[Figure]]:
    """The reserve fund's balance (read from the chain) and its coverage of overdue principal: the
    balance over the outstanding principal of active loans 1 day or more past due."""

    def figures(session: Session) -> Iterator[Figure]:
        if not settings.rpc_url:
            return
        try:
            chain = deployment_reader(settings)
            balance = int(chain.call(chain.contract("ReserveFund").functions.balance()))
        except (ChainError, OSError, ValueError, KeyError):
            return
        yield Figure("peerlend_reserve_balance", "Reserve fund balance, stablecoin base units", balance)
        overdue = sum(
            f.value
            for f in loan_figures(session)
            if f.name == "peerlend_principal_outstanding" and f.labels["tier"] != "0"
        )
        if overdue:
            yield Figure(
                "peerlend_reserve_coverage_ratio",
                "Reserve fund balance over the outstanding principal of loans past due",
                balance / overdue,
            )

    figures.__name__ = "reserve_figures"
    return figures
