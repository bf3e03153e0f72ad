"""Repositories for pact publications, pact versions and integrations (verification results
are ``verifications_repo``)."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CTE,
    CompoundSelect,
    Connection,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    literal,
    select,
    union_all,
    update,
)

from accord.broker.clock import now
from accord.broker.storage import heads as stored_heads
from accord.broker.storage.bulk import dialect_insert, id_chunks, id_in, ids_bound
from accord.broker.storage.deployments_repo import current_versions_query
from accord.broker.storage.pending_repo import (
    unverified_outside_wip_on_branch,
    verified_on_branch,
)
from accord.broker.storage.schema import (
    branch_versions,
    branches,
    environments,
    head_pacts,
    heads,
    integrations,
    pact_publications,
    pact_versions,
    pacticipants,
    tags,
    verifications,
    versions,
)
from accord.model.jsontypes import JsonMapping

pp, pv, v = pact_publications, pact_versions, versions


def _publication_columns() -> list[Any]:
    """A publication's columns with its consumer version's number and its content's SHA."""
    return [
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


def publication_query(with_content: bool = False) -> Select:
    """Publications with consumer version number/order and the pact version SHA."""
    cols = _publication_columns()
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
    conn: Connection, consumer_id: int, provider_id: int, sha: str, content: JsonMapping
) -> Row:
    row = find_pact_version(conn, consumer_id, provider_id, sha)
    if row is not None:
        return row
    count = len(content.get("interactions") or []) + len(content.get("messages") or [])
    return conn.execute(
        insert(pv)
        .values(
            consumer_id=consumer_id,
            provider_id=provider_id,
            sha=sha,
            content=json.dumps(content, ensure_ascii=False),
            interactions_count=count,
            created_at=now(),
        )
        .returning(*pv.c)
    ).one()


def pact_contents(conn: Connection, pact_version_ids: list[int]) -> dict[int, str]:
    """The JSON content of many pact versions by id, in one statement per chunk of ids."""
    out: dict[int, str] = {}
    for chunk in id_chunks(conn, sorted(set(pact_version_ids))):
        out.update(
            conn.execute(select(pv.c.id, pv.c.content).where(id_in(conn, pv.c.id, chunk))).all()
        )
    return out


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
    if outcome != "same":
        stored_heads.publication_saved(conn, consumer_version_id, provider_id)
    touch_integration(conn, consumer_id, provider_id)
    row = find_publication(conn, consumer_version_id, provider_id)
    assert row is not None
    return row, outcome


def touch_integration(conn: Connection, consumer_id: int, provider_id: int) -> None:
    """Create the integration or mark its contract data as updated (one statement)."""
    ts = now()
    statement = dialect_insert(conn, integrations).values(
        consumer_id=consumer_id, provider_id=provider_id, created_at=ts, contract_data_updated_at=ts
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["consumer_id", "provider_id"],
            set_={"contract_data_updated_at": statement.excluded.contract_data_updated_at},
        )
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
    """The latest publication per integration (optionally by consumer tag or branch).

    Driven by the integrations (every publication has one): per integration an index seek
    on (consumer, provider, consumer version) from the newest, instead of grouping every
    publication ever made.
    """
    i = integrations.alias("i")
    other = pp.alias("latest_pp")
    head = select(other.c.consumer_version_id).where(
        other.c.consumer_id == i.c.consumer_id, other.c.provider_id == i.c.provider_id
    )
    if tag is not None:
        head = head.where(
            exists().where(tags.c.version_id == other.c.consumer_version_id, tags.c.name == tag)
        )
    if branch is not None:
        head = head.where(
            exists().where(
                branch_versions.c.version_id == other.c.consumer_version_id,
                branch_versions.c.branch_name == branch,
            )
        )
    latest = (
        head.order_by(other.c.consumer_version_id.desc()).limit(1).correlate(i).scalar_subquery()
    )
    heads = select(i.c.provider_id, latest)
    if provider_id is not None:
        heads = heads.where(i.c.provider_id == provider_id)
    found = [(cvid, pid) for pid, cvid in conn.execute(heads).all() if cvid is not None]
    pubs = publications_at(conn, found)
    return sorted(pubs.values(), key=lambda r: (r.consumer_id, r.provider_id))


def publications_for_versions(
    conn: Connection, consumer_version_ids: list[int], provider_id: int | None = None
) -> list[Row]:
    """The publications of these consumer versions (for one provider, unless None)."""
    query = _publications_for_versions_query(conn.dialect.name, provider_id is not None)
    out: list[Row] = []
    for chunk in id_chunks(conn, consumer_version_ids):
        out.extend(conn.execute(query, {"ids": chunk, "provider_id": provider_id}).all())
    return out


