"""Late notices to note holders: a loan entering a delinquency tier (1-30, 31-90, > 90 days past its
oldest unpaid due date, on the chain's clock, as backend/loans/service.py counts them) tells every holder
of its notes once per (installment, tier). A loan found already deep in a tier after downtime tells only
the tier it is in. The notices carry a guard: one whose installment was paid before it left is cancelled.
"""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.db.session import take_write_lock
from backend.loans.models import InstallmentView, LoanView
from backend.loans.service import days_past_due, delinquency_tier
from backend.notifications import text
from backend.notifications.models import Notification
from backend.notifications.projections import holders
from backend.notifications.sender import Guard
from backend.notifications.service import Notice, notify_all
from backend.servicing.models import LateNoticeRecord

GUARD = "servicing.late"
KIND = "loan_late"
TIERS = {1: "1-30 days late", 2: "31-90 days late", 3: "more than 90 days late"}


def notify_late(session: Session, now: int) -> int:
    """Records the late notices due at chain time `now`; commits. Returns the (loan, tier) entries made."""
    take_write_lock(session)
    rows = session.execute(
        select(LoanView, InstallmentView)
        .join(
            InstallmentView,
            and_(
                InstallmentView.loan_id == LoanView.loan_id,
                InstallmentView.period == LoanView.periods_paid + 1,
            ),
        )
        .where(LoanView.status == "active", InstallmentView.due_at < now)
    ).all()
    loan_ids = sorted({loan.loan_id for loan, _ in rows})
    recorded = select(LateNoticeRecord.loan_id, LateNoticeRecord.period, LateNoticeRecord.tier).where(
        LateNoticeRecord.loan_id.in_(loan_ids)
    )
    done = {(loan_id, period, tier) for loan_id, period, tier in session.execute(recorded)}
    made = 0
    for loan, installment in rows:
        days = days_past_due(installment.due_at, now)
        tier = delinquency_tier(days)
        if tier == 0 or (loan.loan_id, installment.period, tier) in done:
            continue
        owners = holders(session, loan.loan_id)
        notify_all(
            session,
            (
                Notice(
                    kind=KIND,
                    recipient=wallet,
                    key=f"late:{loan.loan_id}:{installment.period}:{tier}",
                    subject=f"Loan #{loan.loan_id} is {TIERS[tier]}",
                    body=(
                        f"Loan #{loan.loan_id} is {days} days past the due date of installment "
                        f"{installment.period} ({text.when(installment.due_at)}): {TIERS[tier]}. "
                        f"Your notes carry {text.amount(share)} of its principal."
                        + (" Anyone may now mark it defaulted." if tier == 3 else "")
                    ),
                    data={
                        "loanId": loan.loan_id,
                        "period": installment.period,
                        "tier": tier,
                        "daysPastDue": days,
                        "sharePrincipal": str(share),
                    },
                    occurred_at=now,
                    guard=GUARD,
                )
                for wallet, share in owners
            ),
        )
        session.add(
            LateNoticeRecord(
                loan_id=loan.loan_id,
                period=installment.period,
                tier=tier,
                days_past_due=days,
                decided_at_chain=now,
                holders=len(owners),
            )
        )
        made += 1
    session.commit()
    return made


def late_guard() -> Guard:
    """A late notice leaves only while the installment it is about is still unpaid and the loan active."""

    def guard(session: Session, notification: Notification) -> str | None:
        loan = session.get(LoanView, notification.data["loanId"])
        if loan is None or loan.status != "active":
            return "loan_closed"
        if loan.periods_paid >= notification.data["period"]:
            return "paid"
        return None

    return guard
