"""Late notices: each holder of a note of a loan hears once when it enters each delinquency tier on the
chain's clock (after downtime, only the tier it is in), and not at all once the installment is paid."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from backend.notifications.models import Notification, NotificationDelivery
from backend.servicing.clock import DAY
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.read_models import chain_block, loan, note
from tests.backend.factories.wallets import wallet
from tests.backend.notifications.conftest import subscribe

DUE = CHAIN_NOW + 3 * DAY


def _late(session) -> Counter:
    session.expire_all()
    rows = session.execute(
        select(Notification.recipient, Notification.data).where(Notification.kind == "loan_late")
    )
    return Counter((who, data["tier"]) for who, data in rows)


def test_holders_hear_once_per_tier_the_loan_enters(session, worker):
    lena, omar = wallet("lena"), wallet("omar")
    late = loan(session, wallet("ben"), first_due_at=DUE, term=6)
    note(session, late, 0, lena, principal=late.principal // 2)
    note(session, late, 1, omar, principal=late.principal // 4)
    note(session, late, 2, omar, principal=late.principal // 4)  # two notes, one holder: one notice
    for days_late, expected in (
        (0, {}),
        (5, {(lena, 1): 1, (omar, 1): 1}),
        (20, {(lena, 1): 1, (omar, 1): 1}),
    ):
        chain_block(session, DUE + days_late * DAY - (1 if days_late == 0 else 0))
        session.commit()
        worker.run_once()
        assert _late(session) == expected
    chain_block(session, DUE + 100 * DAY)  # down from day 20 to day 100: the 31-90 tier was never told
    session.commit()
    worker.run_once()
    assert _late(session) == {(lena, 1): 1, (omar, 1): 1, (lena, 3): 1, (omar, 3): 1}
    notice = session.scalars(select(Notification).where(Notification.kind == "loan_late")).all()[-1]
    assert "Anyone may now mark it defaulted" in notice.body and notice.data["daysPastDue"] == 100


def test_a_late_notice_for_an_installment_paid_before_it_leaves_is_cancelled(session, keyring, worker, hooks):
    lena = wallet("lena")
    subscribe(session, keyring, lena, webhook=hooks.url)
    late = loan(session, wallet("ben"), first_due_at=DUE, term=6)
    note(session, late, 0, lena)
    chain_block(session, DUE + 2 * DAY)
    session.commit()
    worker.schedule()
    late.periods_paid = 1
    session.commit()
    worker.sender.deliver_due()
    session.expire_all()
    assert [d.reason for d in session.scalars(select(NotificationDelivery))] == ["paid"]
    assert hooks.hits == []
