"""Pacts for verification: resolve selectors, merge by content, compute pending and WIP.

Follows the official broker's rules (see docs/broker-api.md §2b): results are merged by
(consumer, pact content SHA); pending is judged against the provider branch, else tags, else
any successful verification; WIP pacts are the branch/tag heads published since a date that
this provider branch (or tag) has not verified successfully outside WIP mode.

Every step is set-based: a selector is resolved for all consumers in one or two statements,
and pending is decided for the selected and the WIP pacts together, so the number of
statements per request does not grow with the number of consumers, versions or pacts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from accord.broker.services.selectors import Resolved, VerifiablePact
from accord.broker.storage import deployments_repo, pacts_repo, pending_repo
from accord.model.jsontypes import JsonObject

__all__ = ["find_pacts_for_verification"]


class _Collector:
    def __init__(
        self,
        conn: Connection,
        provider: Row,
        consumers: list[Row] | None,
        verified_on: str | None,
    ) -> None:
        self.conn = conn
        self.provider = provider
        self.pacts: dict[tuple[int, str], VerifiablePact] = {}
        #: the provider branch pending is judged on, if the selectors' statements can say
        #: (``verified``: pact version id -> verified successfully on it)
        self.verified_on = verified_on
        self.verified: dict[int, bool] = {}
        rows = consumers if consumers is not None else (
            pacts_repo.consumers_of_provider(conn, provider.id)
        )
        self.sorted_consumers = sorted(rows, key=lambda r: r.name)
        self.consumers = {row.id: row for row in self.sorted_consumers}
        self._environments: dict[int, str] | None = None

    def consumers_for(self, name: str | None) -> list[Row]:
        return [r for r in self.sorted_consumers if name is None or r.name == name]

    def environments(self) -> dict[int, str]:
        """Environment names by id (read once per request, if a selector names one)."""
        if self._environments is None:
            rows = deployments_repo.environment_facts(self.conn)
            self._environments = {eid: name for eid, name, _ in rows}
        return self._environments

    def add(self, pub: Row, resolved: Resolved) -> None:
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


def _res(kind: str, pub: Any, explicit: str | None, **kw: Any) -> Resolved:
    return Resolved(kind, pub.consumer_version_id, pub.consumer_version_number, explicit, **kw)


def _resolve_environment(
    c: _Collector,
    consumers: list[Any],
    explicit: str | None,
    env_name: str | None,
    deployed: bool,
    released: bool,
    in_environment: bool = False,
) -> None:
    """Deployed and/or released consumer versions, with their publications (one statement)."""
    env_id = None
    if env_name:
        env_id = next((i for i, n in c.environments().items() if n == env_name), None)
        if env_id is None:
            return
    ids = [consumer.id for consumer in consumers]
    for pub in pacts_repo.current_version_publications(
        c.conn, ids, c.provider.id, env_id, deployed, released, c.verified_on
    ):
        if c.verified_on:
            c.verified[pub.pact_version_id] = bool(pub.verified)
        c.add(
            pub,
            _res(
                pub.kind,
                pub,
                explicit,
                environment=pub.environment,
                in_environment=in_environment,
                production=pub.production,
            ),
        )


def _resolve_main_branch(c: _Collector, consumers: list[Any], explicit: str | None) -> None:
    with_main = [consumer.id for consumer in consumers if consumer.main_branch]
    found = pacts_repo.main_branch_head_publications(
        c.conn, with_main, c.provider.id, c.verified_on
    )
    for pub in found:
        if c.verified_on:
            c.verified[pub.pact_version_id] = bool(pub.verified)
        main = c.consumers[pub.consumer_id].main_branch
        c.add(pub, _res("main_branch", pub, explicit, branch=main))


def _resolve(c: _Collector, sel: dict[str, Any], provider_branch: str | None) -> None:
    """One consumer version selector: by environment, main branch, branch, tag or latest."""
    explicit = sel.get("consumer")
    consumers = c.consumers_for(explicit)
    if sel.get("deployedOrReleased") is True:
        _resolve_environment(c, consumers, explicit, sel.get("environment"), True, True)
        return
    env_name = sel.get("environment")
    if env_name or sel.get("deployed") is True or sel.get("released") is True:
        deployed = sel.get("deployed") is True or sel.get("released") is not True
        released = sel.get("released") is True or sel.get("deployed") is not True
        _resolve_environment(
            c,
            consumers,
            explicit,
            env_name,
            deployed,
            released,
            in_environment=deployed == released,
        )
        return
    if sel.get("mainBranch") is True:
        _resolve_main_branch(c, consumers, explicit)
        return
    ids = [consumer.id for consumer in consumers]
    branch = sel.get("branch")
    if sel.get("matchingBranch") is True:
        branch = provider_branch
        if not branch:
            return
    if branch is True:
        for name, pub in pacts_repo.latest_publications_per_branch(c.conn, c.provider.id, ids):
            c.add(pub, _res("branch", pub, explicit, branch=name))
        return
    if isinstance(branch, str):
        _resolve_branch(c, ids, explicit, branch, sel.get("fallbackBranch"))
        return
    tag = sel.get("tag")
    if isinstance(tag, str):
        if sel.get("latest") is True:
            _resolve_latest_tag(c, ids, explicit, tag, sel.get("fallbackTag"))
        else:
            _resolve_all_tagged(c, ids, explicit, tag)
        return
    if sel.get("latest") is True:
        found = pacts_repo.latest_publications_per_consumer(c.conn, c.provider.id, ids)
        for i in ids:
            if i in found:
                c.add(found[i], _res("latest", found[i], explicit))


def _resolve_branch(
    c: _Collector, ids: list[int], explicit: str | None, branch: str, fallback: Any
) -> None:
    """Each consumer's latest on the branch, else on the fallback branch."""
    _resolve_latest_with_fallback(c, ids, explicit, "branch", "branch", branch, fallback)