@functools.cache
def _publications_for_versions_query(dialect: str, for_provider: bool) -> Select:
    """Built once per dialect: the selectors of pacts for verification run it each time."""
    query = publication_query().where(ids_bound(dialect, pp.c.consumer_version_id, "ids"))
    if for_provider:
        query = query.where(pp.c.provider_id == bindparam("provider_id", type_=Integer))
    return query


def publications_at(conn: Connection, keys: list[tuple[int, int]]) -> dict[tuple[int, int], Row]:
    """Publications by (consumer version id, provider id)."""
    wanted = set(keys)
    providers = list({provider for _, provider in wanted})
    out: dict[tuple[int, int], Row] = {}
    for chunk in id_chunks(conn, [version for version, _ in wanted]):
        query = publication_query().where(
            id_in(conn, pp.c.consumer_version_id, chunk), id_in(conn, pp.c.provider_id, providers)
        )
        for row in conn.execute(query).all():
            key = (row.consumer_version_id, row.provider_id)
            if key in wanted:
                out[key] = row
    return out


# -- set-based lookups for many consumers at once (pacts for verification) -------------------
#
# Each is a constant number of statements whatever the number of consumers: first the head
# version ids (a correlated "latest" subquery per consumer or branch: an index seek from the
# newest that stops at the first hit), then their publications by id. Two statements rather
# than one join, because SQLite would flatten such a join into a scan of every publication.


def consumers_of_provider(conn: Connection, provider_id: int) -> list[Row]:
    """The provider's consumers (pacticipant rows)."""
    return list(
        conn.execute(
            select(pacticipants)
            .join(integrations, integrations.c.consumer_id == pacticipants.c.id)
            .where(integrations.c.provider_id == provider_id)
        )
    )


def provider_and_consumers(conn: Connection, name: str) -> tuple[Row | None, list[Row]]:
    """The pacticipant ``name`` (None if there is none) and the consumers it is the provider
    of (pacticipant rows), in one statement: ``repo.find_pacticipant`` and
    ``consumers_of_provider`` together, for pacts for verification."""
    provider: Row | None = None
    consumers: list[Row] = []
    for row in conn.execute(_provider_and_consumers_query(), {"name": name}).all():
        if row.role == 0:
            provider = row
        else:
            consumers.append(row)
    return provider, consumers


@functools.cache
def _provider_and_consumers_query() -> CompoundSelect:
    name = bindparam("name", type_=String)
    provider = pacticipants.alias("provider")
    return union_all(
        select(pacticipants, literal(0).label("role")).where(pacticipants.c.name == name),
        select(pacticipants, literal(1).label("role"))
        .join(integrations, integrations.c.consumer_id == pacticipants.c.id)
        .join(provider, provider.c.id == integrations.c.provider_id)
        .where(provider.c.name == name),
    )


def _has_publication(version_id: Any, provider_id: int) -> Any:
    other = pp.alias("has_pp")
    return exists().where(
        other.c.consumer_version_id == version_id, other.c.provider_id == provider_id
    )


def latest_publications_per_consumer(
    conn: Connection,
    provider_id: int,
    consumer_ids: list[int],
    *,
    tag: str | None = None,
    branch: str | None = None,
    tag_is_main_branch: bool = False,
    branch_is_main_branch: bool = False,
) -> dict[int, Row]:
    """Per consumer, what ``latest_publication`` returns (by tag, branch or none).

    ``tag_is_main_branch`` takes each consumer's own main branch name as the tag, and
    ``branch_is_main_branch`` as the branch (consumers without a main branch have none).
    """
    if not consumer_ids:
        return {}
    c = pacticipants.alias("c")
    head: Select
    if tag is not None or tag_is_main_branch:
        t = tags.alias("t")
        head = select(t.c.version_id).where(
            t.c.pacticipant_id == c.c.id,
            t.c.name == (c.c.main_branch if tag_is_main_branch else tag),
            _has_publication(t.c.version_id, provider_id),
        )
        order = t.c.version_id
    elif branch is not None or branch_is_main_branch:
        bv = branch_versions.alias("bv")
        head = select(bv.c.version_id).where(
            bv.c.pacticipant_id == c.c.id,
            bv.c.branch_name == (c.c.main_branch if branch_is_main_branch else branch),
            _has_publication(bv.c.version_id, provider_id),
        )
        order = bv.c.version_id
    else:
        other = pp.alias("latest_pp")
        head = select(other.c.consumer_version_id).where(
            other.c.consumer_id == c.c.id, other.c.provider_id == provider_id
        )
        order = other.c.consumer_version_id
    latest = head.order_by(order.desc()).limit(1).correlate(c).scalar_subquery()
    heads = conn.execute(select(c.c.id, latest).where(id_in(conn, c.c.id, consumer_ids))).all()
    found = {cid: cvid for cid, cvid in heads if cvid is not None}
    pubs = publications_at(conn, [(cvid, provider_id) for cvid in found.values()])
    return {
        cid: pubs[(cvid, provider_id)] for cid, cvid in found.items() if (cvid, provider_id) in pubs
    }


