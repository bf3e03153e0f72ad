# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""The matrix and can-i-deploy: which versions were verified against which, and may I deploy?

1. Resolve each specified selector to version ids (a version, the latest, by tag, branch,
   main branch or environment, or "any version").
2. When the query asks to infer the other side (``latest``/``tag``/``environment``/
   ``mainBranch`` options or a single selector), add every integration partner, resolved
   with the same options. A consumer's providers are required; a provider's consumers are not.
3. Rows: each consumer version's pact with each provider, left-joined to the latest
   verification per (pact content, provider version) within the selected provider versions.
4. Group by ``latestby``, filter, split off ignored rows and summarise.

``deployable`` is false when a specified version does not exist, null (unknown) when a
considered row is unverified or a required integration has no row, else whether every row
succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, literal, select, union_all

from accord.broker.storage import pacts_repo, repo
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

__all__ = ["MatrixError", "MatrixQuery", "Row", "Selector", "run_matrix"]


class MatrixError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class MatrixQuery:
    selectors: list[dict[str, Any]]
    latestby: str | None = None
    latest: bool = False
    tag: str | None = None
    environment: str | None = None
    main_branch: bool = False
    ignore: list[dict[str, Any]] = field(default_factory=list)
    success: list[bool] | None = None
    limit: int = 100


@dataclass
class Selector:
    pacticipant: Any
    version_ids: list[int] | None  # None: any version
    description: str
    specified: bool
    missing_version: bool = False
    inferred_from: str | None = None


@dataclass
class Row:
    consumer: Any
    provider: Any
    consumer_version: Any
    provider_version: Any | None
    pact: Any
    verification: Any | None
    ignored: bool = False

    @property
    def success(self) -> bool | None:
        return None if self.verification is None else bool(self.verification.success)


@dataclass
class MatrixResult:
    rows: list[Row]
    summary: dict[str, Any]
    notices: list[dict[str, str]]


