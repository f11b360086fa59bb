"""Publishing each month's disclosure exactly once: compute and store the snapshot, then anchor its hash.

For every month that has ended on the index's clock (from the first month of the deployment, or
PEERLEND_DISCLOSURE_FIRST_PERIOD), in order, each in its own transactions (a month that fails is logged
and tried again on the next pass, never stops the others):

1. the snapshot: the month's document (backend/disclosure/service.py `month_document`) as canonical JSON,
   stored once with its SHA-256; a month already stored is never computed again;
2. the anchor: unless the index already holds the month's SnapshotAnchored event, or a transaction for it
   is out (an outbox entry sent or confirmed), or the registry already holds a hash for it (a transaction
   whose entry never reached the database), `DisclosureRegistry.anchor(yyyymm, sha256)` is sent through
   the outbox (backend/chain/outbox.py), its entry committed on its own session before the node sees it.
   A process killed after that finds the entry and sends nothing; the indexer reconciles the entry (sent
   again if the node dropped it, failed if its nonce went to another transaction, and then this pass
   sends a new one). The registry refuses a second anchor of a month whatever happens, so a month can
   never carry two hashes.

The worker (`python -m backend.disclosure.worker`) runs this on a schedule; an admin can run one pass
through the API (`POST /v2/disclosure/snapshots/publish`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backend.chain.client import ChainClient
from backend.chain.errors import ChainError, ContractReverted
from backend.chain.outbox import CONFIRMED, SENT, Outbox
from backend.disclosure.canonical import canonical_bytes, sha256_hex
from backend.disclosure.config import DisclosureSettings
from backend.disclosure.models import AnchorView, DisclosureSnapshot
from backend.disclosure.periods import next_month, parse_period, period_code, period_end, period_name
from backend.disclosure.schemas import SNAPSHOT_SCHEMA
from backend.disclosure.service import (
    ANCHOR_PURPOSE,
    SNAPSHOT_OBJECT,
    first_period,
    index_position,
    latest_anchor_send,
    month_document,
)

log = logging.getLogger("peerlend.disclosure.publishing")
ZERO_HASH = b"\x00" * 32


@dataclass
class PublishResult:
    computed: list[str] = field(default_factory=list)  # snapshots stored by this pass
    sent: list[str] = field(default_factory=list)  # anchors this pass sent (and saw mined)
    waiting: list[str] = field(default_factory=list)  # an anchor is out, or the index has yet to see it
    anchored: list[str] = field(default_factory=list)  # anchored, as indexed
    failed: list[str] = field(default_factory=list)

    @property
    def work(self) -> int:
        return len(self.computed) + len(self.sent)


def due_periods(session: Session, disclosure: DisclosureSettings) -> list[tuple[int, int]]:
    """Every month from the first one to publish whose end the index's clock has passed."""
    first = parse_period(disclosure.first_period) if disclosure.first_period else first_period(session)
    if first is None:
        return []
    now = index_position(session).time
    periods, at = [], first
    while period_end(*at) <= now:
        periods.append(at)
        at = next_month(*at)
    return periods


def publish_due(
    sessions: sessionmaker[Session],
    engine: Engine,
    chain_id: int,
    disclosure: DisclosureSettings,
    chain: ChainClient | None,
) -> PublishResult:
    result = PublishResult()
    with sessions() as session:
        periods = due_periods(session, disclosure)
    for year, month in periods:
        name = period_name(year, month)
        try:
            _publish(sessions, engine, chain_id, disclosure, chain, year, month, result)
        except Exception:  # one month's failure must not hold back the others
            log.exception("publishing the disclosure of %s failed; trying again on the next pass", name)
            result.failed.append(name)
    return result


def _publish(
    sessions: sessionmaker[Session],
    engine: Engine,
    chain_id: int,
    disclosure: DisclosureSettings,
    chain: ChainClient | None,
    year: int,
    month: int,
    result: PublishResult,
) -> None:
    name, code = period_name(year, month), period_code(year, month)
    with sessions() as session:
        row = session.get(DisclosureSnapshot, code) or _store(
            session, year, month, chain_id, disclosure, result
        )
        anchor = session.get(AnchorView, code)
        if anchor is not None:
            if anchor.content_hash.lower() != "0x" + row.sha256:
                log.error(
                    "the chain holds %s for %s, not the stored %s", anchor.content_hash, name, row.sha256
                )
            result.anchored.append(name)
            return
        entry = latest_anchor_send(session, code)
        if entry is not None and entry.status in (SENT, CONFIRMED):
            result.waiting.append(name)  # out already: reconciliation and the index take it from here
            return
        sha256 = row.sha256
    if chain is None:
        result.waiting.append(name)
        return
    registry = chain.contract("DisclosureRegistry")
    onchain = bytes(chain.call(registry.functions.anchorOf(code)))
    if onchain != ZERO_HASH:  # anchored by a transaction the index has not reached (or whose entry is lost)
        if onchain.hex() != sha256:
            log.error("the chain holds 0x%s for %s, not the stored %s", onchain.hex(), name, sha256)
        result.waiting.append(name)
        return
    outbox = Outbox(engine, ANCHOR_PURPOSE, SNAPSHOT_OBJECT, code)  # its own session: committed first
    try:
        receipt = chain.transact(
            registry.functions.anchor(code, bytes.fromhex(sha256)), disclosure.key, send_log=outbox
        )
    except ContractReverted as exc:
        outbox.settle(error=str(exc))
        if exc.error_name == "PeriodAlreadyAnchored":  # another publisher's transaction got there first
            result.waiting.append(name)
            return
        raise
    except ChainError as exc:  # sent or not, its fate is the outbox's to learn
        log.warning("anchor of %s not confirmed yet: %s", name, exc)
        result.waiting.append(name)
        return
    outbox.settle(receipt)
    log.info("anchored the disclosure of %s (0x%s) in %s", name, sha256, outbox.tx_hash)
    result.sent.append(name)


def _store(
    session: Session,
    year: int,
    month: int,
    chain_id: int,
    disclosure: DisclosureSettings,
    result: PublishResult,
) -> DisclosureSnapshot:
    content = canonical_bytes(month_document(session, year, month, chain_id, disclosure.top_borrowers))
    row = DisclosureSnapshot(
        period=period_code(year, month),
        schema_version=SNAPSHOT_SCHEMA,
        content=content.decode(),
        sha256=sha256_hex(content),
        period_end=period_end(year, month),
        last_block=index_position(session).block,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # another publisher stored it first: the same bytes, by construction
        session.rollback()
        stored = session.get(DisclosureSnapshot, row.period)
        assert stored is not None
        return stored
    result.computed.append(period_name(year, month))
    return row
