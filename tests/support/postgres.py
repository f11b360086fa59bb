"""A real PostgreSQL server for tests, from the pgserver wheel (no system install, no network).

One server per test session in a temporary directory, reached over its Unix socket; each test gets
a database of its own. The server stops when the session ends.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

TEST_DATABASE_VARIABLE = "PEERLEND_TEST_DATABASE"
_shared: list = []  # the process's one server for the HTTP suite on PostgreSQL, started on first use


def on_postgres() -> bool:
    """Whether test servers run on PostgreSQL (`PEERLEND_TEST_DATABASE=postgresql`) rather than SQLite."""
    return os.environ.get(TEST_DATABASE_VARIABLE, "sqlite") == "postgresql"


def shared_postgres() -> str:
    """Socket directory of one PostgreSQL server for the whole test process, stopped when it exits."""
    if not _shared:
        import pgserver

        data = Path(tempfile.mkdtemp(prefix="peerlend-pg-"))
        server = pgserver.get_server(data, cleanup_mode="stop")

        def stop() -> None:
            server.cleanup()
            shutil.rmtree(data, ignore_errors=True)

        atexit.register(stop)
        _shared.append(str(data))
    return _shared[0]


_by_directory: dict[Path, str] = {}


def directory_database(directory: Path) -> str:
    """The URL of a database on the shared server that belongs to `directory` for the whole process."""
    key = Path(directory).resolve()
    if key not in _by_directory:
        name = f"d_{uuid.uuid4().hex[:12]}"
        with _admin(shared_postgres()).connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        _by_directory[key] = f"postgresql+psycopg://postgres@/{name}?host={shared_postgres()}"
    return _by_directory[key]


def _admin(socket_directory: str):
    return create_engine(
        f"postgresql+psycopg://postgres@/postgres?host={socket_directory}",
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory) -> Iterator[str]:
    """Socket directory of a running server; its superuser is `postgres`, without a password."""
    pgserver = pytest.importorskip("pgserver")
    data = tmp_path_factory.mktemp("pgdata")
    server = pgserver.get_server(data, cleanup_mode="stop")
    try:
        yield str(data)
    finally:
        server.cleanup()


@pytest.fixture
def postgres_url(postgres_server) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database on the session's server (dropped afterwards)."""
    with fresh_database(postgres_server) as url:
        yield url


@contextmanager
def fresh_database(postgres_server: str) -> Iterator[str]:
    """A new, empty database on the server for as long as the block runs (for wider fixture scopes)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    # A connection per statement: the drop may come many minutes after the create, and a pooled
    # connection idle that long is not worth trusting.
    admin = _admin(postgres_server)
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@/{name}?host={postgres_server}"
    finally:
        for attempt in range(3):
            try:
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except OperationalError:
                if attempt == 2:
                    raise
                time.sleep(1.0)
        admin.dispose()
