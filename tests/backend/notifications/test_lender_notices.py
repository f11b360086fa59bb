"""Lender notices from chain events, as the indexer folds them: each holder of a note of the loan hears
of repayments, default, reserve cover and recoveries once per event, with its own share, whoever held the
note when the event happened; a replay or rebuild adds nothing, and old history makes no notice."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from backend import projections
from backend.chain.indexer.models import ChainBlock
from backend.notifications import projections as lender_notices
from backend.notifications.models import Notification
from tests.backend.loans.lifecycle import BUYER, DAY, LENDER_A, LENDER_B, Stream, lifecycle, store


def _notices(session) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(Notification.kind, Notification.recipient, Notification.event_key).order_by(Notification.id)
    )
    return [tuple(r) for r in rows]


def test_each_holder_hears_of_each_event_once_with_its_own_share(session):
    events = lifecycle()
    store(session, events)
    session.commit()
    notices = _notices(session)
    kinds = Counter((kind, who) for kind, who, _ in notices)
    # the first repayment reached lenders A and B; B sold its note before the second, so the buyer heard
    assert kinds == {
        ("loan_repaid", LENDER_A): 2,
        ("loan_repaid", LENDER_B): 1,
        ("loan_repaid", BUYER): 1,
        ("loan_defaulted", LENDER_A): 1,
        ("loan_defaulted", BUYER): 1,
        ("default_covered", LENDER_A): 2,
        ("default_covered", BUYER): 2,
    }
    first = session.scalars(
        select(Notification).where(Notification.recipient == LENDER_A).order_by(Notification.id)
    ).first()
    repaid = next(e for e in events if e.event == "LoanRepaid")
    assert first.event_key == f"chain:{repaid.block_hash}:{repaid.log_index}"
    assert first.data["sharePrincipal"] == "600000000" and first.data["amount"] == str(9_863_014 + 78_985_775)
    assert first.occurred_at == repaid.timestamp
    assert "88.84" in first.subject and "60.00%" in first.body
    cover = session.scalars(
        select(Notification).where(Notification.kind == "default_covered", Notification.recipient == BUYER)
    ).first()
    assert cover.data["yourLoss"] == str(400_000_000 * 542_014_225 // 1_000_000_000)


def test_a_repayment_after_default_is_a_recovery(session):
    events = lifecycle()
    stream = Stream()
    stream.block = events[-1].block_number
    stream.add(
        "LoanMarket",
        "LoanRepaid",
        loanId=1,
        payer=BUYER,
        lateFee=0,
        interest=0,
        principal=50_000_000,
        reserveShare=10_000_000,
        servicingFee=0,
    )
    stream.add(
        "LoanMarket", "LiquidationProceedsReceived", loanId=1, amount=70_000_000, refundedToBorrower=5_000_000
    )
    store(session, events + stream.events)
    recoveries = [n for n in _notices(session) if n[0] == "loan_recovery"]
    assert sorted(who for _, who, _ in recoveries) == sorted([LENDER_A, BUYER] * 2)
    collateral = session.scalars(select(Notification).where(Notification.kind == "loan_recovery")).all()[-1]
    assert collateral.data == {**collateral.data, "amount": "65000000", "source": "collateral"}


def test_replays_and_rebuilds_add_no_notice(session):
    for event in lifecycle():
        store(session, [event])
        observer = lender_notices.OBSERVERS.get((event.contract, event.event))
        if observer is not None:
            observer(session, event)  # the same event observed again, as a range read twice would
    session.commit()
    assert session.scalar(select(func.count()).select_from(Notification)) == 10
    projections.rebuild(session)  # a reorg's rollback replays the handlers, never the observers
    session.commit()
    assert session.scalar(select(func.count()).select_from(Notification)) == 10


def test_events_older_than_the_horizon_make_no_notice(session):
    events = lifecycle()
    # the index already holds a block 8 days after the stream: its events are history, not news
    session.add(ChainBlock(number=10_000, hash="0x" + "ee" * 32, timestamp=events[-1].timestamp + 8 * DAY))
    store(session, events)
    assert _notices(session) == []
