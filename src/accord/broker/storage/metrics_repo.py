"""Row counts for ``/metrics``."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from accord.broker.storage.schema import (
    pact_publications,
    pact_versions,
    pacticipants,
    verifications,
    versions,
)

__all__ = ["row_counts"]


def row_counts(conn: Connection) -> dict[str, int]:
    """How many rows each counted table holds, by table name."""
    return {
        table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for table in (pacticipants, pact_publications, pact_versions, verifications, versions)
    }
