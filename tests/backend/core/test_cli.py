"""`peerlend db upgrade|current|downgrade` on a fresh SQLite file."""

from sqlalchemy import inspect

from backend.core.settings import Settings
from backend.db.migrate import current_revisions, head_revisions
from backend.db.session import create_db_engine
from tests.support.cli import run_peerlend


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_upgrade_then_downgrade(tmp_path):
    # Two subprocesses only: each CLI start imports every domain's models and commands.
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    up = run_peerlend("db", "upgrade", database_url=settings.database_url)
    assert up.returncode == 0, up.stderr
    assert "audit_log" in _tables(settings.database_url)
    assert current_revisions(settings) == head_revisions(settings)
    down = run_peerlend("db", "downgrade", "base", database_url=settings.database_url)
    assert down.returncode == 0, down.stderr
    assert _tables(settings.database_url) <= {"alembic_version"}
    assert current_revisions(settings) == set()


def test_parser_knows_the_foundation_commands():
    from backend.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["db", "downgrade", "base"]).revision == "base"
    assert parser.parse_args(["apikey", "create", "--name", "n", "--roles", "reviewer"]).roles == "reviewer"