def _versions(conn: Connection, ids: list[int]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for chunk in id_chunks(conn, ids):
        for row in conn.execute(select(versions).where(id_in(conn, versions.c.id, chunk))).all():
            out[row.id] = row
    return out


class _Environments:
    """Environment rows by name, read once per matrix query (they are few)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._by_name: dict[str, Any] | None = None

    def find(self, name: str) -> Any | None:
        if self._by_name is None:
            self._by_name = {row.name: row for row in self.conn.execute(select(environments))}
        return self._by_name.get(name)


def _current_versions(
    conn: Connection, pacticipant_ids: list[int], environment_id: int
) -> list[Any]:
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


def _resolve(
    conn: Connection, pacticipant: Any, spec: dict[str, Any], specified: bool, envs: _Environments
) -> Selector:
    name = pacticipant.name
    pid = pacticipant.id
    number = spec.get("version")
    tag, branch = spec.get("tag"), spec.get("branch")
    latest = str(spec.get("latest", "")).lower() == "true" or spec.get("latest") is True
    main = str(spec.get("mainBranch", "")).lower() == "true" or spec.get("mainBranch") is True
    env_name = spec.get("environment")
    if number:
        row = repo.find_version(conn, pid, number)
        return Selector(
            pacticipant,
            [row.id] if row else [],
            f"version {number} of {name}",
            specified,
            missing_version=row is None,
        )
    if env_name:
        env = envs.find(env_name)
        current = _current_versions(conn, [pid], env.id) if env else []
        ids = list(dict.fromkeys(row.id for row in current))
        if not ids:
            return Selector(
                pacticipant,
                [],
                f"a version of {name} currently in {env_name} (no version is "
                "currently recorded as deployed/released in this environment)",
                specified,
            )
        by_id = {row.id: row for row in current}
        numbers = ", ".join(by_id[vid].number for vid in sorted(by_id))
        return Selector(
            pacticipant, ids, f"a version of {name} currently in {env_name} ({numbers})", specified
        )
    if main:
        if not pacticipant.main_branch:
            return Selector(
                pacticipant,
                [],
                f"any version of {name} from the main branch (no main branch is configured)",
                specified,
            )
        head = repo.branch_head(conn, pid, pacticipant.main_branch)
        if head is None:
            return Selector(
                pacticipant,
                [],
                f"any version of {name} from the main branch (no versions exist for this branch)",
                specified,
            )
        return Selector(
            pacticipant,
            [head.id],
            f"the latest version of {name} from the main branch ({head.number})",
            specified,
        )
    if latest or (not specified and (tag or branch)):
        row = repo.latest_version(conn, pid, tag=tag, branch=branch)
        what = f" with tag {tag}" if tag else (f" from branch {branch}" if branch else "")
        if row is None:
            return Selector(
                pacticipant,
                [],
                f"the latest version of {name}{what} (no such version exists)",
                specified,
            )
        return Selector(
            pacticipant, [row.id], f"the latest version of {name}{what} ({row.number})", specified
        )
    if tag:
        ids = list(
            conn.execute(
                select(tags.c.version_id).where(tags.c.pacticipant_id == pid, tags.c.name == tag)
            ).scalars()
        )
        return Selector(pacticipant, ids, f"a version of {name} with tag {tag}", specified)
    if branch:
        ids = list(
            conn.execute(
                select(branch_versions.c.version_id).where(
                    branch_versions.c.pacticipant_id == pid, branch_versions.c.branch_name == branch
                )
            ).scalars()
        )
        return Selector(pacticipant, ids, f"a version of {name} from branch {branch}", specified)
    return Selector(pacticipant, None, f"any version of {name}", specified)


def _resolve_many(
    conn: Connection, ids: list[int], spec: dict[str, Any], envs: _Environments
) -> dict[int, Selector]:
    """Resolve the inferred partners; environments in bulk (the common can-i-deploy case)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    rows = {
        r.id: r
        for r in conn.execute(select(pacticipants).where(id_in(conn, pacticipants.c.id, ids)))
    }
    env_name = spec.get("environment")
    if not env_name:
        return {i: _resolve(conn, rows[i], spec, False, envs) for i in ids}
    env = envs.find(env_name)
    by_pacticipant: dict[int, list[int]] = {}
    numbers: dict[int, Any] = {}
    if env is not None:
        for row in _current_versions(conn, ids, env.id):
            numbers[row.id] = row
            if row.id not in by_pacticipant.setdefault(row.pacticipant_id, []):
                by_pacticipant[row.pacticipant_id].append(row.id)
    out = {}
    for i in ids:
        name = rows[i].name
        vids = by_pacticipant.get(i, [])
        if not vids:
            out[i] = Selector(
                rows[i],
                [],
                f"a version of {name} currently in {env_name} (no version is "
                "currently recorded as deployed/released in this environment)",
                False,
            )
        else:
            listed = ", ".join(numbers[v].number for v in vids)
            out[i] = Selector(
                rows[i], vids, f"a version of {name} currently in {env_name} ({listed})", False
            )
    return out


def _inferred_spec(query: MatrixQuery) -> dict[str, Any]:
    if query.environment:
        return {"environment": query.environment}
    if query.main_branch:
        return {"mainBranch": True}
    if query.tag:
        return {"tag": query.tag, "latest": query.latest}
    if query.latest:
        return {"latest": True}
    return {}


def _rows_for_pairs(
    conn: Connection, pairs: list[tuple[Selector, Selector]]
) -> dict[tuple[int, int], list[Row]]:
    """Matrix rows for many (consumer selector, provider selector) pairs with a few queries."""
    pp = pact_publications
    out: dict[tuple[int, int], list[Row]] = {}
    pubs_by_pair: dict[tuple[int, int], list[Any]] = {}
    bounded = [(c, p) for c, p in pairs if c.version_ids is not None]
    if bounded:
        cv_ids = list({v for c, _ in bounded for v in c.version_ids or []})
        provider_ids = list({p.pacticipant.id for _, p in bounded})
        for chunk in id_chunks(conn, cv_ids):
            q = pacts_repo.publication_query().where(
                id_in(conn, pp.c.consumer_version_id, chunk),
                id_in(conn, pp.c.provider_id, provider_ids),
            )
            for pub in conn.execute(q).all():
                pubs_by_pair.setdefault((pub.consumer_id, pub.provider_id), []).append(pub)
        for c, p in bounded:
            wanted = set(c.version_ids or [])
            key = (c.pacticipant.id, p.pacticipant.id)
            pubs_by_pair[key] = [
                x for x in pubs_by_pair.get(key, []) if x.consumer_version_id in wanted
            ]
    for c, p in pairs:
        if c.version_ids is None:
            q = pacts_repo.publication_query().where(
                pp.c.consumer_id == c.pacticipant.id, pp.c.provider_id == p.pacticipant.id
            )
            pubs_by_pair[(c.pacticipant.id, p.pacticipant.id)] = list(conn.execute(q).all())
    pact_version_ids = list({x.pact_version_id for pubs in pubs_by_pair.values() for x in pubs})
    by_pact: dict[int, list[Any]] = {}
    for chunk in id_chunks(conn, pact_version_ids):
        # the latest verification per (pact content, provider version), in one statement
        latest = (
            select(func.max(verifications.c.id))
            .where(id_in(conn, verifications.c.pact_version_id, chunk))
            .group_by(verifications.c.pact_version_id, verifications.c.provider_version_id)
        )
        q = pacts_repo.verification_query().where(verifications.c.id.in_(latest))
        for v in conn.execute(q.order_by(verifications.c.id)).all():
            by_pact.setdefault(v.pact_version_id, []).append(v)
    version_rows = _versions(
        conn,
        [x.consumer_version_id for pubs in pubs_by_pair.values() for x in pubs]
        + [v.provider_version_id for vs in by_pact.values() for v in vs],
    )
    for c, p in pairs:
        key = (c.pacticipant.id, p.pacticipant.id)
        allowed = None if p.version_ids is None else set(p.version_ids)
        rows: list[Row] = []
        if allowed is not None and not allowed:
            out[key] = rows
            continue
        for pub in pubs_by_pair.get(key, []):
            found = [
                v
                for v in by_pact.get(pub.pact_version_id, [])
                if v.provider_id == p.pacticipant.id
                and (allowed is None or v.provider_version_id in allowed)
            ]
            cv = version_rows[pub.consumer_version_id]
            if not found:
                rows.append(Row(c.pacticipant, p.pacticipant, cv, None, pub, None))
            for v in found:
                rows.append(
                    Row(
                        c.pacticipant,
                        p.pacticipant,
                        cv,
                        version_rows[v.provider_version_id],
                        pub,
                        v,
                    )
                )
        out[key] = rows
    return out


def _group(rows: list[Row], latestby: str | None) -> list[Row]:
    def pv_id(r: Row) -> int:
        return r.provider_version.id if r.provider_version is not None else -1

    if latestby == "cvp":
        best: dict[tuple, Row] = {}
        for r in rows:
            key = (r.consumer_version.id, r.provider.id)
            if key not in best or pv_id(r) > pv_id(best[key]):
                best[key] = r
        return list(best.values())
    if latestby == "cp":
        best = {}
        for r in rows:
            key = (r.consumer.id, r.provider.id)
            cur = best.get(key)
            if cur is None or (r.consumer_version.id, pv_id(r)) > (
                cur.consumer_version.id,
                pv_id(cur),
            ):
                best[key] = r
        return list(best.values())
    return rows


def _matches_ignore(
    ignores: list[tuple[Any, str | None]], pacticipant: Any, version: Any | None
) -> bool:
    for row, number in ignores:
        if row.id == pacticipant.id and (
            number is None or (version is not None and version.number == number)
        ):
            return True
    return False


def run_matrix(conn: Connection, query: MatrixQuery) -> MatrixResult:
    errors: list[str] = []
    if not query.selectors:
        errors.append("Please provide 1 or more version selectors.")
    envs = _Environments(conn)
    specified: list[Selector] = []
    for spec in query.selectors:
        name = spec.get("pacticipant")
        if not name:
            errors.append("Please specify the pacticipant name")
            continue
        row = repo.find_pacticipant(conn, name)
        if row is None:
            errors.append(f"Pacticipant {name} not found")
            continue
        specified.append(_resolve(conn, row, spec, True, envs))
    if query.environment and envs.find(query.environment) is None:
        errors.append(f"Environment with name '{query.environment}' does not exist")
    for spec in query.selectors:
        env = spec.get("environment")
        if env and envs.find(env) is None:
            errors.append(f"Environment with name '{env}' does not exist")
    if errors:
        raise MatrixError(errors)

    notices: list[dict[str, str]] = []
    ignores: list[tuple[Any, str | None]] = []
    for spec in query.ignore:
        name = spec.get("pacticipant") if isinstance(spec, dict) else spec
        row = repo.find_pacticipant(conn, name) if name else None
        number = spec.get("version") if isinstance(spec, dict) else None
        if row is None:
            notices.append(
                {
                    "type": "warning",
                    "text": f"Cannot ignore {name} as it is not a known pacticipant",
                }
            )
            continue
        if number and repo.find_version(conn, row.id, number) is None:
            notices.append(
                {
                    "type": "warning",
                    "text": f"Cannot ignore version {number} of {name} as it does not exist",
                }
            )
        ignores.append((row, number))

    infer = bool(
        query.latest or query.tag or query.environment or query.main_branch or len(specified) == 1
    )
    pairs: list[tuple[Selector, Selector, bool]] = []  # consumer, provider, required
    by_id = {s.pacticipant.id: s for s in specified}
    if infer:
        spec = _inferred_spec(query)
        links: list[
            tuple[Selector, int, bool]
        ] = []  # specified selector, partner id, partner is provider
        for sel in specified:
            pid = sel.pacticipant.id
            pq = (
                select(pact_publications.c.provider_id)
                .where(pact_publications.c.consumer_id == pid)
                .distinct()
            )
            if sel.version_ids is not None:
                pq = pq.where(pact_publications.c.consumer_version_id.in_(sel.version_ids or [-1]))
            links += [(sel, provider_id, True) for provider_id in conn.execute(pq).scalars()]
            cq = select(integrations.c.consumer_id).where(integrations.c.provider_id == pid)
            links += [(sel, consumer_id, False) for consumer_id in conn.execute(cq).scalars()]
        inferred = _resolve_many(conn, [i for _, i, _ in links if i not in by_id], spec, envs)
        for sel, partner_id, is_provider in links:
            partner = by_id.get(partner_id) or inferred[partner_id]
            if is_provider:
                pairs.append((sel, partner, True))
            elif not any(p[0].pacticipant.id == partner_id and p[1] is sel for p in pairs):
                pairs.append((partner, sel, False))
    else:
        for a in specified:
            for b in specified:
                if a is not b:
                    pairs.append((a, b, False))

    rows: list[Row] = []
    missing: list[tuple[Selector, Selector]] = []
    unique: dict[tuple[int, int], tuple[Selector, Selector, bool]] = {}
    for consumer, provider, required in pairs:
        unique.setdefault(
            (consumer.pacticipant.id, provider.pacticipant.id), (consumer, provider, required)
        )
    by_pair = _rows_for_pairs(conn, [(c, p) for c, p, _ in unique.values()])
    for key, (consumer, provider, required) in unique.items():
        found = by_pair.get(key, [])
        rows.extend(found)
        if required and not found:
            missing.append((consumer, provider))

    rows = _group(rows, query.latestby)
    if query.success is not None:
        rows = [r for r in rows if r.success in query.success]
    rows.sort(
        key=lambda r: (
            r.consumer.name,
            r.consumer_version.id,
            r.provider.name,
            r.provider_version.id if r.provider_version else 0,
        )
    )
    for r in rows:
        if ignores and (
            _matches_ignore(ignores, r.consumer, r.consumer_version)
            or _matches_ignore(ignores, r.provider, r.provider_version)
        ):
            r.ignored = True
    considered = [r for r in rows if not r.ignored]
    ignored_missing = [m for m in missing if _matches_ignore(ignores, m[1].pacticipant, None)]
    missing = [m for m in missing if m not in ignored_missing]

    warnings: list[str] = []
    if infer and not query.environment and not query.tag and not query.main_branch and query.latest:
        warnings.append(
            "WARN: It is recommended to specify the environment into which you are deploying. Without the environment, this result will not be reliable."
        )
    if (query.tag or query.environment or query.main_branch) and any(
        not s.get("version") for s in query.selectors
    ):
        warnings.append(
            "WARN: It is recommended to specify the version number (rather than the tag or branch) of the pacticipant you wish to deploy to avoid race conditions. Without a version number, this result will not be reliable."
        )
    errors_out: list[str] = []
    sels = {(s.pacticipant.id): s for s in specified}

    def desc(pacticipant: Any, version: Any | None) -> str:
        sel = sels.get(pacticipant.id)
        if sel is not None and sel.version_ids is not None and len(sel.version_ids) <= 1:
            return sel.description
        if version is not None and sel is None:
            return f"version {version.number} of {pacticipant.name}"
        return sel.description if sel else f"any version of {pacticipant.name}"

    describe = _describer(specified, pairs)
    for s in specified:
        if s.missing_version and not _matches_ignore(ignores, s.pacticipant, None):
            errors_out.append(f"No pacts or verifications have been published for {s.description}")
    for r in considered:
        c, p = describe(r.consumer, r.consumer_version), describe(r.provider, r.provider_version)
        if r.success is False:
            errors_out.append(f"The verification for the pact between {c} and {p} failed")
        elif r.success is None:
            errors_out.append(f"There is no verified pact between {c} and {p}")
    for consumer, provider in missing:
        errors_out.append(
            f"There is no verified pact between {consumer.description} and {provider.description}"
        )
    errors_out = list(dict.fromkeys(errors_out))
    _ = desc

    if any(
        s.missing_version and not _matches_ignore(ignores, s.pacticipant, None) for s in specified
    ):
        deployable: bool | None = False
    elif any(r.success is None for r in considered) or missing:
        deployable = None
    else:
        deployable = all(r.success for r in considered)
    for w in warnings:
        notices.insert(0, {"type": "warning", "text": w})
    for r in rows:
        if r.ignored:
            notices.append(
                {
                    "type": "info",
                    "text": f"Ignoring the verification result for {describe(r.consumer, r.consumer_version)} and {describe(r.provider, r.provider_version)}",
                }
            )
    ok_text = (
        "All required verification results are published and successful"
        if considered
        else "There are no missing dependencies"
    )
    if deployable is True and not errors_out:
        notices.append({"type": "success", "text": ok_text})
    else:
        notices.extend({"type": "error", "text": t} for t in errors_out)
    reason_parts = [n["text"] for n in notices if n["type"] == "warning"] + (
        [ok_text] if deployable is True and not errors_out else errors_out
    )
    summary: dict[str, Any] = {
        "deployable": deployable,
        "reason": "\n".join(reason_parts),
        "success": sum(1 for r in considered if r.success is True),
        "failed": sum(1 for r in considered if r.success is False),
        "unknown": sum(1 for r in considered if r.success is None) + len(missing),
    }
    if query.ignore:
        summary["ignored"] = sum(1 for r in rows if r.ignored) + len(ignored_missing)
    return MatrixResult(rows[: max(query.limit, 1)], summary, notices)


def _describer(specified: list[Selector], pairs: list[tuple[Selector, Selector, bool]]):
    by_id: dict[int, Selector] = {s.pacticipant.id: s for s in specified}
    for c, p, _ in pairs:
        by_id.setdefault(c.pacticipant.id, c)
        by_id.setdefault(p.pacticipant.id, p)

    def describe(pacticipant: Any, version: Any | None) -> str:
        sel = by_id.get(pacticipant.id)
        if sel is None:
            return (
                f"version {version.number} of {pacticipant.name}"
                if version
                else f"any version of {pacticipant.name}"
            )
        if sel.version_ids is None:
            return sel.description
        if len(sel.version_ids) == 1 or version is None:
            return sel.description
        return f"version {version.number} of {pacticipant.name}"

    return describe
