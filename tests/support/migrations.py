"""What differs between the migrated schema of a database and the SQLAlchemy models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.db.base import Base
from backend.db.models_registry import import_all_models
from backend.db.session import create_db_engine


def schema_diffs(database_url: str) -> list:
    """Alembic's autogenerate differences (types compared) of the database at `database_url`."""
    import_all_models()
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
