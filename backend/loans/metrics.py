"""Loan-book figures for `/metrics` (backend/core/state_metrics.py), from the chain index.

Delinquency is counted as the loan pages count it (`service.delinquency`): days past the oldest unpaid
due date on the chain's clock (the latest indexed block), in tiers 0 current, 1 for 1-30 days, 2 for
31-90, 3 beyond.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from backend.chain.client import deployment_reader
from backend.chain.errors import ChainError
from backend.core.settings import Settings
from backend.core.state_metrics import Figure
from backend.loans.models import InstallmentView, LoanView
from backend.loans.service import chain_time, days_past_due, delinquency_tier


def loan_figures(session: Session, settings: Settings | None = None) -> Iterator[Figure]:
    """Loans by status, and active loans and their outstanding principal by delinquency tier; with
    `settings` naming a chain, the reserve fund's balance and its coverage of the past-due principal
    computed here (one pass over the book per scrape)."""
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
        tier = delinquency_tier(days_past_due(due_at, now))
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
    if settings is not None:
        yield from _reserve_figures(settings, sum(principal[t] for t in (1, 2, 3)))


def _reserve_figures(settings: Settings, overdue: int) -> Iterator[Figure]:
    """The reserve fund's balance (read from the chain) and its ratio to `overdue`, the outstanding
    principal of active loans 1 day or more past due."""
    if not settings.rpc_url:
        return
    try:
        chain = deployment_reader(settings)
        balance = int(chain.call(chain.contract("ReserveFund").functions.balance()))
    except (ChainError, OSError, ValueError, KeyError):
        return
    yield Figure("peerlend_reserve_balance", "Reserve fund balance, stablecoin base units", balance)
    if overdue:
        yield Figure(
            "peerlend_reserve_coverage_ratio",
            "Reserve fund balance over the outstanding principal of loans past due",
            balance / overdue,
        )
