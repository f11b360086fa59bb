"""The index's version: the checkpoint's last block and its hash. It changes with every block the
indexer commits and with every rollback, so anything built from the read models at one version is
still right while the version stays the same (backend/core/read_cache.py keeps responses by it)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.chain.indexer.models import ChainCheckpoint


def index_version_reader(factory: sessionmaker[Session]) -> Callable[[], tuple[int, str | None] | None]:
    """A function reading the version in a short session of its own (None before anything is indexed)."""

    def read() -> tuple[int, str | None] | None:
        with factory() as session:
            row = session.execute(
                select(ChainCheckpoint.last_block, ChainCheckpoint.last_block_hash).where(
                    ChainCheckpoint.name == "main"
                )
            ).first()
        return (int(row[0]), row[1]) if row is not None else None

    return read
