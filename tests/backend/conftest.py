"""Fixtures shared by every service test folder.

HTTP tests run the real app over HTTP (`live_server`, `module_server_factory`, `server_factory`; see
tests/support/server.py). Service-level tests call `backend/<domain>/service.py` with `session`: a real
SQLAlchemy session on a database of the test's own, migrated with the project's migrations (SQLite, or
PostgreSQL with PEERLEND_TEST_DATABASE=postgresql; tests/support/database.py), under the fixed `clock`.
Their rows come from tests/backend/factories. A module uses one kind or the other: the clock is the
process's, so it is never frozen under a running server.
"""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.core.settings import Settings
from backend.db.session import create_db_engine, make_sessionmaker
from backend.kyc.config import KycSettings
from backend.risk.config import RiskSettings
from backend.risk.model_store import get_scorecard
from backend.risk.scorecard import Scorecard
from tests.backend.factories.clock import Clock, freeze
from tests.support.database import migrated_database
from tests.support.server import live_server, module_server_factory, server_factory  # noqa: F401


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The service's clock, fixed at factories.clock.NOW and moving only as the test says."""
    clock = Clock()
    freeze(monkeypatch, clock)
    return clock


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    with migrated_database(tmp_path) as url:
        yield url


@pytest.fixture
def app_settings(database_url) -> Settings:
    """The service's settings on the test's database, with no chain (attestations and offer signatures
    are recorded as failed or unavailable, as when the node is out of reach)."""
    return Settings(env="test", database_url=database_url, log_level="WARNING")


@pytest.fixture
def kyc_settings() -> KycSettings:
    return KycSettings(env="test")


@pytest.fixture
def risk_settings() -> RiskSettings:
    return RiskSettings()


@pytest.fixture(scope="session")
def scorecard() -> Scorecard:
    return get_scorecard(RiskSettings())


@pytest.fixture
def db_engine(app_settings) -> Iterator[Engine]:
    engine = create_db_engine(app_settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db_engine) -> sessionmaker[Session]:
    """More sessions on the test's database, for what runs beside the test's own (other requests)."""
    return make_sessionmaker(db_engine)


@pytest.fixture
def session(sessions, clock) -> Iterator[Session]:
    with sessions() as s:
        yield s