def _resolve_latest_tag(
    c: _Collector, ids: list[int], explicit: str | None, tag: str, fallback: Any
) -> None:
    """Each consumer's latest with the tag, else with the fallback tag."""
    _resolve_latest_with_fallback(c, ids, explicit, "tag_latest", "tag", tag, fallback)


def _resolve_latest_with_fallback(
    c: _Collector,
    ids: list[int],
    explicit: str | None,
    kind: str,
    key: str,
    value: str,
    fallback: Any,
) -> None:
    """Each consumer's latest publication with ``key`` (branch or tag) ``value``, else with
    the fallback value; the reason says which."""
    conn, pid = c.conn, c.provider.id
    by: dict[str, Any] = {key: value}
    found = pacts_repo.latest_publications_per_consumer(conn, pid, ids, **by)
    missing = [i for i in ids if i not in found]
    by_fallback = (
        pacts_repo.latest_publications_per_consumer(conn, pid, missing, **{key: fallback})
        if fallback and missing
        else {}
    )
    for i in ids:
        if i in found:
            c.add(found[i], _res(kind, found[i], explicit, **by))
        elif i in by_fallback:
            pub = by_fallback[i]
            c.add(pub, _res(kind, pub, explicit, **{key: value, f"fallback_{key}": fallback}))


def _resolve_all_tagged(c: _Collector, ids: list[int], explicit: str | None, tag: str) -> None:
    """Every consumer version with the tag, consumer by consumer."""
    by_consumer: dict[int, list[Any]] = {}
    for pub in pacts_repo.tagged_publications(c.conn, c.provider.id, ids, tag):
        by_consumer.setdefault(pub.consumer_id, []).append(pub)
    for i in ids:
        for pub in by_consumer.get(i, []):
            c.add(pub, _res("tag_all", pub, explicit, tag=tag))


def _default_selectors(c: _Collector) -> None:
    """Per consumer: its main branch head, else the latest tagged with the main branch name,
    else its latest; then everything deployed or released."""
    conn, pid = c.conn, c.provider.id
    consumers = c.consumers_for(None)
    heads = pacts_repo.main_branch_heads(conn, [x.id for x in consumers if x.main_branch])
    pubs = pacts_repo.publications_for_versions(conn, list(heads.values()), pid)
    for pub in sorted(pubs, key=lambda p: p.consumer_version_id):
        consumer = c.consumers[pub.consumer_id]
        c.add(pub, _res("main_branch", pub, consumer.name, branch=consumer.main_branch))
    by_main = [x.id for x in consumers if x.main_branch and x.id not in heads]
    tagged = pacts_repo.latest_publications_per_consumer(
        conn, pid, by_main, tag_is_main_branch=True
    )
    for i in by_main:
        if i in tagged:
            pub = tagged[i]
            consumer = c.consumers[i]
            c.add(pub, _res("tag_latest", pub, consumer.name, tag=consumer.main_branch))
    rest = [x.id for x in consumers if x.id not in heads and x.id not in tagged]
    latest = pacts_repo.latest_publications_per_consumer(conn, pid, rest)
    for i in rest:
        if i in latest:
            pub = latest[i]
            c.add(pub, _res("latest", pub, c.consumers[i].name))
    _resolve_environment(c, consumers, None, None, True, False)
    _resolve_environment(c, consumers, None, None, False, True)


# -- pending ---------------------------------------------------------------------------------------

Verified = pending_repo.Verified


def _pending_facts(
    conn: Connection, ids: list[int], provider_id: int, branch: str | None, provider_tags: list[str]
) -> dict[str | None, Verified]:
    """What pending depends on: per provider tag (or ``None`` for branch / any)."""
    if not ids:
        return {}
    if branch:
        return {None: pending_repo.verified(conn, ids, provider_id, branch=branch)}
    if provider_tags:
        return {t: pending_repo.verified(conn, ids, provider_id, tag=t) for t in provider_tags}
    return {None: pending_repo.verified(conn, ids, provider_id)}


