"""The registry of projections: (contract, event) -> the handler that folds one event into read models.

The indexer owns only this mechanism. The domains own their read-model tables (`models.py`, listed in
its `READ_MODELS`) and their handlers (`projections.py`, a `HANDLERS` dict), and `backend/projections.py`
registers them, so imports point from the domains to the indexer and never back.

Handlers are pure functions of (read-model state, event): they read only the event and rows written by
earlier events, never the wall clock or the chain. `rebuild()` replays the stored events in chain order
through the same handlers, so an incremental index and a rebuild from scratch agree table for table. An
event with no handler is kept in chain_events only.

Observers (`observe`) are for domains that act on an event without owning the read model it folds into
(a notice to a loan's note holders on `LoanRepaid`): any number per event, run after its handler in the
same transaction, so they read the read models as the event left them and what they write commits with
the range. They write tables of their own, never a registered read model, and a rebuild does not run
them: the events it replays were observed when they were first indexed. An observer that fails is rolled
back to a savepoint and logged: it never stops the index, whose read models must go on following the chain.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainEvent

log = logging.getLogger(__name__)

Handler = Callable[[Session, DecodedEvent], None]
# A key's contract is None for an event any contract may emit (an ERC-20 Transfer of any listed token).
HandlerKey = tuple[str | None, str]


class Projections:
    def __init__(self) -> None:
        self.handlers: dict[HandlerKey, Handler] = {}
        self.observers: dict[HandlerKey, list[Handler]] = {}
        self.read_models: list[type] = []

    def register(self, handlers: Mapping[HandlerKey, Handler], read_models: Iterable[type] = ()) -> None:
        """A domain's handlers and the tables they write. One (contract, event) has one handler."""
        taken = self.handlers.keys() & handlers.keys()
        if taken:
            raise ValueError(f"events handled twice: {sorted(taken, key=str)}")
        self.handlers.update(handlers)
        self.read_models.extend(m for m in read_models if m not in self.read_models)

    def observe(self, observers: Mapping[HandlerKey, Handler]) -> None:
        """A domain's observers: run after the event's handler, in the order they were registered."""
        for key, observer in observers.items():
            self.observers.setdefault(key, []).append(observer)

    def handler_for(self, event: DecodedEvent) -> Handler | None:
        return self.handlers.get((event.contract, event.event)) or self.handlers.get((None, event.event))

    def apply(self, session: Session, event: DecodedEvent) -> None:
        """Folds a newly indexed event into the read models, then lets its observers act on it."""
        self._fold(session, event)
        for key in ((event.contract, event.event), (None, event.event)):
            for observer in self.observers.get(key, ()):
                try:
                    with session.begin_nested():
                        observer(session, event)
                except Exception:
                    log.exception(
                        "observer %s failed on %s.%s at block %d",
                        getattr(observer, "__name__", observer),
                        event.contract,
                        event.event,
                        event.block_number,
                    )

    def _fold(self, session: Session, event: DecodedEvent) -> None:
        handler = self.handler_for(event)
        if handler is not None:
            handler(session, event)

    def rebuild(self, session: Session, page: int = 2000) -> int:
        """Empty every registered read model and replay all stored events in (block, log index) order."""
        for model in self.read_models:
            session.execute(delete(model))
        session.flush()
        last = (-1, -1)
        count = 0
        while True:
            rows = session.scalars(
                select(ChainEvent)
                .where(tuple_(ChainEvent.block_number, ChainEvent.log_index) > last)
                .order_by(ChainEvent.block_number, ChainEvent.log_index)
                .limit(page)
            ).all()
            if not rows:
                return count
            for row in rows:
                self._fold(session, stored_event(row))
                count += 1
            last = (rows[-1].block_number, rows[-1].log_index)
            session.flush()


def stored_event(row: ChainEvent) -> DecodedEvent:
    return DecodedEvent(
        contract=row.contract,
        event=row.event,
        address=row.address,
        args=json.loads(row.args),
        block_number=row.block_number,
        block_hash=row.block_hash,
        log_index=row.log_index,
        tx_hash=row.tx_hash,
        timestamp=row.block_timestamp,
    )
