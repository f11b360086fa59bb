"""Projections: (contract, event) -> handlers that fold one event into the read models.

Handlers are pure functions of (read-model state, event): they read only the event and rows written by
earlier events, never the wall clock or the chain. `rebuild()` replays the stored events in chain order
through the same handlers, so an incremental index and a rebuild from scratch agree table for table.

Mapping table (contract.event -> read models):

  IdentityRegistry.IdentityAttested/Revoked/Frozen/Unfrozen -> chain_identities (with the person's
                                                               subject and entity flag)
  CreditOracle.CreditRecordUpdated                          -> chain_credit_records
  CreditOracle.BatchSubmitted                               -> chain_oracle_rounds
  <any ERC-20 in the manifest>.Transfer                     -> chain_wallet_transactions (transfer_in/out)
  LoanMarket / LoanNote / CollateralVault                   -> see the table in projections/loans.py
  LoanMarket.NoteOffered/NoteOfferCancelled/NoteSold        -> see backend/market/projections.py

Events with no handler (governance, SignaturesInvalidated, DustSwept, ReserveFund's own) are kept in
chain_events only.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainEvent
from backend.chain.indexer.projections import credit, identity, loans, tokens
from backend.chain.indexer.read_models import READ_MODELS
from backend.market import models as market_models
from backend.market import projections as market

Handler = Callable[[Session, DecodedEvent], None]

# Every table the projections write, the domains' included: what a rebuild empties first.
ALL_READ_MODELS = (*READ_MODELS, *market_models.READ_MODELS)

HANDLERS: dict[tuple[str | None, str], Handler] = {}
for module in (identity, credit, tokens, loans, market):
    HANDLERS.update(module.HANDLERS)


def handler_for(event: DecodedEvent) -> Handler | None:
    return HANDLERS.get((event.contract, event.event)) or HANDLERS.get((None, event.event))


def apply(session: Session, event: DecodedEvent) -> None:
    handler = handler_for(event)
    if handler is not None:
        handler(session, event)


def rebuild(session: Session, page: int = 2000) -> int:
    """Empty every read model and replay all stored events in (block, log index) order."""
    for model in ALL_READ_MODELS:
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
            apply(session, _event(row))
            count += 1
        last = (rows[-1].block_number, rows[-1].log_index)
        session.flush()


def _event(row: ChainEvent) -> DecodedEvent:
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
