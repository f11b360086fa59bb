"""INSERT ... ON CONFLICT for the two databases the service runs on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERT: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_insert(session: Session) -> Callable[..., Any]:
    """The `insert` of the session's database, whose statements have `on_conflict_do_update`."""
    dialect = session.get_bind().dialect.name
    insert = _INSERT.get(dialect)
    if insert is None:
        raise RuntimeError(f"upserts support PostgreSQL and SQLite, not {dialect}")
    return insert