def latest_publications_per_branch(
    conn: Connection, provider_id: int, consumer_ids: list[int]
) -> list[tuple[str, Row]]:
    """(branch name, latest publication on it) for every branch of these consumers, the
    branches of a consumer in the order they were created."""
    if not consumer_ids:
        return []
    b = branches.alias("b")
    bv = branch_versions.alias("bv")
    head = (
        select(bv.c.version_id)
        .where(
            bv.c.pacticipant_id == b.c.pacticipant_id,
            bv.c.branch_name == b.c.name,
            _has_publication(bv.c.version_id, provider_id),
        )
        .order_by(bv.c.version_id.desc())
        .limit(1)
        .correlate(b)
        .scalar_subquery()
    )
    heads = [
        (row[0], row[1], row[2], row[3])
        for row in conn.execute(
            select(b.c.pacticipant_id, b.c.id, b.c.name, head).where(
                id_in(conn, b.c.pacticipant_id, consumer_ids)
            )
        ).all()
        if row[3] is not None
    ]
    pubs = publications_at(conn, [(cvid, provider_id) for _, _, _, cvid in heads])
    return [
        (name, pubs[(cvid, provider_id)])
        for _, _, name, cvid in sorted(heads, key=lambda h: (h[0], h[1]))
        if (cvid, provider_id) in pubs
    ]


def tagged_publications(
    conn: Connection, provider_id: int, consumer_ids: list[int], tag: str
) -> list[Row]:
    """Every publication of these consumers' versions with ``tag``, newest first per consumer."""
    if not consumer_ids:
        return []
    query = (
        publication_query()
        .join(tags, and_(tags.c.version_id == pp.c.consumer_version_id, tags.c.name == tag))
        .where(id_in(conn, pp.c.consumer_id, consumer_ids), pp.c.provider_id == provider_id)
        .order_by(pp.c.consumer_id, pp.c.consumer_version_id.desc())
    )
    return list(conn.execute(query).all())


def main_branch_heads(conn: Connection, consumer_ids: list[int]) -> dict[int, int]:
    """Head version id of each consumer's main branch (consumers without one are left out)."""
    if not consumer_ids:
        return {}
    query = _main_branch_heads_query(conn.dialect.name)
    rows = conn.execute(query, {"consumer_ids": list(dict.fromkeys(consumer_ids))})
    return {cid: vid for cid, vid in rows if vid is not None}


@functools.cache
def _main_branch_heads_query(dialect: str) -> Select:
    """Built once per dialect: the stored head of each consumer's main branch."""
    c = pacticipants.alias("c")
    return (
        select(c.c.id, heads.c.version_id)
        .join(
            heads,
            and_(
                heads.c.pacticipant_id == c.c.id,
                heads.c.kind == "branch",
                heads.c.name == c.c.main_branch,
            ),
        )
        .where(ids_bound(dialect, c.c.id, "consumer_ids"))
    )


def main_branch_head_publications(
    conn: Connection,
    consumer_ids: list[int],
    provider_id: int,
    verified_on_branch: str | None = None,
) -> list[Row]:
    """The publications for this provider at the head of each consumer's main branch, by
    consumer version: rows of ``consumer_id``, ``consumer_version_id``,
    ``consumer_version_number``, ``pact_version_id`` and ``sha`` (read from the stored
    ``head_pacts``: one index range). With ``verified_on_branch``, each row says too whether
    its content is ``verified`` on that provider branch (``_verified``)."""
    if not consumer_ids:
        return []
    params = {
        "consumer_ids": list(dict.fromkeys(consumer_ids)),
        "provider_id": provider_id,
        "branch": verified_on_branch,
    }
    query = _main_branch_head_publications_query(
        conn.dialect.name, verified_on_branch is not None
    )
    return list(conn.execute(query, params).all())


