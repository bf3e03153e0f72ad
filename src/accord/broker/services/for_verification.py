"""Pacts for verification: resolve selectors, merge by content, compute pending and WIP.

Follows the official broker's rules (see docs/broker-api.md §2b): results are merged by
(consumer, pact content SHA); pending is judged against the provider branch, else tags, else
any successful verification; WIP pacts are the branch/tag heads published since a date that
this provider branch (or tag) has not verified successfully outside WIP mode.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select

from accord.broker.services.selectors import Resolved, VerifiablePact
from accord.broker.storage import deployments_repo, pacts_repo, repo
from accord.broker.storage.schema import (
    branch_versions,
    branches,
    deployed_versions,
    environments,
    pacticipants,
    released_versions,
    tags,
    verifications,
)

__all__ = ["find_pacts_for_verification"]


class _Collector:
    def __init__(self, conn: Connection, provider: Any) -> None:
        self.conn = conn
        self.provider = provider
        self.pacts: dict[tuple[int, str], VerifiablePact] = {}
        ids = pacts_repo.consumers_of(conn, provider.id)
        rows: Any = (
            conn.execute(select(pacticipants).where(pacticipants.c.id.in_(ids))) if ids else []
        )
        self.consumers = {row.id: row for row in rows}

    def consumers_for(self, name: str | None) -> list[Any]:
        rows = sorted(self.consumers.values(), key=lambda r: r.name)
        return [r for r in rows if name is None or r.name == name]

    def add(self, pub: Any, resolved: Resolved) -> None:
        consumer = self.consumers[pub.consumer_id]
        key = (pub.consumer_id, pub.sha)
        pact = self.pacts.get(key)
        if pact is None:
            pact = self.pacts[key] = VerifiablePact(
                consumer.id,
                consumer.name,
                consumer.main_branch,
                pub.pact_version_id,
                pub.sha,
                pub.consumer_version_id,
                pub.consumer_version_number,
            )
        elif pub.consumer_version_id > pact.consumer_version_id:
            pact.consumer_version_id = pub.consumer_version_id
            pact.consumer_version_number = pub.consumer_version_number
        if resolved not in pact.selectors:
            pact.selectors.append(resolved)


def _resolve(c: _Collector, sel: dict[str, Any], provider_branch: str | None) -> None:
    conn, pid = c.conn, c.provider.id
    explicit = sel.get("consumer")
    consumers = c.consumers_for(explicit)

    pub: Any

    def res(kind: str, pub: Any, **kw: Any) -> Resolved:
        return Resolved(kind, pub.consumer_version_id, pub.consumer_version_number, explicit, **kw)

    if sel.get("deployedOrReleased") is True:
        for sub in ({"deployed": True}, {"released": True}):
            _resolve(c, {**sel, "deployedOrReleased": None, **sub}, provider_branch)
        return
    env_name = sel.get("environment")
    if env_name or sel.get("deployed") is True or sel.get("released") is True:
        env = deployments_repo.find_environment(conn, name=env_name) if env_name else None
        if env_name and env is None:
            return
        deployed = sel.get("deployed") is True or sel.get("released") is not True
        released = sel.get("released") is True or sel.get("deployed") is not True
        env_names = dict(conn.execute(select(environments.c.id, environments.c.name)).all())
        ids = [consumer.id for consumer in consumers]
        found: list[tuple[str, int, int]] = []  # kind, version id, environment id
        for kind, flag, table, current in (
            (
                "deployed",
                deployed,
                deployed_versions,
                deployed_versions.c.currently_deployed.is_(True),
            ),
            (
                "released",
                released,
                released_versions,
                released_versions.c.support_ended_at.is_(None),
            ),
        ):
            if not flag or not ids:
                continue
            query = select(table.c.version_id, table.c.environment_id).where(
                table.c.pacticipant_id.in_(ids), current
            )
            if env is not None:
                query = query.where(table.c.environment_id == env.id)
            found += [(kind, vid, eid) for vid, eid in conn.execute(query.order_by(table.c.id))]
        pubs = {
            p.consumer_version_id: p
            for p in pacts_repo.publications_for_versions(conn, [vid for _, vid, _ in found], pid)
        }
        for kind, vid, eid in found:
            if vid in pubs:
                c.add(pubs[vid], res(kind, pubs[vid], environment=env_names[eid]))
        return
    if sel.get("mainBranch") is True:
        mains = {
            consumer.id: consumer.main_branch for consumer in consumers if consumer.main_branch
        }
        if not mains:
            return
        rows = conn.execute(
            select(
                branch_versions.c.pacticipant_id,
                branch_versions.c.branch_name,
                func.max(branch_versions.c.version_id),
            )
            .where(
                branch_versions.c.pacticipant_id.in_(list(mains)),
                branch_versions.c.branch_name.in_(set(mains.values())),
            )
            .group_by(branch_versions.c.pacticipant_id, branch_versions.c.branch_name)
        )
        heads = [vid for cid, name, vid in rows if mains.get(cid) == name]
        for pub in sorted(
            pacts_repo.publications_for_versions(conn, heads, pid),
            key=lambda p: p.consumer_version_id,
        ):
            c.add(pub, res("main_branch", pub, branch=mains[pub.consumer_id]))
        return
    branch = sel.get("branch")
    if sel.get("matchingBranch") is True:
        branch = provider_branch
        if not branch:
            return
    if branch is True:
        for consumer in consumers:
            names = conn.execute(
                select(branches.c.name).where(branches.c.pacticipant_id == consumer.id)
            ).scalars()
            for name in names:
                pub = pacts_repo.latest_publication(conn, consumer.id, pid, branch=name)
                if pub is not None:
                    c.add(pub, res("branch", pub, branch=name))
        return
    if isinstance(branch, str):
        for consumer in consumers:
            pub = pacts_repo.latest_publication(conn, consumer.id, pid, branch=branch)
            if pub is None and sel.get("fallbackBranch"):
                pub = pacts_repo.latest_publication(
                    conn, consumer.id, pid, branch=sel["fallbackBranch"]
                )
            if pub is not None:
                c.add(pub, res("branch", pub, branch=branch))
        return
    tag = sel.get("tag")
    if isinstance(tag, str):
        for consumer in consumers:
            if sel.get("latest") is True:
                pub = pacts_repo.latest_publication(conn, consumer.id, pid, tag=tag)
                if pub is not None:
                    c.add(pub, res("tag_latest", pub, tag=tag))
                elif sel.get("fallbackTag"):
                    pub = pacts_repo.latest_publication(
                        conn, consumer.id, pid, tag=sel["fallbackTag"]
                    )
                    if pub is not None:
                        c.add(pub, res("tag_latest", pub, tag=tag, fallback_tag=sel["fallbackTag"]))
            else:
                for pub in pacts_repo.publications_between(conn, consumer.id, pid, tag=tag):
                    c.add(pub, res("tag_all", pub, tag=tag))
        return
    if sel.get("latest") is True:
        for consumer in consumers:
            pub = pacts_repo.latest_publication(conn, consumer.id, pid)
            if pub is not None:
                c.add(pub, res("latest", pub))


def _default_selectors(c: _Collector, provider_branch: str | None) -> None:
    for consumer in c.consumers_for(None):
        main = consumer.main_branch
        done = False
        if main and repo.branch_head(c.conn, consumer.id, main) is not None:
            before = len(c.pacts)
            _resolve(c, {"mainBranch": True, "consumer": consumer.name}, provider_branch)
            done = len(c.pacts) > before or True
        if not done and main:
            pub = pacts_repo.latest_publication(c.conn, consumer.id, c.provider.id, tag=main)
            if pub is not None:
                c.add(
                    pub,
                    Resolved(
                        "tag_latest",
                        pub.consumer_version_id,
                        pub.consumer_version_number,
                        None,
                        tag=main,
                    ),
                )
                done = True
        if not done:
            _resolve(c, {"latest": True, "consumer": consumer.name}, provider_branch)
    _resolve(c, {"deployed": True}, provider_branch)
    _resolve(c, {"released": True}, provider_branch)


# -- pending ---------------------------------------------------------------------------------------


def _verified_ids(
    conn: Connection, pact_version_ids: list[int], provider_id: int, exclude_wip: bool, *extra: Any
) -> set[int]:
    """Which of these pact versions have a successful verification (matching ``extra``)."""
    out: set[int] = set()
    ids = list(dict.fromkeys(pact_version_ids))
    for i in range(0, len(ids), 500):
        query = select(verifications.c.pact_version_id).where(
            verifications.c.pact_version_id.in_(ids[i : i + 500]),
            verifications.c.provider_id == provider_id,
            verifications.c.success.is_(True),
            *extra,
        )
        if exclude_wip:
            query = query.where(verifications.c.wip.is_(False))
        out.update(conn.execute(query.distinct()).scalars())
    return out


def _verified_by_branch(
    conn: Connection, ids: list[int], provider_id: int, branch: str, exclude_wip: bool
) -> set[int]:
    branch_row = repo.find_branch(conn, provider_id, branch)
    if branch_row is None:
        return _verified_ids(conn, ids, provider_id, exclude_wip)
    on_branch = exists().where(
        and_(
            branch_versions.c.version_id == verifications.c.provider_version_id,
            branch_versions.c.branch_id == branch_row.id,
        )
    )
    done = _verified_ids(conn, ids, provider_id, exclude_wip, on_branch)
    rest = [i for i in ids if i not in done]
    if rest:
        done |= _verified_ids(
            conn, rest, provider_id, exclude_wip, verifications.c.created_at < branch_row.created_at
        )
    return done


def _verified_by_tag(
    conn: Connection, ids: list[int], provider_id: int, tag: str, exclude_wip: bool
) -> set[int]:
    with_tag = exists().where(
        and_(tags.c.version_id == verifications.c.provider_version_id, tags.c.name == tag)
    )
    done = _verified_ids(conn, ids, provider_id, exclude_wip, with_tag)
    first_tagged = conn.execute(
        select(func.min(tags.c.created_at)).where(
            tags.c.pacticipant_id == provider_id, tags.c.name == tag
        )
    ).scalar()
    rest = [i for i in ids if i not in done]
    if rest:
        extra = [] if first_tagged is None else [verifications.c.created_at < first_tagged]
        done |= _verified_ids(conn, rest, provider_id, exclude_wip, *extra)
    return done


def _set_pending(
    conn: Connection,
    pacts: list[VerifiablePact],
    provider_id: int,
    branch: str | None,
    provider_tags: list[str],
    exclude_wip: bool = False,
) -> None:
    """Compute ``pending`` for many pacts with a handful of queries."""
    ids = [p.pact_version_id for p in pacts]
    if not ids:
        return
    if branch:
        verified = _verified_by_branch(conn, ids, provider_id, branch, exclude_wip)
        for pact in pacts:
            pact.pending = pact.pact_version_id not in verified
    elif provider_tags:
        by_tag = {
            t: _verified_by_tag(conn, ids, provider_id, t, exclude_wip) for t in provider_tags
        }
        for pact in pacts:
            pact.pending_tags = [t for t in provider_tags if pact.pact_version_id not in by_tag[t]]
            pact.non_pending_tags = [t for t in provider_tags if t not in pact.pending_tags]
            pact.pending = bool(pact.pending_tags)
    else:
        verified = _verified_ids(conn, ids, provider_id, exclude_wip)
        for pact in pacts:
            pact.pending = pact.pact_version_id not in verified


# -- WIP -------------------------------------------------------------------------------------------


def _wip(
    c: _Collector, since: datetime, branch: str | None, provider_tags: list[str]
) -> list[VerifiablePact]:
    conn, pid = c.conn, c.provider.id
    explicit = {(p.consumer_id, p.sha) for p in c.pacts.values()}
    consumer_ids = list(c.consumers)
    if not consumer_ids:
        return []
    heads: list[tuple[int, str, str, int]] = []
    rows = conn.execute(
        select(
            branch_versions.c.pacticipant_id,
            branch_versions.c.branch_name,
            func.max(branch_versions.c.version_id),
        )
        .where(branch_versions.c.pacticipant_id.in_(consumer_ids))
        .group_by(branch_versions.c.pacticipant_id, branch_versions.c.branch_name)
    )
    heads += [(cid, "branch", name, vid) for cid, name, vid in rows]
    rows = conn.execute(
        select(tags.c.pacticipant_id, tags.c.name, func.max(tags.c.version_id))
        .where(tags.c.pacticipant_id.in_(consumer_ids))
        .group_by(tags.c.pacticipant_id, tags.c.name)
    )
    heads += [(cid, "tag", name, vid) for cid, name, vid in rows]
    pubs = {
        p.consumer_version_id: p
        for p in pacts_repo.publications_for_versions(conn, [h[3] for h in heads], pid)
    }
    found: dict[tuple[int, str], VerifiablePact] = {}
    for cid, kind, name, vid in sorted(heads, key=lambda h: (h[0], h[3])):
        pub = pubs.get(vid)
        if pub is None:
            continue
        created = (
            pub.created_at if pub.created_at.tzinfo else pub.created_at.replace(tzinfo=since.tzinfo)
        )
        if created < since or (cid, pub.sha) in explicit:
            continue
        consumer = c.consumers[cid]
        key = (cid, pub.sha)
        pact = found.get(key)
        if pact is None:
            pact = found[key] = VerifiablePact(
                consumer.id,
                consumer.name,
                consumer.main_branch,
                pub.pact_version_id,
                pub.sha,
                pub.consumer_version_id,
                pub.consumer_version_number,
                wip=True,
            )
        elif pub.consumer_version_id > pact.consumer_version_id:
            pact.consumer_version_id = pub.consumer_version_id
            pact.consumer_version_number = pub.consumer_version_number
        resolved = Resolved(
            "branch" if kind == "branch" else "tag_latest",
            pub.consumer_version_id,
            pub.consumer_version_number,
            None,
            branch=name if kind == "branch" else None,
            tag=name if kind == "tag" else None,
        )
        if resolved not in pact.selectors:
            pact.selectors.append(resolved)
    candidates = list(found.values())
    _set_pending(conn, candidates, pid, branch, provider_tags, exclude_wip=True)
    return [p for p in candidates if p.pending]


def find_pacts_for_verification(
    conn: Connection,
    provider: Any,
    selectors: list[dict] | None,
    provider_branch: str | None,
    provider_tags: list[str],
    include_pending: bool,
    wip_since: datetime | None,
) -> list[VerifiablePact]:
    c = _Collector(conn, provider)
    if selectors:
        for sel in selectors:
            _resolve(c, sel, provider_branch)
    else:
        _default_selectors(c, provider_branch)
    pacts = sorted(c.pacts.values(), key=lambda p: (p.consumer_name, p.consumer_version_id))
    if include_pending:
        _set_pending(conn, pacts, provider.id, provider_branch, provider_tags)
    if wip_since is not None and (provider_branch or provider_tags):
        wip = _wip(c, wip_since, provider_branch, provider_tags)
        for pact in wip:
            pact.pending = True
        pacts += sorted(wip, key=lambda p: (p.consumer_name, p.consumer_version_id))
    return pacts
