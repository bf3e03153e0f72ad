"""What pending and WIP depend on: which pact contents a provider has verified successfully
(on a branch, with a tag, or at all), and which of those outside WIP mode."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    true,
    union,
)

from accord.broker.storage.bulk import id_chunks, ids_bound
from accord.broker.storage.schema import branch_verifications, branches, tags, verifications

__all__ = ["Verified", "unverified_outside_wip_on_branch", "verified", "verified_on_branch"]

Verified = tuple[set[int], set[int]]  # verified successfully at all, and outside WIP mode


def verified(
    conn: Connection,
    ids: list[int],
    provider_id: int,
    *,
    branch: str | None = None,
    tag: str | None = None,
) -> Verified:
    """Which of these pact versions the provider verified successfully: by a version on
    ``branch``, else with ``tag``, else at all."""
    by = "branch" if branch else "tag" if tag else "any"
    query = _verified_query(conn.dialect.name, by)
    ok: set[int] = set()
    outside_wip: set[int] = set()
    for chunk in id_chunks(conn, ids):
        params = {"ids": chunk, "provider_id": provider_id, "branch": branch, "tag": tag}
        for pact_version_id, wip in conn.execute(query, params).all():
            ok.add(pact_version_id)
            if not wip:
                outside_wip.add(pact_version_id)
    return ok, outside_wip


@functools.cache
def _verified_query(dialect: str, by: str) -> Select | CompoundSelect:
    """The successful verifications of the pact versions ``ids``, by a provider version on
    ``branch`` (``by="branch"``), with ``tag``, or any; built once per dialect and kind.

    The verifications are found by pact version alone: a pact version belongs to one
    consumer-provider pair, so every verification of it is by that provider. A test of the
    provider here would let SQLite scan all of the provider's verifications instead of
    looking up those of these pact versions (ten times slower on a long history).
    """
    provider_id = bindparam("provider_id", type_=Integer)
    if by == "branch":
        branch = bindparam("branch", type_=String)
        bv = branch_verifications
        on_branch = select(bv.c.pact_version_id, bv.c.wip).where(
            ids_bound(dialect, bv.c.pact_version_id, "ids"),
            bv.c.branch_id == _branch_id(provider_id, branch),
        )
        return union(on_branch, _successful(dialect, _off_branch(provider_id, branch)))
    condition = _by_tag(provider_id, bindparam("tag", type_=String)) if by == "tag" else true()
    return _successful(dialect, condition).distinct()


def _successful(dialect: str, condition: Any) -> Select:
    return select(verifications.c.pact_version_id, verifications.c.wip).where(
        ids_bound(dialect, verifications.c.pact_version_id, "ids"),
        verifications.c.success.is_(True),
        condition,
    )


def unverified_outside_wip_on_branch(pact_version_id: ColumnElement[int],
                                     provider_id: ColumnElement[int],
                                     branch: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL: the pact version ``pact_version_id`` (a column or parameter) lacks a successful
    verification outside WIP mode as ``verified(..., branch=...)`` judges it (its second
    set), so that a statement can keep only such pact versions. Two anti-joins, the cheap one
    first: most contents are verified on the branch, found by one probe of
    ``branch_verifications``; only the others have their verifications read."""
    bv = branch_verifications
    on_branch = exists().where(
        bv.c.pact_version_id == pact_version_id,
        bv.c.branch_id == _branch_id(provider_id, branch),
        bv.c.wip.is_(False),
    )
    otherwise = exists().where(
        verifications.c.pact_version_id == pact_version_id,
        verifications.c.success.is_(True),
        verifications.c.wip.is_(False),
        _off_branch(provider_id, branch),
    )
    return and_(~on_branch, ~otherwise)


def verified_on_branch(pact_version_id: ColumnElement[int],
                       provider_id: ColumnElement[int],
                       branch: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL, for a column of a few dozen rows: the pact version ``pact_version_id`` was
    verified successfully (in WIP mode or not) as ``verified(..., branch=...)`` judges it (its
    first set). Each test is a ``LIMIT 1`` lookup by index: as an ``EXISTS`` in the select
    list, PostgreSQL hashed every row of the branch instead (~1 ms)."""
    bv = branch_verifications
    on_branch = (
        select(bv.c.pact_version_id)
        .where(
            bv.c.pact_version_id == pact_version_id,
            bv.c.branch_id == _branch_id(provider_id, branch),
        )
        .limit(1)
        .scalar_subquery()
    )
    otherwise = (
        select(verifications.c.pact_version_id)
        .where(
            verifications.c.pact_version_id == pact_version_id,
            verifications.c.success.is_(True),
            _off_branch(provider_id, branch),
        )
        .limit(1)
        .scalar_subquery()
    )
    return or_(on_branch.is_not(None), otherwise.is_not(None))


def _branch_id(provider_id: Any, branch: Any) -> Any:
    b = branches.alias("provider_branch")
    return (
        select(b.c.id).where(b.c.pacticipant_id == provider_id, b.c.name == branch)
    ).scalar_subquery()


def _off_branch(provider_id: Any, branch: Any) -> Any:
    """What counts besides a verification by a version on the provider branch (those are in
    ``branch_verifications``): one made before that branch existed, or any when the provider
    has no such branch."""
    b = branches.alias("provider_branch")
    branch_row = select(b.c.id).where(b.c.pacticipant_id == provider_id, b.c.name == branch)
    created = select(b.c.created_at).where(b.c.pacticipant_id == provider_id, b.c.name == branch)
    return or_(~branch_row.exists(), verifications.c.created_at < created.scalar_subquery())


def _by_tag(provider_id: Any, tag: Any) -> Any:
    """Verified by a version with the provider tag, or before the tag was first used; any
    verification when the tag was never used."""
    first_tagged = (
        select(func.min(tags.c.created_at))
        .where(tags.c.pacticipant_id == provider_id, tags.c.name == tag)
        .scalar_subquery()
    )
    with_tag = exists().where(
        and_(tags.c.version_id == verifications.c.provider_version_id, tags.c.name == tag)
    )
    return or_(with_tag, first_tagged.is_(None), verifications.c.created_at < first_tagged)
