"""Reminder figures for `/metrics`, from the outbox and the scheduler's records at each scrape:

peerlend_reminders_sent_total{channel}, _failed_total, _retried_total, _cancelled_total (paid or
stale at send time), _unconfirmed_total, peerlend_reminders_pending{channel}: as the notification
families (backend/notifications/metrics.py), for repayment reminders only;
peerlend_reminders_scheduled_total, peerlend_reminders_superseded_total: reminders recorded, and
those skipped because a later one was already due when the scheduler got to them.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.state_metrics import Figure
from backend.notifications.metrics import delivery_figures
from backend.servicing.models import SCHEDULED, SUPERSEDED, ReminderRecord
from backend.servicing.reminders import KIND


def reminder_figures(session: Session) -> Iterator[Figure]:
    yield from delivery_figures(session, "peerlend_reminders", "Repayment reminders", kinds=(KIND,))
    query = select(ReminderRecord.status, func.count()).group_by(ReminderRecord.status)
    counts = {status: int(count) for status, count in session.execute(query)}
    yield Figure(
        "peerlend_reminders_scheduled",
        "Repayment reminders recorded for sending",
        counts.get(SCHEDULED, 0),
        counter=True,
    )
    yield Figure(
        "peerlend_reminders_superseded",
        "Repayment reminders not sent because a later one was already due (after downtime)",
        counts.get(SUPERSEDED, 0),
        counter=True,
    )