@functools.cache
def _main_branch_head_publications_query(dialect: str, with_verified: bool) -> Select:
    """Built once per dialect: the stored publications at the main-branch heads."""
    c = pacticipants.alias("c")
    hp = head_pacts
    query = (
        select(
            hp.c.pacticipant_id.label("consumer_id"),
            hp.c.version_id.label("consumer_version_id"),
            hp.c.version_number.label("consumer_version_number"),
            hp.c.pact_version_id,
            hp.c.sha,
        )
        .select_from(c)
        .join(
            hp,
            and_(
                hp.c.pacticipant_id == c.c.id,
                hp.c.kind == "branch",
                hp.c.name == c.c.main_branch,
                hp.c.provider_id == bindparam("provider_id", type_=Integer),
            ),
        )
        .where(ids_bound(dialect, c.c.id, "consumer_ids"))
    )
    return _verified(query, with_verified, hp.c.pact_version_id).order_by(hp.c.version_id)


def _verified(query: Select, wanted: bool, pact_version_id: Any = pp.c.pact_version_id) -> Select:
    """``query`` with a column ``verified``: the content ``pact_version_id`` was verified
    successfully on the provider branch (parameter ``branch``), as the first set of
    ``pending_repo.verified(..., branch=...)`` judges it; so that pending needs no statement
    of its own."""
    if not wanted:
        return query
    verified = verified_on_branch(
        pact_version_id,
        bindparam("provider_id", type_=Integer),
        bindparam("branch", type_=String),
    )
    return query.add_columns(verified.label("verified"))


def _publications_found(found: Select, version_id: Any) -> tuple[Select, CTE]:
    """The rows of ``found`` with ``publication_query``'s columns of the publication for the
    provider (parameter ``provider_id``) of their version ``version_id``. Each publication is
    found by its key in a materialised step, then joined by id: joined directly, SQLite
    scanned the provider's publications."""
    pub_id = (
        select(pp.c.id)
        .where(
            pp.c.consumer_version_id == version_id,
            pp.c.provider_id == bindparam("provider_id", type_=Integer),
        )
        .scalar_subquery()
    )
    step = found.add_columns(pub_id.label("pub_id")).cte("found_pubs").prefix_with("MATERIALIZED")
    return (
        select(*_publication_columns())
        .select_from(step)
        .join(pp, pp.c.id == step.c.pub_id)
        .join(v, v.c.id == pp.c.consumer_version_id)
        .join(pv, pv.c.id == pp.c.pact_version_id)
    ), step


def current_version_publications(
    conn: Connection,
    consumer_ids: list[int],
    provider_id: int,
    environment_id: int | None,
    deployed: bool,
    released: bool,
    verified_on_branch: str | None = None,
) -> list[Row]:
    """The publications for this provider of these consumers' current deployments and/or
    supported releases (in one environment, unless None), each with ``kind`` ("deployed" or
    "released"), ``environment`` (its name) and ``production``: deployments first, each kind
    in the order recorded; ``deployments_repo.current_versions_query`` and
    ``publications_for_versions`` in one statement. ``verified_on_branch``: as
    ``main_branch_head_publications``."""
    if not consumer_ids or not (deployed or released):
        return []
    query = _current_version_publications_query(
        conn.dialect.name,
        deployed,
        released,
        environment_id is not None,
        verified_on_branch is not None,
    )
    params = {
        "ids": list(dict.fromkeys(consumer_ids)),
        "environment_id": environment_id,
        "provider_id": provider_id,
        "branch": verified_on_branch,
    }
    return list(conn.execute(query, params).all())


@functools.cache
def _current_version_publications_query(
    dialect: str, deployed: bool, released: bool, in_environment: bool, with_verified: bool
) -> Select:
    records = current_versions_query(dialect, deployed, released, in_environment).subquery()
    query, step = _publications_found(select(*records.c), records.c.vid)
    env = environments
    query = query.add_columns(
        step.c.kind, env.c.name.label("environment"), env.c.production.label("production")
    )
    return (
        _verified(query, with_verified)
        .join(env, env.c.id == step.c.eid)
        .order_by(step.c.kind_order, step.c.row_id)
    )


def head_publications(
    conn: Connection,
    provider_id: int,
    consumer_ids: list[int],
    since: datetime | None = None,
    unverified_on_branch: str | None = None,
) -> list[Row]:
    """The pact for this provider at the head version of every branch and every tag of these
    consumers, published at or after ``since``: rows of ``kind`` ("branch" or "tag"),
    ``name``, ``consumer_id``, ``consumer_version_id``, ``consumer_version_number``,
    ``pact_version_id`` and ``sha``, ordered by consumer, version, then branches before tags
    and by name. A head version without a pact for this provider is left out, and so is one
    whose pact the provider verified successfully outside WIP mode on
    ``unverified_on_branch`` when that is given (``pending_repo``'s judgement)."""
    if not consumer_ids:
        return []
    params = {
        "consumer_ids": list(dict.fromkeys(consumer_ids)),
        "provider_id": provider_id,
        "since": (since or _BEFORE_ANY_PACT).astimezone(UTC),  # stored in UTC
        "branch": unverified_on_branch,
    }
    query = _head_publications_query(conn.dialect.name, unverified_on_branch is not None)
    return list(conn.execute(query, params).all())


