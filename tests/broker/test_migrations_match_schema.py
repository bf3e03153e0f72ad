"""The Alembic migrations build exactly the tables that storage/schema.py describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from accord.broker.storage.db import make_engine
from accord.broker.storage.schema import metadata


def test_migrated_database_matches_the_schema(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert differences == []
