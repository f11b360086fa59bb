"""Indexer tests on a real anvil with MockStablecoin transfers and a fresh SQLite database each."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from backend.chain.indexer.decoders import EventDecoder
from backend.chain.indexer.follower import Indexer
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint, ChainEvent
from backend.chain.indexer.rpc import RpcClient
from backend.db.base import Base
from backend.db.session import create_db_engine, make_sessionmaker
from backend.projections import ALL_READ_MODELS, PROJECTIONS
from tests.backend.chain.indexer.token_flow import BUILD, Rpc, deploy, token_manifest
from tests.support.anvil import Anvil
from tests.support.chain import deployed_chain  # noqa: F401

INDEX_TABLES = [ChainCheckpoint.__table__, ChainBlock.__table__, ChainEvent.__table__] + [
    m.__table__ for m in ALL_READ_MODELS
]


@pytest.fixture(scope="module")
def anvil():
    with Anvil() as node:
        yield node


@pytest.fixture(scope="module")
def token_chain(anvil):
    rpc = Rpc(anvil.url)
    accounts = rpc.accounts()
    token = deploy(rpc, "MockStablecoin", accounts[0])
    block = int(rpc("eth_blockNumber"), 16)
    return {
        "rpc": rpc,
        "accounts": accounts,
        "token": token,
        "manifest": token_manifest(int(rpc("eth_chainId"), 16), token, block),
    }


@pytest.fixture
def make_db(tmp_path):
    engines = []

    def factory(name: str = "index"):
        engine = create_db_engine(f"sqlite:///{tmp_path / name}.db")
        Base.metadata.create_all(engine, tables=INDEX_TABLES)
        engines.append(engine)
        return make_sessionmaker(engine)

    yield factory
    for engine in engines:
        engine.dispose()


@pytest.fixture
def make_indexer(anvil, token_chain):
    clients = []

    def factory(sessions, **kwargs) -> Indexer:
        manifest = token_chain["manifest"]
        rpc = RpcClient(anvil.url, retries=2, backoff=0.05)
        clients.append(rpc)
        kwargs.setdefault("confirmations", 0)
        kwargs.setdefault("range_size", 50)
        return Indexer(
            rpc,
            EventDecoder.from_manifest(manifest, BUILD),
            sessions,
            projections=PROJECTIONS,
            chain_id=manifest["chainId"],
            start_block=manifest["deployBlock"],
            **kwargs,
        )

    yield factory
    for c in clients:
        c.close()


def dump(sessions) -> dict:
    """Every read model, rows ordered by primary key: equal dumps mean identical read models."""
    out = {}
    with sessions() as s:
        for model in ALL_READ_MODELS:
            pk = [c for c in inspect(model).primary_key]
            cols = [c.key for c in inspect(model).columns]
            out[model.__tablename__] = [
                tuple(getattr(r, c) for c in cols) for r in s.scalars(select(model).order_by(*pk))
            ]
    return out
