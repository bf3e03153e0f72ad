"""Provider contracts (bi-directional contract testing) and their cached comparisons with pacts.

Plain functions over a ``Connection`` inside the caller's transaction, as the other
repositories. A provider version has at most one contract; publishing again replaces it (its
comparisons are keyed by the contract's SHA too, so stale ones are never read).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, delete, select

from accord.broker.clock import now
from accord.broker.storage.bulk import dialect_insert, id_chunks, id_in
from accord.broker.storage.schema import (
    contract_comparisons,
    pact_publications,
    pact_versions,
    provider_contracts,
    versions,
)

__all__ = [
    "comparisons_between",
    "comparisons_for_contract",
    "contract_by_id",
    "contract_for_version",
    "contract_summaries",
    "find_comparison",
    "forget_comparisons",
    "latest_contracts",
    "recent_pact_versions_for_provider",
    "save_comparison",
    "save_contract",
]

pc, cc = provider_contracts, contract_comparisons


def _contract_query() -> Any:
    return select(*pc.c, versions.c.number.label("provider_version_number")).join(
        versions, versions.c.id == pc.c.provider_version_id
    )


def save_contract(conn: Connection, provider_id: int, version_id: int, **fields: object) -> Row:
    """Create or replace the contract of a provider version."""
    ts = now()
    values = {"provider_id": provider_id, "provider_version_id": version_id, **fields}
    conn.execute(
        dialect_insert(conn, pc)
        .values(**values, created_at=ts, updated_at=ts)
        .on_conflict_do_update(
            index_elements=["provider_version_id"], set_={**fields, "updated_at": ts}
        )
    )
    found = contract_for_version(conn, version_id)
    assert found is not None  # just written in this transaction
    return found


def contract_for_version(conn: Connection, version_id: int) -> Row | None:
    return conn.execute(_contract_query().where(pc.c.provider_version_id == version_id)).first()


def contract_by_id(conn: Connection, contract_id: int) -> Row | None:
    return conn.execute(_contract_query().where(pc.c.id == contract_id)).first()


def latest_contracts(conn: Connection, provider_id: int, limit: int) -> list[Row]:
    """The provider's most recently published contracts (newest first)."""
    query = (
        _contract_query()
        .where(pc.c.provider_id == provider_id)
        .order_by(pc.c.updated_at.desc(), pc.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query).all())


def recent_pact_versions_for_provider(conn: Connection, provider_id: int, limit: int) -> list[Row]:
    """Distinct pact contents published for the provider, most recently published first."""
    latest = (
        select(pact_publications.c.pact_version_id, pact_publications.c.id)
        .where(pact_publications.c.provider_id == provider_id)
        .order_by(pact_publications.c.id.desc())
    )
    seen: list[int] = []
    for pact_version_id, _ in conn.execute(latest):
        if pact_version_id not in seen:
            seen.append(pact_version_id)
            if len(seen) >= limit:
                break
    if not seen:
        return []
    rows = {
        r.id: r
        for r in conn.execute(select(pact_versions).where(pact_versions.c.id.in_(seen))).all()
    }
    return [rows[i] for i in seen if i in rows]


def find_comparison(
    conn: Connection, contract_id: int, contract_sha: str, pact_version_id: int
) -> Row | None:
    return conn.execute(
        select(cc).where(
            cc.c.provider_contract_id == contract_id,
            cc.c.contract_sha == contract_sha,
            cc.c.pact_version_id == pact_version_id,
        )
    ).first()


def save_comparison(
    conn: Connection,
    contract_id: int,
    contract_sha: str,
    pact_version_id: int,
    success: bool,
    report: str,
) -> None:
    conn.execute(
        dialect_insert(conn, cc)
        .values(
            provider_contract_id=contract_id,
            contract_sha=contract_sha,
            pact_version_id=pact_version_id,
            success=success,
            report=report,
            created_at=now(),
        )
        .on_conflict_do_nothing(
            index_elements=["provider_contract_id", "pact_version_id", "contract_sha"]
        )
    )


def forget_comparisons(conn: Connection, contract_id: int, keep_sha: str) -> None:
    """Drop the comparisons of a replaced contract's earlier content."""
    conn.execute(
        delete(cc).where(cc.c.provider_contract_id == contract_id, cc.c.contract_sha != keep_sha)
    )


def comparisons_for_contract(conn: Connection, contract: Row) -> list[Row]:
    """The contract's comparisons with the pact's consumer and provider ids, newest first."""
    query = (
        select(cc, pact_versions.c.consumer_id, pact_versions.c.sha.label("pact_sha"))
        .join(pact_versions, pact_versions.c.id == cc.c.pact_version_id)
        .where(cc.c.provider_contract_id == contract.id, cc.c.contract_sha == contract.sha)
        .order_by(cc.c.id.desc())
    )
    return list(conn.execute(query).all())


def contract_summaries(conn: Connection, provider_ids: list[int]) -> list[Row]:
    """The contracts of many providers without their documents (for the matrix), oldest
    first; one statement per chunk of ids."""
    columns = [c for c in pc.c if c.name not in ("content", "self_verification_content")]
    query = select(*columns).order_by(pc.c.id)
    out: list[Row] = []
    for chunk in id_chunks(conn, sorted(set(provider_ids))):
        out += conn.execute(query.where(id_in(conn, pc.c.provider_id, chunk))).all()
    return sorted(out, key=lambda r: r.id)


def comparisons_between(
    conn: Connection, contract_ids: list[int], pact_version_ids: list[int]
) -> dict[tuple[int, int, str], Row]:
    """Stored comparisons by (contract id, pact version id, contract SHA)."""
    out: dict[tuple[int, int, str], Row] = {}
    for chunk in id_chunks(conn, sorted(set(pact_version_ids))):
        query = select(cc).where(
            id_in(conn, cc.c.pact_version_id, chunk),
            cc.c.provider_contract_id.in_(sorted(set(contract_ids))),
        )
        for row in conn.execute(query):
            out[(row.provider_contract_id, row.pact_version_id, row.contract_sha)] = row
    return out
