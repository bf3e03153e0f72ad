"""The stored head of every branch and tag (``schema.heads``): advanced when a version joins a
branch or gets a tag, recomputed for a pacticipant when branch versions, tags or versions are
removed. The repository functions that make those changes call these in their transaction
(nothing else writes branch versions or tags), so the stored heads always equal the computed
ones (``computed_heads``).

With them, the publications at each head (``schema.head_pacts``): refreshed here whenever a
head moves, and when a publication is saved (``publication_saved``); removed with their
publication, version or content by cascade. So they always equal ``computed_head_pacts``.

On PostgreSQL two transactions may change what one version's stored facts derive from at once
(its pact published in one, a branch or tag added in the other), each deriving from what it
can see, which is not the other's uncommitted rows. ``hold_version`` makes them take turns:
each deriving function first holds the version's row until commit, so the second one reads
what the first committed. (SQLite runs one writer at a time.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    case,
    delete,
    func,
    literal,
    select,
    true,
    union_all,
)

from accord.broker.storage.bulk import dialect_insert, id_chunks, id_in
from accord.broker.storage.schema import (
    branch_versions,
    head_pacts,
    heads,
    pact_publications,
    pact_versions,
    tags,
    versions,
)

__all__ = [
    "advance",
    "computed_head_pacts",
    "computed_heads",
    "hold_version",
    "publication_saved",
    "recompute",
    "recompute_all",
    "stored_head_pacts",
    "stored_heads",
]


def advance(
    conn: Connection,
    pacticipant_id: int,
    kind: str,
    name: str,
    version_id: int,
    new_version: bool = False,
) -> None:
    """``version_id`` joined branch (or got tag) ``name``: it is the head unless a later version
    already is (a concurrent publisher on PostgreSQL waits for the row); the head's
    publications follow it. ``new_version``: the version was created in this transaction, so
    it has no publications yet (``publication_saved`` adds them): two statements, else three."""
    if not new_version:  # a version made in this transaction is nobody else's yet
        hold_version(conn, version_id)  # first: every transaction takes its locks in one order
    stmt = dialect_insert(conn, heads).values(
        pacticipant_id=pacticipant_id, kind=kind, name=name, version_id=version_id
    )
    conn.execute(_keep_greater(stmt))
    this_head = and_(
        heads.c.pacticipant_id == pacticipant_id, heads.c.kind == kind, heads.c.name == name
    )
    head_version = select(heads.c.version_id).where(this_head).scalar_subquery()
    conn.execute(
        delete(head_pacts).where(
            head_pacts.c.pacticipant_id == pacticipant_id,
            head_pacts.c.kind == kind,
            head_pacts.c.name == name,
            head_pacts.c.version_id != head_version,
        )
    )
    if not new_version:
        _upsert_head_pacts(conn, _head_pacts_query(this_head))


def publication_saved(conn: Connection, consumer_version_id: int, provider_id: int) -> None:
    """The publication of this version for this provider was created or changed: the rows of
    the heads at that version (if any) for that provider (one statement)."""
    hold_version(conn, consumer_version_id)
    pp = pact_publications
    where = and_(pp.c.consumer_version_id == consumer_version_id, pp.c.provider_id == provider_id)
    _upsert_head_pacts(conn, _head_pacts_query(where))


def hold_version(conn: Connection, version_id: int) -> None:
    """On PostgreSQL, hold version ``version_id``'s row until this transaction ends (``FOR NO
    KEY UPDATE``: rows referring to the version may still be written), so that transactions
    deriving stored facts about one version take turns (see the module docstring). Once per
    version and transaction."""
    if conn.dialect.name != "postgresql":
        return
    transaction = conn.get_transaction()
    held: tuple[object, set[int]] | None = conn.info.get("held_versions")
    if held is None or held[0] is not transaction:
        held = conn.info["held_versions"] = (transaction, set())
    if version_id not in held[1]:
        conn.execute(
            select(versions.c.id).where(versions.c.id == version_id).with_for_update(key_share=True)
        )
        held[1].add(version_id)


_HEAD_PACT_COLUMNS = [
    "pacticipant_id",
    "kind",
    "name",
    "provider_id",
    "publication_id",
    "version_id",
    "pact_version_id",
    "version_number",
    "sha",
    "published_at",
]


def _head_pacts_query(where: ColumnElement[bool] | None = None) -> Select:
    """The heads joined to their publications, in ``_HEAD_PACT_COLUMNS`` order."""
    pp = pact_publications
    query = (
        select(
            heads.c.pacticipant_id,
            heads.c.kind,
            heads.c.name,
            pp.c.provider_id,
            pp.c.id,
            heads.c.version_id,
            pp.c.pact_version_id,
            versions.c.number,
            pact_versions.c.sha,
            pp.c.created_at,
        )
        .join(pp, pp.c.consumer_version_id == heads.c.version_id)
        .join(versions, versions.c.id == heads.c.version_id)
        .join(pact_versions, pact_versions.c.id == pp.c.pact_version_id)
    )
    # WHERE true: SQLite cannot tell an INSERT ... SELECT's ON CONFLICT from a join without it
    return query.where(where if where is not None else true())


def _upsert_head_pacts(conn: Connection, rows: Select) -> None:
    stmt = dialect_insert(conn, head_pacts).from_select(_HEAD_PACT_COLUMNS, rows)
    new = stmt.excluded
    keep = ["pacticipant_id", "kind", "name", "provider_id"]
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=keep,
            set_={c: new[c] for c in _HEAD_PACT_COLUMNS if c not in keep},
        )
    )


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
        conn.execute(delete(head_pacts).where(id_in(conn, head_pacts.c.pacticipant_id, chunk)))
        _upsert_head_pacts(conn, _head_pacts_query(id_in(conn, heads.c.pacticipant_id, chunk)))


def recompute_all(conn: Connection) -> None:
    """Every head again, from the whole history (after bulk loading)."""
    conn.execute(delete(heads))
    _insert_from(conn, _computed(None, None))
    conn.execute(delete(head_pacts))
    _upsert_head_pacts(conn, _head_pacts_query())


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


def stored_head_pacts(conn: Connection) -> set[tuple[object, ...]]:
    """Every stored head publication, in ``_HEAD_PACT_COLUMNS`` order."""
    rows = conn.execute(select(*(head_pacts.c[c] for c in _HEAD_PACT_COLUMNS)))
    return {tuple(row) for row in rows}


def computed_head_pacts(conn: Connection) -> set[tuple[object, ...]]:
    """The head publications computed from the heads, as ``stored_head_pacts`` gives them."""
    return {tuple(row) for row in conn.execute(_head_pacts_query())}
