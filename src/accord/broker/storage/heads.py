"""The stored head of every branch and tag (``schema.heads``): advanced when a version joins a
branch or gets a tag, recomputed for a pacticipant when branch versions, tags or versions are
removed. The repository functions that make those changes call these in their transaction
(nothing else writes branch versions or tags), so the stored heads always equal the computed
ones (``computed_heads``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Subquery,
    case,
    delete,
    func,
    literal,
    select,
    true,
    union_all,
)

from accord.broker.storage.bulk import dialect_insert, id_chunks, id_in
from accord.broker.storage.schema import branch_versions, heads, tags

__all__ = ["advance", "computed_heads", "recompute", "recompute_all", "stored_heads"]


def advance(conn: Connection, pacticipant_id: int, kind: str, name: str, version_id: int) -> None:
    """``version_id`` joined branch (or got tag) ``name``: it is the head unless a later version
    already is (one statement; a concurrent publisher on PostgreSQL waits for the row)."""
    stmt = dialect_insert(conn, heads).values(
        pacticipant_id=pacticipant_id, kind=kind, name=name, version_id=version_id
    )
    conn.execute(_keep_greater(stmt))


def _keep_greater(stmt: Any) -> Any:
    new = stmt.excluded.version_id
    return stmt.on_conflict_do_update(
        index_elements=["pacticipant_id", "kind", "name"],
        set_={"version_id": case((new > heads.c.version_id, new), else_=heads.c.version_id)},
    )


def _computed(
    where_bv: ColumnElement[bool] | None, where_tag: ColumnElement[bool] | None
) -> Subquery:
    bv = branch_versions
    branch_q = select(
        bv.c.pacticipant_id, literal("branch"), bv.c.branch_name, func.max(bv.c.version_id)
    )
    tag_q = select(tags.c.pacticipant_id, literal("tag"), tags.c.name, func.max(tags.c.version_id))
    if where_bv is not None and where_tag is not None:
        branch_q, tag_q = branch_q.where(where_bv), tag_q.where(where_tag)
    return union_all(
        branch_q.group_by(bv.c.pacticipant_id, bv.c.branch_name),
        tag_q.group_by(tags.c.pacticipant_id, tags.c.name),
    ).subquery()


def recompute(conn: Connection, pacticipant_ids: Iterable[int]) -> None:
    """Compute the heads of these pacticipants again from their branch versions and tags (after
    something was removed): two statements per chunk of ids, whatever the history."""
    for chunk in id_chunks(conn, pacticipant_ids):
        conn.execute(delete(heads).where(id_in(conn, heads.c.pacticipant_id, chunk)))
        found = _computed(
            id_in(conn, branch_versions.c.pacticipant_id, chunk),
            id_in(conn, tags.c.pacticipant_id, chunk),
        )
        _insert_from(conn, found)


def recompute_all(conn: Connection) -> None:
    """Every head again, from the whole history (after bulk loading)."""
    conn.execute(delete(heads))
    _insert_from(conn, _computed(None, None))


def _insert_from(conn: Connection, found: Any) -> None:
    columns = ["pacticipant_id", "kind", "name", "version_id"]
    # WHERE true: SQLite cannot tell an INSERT ... SELECT's ON CONFLICT from a join without it
    rows = select(*found.c).where(true())
    stmt = dialect_insert(conn, heads).from_select(columns, rows)
    conn.execute(_keep_greater(stmt))


def stored_heads(conn: Connection) -> set[tuple[int, str, str, int]]:
    """Every stored head as (pacticipant id, kind, name, version id)."""
    rows = conn.execute(
        select(heads.c.pacticipant_id, heads.c.kind, heads.c.name, heads.c.version_id)
    )
    return {(p, k, n, v) for p, k, n, v in rows}


def computed_heads(conn: Connection) -> set[tuple[int, str, str, int]]:
    """Every head computed from the branch versions and tags, as ``stored_heads`` gives them."""
    return {(p, k, n, v) for p, k, n, v in conn.execute(select(*_computed(None, None).c))}
