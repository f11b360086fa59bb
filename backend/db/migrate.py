"""Programmatic Alembic: what `peerlend db upgrade` and dev/test startup run."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from backend.core.settings import ROOT, Settings, get_settings
from backend.db.session import create_db_engine

ALEMBIC_INI = ROOT / "alembic.ini"


def alembic_config(database_url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ROOT / "backend" / "db" / "migrations"))
    # Passed as an attribute, not through the ini: URLs may contain '%' and must not leak into logs.
    config.attributes["database_url"] = database_url
    return config


def upgrade(revision: str = "head", settings: Settings | None = None) -> None:
    command.upgrade(alembic_config((settings or get_settings()).database_url), revision)


def downgrade(revision: str = "-1", settings: Settings | None = None) -> None:
    command.downgrade(alembic_config((settings or get_settings()).database_url), revision)


def current_revisions(settings: Settings | None = None) -> set[str]:
    engine = create_db_engine((settings or get_settings()).database_url)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def head_revisions(settings: Settings | None = None) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
