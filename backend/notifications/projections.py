"""Lender notices from chain events: observers (backend/chain/indexer/registry.py) that run after the
loans projection has folded the event, in the indexer's transaction, so a notice is recorded exactly
when its event is indexed, and once (its key is the event's block hash and log index).

  LoanMarket.LoanRepaid                  loan_repaid to each holder of a note of the loan
                                         (loan_recovery once the loan has defaulted)
  LoanMarket.LiquidationProceedsReceived loan_recovery (collateral sold)
  LoanMarket.LoanDefaulted               loan_defaulted
  LoanMarket.DefaultCovered              default_covered (the reserve fund paid the notes)

Late status has no event: the servicing worker tells holders on the chain's clock (backend/servicing).
A holder is a wallet owning a note of the loan that was not refunded, with the notes' principal as its
share; one notice per holder, however many notes it holds. Events older than the horizon
(`PEERLEND_NOTIFICATIONS_EVENT_HORIZON_DAYS`) against the latest indexed block make no notice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainBlock
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.loans.models import LoanView, NoteView
from backend.notifications import text
from backend.notifications.config import NotificationSettings
from backend.notifications.service import Notice, notify

DAY = 86_400
Render = Callable[[LoanView, int], tuple[str, str, dict[str, Any]]]  # (loan, share) -> subject, body, data


@lru_cache(maxsize=1)
def _horizon_seconds() -> int:
    return NotificationSettings().event_horizon_days * DAY


def holders(session: Session, loan_id: int) -> list[tuple[str, int]]:
    """(wallet, principal of its notes of the loan), for every wallet holding a note that was not refunded."""
    rows = session.execute(
        select(NoteView.owner, func.sum(NoteView.principal))
        .where(NoteView.loan_id == loan_id, NoteView.refunded.is_(False))
        .group_by(NoteView.owner)
        .order_by(NoteView.owner)
    ).all()
    return [(owner, int(share)) for owner, share in rows]


def _recent(session: Session, e: DecodedEvent) -> bool:
    latest = session.scalar(select(ChainBlock.timestamp).order_by(ChainBlock.number.desc()).limit(1))
    return latest is None or e.timestamp >= latest - _horizon_seconds()


def _to_holders(session: Session, e: DecodedEvent, kind: str, render: Render) -> None:
    loan = session.get(LoanView, e.args["loanId"])
    if loan is None or not _recent(session, e):
        return
    for wallet, share in holders(session, loan.loan_id):
        subject, body, data = render(loan, share)
        notify(
            session,
            Notice(
                kind=kind,
                recipient=wallet,
                key=f"chain:{e.block_hash}:{e.log_index}",
                subject=subject,
                body=body,
                data={
                    "loanId": loan.loan_id,
                    "sharePrincipal": str(share),
                    "blockNumber": e.block_number,
                    "txHash": e.tx_hash,
                    **data,
                },
                occurred_at=e.timestamp,
            ),
        )


def _share(loan: LoanView, share: int) -> str:
    percent = 100 * share / loan.principal if loan.principal else 0
    return f"Your notes carry {text.amount(share)} of its principal ({percent:.2f}%)."


def repaid(session: Session, e: DecodedEvent) -> None:
    a = e.args
    total = a["lateFee"] + a["interest"] + a["principal"]

    def render(loan: LoanView, share: int) -> tuple[str, str, dict[str, Any]]:
        data = {"amount": str(total), "principal": str(a["principal"]), "interest": str(a["interest"])}
        if loan.status == "defaulted":
            return (
                f"Recovery on defaulted loan #{loan.loan_id}: {text.amount(total)}",
                f"The borrower of defaulted loan #{loan.loan_id} paid {text.amount(total)} on "
                f"{text.when(e.timestamp)}. {_share(loan, share)} Claim what your notes earned in the app.",
                {**data, "source": "repayment"},
            )
        late = f" and {text.amount(a['lateFee'])} of late fees" if a["lateFee"] else ""
        return (
            f"Loan #{loan.loan_id} repaid {text.amount(total)}",
            f"Loan #{loan.loan_id} received a repayment of {text.amount(total)} on {text.when(e.timestamp)}: "
            f"{text.amount(a['principal'])} of principal, {text.amount(a['interest'])} of interest{late}. "
            f"{loan.periods_paid} of {loan.term} installments are paid. {_share(loan, share)}",
            {**data, "periodsPaid": loan.periods_paid},
        )

    loan = session.get(LoanView, a["loanId"])
    _to_holders(session, e, "loan_recovery" if loan and loan.status == "defaulted" else "loan_repaid", render)


def liquidation(session: Session, e: DecodedEvent) -> None:
    recovered = e.args["amount"] - e.args["refundedToBorrower"]

    def render(loan: LoanView, share: int) -> tuple[str, str, dict[str, Any]]:
        return (
            f"Collateral of loan #{loan.loan_id} sold: {text.amount(recovered)} recovered",
            f"Collateral of loan #{loan.loan_id} was sold on {text.when(e.timestamp)}; "
            f"{text.amount(recovered)} went to the repayment waterfall. {_share(loan, share)}",
            {"amount": str(recovered), "source": "collateral"},
        )

    _to_holders(session, e, "loan_recovery", render)


def defaulted(session: Session, e: DecodedEvent) -> None:
    a = e.args

    def render(loan: LoanView, share: int) -> tuple[str, str, dict[str, Any]]:
        return (
            f"Loan #{loan.loan_id} defaulted",
            f"Loan #{loan.loan_id} was marked defaulted on {text.when(e.timestamp)} with "
            f"{text.amount(a['principalOutstanding'])} of principal outstanding. Its collateral, if any, is "
            f"sold first, then the reserve fund may cover the notes' remaining principal. "
            f"{_share(loan, share)}",
            {
                "principalOutstanding": str(a["principalOutstanding"]),
                "interestUnpaid": str(a["interestUnpaid"]),
            },
        )

    _to_holders(session, e, "loan_defaulted", render)


def covered(session: Session, e: DecodedEvent) -> None:
    a = e.args

    def render(loan: LoanView, share: int) -> tuple[str, str, dict[str, Any]]:
        loss = share * a["writedownPerShare"] // 10**27
        return (
            f"Reserve fund covered loan #{loan.loan_id}: {text.amount(a['covered'])}",
            f"The reserve fund paid {text.amount(a['covered'])} to the notes of defaulted loan "
            f"#{loan.loan_id} on {text.when(e.timestamp)}. What the notes still miss: "
            f"{text.amount(a['loss'])} in all, {text.amount(loss)} on yours. {_share(loan, share)}",
            {"covered": str(a["covered"]), "loss": str(a["loss"]), "yourLoss": str(loss)},
        )

    _to_holders(session, e, "default_covered", render)


OBSERVERS: dict[HandlerKey, Handler] = {
    ("LoanMarket", "LoanRepaid"): repaid,
    ("LoanMarket", "LiquidationProceedsReceived"): liquidation,
    ("LoanMarket", "LoanDefaulted"): defaulted,
    ("LoanMarket", "DefaultCovered"): covered,
}