def _set_pending(
    pacts: list[VerifiablePact],
    facts: dict[str | None, Verified],
    branch: str | None,
    provider_tags: list[str],
    exclude_wip: bool = False,
) -> None:
    if not pacts:
        return
    pick = 1 if exclude_wip else 0
    if branch or not provider_tags:
        verified = facts[None][pick]
        for pact in pacts:
            pact.pending = pact.pact_version_id not in verified
    else:
        for pact in pacts:
            pact.pending_tags = [
                t for t in provider_tags if pact.pact_version_id not in facts[t][pick]
            ]
            pact.non_pending_tags = [t for t in provider_tags if t not in pact.pending_tags]
            pact.pending = bool(pact.pending_tags)


# -- WIP -------------------------------------------------------------------------------------------


def _wip_heads(c: _Collector, since: datetime, branch: str | None) -> list[list[Row]]:
    """Branch and tag heads published since ``since`` whose content was not selected (nor,
    with a provider branch, verified on it outside WIP mode), grouped by content (consumer
    and SHA), each group ordered by version."""
    groups: dict[tuple[int, str], list[Row]] = {}
    selected = c.pacts
    found = pacts_repo.head_publications(c.conn, c.provider.id, list(c.consumers), since, branch)
    for head in found:
        key = (head[2], head[6])  # consumer_id, sha
        if key not in selected:
            group = groups.get(key)
            if group is None:
                groups[key] = [head]
            else:
                group.append(head)
    return list(groups.values())


def _unverified_outside_wip(
    pact_version_id: int, facts: dict[str | None, Verified], branch: str | None, tags: list[str]
) -> bool:
    """The content still lacks a successful verification outside WIP mode (by the branch,
    else by one of the tags, else at all): it stays a WIP pact."""
    if branch or not tags:
        return pact_version_id not in facts[None][1]
    return any(pact_version_id not in facts[t][1] for t in tags)


def _wip_pact(c: _Collector, heads: list[Row]) -> VerifiablePact:
    """The WIP pact of one content: its latest head version (the group is ordered by
    version), a reason per branch or tag it heads (each once: heads are unique by kind and
    name)."""
    _, _, consumer_id, version_id, version_number, pact_version_id, sha = heads[-1]
    consumer = c.consumers[consumer_id]
    pact = VerifiablePact(
        consumer.id,
        consumer.name,
        consumer.main_branch,
        pact_version_id,
        sha,
        version_id,
        version_number,
        wip=True,
    )
    pact.selectors = [
        Resolved("branch", vid, number, branch=name)
        if kind == "branch"
        else Resolved("tag_latest", vid, number, tag=name)
        for kind, name, _, vid, number, _, _ in heads
    ]
    return pact


def find_pacts_for_verification(
    conn: Connection,
    provider: Row,
    selectors: list[JsonObject] | None,
    provider_branch: str | None,
    provider_tags: list[str],
    include_pending: bool,
    wip_since: datetime | None,
    consumers: list[Row] | None = None,
) -> list[VerifiablePact]:
    """The pacts ``provider`` should verify; ``consumers``: its consumers when the caller
    read them already (``pacts_repo.provider_and_consumers``), else they are read here."""
    c = _Collector(conn, provider, consumers, provider_branch if include_pending else None)
    if selectors:
        for sel in selectors:
            _resolve(c, sel, provider_branch)
    else:
        _default_selectors(c)
    pacts = sorted(c.pacts.values(), key=lambda p: (p.consumer_name, p.consumer_version_id))
    wip_heads: list[list[Row]] = []
    if wip_since is not None and (provider_branch or provider_tags):
        wip_heads = _wip_heads(c, wip_since, provider_branch)
    # the selectors' statements judged some contents on the provider branch already
    judged = (
        [p.pact_version_id for p in pacts if p.pact_version_id not in c.verified]
        if include_pending
        else []
    )
    # with a provider branch, the heads statement left out the contents verified on it; with
    # tags, the WIP candidates are judged here
    by_tags = not provider_branch
    if by_tags:
        judged += [heads[0].pact_version_id for heads in wip_heads]
    facts = _pending_facts(conn, judged, provider.id, provider_branch, provider_tags)
    if c.verified:
        ok, outside_wip = facts.get(None, (set(), set()))
        facts[None] = (ok | {pv for pv, yes in c.verified.items() if yes}, outside_wip)
    if include_pending:
        _set_pending(pacts, facts, provider_branch, provider_tags)
    wip = [
        _wip_pact(c, heads)
        for heads in wip_heads
        if not by_tags
        or _unverified_outside_wip(heads[0].pact_version_id, facts, provider_branch, provider_tags)
    ]
    if by_tags:
        _set_pending(wip, facts, provider_branch, provider_tags, exclude_wip=True)
    for pact in wip:
        pact.pending = True
    return pacts + sorted(wip, key=lambda p: (p.consumer_name, p.consumer_version_id))
