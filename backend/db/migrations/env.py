"""Alembic environment: every domain's models (via models_registry), SQLite batch mode, any URL."""

from __future__ import annotations

from alembic import context

from backend.db.base import Base
from backend.db.models_registry import import_all_models
from backend.db.session import create_db_engine

import_all_models()
target_metadata = Base.metadata
config = context.config


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url
    from backend.core.settings import Settings

    return Settings().database_url


def run_migrations_offline() -> None:
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(_database_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
