"""Engines and sessions. SQLite files get WAL and enforced foreign keys; PostgreSQL via DATABASE_URL.

In a request, use `backend.core.deps.SessionDep` (a session bound to the serving app's engine, opened
and closed in the route's own thread; the use-case service commits). Workers and CLI commands use
`session_scope()`, which commits on success.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from backend.core.settings import Settings, get_settings

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def create_db_engine(url: str, **kwargs) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False, "timeout": 30}
        connect_args.update(kwargs.pop("connect_args", {}))
        if not parsed.database or parsed.database == ":memory:":
            for name in _POOL_ARGUMENTS:  # one shared connection: no pool to size
                kwargs.pop(name, None)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


_POOL_ARGUMENTS = ("pool_size", "max_overflow", "pool_timeout")


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the settings' database URL (created once per URL)."""
    url = (settings or get_settings()).database_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_db_engine(url)
        return engine


def dispose_engine(url: str) -> None:
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(settings: Settings | None = None) -> Iterator[Session]:
    """A session for workers and CLI commands: commits on success, rolls back on error."""
    session = make_sessionmaker(get_engine(settings))()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def take_write_lock(session: Session) -> None:
    """Opens the session's transaction as a writer, before its first read, where the database needs it.

    SQLite (WAL) lets a transaction that has read go on to write only if no one else committed since it
    read; otherwise the write fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT), which no
    busy timeout waits out. A read-then-write transaction that competes with the indexer's writes takes
    the write lock first (BEGIN IMMEDIATE) and waits its turn instead. PostgreSQL needs nothing."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")
