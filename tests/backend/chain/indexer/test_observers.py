"""Observers of indexed events: they run after the event's own handler, see what it wrote, never stop the
index when they fail, and are not run again when a rebuild replays the events."""

from __future__ import annotations

import json

from sqlalchemy import select

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainBlock, ChainEvent
from backend.chain.indexer.registry import Projections

KEY = ("LoanMarket", "LoanRepaid")


def _event(n: int) -> DecodedEvent:
    return DecodedEvent(
        contract="LoanMarket",
        event="LoanRepaid",
        address="0x" + "11" * 20,
        args={"loanId": n},
        block_number=n,
        block_hash="0x" + f"{n:064x}",
        log_index=0,
        tx_hash="0x" + f"{n:064x}",
        timestamp=1_000 + n,
    )


def _store(session, event: DecodedEvent) -> None:
    session.add(
        ChainEvent(
            block_number=event.block_number,
            block_hash=event.block_hash,
            block_timestamp=event.timestamp,
            tx_hash=event.tx_hash,
            log_index=event.log_index,
            address=event.address,
            contract=event.contract,
            event=event.event,
            args=json.dumps(event.args),
        )
    )


def _fold(session, event: DecodedEvent) -> None:
    # stands in for a domain's read model: one row per event
    session.add(ChainBlock(number=event.block_number, hash=event.block_hash, timestamp=event.timestamp))
    session.flush()


def test_observers_run_after_the_handler_and_see_what_it_wrote(session):
    projections = Projections()
    projections.register({KEY: _fold}, [ChainBlock])
    seen: list[tuple[str, bool]] = []
    projections.observe(
        {KEY: lambda s, e: seen.append(("first", s.get(ChainBlock, e.block_number) is not None))}
    )
    projections.observe({KEY: lambda s, e: seen.append(("second", True))})
    projections.apply(session, _event(1))
    assert seen == [("first", True), ("second", True)]


def test_a_failing_observer_is_rolled_back_alone_and_the_event_still_folds(session):
    projections = Projections()
    projections.register({KEY: _fold}, [ChainBlock])

    def broken(s, e):
        s.add(ChainBlock(number=999, hash="0x" + "ab" * 32, timestamp=0))
        s.flush()
        raise RuntimeError("observer bug")

    after: list[int] = []
    projections.observe({KEY: broken})
    projections.observe({KEY: lambda s, e: after.append(e.block_number)})
    projections.apply(session, _event(2))
    session.commit()
    assert session.get(ChainBlock, 2) is not None  # the handler's write stands
    assert session.get(ChainBlock, 999) is None  # the failed observer's does not
    assert after == [2]  # and the next observer still ran


def test_a_rebuild_replays_handlers_but_not_observers(session):
    projections = Projections()
    projections.register({KEY: _fold}, [ChainBlock])
    observed: list[int] = []
    projections.observe({KEY: lambda s, e: observed.append(e.block_number)})
    for n in (3, 4):
        event = _event(n)
        _store(session, event)
        projections.apply(session, event)
    session.commit()
    assert projections.rebuild(session) == 2
    assert sorted(session.scalars(select(ChainBlock.number))) == [3, 4]
    assert observed == [3, 4]  # once each, when first indexed
