"""The tier notices to the borrower, once per case and tier (backend/notifications): a gentle reminder
with the repayment plans on offer at 1-30 days, a formal notice at 31-90, a notice of default, legal
action and recovery beyond 90. Their key is `collections:<case>:tier:<tier>`, so the outbox records each
once whatever crashes when. The guard (checked just before each delivery leaves) cancels one whose case
has closed or moved to another tier meanwhile; the collections worker, which knows it, sends them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.collections.models import OPEN, CollectionCase
from backend.notifications import text
from backend.notifications.models import Notification
from backend.notifications.sender import Guard
from backend.notifications.service import Notice

GUARD = "collections.case"
KINDS = {1: "collections_reminder", 2: "collections_formal_notice", 3: "collections_legal_notice"}


def notice_key(case_id: int, tier: int) -> str:
    return f"collections:{case_id}:tier:{tier}"


def tier_notice(case: CollectionCase, period: int, installment: int, occurred_at: int) -> Notice:
    loan, days, since = case.loan_id, case.days_past_due, text.when(case.late_since)
    plural = "s" if days != 1 else ""
    late = f"Your loan #{loan} is {days} day{plural} past the due date of installment {period} ({since})"
    pay = (
        f"Pay what is due now with LoanMarket.repay({loan}, amount); the amount due, with late fees, is "
        "shown for the loan in the app."
    )
    if case.tier == 1:
        subject = f"Loan #{loan}: a payment is late"
        body = (
            f"{late}; the installment was {text.amount(installment)}. {pay} If something has changed and you "
            "cannot pay it all now, tell us why: we can agree a date and an amount you can pay, or you may "
            f"propose a new schedule (up to 12 periods of payment holiday and/or more installments, adopted "
            f"when holders of two thirds of the principal approve: LoanMarket.proposeRestructure; see "
            f"/v2/loans/{loan}/restructuring)."
        )
    elif case.tier == 2:
        subject = f"Formal notice: loan #{loan} is more than 30 days late"
        body = (
            f"{late}. This is formal notice that the loan is in arrears. {pay} Late fees accrue every day. "
            "If it is still unpaid more than 90 days after the due date, anyone may mark it defaulted: its "
            "collateral may then be sold and the platform will take legal action to recover the debt."
        )
    else:
        subject = f"Loan #{loan} is more than 90 days late: default and legal action"
        body = (
            f"{late}. The loan may now be marked defaulted, which freezes what you owe: principal, interest "
            "and late fees. Any collateral will be sold towards it, and the case is referred for legal "
            f"action and the recovery of the whole debt. {pay}"
        )
    return Notice(
        kind=KINDS[case.tier],
        recipient=case.borrower,
        key=notice_key(case.id, case.tier),
        subject=subject,
        body=body,
        data={
            "caseId": case.id,
            "loanId": loan,
            "tier": case.tier,
            "daysPastDue": days,
            "period": period,
            "lateSince": case.late_since,
        },
        occurred_at=occurred_at,
        guard=GUARD,
    )


def case_guard() -> Guard:
    """A tier notice leaves only while its case is open and still in the notice's tier."""

    def guard(session: Session, notification: Notification) -> str | None:
        case = session.get(CollectionCase, notification.data["caseId"])
        if case is None or case.state != OPEN:
            return "case_closed"
        if case.tier != notification.data["tier"]:
            return "stale"
        return None

    return guard
