"""When things happened to a late loan, on the chain's clock, from the index: when it entered a tier,
when it became current again, when its default was covered. A pass of the worker may come long after
(downtime, or a chain whose clock jumped), so these are read from the loan book, not from the pass.

- A tier's threshold: days past due are whole days rounded up since the oldest unpaid due date
  (backend/loans/service.py), so a loan is in the tier starting at d days from the first second after
  `due + (d - 1) days`. The loan entered the tier at the first indexed block at or after that moment: the
  earliest time the chain could have shown it (on a chain whose clock jumped past the threshold in one
  block, the block of the jump).
- A cure: the first repayment after the case opened after which no installment of the schedule in force
  was past due (or that repaid the loan in full), replayed from the indexed repayments' principal; or the
  execution of a restructuring adopted after the case opened, which reschedules the arrears.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.chain.indexer.models import ChainBlock, ChainEvent
from backend.collections.models import TIER_FROM_DAYS
from backend.loans.models import InstallmentView, LoanView, RepaymentView
from backend.loans.projections import periods_covered
from backend.loans.service import days_past_due
from backend.restructuring.models import EXECUTED, RestructureProposalView
from backend.servicing.clock import DAY


def threshold(due_at: int, tier: int) -> int:
    """The first second at which a loan late since `due_at` is in `tier`."""
    return due_at + (TIER_FROM_DAYS[tier] - 1) * DAY + 1


class BlockClock:
    """The first indexed block at or after a moment, remembered for the pass (many loans share their
    thresholds' blocks). Block timestamps never decrease with the block number."""

    def __init__(self, session: Session, now: int) -> None:
        self.session = session
        self.now = now
        self._seen: dict[int, int] = {}

    def first_block_at(self, moment: int) -> int:
        if moment >= self.now:
            return self.now
        if moment not in self._seen:
            # walk back from the newest block (recent moments are the common case) to the last one before
            before = self.session.scalar(
                select(ChainBlock.number)
                .where(ChainBlock.timestamp < moment)
                .order_by(ChainBlock.number.desc())
                .limit(1)
            )
            query = select(ChainBlock.timestamp).order_by(ChainBlock.number).limit(1)
            if before is not None:
                query = query.where(ChainBlock.number > before)
            found = self.session.scalar(query)
            self._seen[moment] = min(self.now, max(moment, int(found))) if found is not None else self.now
        return self._seen[moment]

    def entered(self, due_at: int, tier: int, not_before: int) -> int:
        """When a loan late since `due_at` entered `tier`, never before `not_before` (the case's previous
        tier entry: a payment may have moved the oldest unpaid due date on since)."""
        return max(not_before, self.first_block_at(threshold(due_at, tier)))


def liquidation_txs(session: Session, tx_hashes: list[str]) -> set[str]:
    """Of these transactions, those that carried liquidation proceeds (the vault's payment, not the
    borrower's)."""
    if not tx_hashes:
        return set()
    rows = session.scalars(
        select(ChainEvent.tx_hash).where(
            ChainEvent.tx_hash.in_(tx_hashes),
            ChainEvent.contract == "LoanMarket",
            ChainEvent.event == "LiquidationProceedsReceived",
        )
    )
    return set(rows)


def restructured_since(session: Session, loan_id: int, since: int) -> int | None:
    """The chain time of the first restructuring of the loan executed at or after `since`."""
    at = session.scalar(
        select(func.min(RestructureProposalView.closed_at)).where(
            RestructureProposalView.loan_id == loan_id,
            RestructureProposalView.status == EXECUTED,
            RestructureProposalView.closed_at >= since,
        )
    )
    return int(at) if at is not None else None


def cure(session: Session, loan: LoanView, since: int) -> tuple[int, str] | None:
    """(chain time, reason) of the loan's first cure at or after `since`: "restructured", "current" or
    "repaid"; None if the index shows none. A restructuring adopted since is the cure (repayments before
    it were against a schedule the index no longer holds); otherwise the repayments since are replayed
    against the schedule in force, which no restructuring has changed since."""
    restructured = restructured_since(session, loan.loan_id, since)
    if restructured is not None:
        return restructured, "restructured"
    rows = session.execute(
        select(InstallmentView.balance_after, InstallmentView.due_at)
        .where(InstallmentView.loan_id == loan.loan_id, InstallmentView.period > loan.schedule_base_period)
        .order_by(InstallmentView.period)
    ).all()
    balances = [int(balance) for balance, _ in rows]
    dues = [int(due) for _, due in rows]
    repaid = 0
    for principal, at in session.execute(
        select(RepaymentView.principal, RepaymentView.timestamp)
        .where(RepaymentView.loan_id == loan.loan_id)
        .order_by(RepaymentView.block_number, RepaymentView.log_index)
    ):
        repaid += int(principal)
        if at < since:
            continue
        outstanding = loan.principal - repaid
        if outstanding <= 0:
            return int(at), "repaid"
        covered = periods_covered(balances, outstanding)
        if days_past_due(dues[covered] if covered < len(dues) else None, int(at)) == 0:
            return int(at), "current"
    return None


def covered_at(session: Session, loan_id: int) -> int | None:
    """The chain time of the latest reserve cover of a defaulted loan (DefaultCovered), from the events."""
    latest = None
    for args, at in session.execute(
        select(ChainEvent.args, ChainEvent.block_timestamp).where(
            ChainEvent.contract == "LoanMarket", ChainEvent.event == "DefaultCovered"
        )
    ):
        if json.loads(args).get("loanId") == loan_id:
            latest = max(latest or 0, int(at))
    return latest
