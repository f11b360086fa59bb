"""Repayment reminders: which are due on the chain's clock, recorded once each with their notices, and the
guard that checks each one again when it is about to leave.

Scheduling (`schedule_reminders`) looks at every unpaid installment of every active loan whose reminder
windows (backend/servicing/clock.py) hold the chain's time, and records the applicable reminder with its
notice, in one transaction: `servicing_reminders` (loan, installment, offset) is the primary key, and the
notice's key (`reminder:<loan>:<installment>:T-<offset>`) is unique in the outbox, so a reminder is
recorded once whatever crashes when. Earlier reminders of the installment that were never recorded (the
scheduler was down while they were applicable) are recorded as superseded, not sent: after downtime only
the latest applicable reminder goes out.

At send time (`reminder_guard`) the delivery is cancelled if the installment has been paid meanwhile, the
loan closed, or a later reminder became applicable (the delivery waited through its window), all read
from the index as it is then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.db.session import take_write_lock
from backend.loans.models import InstallmentView, LoanView
from backend.notifications import text
from backend.notifications.models import Notification
from backend.notifications.sender import Guard
from backend.notifications.service import Notice, notify
from backend.servicing.clock import DAY, applicable, windows
from backend.servicing.models import SCHEDULED, SUPERSEDED, ReminderRecord

GUARD = "servicing.reminder"
KIND = "repayment_reminder"
NowOf = Callable[[Session], int | None]  # the chain's clock as a session reads it


@dataclass
class ScheduleResult:
    scheduled: int = 0
    superseded: int = 0


def reminder_key(loan_id: int, period: int, offset: int) -> str:
    return f"reminder:{loan_id}:{period}:T-{offset}"


def reminder_notice(loan: LoanView, installment: InstallmentView, offset: int, opens: int) -> Notice:
    when = "today" if offset == 0 else f"in {offset} day{'s' if offset != 1 else ''}"
    subject = f"Repayment due {when}: loan #{loan.loan_id}, installment {installment.period} of {loan.term}"
    body = (
        f"Installment {installment.period} of {loan.term} of your loan #{loan.loan_id}, "
        f"{text.amount(installment.payment)}, is due {when}, at {text.when(installment.due_at)}. "
        f"Pay it from your wallet with LoanMarket.repay({loan.loan_id}, amount); the amount due now, with "
        f"any late fees, is shown for the loan in the app. A payment after the due date accrues late fees."
    )
    return Notice(
        kind=KIND,
        recipient=loan.borrower,
        key=reminder_key(loan.loan_id, installment.period, offset),
        subject=subject,
        body=body,
        data={
            "loanId": loan.loan_id,
            "period": installment.period,
            "offsetDays": offset,
            "dueAt": installment.due_at,
            "amount": str(installment.payment),
        },
        occurred_at=opens,
        guard=GUARD,
    )


def schedule_reminders(
    session: Session, now: int, offsets: list[int], commit_every: int = 500
) -> ScheduleResult:
    """Records every reminder applicable at chain time `now` that is not recorded yet; commits."""
    result = ScheduleResult()
    horizon = max(offsets) + 1
    take_write_lock(session)
    candidates = session.execute(
        select(LoanView, InstallmentView)
        .join(
            InstallmentView,
            and_(InstallmentView.loan_id == LoanView.loan_id, InstallmentView.period > LoanView.periods_paid),
        )
        .where(
            LoanView.status == "active",
            InstallmentView.due_at >= now - 2 * DAY,
            InstallmentView.due_at < now + (horizon + 1) * DAY,
        )
        .order_by(InstallmentView.due_at, LoanView.loan_id, InstallmentView.period)
    ).all()
    if not candidates:
        session.rollback()
        return result
    loan_ids = sorted({loan.loan_id for loan, _ in candidates})
    recorded = select(ReminderRecord.loan_id, ReminderRecord.period, ReminderRecord.offset_days).where(
        ReminderRecord.loan_id.in_(loan_ids)
    )
    done = {(loan_id, period, offset) for loan_id, period, offset in session.execute(recorded)}
    pending = 0
    for loan, installment in candidates:
        offset = applicable(installment.due_at, now, offsets)
        if offset is None or (loan.loan_id, installment.period, offset) in done:
            continue
        for earlier, opens, _ in windows(installment.due_at, offsets):
            key = (loan.loan_id, installment.period, earlier)
            if earlier == offset:
                notice = notify(session, reminder_notice(loan, installment, offset, opens))
                notification_id = (
                    notice.id if notice is not None else _notice_id(session, loan, installment, offset)
                )
                status = SCHEDULED
                result.scheduled += 1
            elif earlier > offset and key not in done:
                notification_id, status = None, SUPERSEDED
                result.superseded += 1
            else:
                continue
            session.add(
                ReminderRecord(
                    loan_id=loan.loan_id,
                    period=installment.period,
                    offset_days=earlier,
                    status=status,
                    due_at=installment.due_at,
                    decided_at_chain=now,
                    notification_id=notification_id,
                )
            )
            done.add(key)
        pending += 1
        if pending >= commit_every:
            session.commit()
            take_write_lock(session)
            pending = 0
    session.commit()
    return result


def _notice_id(session: Session, loan: LoanView, installment: InstallmentView, offset: int) -> int | None:
    # recorded before without its reminder row (rows written by hand, or an older scheduler)
    return session.scalar(
        select(Notification.id).where(
            Notification.event_key == reminder_key(loan.loan_id, installment.period, offset),
            Notification.recipient == loan.borrower,
        )
    )


def reminder_guard(offsets: list[int], now_of: NowOf) -> Guard:
    """The send-time check of a reminder: unpaid, the loan active, and still the applicable reminder."""

    def guard(session: Session, notification: Notification) -> str | None:
        data = notification.data
        loan = session.get(LoanView, data["loanId"])
        if loan is None or loan.status != "active":
            return "loan_closed"
        if loan.periods_paid >= data["period"]:
            return "paid"
        now = now_of(session)
        if now is None or applicable(data["dueAt"], now, offsets) != data["offsetDays"]:
            return "stale"
        return None

    return guard
