"""A real, migrated database for service-level tests, on the engine the HTTP suite uses.

    with migrated_database(tmp_path) as url:   # SQLite file in tmp_path, or a PostgreSQL database
        ...

The project's Alembic migrations run once per test process, into a template: a SQLite file copied for
each test, or (with `PEERLEND_TEST_DATABASE=postgresql`) a PostgreSQL database each test's database is
created from (`CREATE DATABASE ... TEMPLATE`), on the server tests/support/postgres.py starts. So every
test starts from the schema production runs, in a database of its own, for the price of a file copy.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from backend.core.settings import Settings
from backend.db.migrate import upgrade
from tests.support.postgres import _admin, on_postgres, shared_postgres

_templates: dict[str, str] = {}  # engine -> template (SQLite file path or PostgreSQL database name)


def _sqlite_template() -> str:
    if "sqlite" not in _templates:
        directory = Path(tempfile.mkdtemp(prefix="peerlend-template-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        path = directory / "template.db"
        # The migration's engine is disposed when it is done, so the write-ahead log is folded into the file.
        upgrade("head", Settings(env="test", database_url=f"sqlite:///{path}"))
        _templates["sqlite"] = str(path)
    return _templates["sqlite"]


def _postgres_template() -> str:
    if "postgresql" not in _templates:
        name = f"template_{uuid.uuid4().hex[:12]}"
        with _admin(shared_postgres()).connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        upgrade("head", Settings(env="test", database_url=_postgres_url(name)))
        _templates["postgresql"] = name
    return _templates["postgresql"]


def _postgres_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@/{name}?host={shared_postgres()}"


@contextmanager
def migrated_database(directory: Path) -> Iterator[str]:
    """The URL of a database migrated to head, for as long as the block runs."""
    if not on_postgres():
        path = Path(directory) / "service.db"
        shutil.copyfile(_sqlite_template(), path)
        yield f"sqlite:///{path}"
        return
    template = _postgres_template()
    name = f"s_{uuid.uuid4().hex[:12]}"
    admin = _admin(shared_postgres())
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _postgres_url(name)
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