#: earlier than any publication: ``since`` when none is given
_BEFORE_ANY_PACT = datetime(1970, 1, 1, tzinfo=UTC)


@functools.cache
def _head_publications_query(dialect: str, unverified_only: bool) -> Select:
    """One statement, built once per dialect (pacts for verification runs it every time): the
    stored head publications of the provider (``head_pacts``), one index range in the
    order wanted; with a provider branch, those verified on it are left out by anti-joins."""
    hp = head_pacts
    query = (
        select(
            hp.c.kind,
            hp.c.name,
            hp.c.pacticipant_id.label("consumer_id"),
            hp.c.version_id.label("consumer_version_id"),
            hp.c.version_number.label("consumer_version_number"),
            hp.c.pact_version_id,
            hp.c.sha,
        )
        .where(
            hp.c.provider_id == bindparam("provider_id", type_=Integer),
            ids_bound(dialect, hp.c.pacticipant_id, "consumer_ids"),
            hp.c.published_at >= bindparam("since", type_=hp.c.published_at.type),
        )
        .order_by(hp.c.pacticipant_id, hp.c.version_id, hp.c.kind, hp.c.name)
    )
    if unverified_only:
        branch = bindparam("branch", type_=String)
        provider_id = bindparam("provider_id", type_=Integer)
        query = query.where(
            unverified_outside_wip_on_branch(hp.c.pact_version_id, provider_id, branch)
        )
    return query


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
    return list(conn.execute(query.order_by(pp.c.consumer_version_id.desc())).all())


def publications_on_branch(conn: Connection, provider_id: int, branch: str | None) -> list[Row]:
    """Every publication for the provider whose consumer version is on ``branch`` (None: on
    its consumer's main branch), newest version first: one statement for all consumers."""
    c = pacticipants.alias("c")
    query = (
        publication_query()
        .join(c, c.c.id == pp.c.consumer_id)
        .join(
            branch_versions,
            and_(
                branch_versions.c.version_id == pp.c.consumer_version_id,
                branch_versions.c.branch_name == (c.c.main_branch if branch is None else branch),
            ),
        )
        .where(pp.c.provider_id == provider_id)
        .order_by(pp.c.consumer_version_id.desc())
    )
    return list(conn.execute(query).all())


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
    """The provider's consumers, in the order their integrations were made (on PostgreSQL an
    unordered scan follows where rows happen to lie, so listings changed order between runs)."""
    query = select(integrations.c.consumer_id).where(integrations.c.provider_id == provider_id)
    return list(conn.execute(query.order_by(integrations.c.id)).scalars())


# -- verifications -----------------------------------------------------------------------------


def search_latest_publication(
    conn: Connection, consumer_ids: list[int] | None, provider_ids: list[int] | None
) -> Row | None:
    """The latest publication (by consumer version order) among the given consumers and
    providers; None for a side means any pacticipant (for testing webhooks)."""
    query = publication_query()
    if consumer_ids is not None:
        query = query.where(pp.c.consumer_id.in_(consumer_ids))
    if provider_ids is not None:
        query = query.where(pp.c.provider_id.in_(provider_ids))
    return conn.execute(query.order_by(pp.c.consumer_version_id.desc()).limit(1)).first()


def pact_version_sha(conn: Connection, pact_version_id: int) -> str:
    return conn.execute(select(pv.c.sha).where(pv.c.id == pact_version_id)).scalar_one()


def publications_for_provider(
    conn: Connection, provider_id: int, tag: str | None = None
) -> list[Row]:
    """Every publication for the provider (of consumer versions with ``tag``), newest consumer
    version first."""
    query = publication_query().where(pp.c.provider_id == provider_id)
    if tag is not None:
        query = query.join(
            tags, (tags.c.version_id == pp.c.consumer_version_id) & (tags.c.name == tag)
        )
    return list(conn.execute(query.order_by(pp.c.consumer_version_id.desc())))


def delete_integration(conn: Connection, consumer_id: int, provider_id: int) -> None:
    """Delete the pair's publications, verification results, pact contents and integration."""
    for table in (pact_publications, verifications, pact_versions, integrations):
        conn.execute(
            delete(table).where(
                table.c.consumer_id == consumer_id, table.c.provider_id == provider_id
            )
        )
