"""Delete old data that no decision depends on, in batches (``accord broker clean``).

Kept, per pacticipant: the latest version, the head of every branch, the latest version of
every tag, versions currently deployed or released, and everything younger than ``max_age``
days. Everything else is deleted with what hangs off it (publications, verifications, tags,
branch links, deployments); pact contents no publication uses any more go too. Growth of
versions and verifications from CI is what slows brokers down over time (#203, #354, #487).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, select

from accord.broker.storage import heads
from accord.broker.storage.schema import (
    branch_versions,
    deployed_versions,
    pact_publications,
    pact_versions,
    released_versions,
    tags,
    versions,
)
from accord.model.valueclass import dataclass

__all__ = ["CleanResult", "clean", "versions_to_delete"]


@dataclass
class CleanResult:
    versions_deleted: int
    pact_versions_deleted: int
    dry_run: bool


def _kept(conn: Connection, max_age_days: int) -> set[int]:
    keep: set[int] = set()
    keep.update(
        conn.execute(select(func.max(versions.c.id)).group_by(versions.c.pacticipant_id)).scalars()
    )
    keep.update(
        conn.execute(
            select(func.max(branch_versions.c.version_id)).group_by(
                branch_versions.c.pacticipant_id, branch_versions.c.branch_name
            )
        ).scalars()
    )
    keep.update(
        conn.execute(
            select(func.max(tags.c.version_id)).group_by(tags.c.pacticipant_id, tags.c.name)
        ).scalars()
    )
    keep.update(
        conn.execute(
            select(deployed_versions.c.version_id).where(
                deployed_versions.c.currently_deployed.is_(True)
            )
        ).scalars()
    )
    keep.update(
        conn.execute(
            select(released_versions.c.version_id).where(
                released_versions.c.support_ended_at.is_(None)
            )
        ).scalars()
    )
    cutoff = datetime.now(UTC) - timedelta(days=max_age_days)
    if conn.dialect.name == "sqlite":  # stored without an offset
        cutoff = cutoff.replace(tzinfo=None)
    keep.update(
        conn.execute(select(versions.c.id).where(versions.c.created_at >= cutoff)).scalars()
    )
    return keep


def versions_to_delete(conn: Connection, max_age_days: int = 90) -> list[int]:
    keep = _kept(conn, max_age_days)
    return [
        v
        for v in conn.execute(select(versions.c.id).order_by(versions.c.id)).scalars()
        if v not in keep
    ]


def clean(
    engine: Engine, *, max_age_days: int = 90, batch_size: int = 500, dry_run: bool = False
) -> CleanResult:
    """Delete in batches of ``batch_size`` versions, each batch in its own transaction."""
    with engine.connect() as conn:
        doomed = versions_to_delete(conn, max_age_days)
    if dry_run:
        return CleanResult(len(doomed), 0, True)
    for i in range(0, len(doomed), batch_size):
        with engine.begin() as conn:
            batch = doomed[i : i + batch_size]
            owners = select(versions.c.pacticipant_id).where(versions.c.id.in_(batch)).distinct()
            pids = list(conn.execute(owners).scalars())
            conn.execute(delete(versions).where(versions.c.id.in_(batch)))
            heads.recompute(conn, pids)
    with engine.begin() as conn:
        used = select(pact_publications.c.pact_version_id)
        result = conn.execute(delete(pact_versions).where(pact_versions.c.id.not_in(used)))
        orphans = result.rowcount or 0
    return CleanResult(len(doomed), orphans, False)
