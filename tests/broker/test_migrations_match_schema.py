"""The Alembic migrations build exactly the tables that storage/schema.py describes: tables,
columns, types, nullability, indexes, unique constraints and foreign keys (Alembic's
autogenerate comparison, on SQLite and, under the postgres marker, PostgreSQL); and that
comparison notices a difference of each of those kinds."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, Text, UniqueConstraint

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


def _changed(change: str) -> MetaData:
    """A copy of the declared schema with one deliberate difference."""
    copy = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(copy)
    versions, tags = copy.tables["versions"], copy.tables["tags"]
    if change == "nullability":
        versions.c.build_url.nullable = not versions.c.build_url.nullable
    elif change == "type":
        versions.c.number.type = Text()
    elif change == "index":
        versions.indexes.remove(next(iter(versions.indexes)))
    elif change == "unique constraint":
        unique = next(c for c in versions.constraints if isinstance(c, UniqueConstraint))
        versions.constraints.remove(unique)
    elif change == "foreign key":
        foreign = next(iter(tags.foreign_key_constraints))
        tags.constraints.remove(foreign)
        for column in foreign.columns:
            column.foreign_keys.clear()
    elif change == "column":
        Table("versions", copy, Column("extra", Integer), extend_existing=True)
    elif change == "table":
        Table("extra", copy, Column("id", Integer, primary_key=True))
    return copy


@pytest.mark.parametrize(
    "change",
    ["nullability", "type", "index", "unique constraint", "foreign key", "column", "table"],
)
def test_the_comparison_sees_each_kind_of_difference(database_url, change):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn)
            differences = compare_metadata(context, _changed(change))
    finally:
        engine.dispose()
    assert differences, f"a changed {change} went unnoticed"
