"""Repayment reminders on the chain's clock: 7, 3 and 1 days before each due date and on the day, each
(loan, installment, offset) once; after downtime only the latest applicable one; never for an
installment that is paid, and checked again when it is about to be sent."""

from __future__ import annotations

from sqlalchemy import select

from backend.notifications.models import Notification, NotificationDelivery
from backend.servicing.clock import DAY, applicable, day_start
from backend.servicing.metrics import reminder_figures
from backend.servicing.models import ReminderRecord
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.read_models import MONTH, chain_block, loan
from tests.backend.factories.wallets import wallet
from tests.backend.notifications.conftest import subscribe

OFFSETS = [7, 3, 1, 0]
DUE_DAY = day_start(CHAIN_NOW) + 10 * DAY  # the first installment's due date falls on this UTC day
DUE = DUE_DAY + 15 * 3600  # at 15:00


def _reminders(session) -> list[tuple[int, int, int, str]]:
    session.expire_all()
    rows = session.scalars(
        select(ReminderRecord).order_by(
            ReminderRecord.loan_id, ReminderRecord.period, ReminderRecord.offset_days.desc()
        )
    )
    return [(r.loan_id, r.period, r.offset_days, r.status) for r in rows]


def _at(session, timestamp: int) -> None:
    chain_block(session, timestamp)
    session.commit()


def test_the_windows_partition_the_days_before_the_due_date():
    assert applicable(DUE, DUE_DAY - 7 * DAY - 1, OFFSETS) is None
    assert [applicable(DUE, DUE_DAY + d * DAY, OFFSETS) for d in (-7, -4, -3, -2, -1, 0)] == [
        7,
        7,
        3,
        3,
        1,
        0,
    ]
    assert applicable(DUE, DUE_DAY + DAY - 1, OFFSETS) == 0  # all of the due day, after the due time too
    assert applicable(DUE, DUE_DAY + DAY, OFFSETS) is None  # then it is late: collections' business


def test_each_reminder_goes_out_once_in_its_window_by_email_and_inbox(session, keyring, worker, mail):
    ada = wallet("ada")
    subscribe(session, keyring, ada, email="ada@example.org")
    loan(session, ada, first_due_at=DUE, term=3)
    sent = []
    for moment in (
        DUE_DAY - 8 * DAY,
        DUE_DAY - 7 * DAY,
        DUE_DAY - 6 * DAY,
        DUE_DAY - 3 * DAY,
        DUE_DAY - DAY,
        DUE_DAY,
    ):
        _at(session, moment)
        worker.run_once()
        worker.run_once()  # a second pass at the same chain time records nothing more
        sent.append([m["Subject"] for m in mail.messages()][len(sum(sent, [])) :])
    assert sent == [
        [],
        ["Repayment due in 7 days: loan #1, installment 1 of 3"],
        [],
        ["Repayment due in 3 days: loan #1, installment 1 of 3"],
        ["Repayment due in 1 day: loan #1, installment 1 of 3"],
        ["Repayment due today: loan #1, installment 1 of 3"],
    ]
    assert _reminders(session) == [(1, 1, o, "scheduled") for o in OFFSETS]
    inbox = session.scalars(select(Notification.subject).where(Notification.inbox.is_(True))).all()
    assert len(inbox) == 4
    figures = {(f.name, f.labels.get("channel")): f.value for f in reminder_figures(session)}
    assert figures[("peerlend_reminders_sent", "email")] == 4
    assert figures[("peerlend_reminders_scheduled", None)] == 4


def test_after_downtime_only_the_latest_applicable_reminder_is_sent(session, keyring, worker, mail):
    ada = wallet("ada")
    subscribe(session, keyring, ada, email="ada@example.org")
    loan(session, ada, first_due_at=DUE, term=3)
    _at(session, DUE_DAY - 2 * DAY)  # the scheduler was down through T-7's window and into T-3's
    worker.run_once()
    assert [m["Subject"] for m in mail.messages()] == ["Repayment due in 3 days: loan #1, installment 1 of 3"]
    assert _reminders(session) == [(1, 1, 7, "superseded"), (1, 1, 3, "scheduled")]
    figures = {f.name: f.value for f in reminder_figures(session) if not f.labels}
    assert figures["peerlend_reminders_superseded"] == 1


def test_paid_installments_are_never_reminded_and_the_next_one_is(session, keyring, worker, mail):
    ada = wallet("ada")
    subscribe(session, keyring, ada, email="ada@example.org")
    loan(session, ada, first_due_at=DUE, term=3, periods_paid=1)  # paid ahead of its due date
    _at(session, DUE_DAY - DAY)
    worker.run_once()
    assert mail.messages() == [] and _reminders(session) == []
    _at(session, DUE_DAY + MONTH - 3 * DAY)
    worker.run_once()
    assert [m["Subject"] for m in mail.messages()] == ["Repayment due in 3 days: loan #1, installment 2 of 3"]


def test_a_reminder_paid_or_overtaken_before_it_leaves_is_cancelled(session, keyring, worker, mail):
    ada, ben = wallet("ada"), wallet("ben")
    for who in (ada, ben):
        subscribe(session, keyring, who, email=f"{who[-4:].lower()}@example.org")
    paid = loan(session, ada, first_due_at=DUE, term=3)
    loan(session, ben, first_due_at=DUE, term=3)
    _at(session, DUE_DAY - 7 * DAY)
    worker.schedule()  # recorded, not yet sent (the sender is behind)
    paid.periods_paid = 1  # Ada pays; the indexer folds it before the sender gets to her reminder
    session.commit()
    _at(session, DUE_DAY - 3 * DAY)  # and Ben's T-7 waited into T-3's window
    worker.sender.deliver_due()
    session.expire_all()
    reasons = sorted(d.reason for d in session.scalars(select(NotificationDelivery)))
    assert reasons == ["paid", "stale"] and mail.messages() == []
    worker.run_once()  # Ben gets the reminder that applies now; Ada nothing
    assert [m["Subject"] for m in mail.messages()] == ["Repayment due in 3 days: loan #2, installment 1 of 3"]
    figures = {(f.name, f.labels.get("channel")): f.value for f in reminder_figures(session)}
    assert figures[("peerlend_reminders_cancelled", "email")] == 2
    assert figures[("peerlend_reminders_sent", "email")] == 1


def test_closed_loans_and_an_empty_index_remind_nobody(session, keyring, worker, mail):
    ada = wallet("ada")
    subscribe(session, keyring, ada, email="ada@example.org")
    loan(session, ada, "defaulted", first_due_at=DUE, term=3)
    session.commit()
    assert worker.run_once().chain_time is None  # nothing indexed: no clock, no reminders
    _at(session, DUE_DAY - DAY)
    worker.run_once()
    assert mail.messages() == [] and _reminders(session) == []
