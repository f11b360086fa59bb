"""Indexer core: ranges, confirmations, idempotence, checkpoint restarts, rebuild equality, reorgs."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from backend import projections
from backend.chain.indexer.models import ChainCheckpoint, ChainEvent
from backend.loans.models import WalletTransactionView
from tests.backend.chain.indexer.conftest import dump
from tests.backend.chain.indexer.token_flow import mine_calls, mint_call, transfer_call


def _events(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(ChainEvent))


def _flow(chain, n: int, seed: int = 0, per_block: int = 7) -> None:
    accts, token = chain["accounts"], chain["token"]
    calls = [mint_call(token, accts[0], accts[1 + k], 1_000_000 + seed) for k in range(5)]
    for i in range(n - 5):
        calls.append(transfer_call(token, accts[1 + (i + seed) % 5], accts[1 + (i + seed + 1) % 5], 1 + i))
    mine_calls(chain["rpc"], calls, per_block=per_block)


def test_indexes_all_transfers_once_and_is_idempotent(token_chain, make_db, make_indexer):
    _flow(token_chain, 30)
    sessions = make_db()
    indexer = make_indexer(sessions, range_size=3)
    indexed = indexer.sync()
    assert indexed == 30
    total = _events(sessions)
    with sessions() as s:
        row = s.scalars(select(ChainEvent).order_by(ChainEvent.id.desc())).first()
        args = json.loads(row.args)
        assert (
            row.event == "Transfer"
            and row.contract == "MockStablecoin"
            and set(args) == {"from", "to", "value"}
        )
    # a fresh instance on the same database resumes from the checkpoint: nothing to do
    assert make_indexer(sessions).sync() == 0
    # re-processing already indexed blocks inserts nothing and changes no read model
    before = dump(sessions)
    with sessions() as s:
        cp = s.get(ChainCheckpoint, "main")
        cp.last_block, cp.last_block_hash = indexer.start_block - 1, None
        s.commit()
    assert make_indexer(sessions).sync() == 0
    assert _events(sessions) == total
    assert dump(sessions) == before


def test_waits_for_confirmations(token_chain, make_db, make_indexer):
    _flow(token_chain, 6, per_block=2)  # 3 blocks
    sessions = make_db()
    indexer = make_indexer(sessions, confirmations=2)
    indexer.sync()
    head = int(token_chain["rpc"]("eth_blockNumber"), 16)
    assert indexer.checkpoint() == head - 2
    with sessions() as s:
        assert s.scalar(select(func.max(ChainEvent.block_number))) <= head - 2


def test_rebuild_from_scratch_yields_identical_read_models(token_chain, make_db, make_indexer):
    _flow(token_chain, 40, seed=3)
    small, large = make_db("small"), make_db("large")
    make_indexer(small, range_size=2).sync()
    make_indexer(large, range_size=10_000).sync()
    assert dump(small) == dump(large)
    with small() as s:
        assert s.scalar(select(func.count()).select_from(WalletTransactionView)) > 0
        projections.rebuild(s)
        s.commit()
    assert dump(small) == dump(large)


def test_reorg_is_rolled_back_and_reindexed(token_chain, make_db, make_indexer):
    rpc = token_chain["rpc"]
    _flow(token_chain, 6)
    snap = rpc("evm_snapshot")
    _flow(token_chain, 12, seed=1, per_block=3)  # the branch that will be orphaned
    sessions = make_db("reorged")
    indexer = make_indexer(sessions, range_size=4)
    indexer.sync()
    orphaned = _events(sessions)
    assert rpc("evm_revert", snap)
    _flow(token_chain, 15, seed=2, per_block=2)  # a different, longer branch from the same fork point
    assert indexer.step().reorg_from is not None
    indexer.sync()
    fresh = make_db("fresh")
    make_indexer(fresh, range_size=1000).sync()
    assert dump(sessions) == dump(fresh)
    assert _events(sessions) == _events(fresh) != orphaned
    with sessions() as a, fresh() as b:
        assert a.scalars(select(ChainEvent.block_hash).order_by(ChainEvent.id)).all() != [] and sorted(
            a.scalars(select(ChainEvent.block_hash))
        ) == sorted(b.scalars(select(ChainEvent.block_hash)))


def test_chain_shorter_than_checkpoint_rolls_back_to_the_fork(token_chain, make_db, make_indexer):
    rpc = token_chain["rpc"]
    _flow(token_chain, 6)
    snap = rpc("evm_snapshot")
    fork_head = int(rpc("eth_blockNumber"), 16)
    _flow(token_chain, 9, seed=4, per_block=3)
    sessions = make_db("shorter")
    indexer = make_indexer(sessions)
    indexer.sync()
    assert indexer.checkpoint() > fork_head
    assert rpc("evm_revert", snap)  # the chain now ends at the fork point
    assert indexer.step().reorg_from is not None
    assert indexer.checkpoint() <= fork_head
    fresh = make_db("shorter-fresh")
    make_indexer(fresh).sync()
    assert dump(sessions) == dump(fresh)
