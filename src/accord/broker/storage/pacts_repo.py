"""Repositories for pact publications, pact versions, integrations and verifications."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, delete, func, insert, select, update

from accord.broker.api.hal import now
from accord.broker.storage.schema import (
    branch_versions,
    integrations,
    pact_publications,
    pact_versions,
    pacticipants,
    tags,
    verifications,
    versions,
)

pp, pv, v = pact_publications, pact_versions, versions


def publication_query(with_content: bool = False) -> Select:
    """Publications with consumer version number/order and the pact version SHA."""
    cols = [
        pp.c.id,
        pp.c.consumer_id,
        pp.c.provider_id,
        pp.c.consumer_version_id,
        pp.c.pact_version_id,
        pp.c.revision_number,
        pp.c.created_at,
        pp.c.updated_at,
        v.c.number.label("consumer_version_number"),
        pv.c.sha,
    ]
    if with_content:
        cols.append(pv.c.content)
    return (
        select(*cols)
        .join(v, v.c.id == pp.c.consumer_version_id)
        .join(pv, pv.c.id == pp.c.pact_version_id)
    )


def find_pact_version(conn: Connection, consumer_id: int, provider_id: int, sha: str) -> Row | None:
    return conn.execute(
        select(pv).where(
            pv.c.consumer_id == consumer_id, pv.c.provider_id == provider_id, pv.c.sha == sha
        )
    ).first()


def get_or_create_pact_version(
    conn: Connection, consumer_id: int, provider_id: int, sha: str, content: dict[str, Any]
) -> Row:
    row = find_pact_version(conn, consumer_id, provider_id, sha)
    if row is not None:
        return row
    count = len(content.get("interactions") or []) + len(content.get("messages") or [])
    conn.execute(
        insert(pv).values(
            consumer_id=consumer_id,
            provider_id=provider_id,
            sha=sha,
            content=json.dumps(content, ensure_ascii=False),
            interactions_count=count,
            created_at=now(),
        )
    )
    row = find_pact_version(conn, consumer_id, provider_id, sha)
    assert row is not None
    return row


def find_publication(
    conn: Connection, consumer_version_id: int, provider_id: int, with_content: bool = False
) -> Row | None:
    return conn.execute(
        publication_query(with_content).where(
            pp.c.consumer_version_id == consumer_version_id, pp.c.provider_id == provider_id
        )
    ).first()


def save_publication(
    conn: Connection,
    consumer_id: int,
    provider_id: int,
    consumer_version_id: int,
    pact_version_id: int,
) -> tuple[Row, str]:
    """Create or re-point the publication; returns it with "created", "updated" or "same"."""
    existing = find_publication(conn, consumer_version_id, provider_id)
    ts = now()
    if existing is None:
        conn.execute(
            insert(pp).values(
                consumer_id=consumer_id,
                provider_id=provider_id,
                consumer_version_id=consumer_version_id,
                pact_version_id=pact_version_id,
                created_at=ts,
                updated_at=ts,
            )
        )
        outcome = "created"
    elif existing.pact_version_id != pact_version_id:
        conn.execute(
            update(pp)
            .where(pp.c.id == existing.id)
            .values(
                pact_version_id=pact_version_id,
                revision_number=existing.revision_number + 1,
                updated_at=ts,
            )
        )
        outcome = "updated"
    else:
        outcome = "same"
    touch_integration(conn, consumer_id, provider_id)
    row = find_publication(conn, consumer_version_id, provider_id)
    assert row is not None
    return row, outcome


def touch_integration(conn: Connection, consumer_id: int, provider_id: int) -> None:
    ts = now()
    found = conn.execute(
        select(integrations.c.id).where(
            integrations.c.consumer_id == consumer_id, integrations.c.provider_id == provider_id
        )
    ).first()
    if found is None:
        conn.execute(
            insert(integrations).values(
                consumer_id=consumer_id,
                provider_id=provider_id,
                created_at=ts,
                contract_data_updated_at=ts,
            )
        )
    else:
        conn.execute(
            update(integrations)
            .where(integrations.c.id == found.id)
            .values(contract_data_updated_at=ts)
        )


def latest_publication(
    conn: Connection,
    consumer_id: int,
    provider_id: int,
    tag: str | None = None,
    branch: str | None = None,
    untagged: bool = False,
    with_content: bool = False,
) -> Row | None:
    query = publication_query(with_content).where(
        pp.c.consumer_id == consumer_id, pp.c.provider_id == provider_id
    )
    if tag is not None:
        query = query.join(
            tags, and_(tags.c.version_id == pp.c.consumer_version_id, tags.c.name == tag)
        )
    if branch is not None:
        query = query.join(
            branch_versions,
            and_(
                branch_versions.c.version_id == pp.c.consumer_version_id,
                branch_versions.c.branch_name == branch,
            ),
        )
    if untagged:
        query = query.where(
            ~select(tags.c.name).where(tags.c.version_id == pp.c.consumer_version_id).exists()
        )
    return conn.execute(query.order_by(pp.c.consumer_version_id.desc()).limit(1)).first()


def latest_publications_for_provider(
    conn: Connection, provider_id: int | None, tag: str | None = None, branch: str | None = None
) -> list[Row]:
    """The latest publication per integration (optionally by consumer tag or branch)."""
    inner = select(
        pp.c.consumer_id, pp.c.provider_id, func.max(pp.c.consumer_version_id).label("cvid")
    )
    if provider_id is not None:
        inner = inner.where(pp.c.provider_id == provider_id)
    if tag is not None:
        inner = inner.join(
            tags, and_(tags.c.version_id == pp.c.consumer_version_id, tags.c.name == tag)
        )
    if branch is not None:
        inner = inner.join(
            branch_versions,
            and_(
                branch_versions.c.version_id == pp.c.consumer_version_id,
                branch_versions.c.branch_name == branch,
            ),
        )
    sub = inner.group_by(pp.c.consumer_id, pp.c.provider_id).subquery()
    query = publication_query().join(
        sub, and_(sub.c.cvid == pp.c.consumer_version_id, sub.c.provider_id == pp.c.provider_id)
    )
    return list(conn.execute(query.order_by(pp.c.consumer_id, pp.c.provider_id)))


def publications_for_versions(
    conn: Connection, consumer_version_ids: list[int], provider_id: int | None = None
) -> list[Row]:
    out: list[Row] = []
    ids = list(dict.fromkeys(consumer_version_ids))
    for i in range(0, len(ids), 500):
        query = publication_query().where(pp.c.consumer_version_id.in_(ids[i : i + 500]))
        if provider_id is not None:
            query = query.where(pp.c.provider_id == provider_id)
        out.extend(conn.execute(query))
    return out


def publications_between(
    conn: Connection,
    consumer_id: int,
    provider_id: int,
    tag: str | None = None,
    branch: str | None = None,
) -> list[Row]:
    query = publication_query().where(
        pp.c.consumer_id == consumer_id, pp.c.provider_id == provider_id
    )
    if tag is not None:
        query = query.join(
            tags, and_(tags.c.version_id == pp.c.consumer_version_id, tags.c.name == tag)
        )
    if branch is not None:
        query = query.join(
            branch_versions,
            and_(
                branch_versions.c.version_id == pp.c.consumer_version_id,
                branch_versions.c.branch_name == branch,
            ),
        )
    return list(conn.execute(query.order_by(pp.c.consumer_version_id.desc())))


def publications_for_pact_version(conn: Connection, pact_version_id: int) -> list[Row]:
    return list(
        conn.execute(
            publication_query()
            .where(pp.c.pact_version_id == pact_version_id)
            .order_by(pp.c.consumer_version_id.desc())
        )
    )


def pact_version_by_sha(
    conn: Connection, consumer_id: int, provider_id: int, sha: str
) -> Row | None:
    return find_pact_version(conn, consumer_id, provider_id, sha)


def delete_publication(conn: Connection, publication_id: int) -> None:
    conn.execute(delete(pp).where(pp.c.id == publication_id))


def integration_rows(conn: Connection) -> list[Row]:
    c = pacticipants.alias("c")
    p = pacticipants.alias("p")
    return list(
        conn.execute(
            select(
                integrations.c.consumer_id,
                integrations.c.provider_id,
                integrations.c.created_at,
                integrations.c.contract_data_updated_at,
                c.c.name.label("consumer_name"),
                p.c.name.label("provider_name"),
            )
            .join(c, c.c.id == integrations.c.consumer_id)
            .join(p, p.c.id == integrations.c.provider_id)
            .order_by(c.c.name, p.c.name)
        )
    )


def consumers_of(conn: Connection, provider_id: int) -> list[int]:
    return list(
        conn.execute(
            select(integrations.c.consumer_id).where(integrations.c.provider_id == provider_id)
        ).scalars()
    )


# -- verifications -----------------------------------------------------------------------------


def create_verification(conn: Connection, **values: Any) -> Row:
    ts = now()
    result = conn.execute(
        insert(verifications)
        .values(created_at=ts, execution_date=ts, **values)
        .returning(verifications.c.id)
    )
    vid = result.scalar_one()
    return conn.execute(select(verifications).where(verifications.c.id == vid)).one()


def verification_query() -> Select:
    return select(verifications, v.c.number.label("provider_version_number")).join(
        v, v.c.id == verifications.c.provider_version_id
    )


def latest_verification_for_pact_version(conn: Connection, pact_version_id: int) -> Row | None:
    return conn.execute(
        verification_query()
        .where(verifications.c.pact_version_id == pact_version_id)
        .order_by(verifications.c.id.desc())
        .limit(1)
    ).first()


def verification_by_id(conn: Connection, vid: int) -> Row | None:
    return conn.execute(verification_query().where(verifications.c.id == vid)).first()
