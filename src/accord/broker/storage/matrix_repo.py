"""The matrix's reads: versions a selector names, integration partners, publications of many
consumer versions and the latest verification per (pact content, provider version), each in
one set-based statement (per id chunk), so can-i-deploy costs the same whatever the count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Select, func, literal, select, union_all

from accord.broker.storage import pacts_repo, verifications_repo
from accord.broker.storage.bulk import id_chunks, id_in
from accord.broker.storage.schema import (
    branch_versions,
    deployed_versions,
    environments,
    integrations,
    pact_publications,
    pacticipants,
    released_versions,
    tags,
    verifications,
    versions,
)

__all__ = [
    "consumer_ids_of_provider",
    "current_versions",
    "environments_by_name",
    "latest_verifications",
    "pacticipants_by_id",
    "provider_ids_of_consumer",
    "publications_for_pair",
    "publications_of_versions",
    "selected_versions",
    "versions_by_id",
]

pp = pact_publications


def versions_by_id(conn: Connection, ids: list[int]) -> dict[int, Row]:
    out: dict[int, Any] = {}
    for chunk in id_chunks(conn, ids):
        for row in conn.execute(select(versions).where(id_in(conn, versions.c.id, chunk))).all():
            out[row.id] = row
    return out


def environments_by_name(conn: Connection) -> dict[str, Row]:
    return {row.name: row for row in conn.execute(select(environments))}


def pacticipants_by_id(conn: Connection, ids: list[int]) -> dict[int, Row]:
    return {
        r.id: r
        for r in conn.execute(select(pacticipants).where(id_in(conn, pacticipants.c.id, ids)))
    }


def current_versions(
    conn: Connection, pacticipant_ids: list[int], environment_id: int
) -> list[Row]:
    """Version rows currently deployed, then currently released, to the environment (each in
    the order recorded); one statement."""
    parts = [
        select(versions, literal(order).label("kind_order"), table.c.id.label("row_id"))
        .join(table, table.c.version_id == versions.c.id)
        .where(
            id_in(conn, table.c.pacticipant_id, pacticipant_ids),
            table.c.environment_id == environment_id,
            current,
        )
        for order, table, current in (
            (0, deployed_versions, deployed_versions.c.currently_deployed.is_(True)),
            (1, released_versions, released_versions.c.support_ended_at.is_(None)),
        )
    ]
    rows = conn.execute(union_all(*parts)).all()
    return sorted(rows, key=lambda r: (r.kind_order, r.row_id))


def _version_query(
    pacticipant_id: int, environment_id: int | None, tag: str | None, branch_names: list[str]
) -> Select:
    """The versions of the pacticipant (currently in the environment, tagged, on every branch
    named), oldest first."""
    query = select(versions).where(versions.c.pacticipant_id == pacticipant_id)
    if environment_id is not None:
        current = union_all(
            select(deployed_versions.c.version_id).where(
                deployed_versions.c.environment_id == environment_id,
                deployed_versions.c.currently_deployed.is_(True),
            ),
            select(released_versions.c.version_id).where(
                released_versions.c.environment_id == environment_id,
                released_versions.c.support_ended_at.is_(None),
            ),
        )
        query = query.where(versions.c.id.in_(current))
    if tag:
        query = query.where(
            versions.c.id.in_(
                select(tags.c.version_id).where(
                    tags.c.pacticipant_id == pacticipant_id, tags.c.name == tag
                )
            )
        )
    for name in branch_names:
        query = query.where(
            versions.c.id.in_(
                select(branch_versions.c.version_id).where(
                    branch_versions.c.pacticipant_id == pacticipant_id,
                    branch_versions.c.branch_name == name,
                )
            )
        )
    return query.order_by(versions.c.id)


def selected_versions(
    conn: Connection,
    pacticipant_id: int,
    *,
    environment_id: int | None,
    tag: str | None,
    branch_names: list[str],
    latest: bool,
) -> list[Row]:
    """The versions a selector names, oldest first (only the newest when ``latest``)."""
    query = _version_query(pacticipant_id, environment_id, tag, branch_names)
    if latest:
        row = conn.execute(query.order_by(None).order_by(versions.c.id.desc()).limit(1)).first()
        return [row] if row is not None else []
    return list(conn.execute(query).all())


def provider_ids_of_consumer(
    conn: Connection, consumer_id: int, version_ids: list[int] | None
) -> list[int]:
    """The providers of the consumer's pacts (of these versions, unless None)."""
    pq = select(pp.c.provider_id).where(pp.c.consumer_id == consumer_id).distinct()
    if version_ids is not None:
        pq = pq.where(pp.c.consumer_version_id.in_(version_ids or [-1]))
    return list(conn.execute(pq).scalars())


def consumer_ids_of_provider(conn: Connection, provider_id: int) -> list[int]:
    cq = select(integrations.c.consumer_id).where(integrations.c.provider_id == provider_id)
    return list(conn.execute(cq).scalars())


def publications_of_versions(
    conn: Connection, consumer_version_ids: list[int], provider_ids: list[int]
) -> list[Row]:
    """The publications of these consumer versions with these providers."""
    out: list[Row] = []
    for chunk in id_chunks(conn, consumer_version_ids):
        q = pacts_repo.publication_query().where(
            id_in(conn, pp.c.consumer_version_id, chunk),
            id_in(conn, pp.c.provider_id, provider_ids),
        )
        out += conn.execute(q).all()
    return out


def publications_for_pair(conn: Connection, consumer_id: int, provider_id: int) -> list[Row]:
    q = pacts_repo.publication_query().where(
        pp.c.consumer_id == consumer_id, pp.c.provider_id == provider_id
    )
    return list(conn.execute(q).all())


def latest_verifications(conn: Connection, pact_version_ids: list[int]) -> list[Row]:
    """The latest verification per (pact content, provider version) of these contents, oldest
    first; one statement per id chunk."""
    out: list[Row] = []
    for chunk in id_chunks(conn, pact_version_ids):
        latest = (
            select(func.max(verifications.c.id))
            .where(id_in(conn, verifications.c.pact_version_id, chunk))
            .group_by(verifications.c.pact_version_id, verifications.c.provider_version_id)
        )
        q = verifications_repo.verification_query().where(verifications.c.id.in_(latest))
        out += conn.execute(q.order_by(verifications.c.id)).all()
    return out
