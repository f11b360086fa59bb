"""`python -m backend.chain.indexer`: follow the chain into the service database until SIGTERM.

Startup waits (with backoff) for the deployment manifest and the RPC, migrates the database when the
service settings allow it, then indexes range by range; SIGTERM/SIGINT stop it between two ranges, so
a range is always committed whole or not at all.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time

from backend.chain.indexer.decoders import EventDecoder
from backend.chain.indexer.follower import Indexer
from backend.chain.indexer.rpc import RpcClient, RpcUnavailable
from backend.chain.indexer.settings import IndexerSettings
from backend.chain.outbox import reconcile as reconcile_outbox
from backend.core.settings import get_settings
from backend.db.session import get_engine, make_sessionmaker
from backend.kyc.chain_outcomes import OUTCOMES as KYC_OUTCOMES
from backend.oracle_feed.service import confirm_from_events, reconcile_confirmations
from backend.projections import PROJECTIONS

log = logging.getLogger("peerlend.indexer")


def _wait_for_manifest(path, stop: threading.Event, timeout: float) -> dict | None:
    deadline, delay = time.monotonic() + timeout, 1.0
    while not stop.is_set():
        if path.exists():
            return json.loads(path.read_text())
        if time.monotonic() > deadline:
            raise SystemExit(f"no deployment manifest at {path}")
        log.info("waiting for the deployment manifest %s", path)
        stop.wait(delay)
        delay = min(delay * 2, 15)
    return None


def _reconcile(sessions, rpc: RpcClient) -> None:
    with sessions() as session:
        if confirmed := reconcile_confirmations(session):
            log.info("reconciled %d credit reports as confirmed", confirmed)
        session.commit()
    # The service's own chain transactions whose senders never learnt their fate (backend/chain/outbox.py).
    with sessions() as session:
        counts = reconcile_outbox(session, rpc, KYC_OUTCOMES)
        session.commit()
    if any(counts.values()):
        log.info("reconciled chain transactions: %s", counts)


def main() -> None:
    settings = get_settings()
    options = IndexerSettings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # One line per RPC call would drown the indexer's own progress lines.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    for chatty in ("httpx", "httpcore"):  # one line per RPC call would drown the index progress
        logging.getLogger(chatty).setLevel(logging.WARNING)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    manifest = _wait_for_manifest(settings.resolved_manifest_path, stop, options.rpc_wait_seconds)
    if manifest is None:
        return
    rpc = RpcClient(settings.rpc_url or "http://127.0.0.1:8545", timeout=settings.rpc_timeout_seconds)
    try:
        chain_id = rpc.wait_ready(options.rpc_wait_seconds, should_stop=stop.is_set)
    except RpcUnavailable as exc:
        raise SystemExit(f"rpc not reachable: {exc}") from exc
    if chain_id != manifest["chainId"]:
        raise SystemExit(f"rpc is chain {chain_id}, manifest is chain {manifest['chainId']}")
    if settings.should_auto_migrate:
        from backend.db.migrate import upgrade

        upgrade(settings=settings)
    sessions = make_sessionmaker(get_engine(settings))
    indexer = Indexer(
        rpc,
        EventDecoder.from_manifest(manifest, settings.build_dir),
        sessions,
        projections=PROJECTIONS,
        chain_id=chain_id,
        start_block=manifest["deployBlock"],
        range_size=options.range_size,
        confirmations=options.resolved_confirmations(chain_id),
        name=options.name,
        side_effects=[confirm_from_events],
    )
    log.info(
        "indexing chain %d from block %d (%d contracts, %d confirmations)",
        chain_id,
        indexer.checkpoint() + 1,
        len(indexer.decoder.addresses),
        indexer.confirmations,
    )
    while not stop.is_set():
        try:
            indexer.run(
                stop.is_set,
                options.poll_interval_seconds,
                sleep=stop.wait,
                reconcile=lambda: _reconcile(sessions, rpc),
            )
        except RpcUnavailable as exc:  # the node went away: wait for it, then carry on from the checkpoint
            log.warning("rpc unavailable: %s", exc)
            try:
                rpc.wait_ready(options.rpc_wait_seconds, should_stop=stop.is_set)
            except RpcUnavailable:
                continue
    rpc.close()
    log.info("indexer stopped at block %d", indexer.checkpoint())


if __name__ == "__main__":
    main()
