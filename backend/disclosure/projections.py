"""DisclosureRegistry events -> disclosure_anchors.

  DisclosureRegistry.SnapshotAnchored   the month's anchored hash, with its transaction, block and time

The registry refuses a second anchor of a month, so there is one row per month; a reorganisation that
takes the anchor's block away deletes the event and a rebuild (or the indexer's rollback) the row.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.disclosure.models import AnchorView


def snapshot_anchored(session: Session, e: DecodedEvent) -> None:
    a = e.args
    row = session.get(AnchorView, a["period"]) or AnchorView(period=a["period"])
    row.content_hash, row.publisher, row.registry_address = a["contentHash"], a["publisher"], e.address
    row.block_number, row.block_hash, row.log_index = e.block_number, e.block_hash, e.log_index
    row.tx_hash, row.anchored_at = e.tx_hash, e.timestamp
    session.add(row)


HANDLERS: dict[HandlerKey, Handler] = {("DisclosureRegistry", "SnapshotAnchored"): snapshot_anchored}
