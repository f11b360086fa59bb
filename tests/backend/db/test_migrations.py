"""Alembic: from an empty database to head and back to base, and the models match the migrations."""

from sqlalchemy import inspect

from backend.core.settings import Settings
from backend.db.migrate import current_revisions, downgrade, head_revisions, upgrade
from backend.db.session import create_db_engine
from tests.support.migrations import schema_diffs

FOUNDATION_TABLES = {"audit_log", "api_keys", "siwe_nonces", "idempotency_keys"}


def _settings(tmp_path) -> Settings:
    return Settings(env="test", database_url=f"sqlite:///{tmp_path / 'migrate.db'}")


def _tables(settings: Settings) -> set[str]:
    engine = create_db_engine(settings.database_url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_from_empty_then_downgrade_to_base(tmp_path):
    settings = _settings(tmp_path)
    upgrade("head", settings)
    assert current_revisions(settings) == head_revisions(settings)
    assert FOUNDATION_TABLES <= _tables(settings)
    downgrade("base", settings)
    assert current_revisions(settings) == set()
    assert _tables(settings) == set()
    upgrade("head", settings)  # and up again: the downgrade left nothing behind that blocks it
    assert FOUNDATION_TABLES <= _tables(settings)


def test_foundation_revision_alone(tmp_path):
    settings = _settings(tmp_path)
    upgrade("0001_foundation", settings)
    assert current_revisions(settings) == {"0001_foundation"}
    assert _tables(settings) == FOUNDATION_TABLES
    downgrade("base", settings)
    assert _tables(settings) == set()


def test_foundation_models_match_the_migrations(tmp_path):
    # At head: later migrations change foundation tables too (idempotency leases, 0015).
    settings = _settings(tmp_path)
    upgrade("head", settings)
    diffs = schema_diffs(settings.database_url)

    def table_of(diff) -> str | None:
        op = diff[0] if isinstance(diff, tuple) else diff[0][0]
        item = diff[1] if isinstance(diff, tuple) else diff[0][3]
        if op in ("add_table", "remove_table"):
            return item.name
        if op in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
            return item.table.name
        if isinstance(diff, tuple):
            return diff[2] if op in ("add_column", "remove_column") else None
        return diff[0][2]

    mine = [d for d in diffs if table_of(d) in FOUNDATION_TABLES]
    assert mine == []


def test_foundation_renders_for_postgresql():
    """Offline (--sql) rendering against the PostgreSQL dialect: types, constraints and triggers."""
    import io

    from alembic import command

    from backend.db.migrate import alembic_config

    config = alembic_config("postgresql+psycopg://user:pass@localhost/peerlend")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "0001_foundation", sql=True)
    up = config.output_buffer.getvalue()
    assert "CREATE TABLE audit_log" in up and "BIGSERIAL" in up.upper()
    assert "CREATE TRIGGER audit_log_no_update_delete" in up and "BEFORE TRUNCATE" in up
    assert "TIMESTAMP WITH TIME ZONE" in up
    config.output_buffer = io.StringIO()
    command.downgrade(config, "0001_foundation:base", sql=True)
    down = config.output_buffer.getvalue()
    assert "DROP FUNCTION IF EXISTS audit_log_append_only()" in down and "DROP TABLE audit_log" in down
