"""The follower: block ranges behind a confirmation depth, atomic per range, reorg detection and rollback.

One range is one database transaction: events, the blocks they sit in, the range's last block, the
read-model updates and the checkpoint commit together, so a crash anywhere resumes from the checkpoint
with nothing half-applied. Before each range the checkpoint block's stored hash is compared with the
chain; on a mismatch the fork point is found by binary search over the stored blocks, everything above
it is deleted and the read models are rebuilt from the remaining events (the projections are pure
functions of the ordered event stream, so a rebuild equals an incremental build).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from backend.chain.indexer.decoders import DecodedEvent, EventDecoder
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent
from backend.chain.indexer.registry import Projections
from backend.chain.indexer.rpc import RpcClient

log = logging.getLogger(__name__)

SideEffect = Callable[[Session, Sequence[DecodedEvent]], object]


class RangeChanged(Exception):
    """The chain moved under a range while it was being read; the range is read again."""


@dataclass
class StepResult:
    from_block: int = 0
    to_block: int = -1
    events: int = 0
    reorg_from: int | None = None
    caught_up: bool = False


class Indexer:
    def __init__(
        self,
        rpc: RpcClient,
        decoder: EventDecoder,
        session_factory: sessionmaker,
        *,
        chain_id: int,
        start_block: int,
        range_size: int = 2000,
        confirmations: int = 2,
        projections: Projections,
        name: str = "main",
        side_effects: Sequence[SideEffect] = (),
    ):
        self.rpc = rpc
        self.projections = projections  # the domains' handlers (backend/projections.py)
        self.decoder = decoder
        self.sessions = session_factory
        self.chain_id = chain_id
        self.start_block = start_block
        self.range_size = max(1, range_size)
        self.confirmations = max(0, confirmations)
        self.name = name
        self.side_effects = list(side_effects)

    # -- checkpoint

    def _checkpoint(self, session: Session) -> ChainCheckpoint:
        cp = session.get(ChainCheckpoint, self.name)
        if cp is None:
            cp = ChainCheckpoint(
                name=self.name, chain_id=self.chain_id, last_block=self.start_block - 1, last_block_hash=None
            )
            session.add(cp)
            session.flush()
        elif cp.chain_id != self.chain_id:
            raise RuntimeError(
                f"index {self.name} belongs to chain {cp.chain_id}, rpc is chain {self.chain_id}"
            )
        return cp

    def checkpoint(self) -> int:
        with self.sessions() as session:
            cp = self._checkpoint(session)
            session.commit()
            return cp.last_block

    # -- reorgs

    def _canonical(self, number: int, stored_hash: str) -> bool:
        block = self.rpc.block(number)
        return block is not None and block["hash"] == stored_hash

    def _find_fork(self, session: Session, up_to: int) -> int:
        """Highest stored block that is still canonical (start_block - 1 if none)."""
        stored = session.execute(
            select(ChainBlock.number, ChainBlock.hash)
            .where(ChainBlock.number <= up_to)
            .order_by(ChainBlock.number)
        ).all()
        lo, hi, fork = 0, len(stored) - 1, self.start_block - 1
        while lo <= hi:  # canonical blocks form a prefix of the stored ones
            mid = (lo + hi) // 2
            if self._canonical(stored[mid].number, stored[mid].hash):
                fork = stored[mid].number
                lo = mid + 1
            else:
                hi = mid - 1
        return fork

    def _check_reorg(self, session: Session, cp: ChainCheckpoint) -> int | None:
        if cp.last_block_hash is None or self._canonical(cp.last_block, cp.last_block_hash):
            return None
        fork = self._find_fork(session, cp.last_block)
        log.warning("reorg: block %d no longer canonical, rolling back to %d", cp.last_block, fork)
        self.rollback(session, cp, fork)
        return fork + 1

    def rollback(self, session: Session, cp: ChainCheckpoint, fork: int) -> None:
        session.execute(delete(ChainEvent).where(ChainEvent.block_number > fork))
        session.execute(delete(ChainBlock).where(ChainBlock.number > fork))
        kept = session.get(ChainBlock, fork)
        cp.last_block = fork
        cp.last_block_hash = kept.hash if kept else None
        self.projections.rebuild(session)

    # -- one range

    def _read_range(self, start: int, end: int) -> tuple[list[DecodedEvent], dict[int, dict]]:
        end_before = self.rpc.block(end)
        raw_logs = self.rpc.logs(self.decoder.addresses, start, end)
        numbers = sorted({int(lg["blockNumber"], 16) for lg in raw_logs} | {end})
        headers = {int(b["number"], 16): b for b in self.rpc.blocks(numbers) if b is not None}
        if end not in headers or end_before is None or headers[end]["hash"] != end_before["hash"]:
            raise RangeChanged(f"block {end} changed while reading {start}..{end}")
        events = []
        for lg in raw_logs:
            if lg.get("removed"):
                continue
            number = int(lg["blockNumber"], 16)
            header = headers.get(number)
            if header is None or header["hash"] != lg["blockHash"]:
                raise RangeChanged(f"block {number} changed while reading {start}..{end}")
            event = self.decoder.decode(
                {**lg, "blockNumber": number, "logIndex": int(lg["logIndex"], 16)},
                int(header["timestamp"], 16),
            )
            if event is not None:
                events.append(event)
        events.sort(key=lambda e: (e.block_number, e.log_index))
        return events, headers

    def step(self) -> StepResult:
        result = StepResult()
        with self.sessions() as session:
            cp = self._checkpoint(session)
            result.reorg_from = self._check_reorg(session, cp)
            session.commit()
            start = cp.last_block + 1
        safe = self.rpc.block_number() - self.confirmations
        if start > safe:
            result.caught_up = True
            return result
        end = min(start + self.range_size - 1, safe)
        events, headers = self._read_range(start, end)
        with self.sessions() as session:
            cp = self._checkpoint(session)
            if cp.last_block != start - 1:  # another writer moved the checkpoint; read again
                return result
            new = self._store(session, events, headers)
            for event in new:
                self.projections.apply(session, event)
            cp.last_block = end
            cp.last_block_hash = headers[end]["hash"]
            session.commit()
            if new and self.side_effects:
                for effect in self.side_effects:
                    try:
                        effect(session, new)
                        session.commit()
                    except Exception:  # never blocks indexing; the periodic reconciliation catches up
                        session.rollback()
                        log.exception("indexer side effect %s failed", getattr(effect, "__name__", effect))
        result.from_block, result.to_block, result.events = start, end, len(new)
        result.caught_up = end >= safe
        return result

    def _store(
        self, session: Session, events: list[DecodedEvent], headers: dict[int, dict]
    ) -> list[DecodedEvent]:
        numbers = list(headers)
        known_blocks = set(session.scalars(select(ChainBlock.number).where(ChainBlock.number.in_(numbers))))
        session.add_all(
            ChainBlock(number=n, hash=h["hash"], timestamp=int(h["timestamp"], 16))
            for n, h in headers.items()
            if n not in known_blocks
        )
        if not events:
            return []
        hashes = list({e.block_hash for e in events})
        seen = set(
            tuple(r)
            for r in session.execute(
                select(ChainEvent.block_hash, ChainEvent.log_index).where(ChainEvent.block_hash.in_(hashes))
            ).all()
        )
        new = [e for e in events if (e.block_hash, e.log_index) not in seen]
        session.execute(
            insert(ChainEvent),
            [
                {
                    "block_number": e.block_number,
                    "block_hash": e.block_hash,
                    "block_timestamp": e.timestamp,
                    "tx_hash": e.tx_hash,
                    "log_index": e.log_index,
                    "address": e.address,
                    "contract": e.contract,
                    "event": e.event,
                    "args": json.dumps(e.args),
                }
                for e in new
            ],
        ) if new else None
        return new

    # -- the loop

    def run(
        self,
        should_stop: Callable[[], bool],
        poll_interval: float = 2.0,
        sleep: Callable[[float], object] = time.sleep,
        reconcile: Callable[[], None] | None = None,
        reconcile_every: float = 30.0,
    ) -> None:
        """Index until `should_stop()`; when caught up, sleep `poll_interval` and run `reconcile` (work
        derived from the read models, e.g. confirming credit reports) at most every `reconcile_every` s."""
        last_reconcile = 0.0
        while not should_stop():
            try:
                result = self.step()
            except RangeChanged as exc:
                log.info("%s; retrying", exc)
                continue
            if result.events or result.reorg_from is not None:
                log.info(
                    "indexed blocks %d..%d: %d events%s",
                    result.from_block,
                    result.to_block,
                    result.events,
                    f" (reorg from {result.reorg_from})" if result.reorg_from is not None else "",
                )
            if result.caught_up:
                if reconcile is not None and time.monotonic() - last_reconcile >= reconcile_every:
                    last_reconcile = time.monotonic()
                    try:
                        reconcile()
                    except Exception:  # reconciliation is best effort, retried next time
                        log.exception("reconciliation failed")
                sleep(poll_interval)

    def sync(self, max_steps: int = 100_000) -> int:
        """Index up to the confirmed head and return the number of events indexed (tests, benches)."""
        total = 0
        for _ in range(max_steps):
            try:
                result = self.step()
            except RangeChanged:
                continue
            total += result.events
            if result.caught_up:
                return total
        raise RuntimeError("sync did not catch up")
