"""The service's database code on a real PostgreSQL server: migrations up and down, models matching
the migrations, and the row locks that serialise one applicant's loan applications."""

from __future__ import annotations

import threading
import time

from sqlalchemy import inspect, select

from backend.core.settings import Settings
from backend.db.migrate import current_revisions, downgrade, head_revisions, upgrade
from backend.db.session import create_db_engine, make_sessionmaker
from backend.risk import gates
from backend.risk.models import ApplicationGate
from tests.support.migrations import schema_diffs


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_upgrade_downgrade_and_upgrade_again(postgres_url):
    settings = Settings(env="test", database_url=postgres_url)
    upgrade("head", settings)
    assert current_revisions(settings) == head_revisions(settings)
    expected = {"loan_applications", "chain_loans", "risk_application_gates", "audit_log"}
    assert expected <= _tables(postgres_url)
    downgrade("base", settings)
    assert _tables(postgres_url) == set()
    upgrade("head", settings)
    assert current_revisions(settings) == head_revisions(settings)


def test_models_match_the_migrations(postgres_url):
    upgrade("head", Settings(env="test", database_url=postgres_url))
    assert schema_diffs(postgres_url) == []


def test_one_applicants_gate_is_held_until_the_application_commits(postgres_url):
    upgrade("head", Settings(env="test", database_url=postgres_url))
    engine = create_db_engine(postgres_url)
    sessions = make_sessionmaker(engine)
    second_passed = threading.Event()

    def second_application():
        with sessions() as s:
            gates.hold(s, "wallet:0xabc")
            second_passed.set()
            s.commit()

    try:
        with sessions() as first:
            gates.hold(first, "wallet:0xabc")
            other = threading.Thread(target=second_application)
            other.start()
            # another applicant is not held up
            with sessions() as unrelated:
                gates.hold(unrelated, "wallet:0xdef")
                unrelated.commit()
            time.sleep(0.5)
            assert not second_passed.is_set()  # waiting on the first application's row lock
            first.commit()
        other.join(timeout=10)
        assert second_passed.is_set()
        with sessions() as s:
            counts = dict(s.execute(select(ApplicationGate.subject, ApplicationGate.applications)).all())
        assert counts == {"wallet:0xabc": 2, "wallet:0xdef": 1}
    finally:
        engine.dispose()
