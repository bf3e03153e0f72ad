"""Repository for verification results: recording them, finding the latest, and whether a
pact content still needs one."""

from __future__ import annotations

from sqlalchemy import Connection, Row, Select, delete, func, insert, select, union_all

from accord.broker.clock import now
from accord.broker.storage import branch_verifications
from accord.broker.storage.schema import (
    branch_versions,
    deployed_versions,
    released_versions,
    verifications,
    versions,
)

v = versions


def create_verification(conn: Connection, **values: object) -> Row:
    ts = now()
    row = conn.execute(
        insert(verifications)
        .values(created_at=ts, execution_date=ts, **values)
        .returning(*verifications.c)
    ).one()
    branch_verifications.on_verification_recorded(conn, row)
    return row


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


def search_latest_verification(
    conn: Connection, consumer_ids: list[int] | None, provider_ids: list[int] | None
) -> Row | None:
    """The latest verification among the given consumers and providers (None: any)."""
    query = verification_query()
    if consumer_ids is not None:
        query = query.where(verifications.c.consumer_id.in_(consumer_ids))
    if provider_ids is not None:
        query = query.where(verifications.c.provider_id.in_(provider_ids))
    order = (verifications.c.execution_date.desc(), verifications.c.id.desc())
    return conn.execute(query.order_by(*order).limit(1)).first()


def has_verification(conn: Connection, pact_version_id: int, provider_version_id: int) -> bool:
    """Whether this provider version has verified this pact content (any result)."""
    return (
        conn.execute(
            select(verifications.c.id)
            .where(
                verifications.c.pact_version_id == pact_version_id,
                verifications.c.provider_version_id == provider_version_id,
            )
            .limit(1)
        ).first()
        is not None
    )


def verification_ids_of_pact_versions(
    conn: Connection, pact_version_ids: set[int]
) -> list[tuple[int, int]]:
    """(verification id, pact version id) of every verification of these contents, oldest first."""
    q = (
        select(verifications.c.id, verifications.c.pact_version_id)
        .where(verifications.c.pact_version_id.in_(pact_version_ids))
        .order_by(verifications.c.id)
    )
    return [(vid, pvid) for vid, pvid in conn.execute(q)]


def delete_verification(conn: Connection, verification_id: int, pact_version_id: int) -> bool:
    """Delete one verification result of this content; False if there is none."""
    result = conn.execute(
        delete(verifications).where(
            verifications.c.id == verification_id,
            verifications.c.pact_version_id == pact_version_id,
        )
    )
    return bool(result.rowcount)


def verifications_by_provider_version(conn: Connection, provider_version_id: int) -> list[Row]:
    return list(
        conn.execute(
            verification_query().where(verifications.c.provider_version_id == provider_version_id)
        )
    )


def requires_verification(conn: Connection, provider: Row, pact_version_id: int) -> bool:
    """Whether a provider version that matters (its main branch head, or deployed or released
    anywhere) has not verified this content: ``contract_requiring_verification_published``.
    One statement."""
    dv, rv, bv = deployed_versions, released_versions, branch_versions
    parts = [
        select(dv.c.version_id.label("vid")).where(
            dv.c.pacticipant_id == provider.id, dv.c.currently_deployed.is_(True)
        ),
        select(rv.c.version_id.label("vid")).where(
            rv.c.pacticipant_id == provider.id, rv.c.support_ended_at.is_(None)
        ),
    ]
    if provider.main_branch:
        parts.append(
            select(func.max(bv.c.version_id).label("vid")).where(
                bv.c.pacticipant_id == provider.id, bv.c.branch_name == provider.main_branch
            )
        )
    wanted = union_all(*parts).subquery()
    verified = select(verifications.c.id).where(
        verifications.c.pact_version_id == pact_version_id,
        verifications.c.provider_version_id == wanted.c.vid,
    )
    query = select(wanted.c.vid).where(wanted.c.vid.is_not(None), ~verified.exists())
    return conn.execute(query.limit(1)).first() is not None


def any_verification(conn: Connection, consumer_id: int, provider_id: int) -> bool:
    query = select(verifications.c.id).where(
        verifications.c.consumer_id == consumer_id, verifications.c.provider_id == provider_id
    )
    return conn.execute(query.limit(1)).first() is not None
