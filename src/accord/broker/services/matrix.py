# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""The matrix and can-i-deploy: which versions were verified against which, and may I deploy?

1. Resolve each specified selector to versions (a version, the latest, by tag, branch, main
   branch or environment, or "any version"). A selector that matches no version stays, empty.
2. When the query asks to infer the other side (``latest``/``tag``/``environment``/
   ``mainBranch`` options or a single selector), add every integration partner, resolved
   with the same options. A consumer's providers are required; a provider's consumers are not.
3. Rows: each consumer version's pact with each provider, left-joined to the latest
   verification per (pact content, provider version) within the selected provider versions.
4. Group by ``latestby``, filter, split off ignored rows and summarise as the official broker
   does (``DeploymentStatusSummary``): ``deployable`` is false when a specified selector that
   is not ignored matches no version, null (unknown) when a considered row is unverified or a
   required integration has no row, else whether every considered row succeeded (true when
   there is none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, func, literal, select, union_all

from accord.broker.services import contract_comparison
from accord.broker.services.matrix_selectors import Selector, flag
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

NO_ENVIRONMENT = "WARN: It is recommended to specify the environment into which you are deploying. Without the environment, this result will not be reliable."
NO_VERSION_NUMBER = "WARN: It is recommended to specify the version number (rather than the tag or branch) of the pacticipant you wish to deploy to avoid race conditions. Without a version number, this result will not be reliable."
SUCCESSFUL = "All required verification results are published and successful"
NO_DEPENDENCIES_MISSING = "There are no missing dependencies"


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


@dataclass
class _Ignore:
    """One ``ignore`` selector: the whole pacticipant, or one version of it."""

    name: str
    pacticipant: Any | None
    number: str | None
    version: Any | None

    def matches(self, pacticipant: Any, version: Any | None) -> bool:
        if self.pacticipant is None or self.pacticipant.id != pacticipant.id:
            return False
        if self.number is None:
            return True
        return version is not None and self.version is not None and version.id == self.version.id

    def warning(self) -> str | None:
        if self.pacticipant is None:
            return f"WARN: Cannot ignore any version of {self.name} (no such pacticipant exists)"
        if self.number is not None and self.version is None:
            return (
                f"WARN: Cannot ignore version {self.number} of {self.name} (no such version exists)"
            )
        return None


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


def _only_name(spec: dict[str, Any]) -> bool:
    """The selector names a pacticipant and nothing else: any of its versions."""
    return not any(
        (spec.get("version"), spec.get("tag"), spec.get("branch"), spec.get("environment"))
    ) and not (flag(spec.get("latest")) or flag(spec.get("mainBranch")))


def _version_query(pacticipant: Any, sel: Selector, env: Any | None) -> Select | None:
    """The versions a selector names, oldest first; None when it can name none."""
    query = select(versions).where(versions.c.pacticipant_id == pacticipant.id)
    if sel.environment:
        if env is None:
            return None
        current = union_all(
            select(deployed_versions.c.version_id).where(
                deployed_versions.c.environment_id == env.id,
                deployed_versions.c.currently_deployed.is_(True),
            ),
            select(released_versions.c.version_id).where(
                released_versions.c.environment_id == env.id,
                released_versions.c.support_ended_at.is_(None),
            ),
        )
        query = query.where(versions.c.id.in_(current))
    if sel.tag:
        query = query.where(
            versions.c.id.in_(
                select(tags.c.version_id).where(
                    tags.c.pacticipant_id == pacticipant.id, tags.c.name == sel.tag
                )
            )
        )
    branch_names = [b for b in (sel.branch,) if b]
    if sel.main_branch:
        if not pacticipant.main_branch:
            return None
        branch_names.append(pacticipant.main_branch)
    for name in branch_names:
        query = query.where(
            versions.c.id.in_(
                select(branch_versions.c.version_id).where(
                    branch_versions.c.pacticipant_id == pacticipant.id,
                    branch_versions.c.branch_name == name,
                )
            )
        )
    return query.order_by(versions.c.id)


def _resolve(
    conn: Connection, pacticipant: Any, spec: dict[str, Any], specified: bool, envs: _Environments
) -> Selector:
    """One selector: the version it names, the versions it names, or any version."""
    if _only_name(spec):
        return Selector.from_spec(pacticipant, spec, specified, None)
    sel = Selector.from_spec(pacticipant, spec, specified, [])
    if sel.number:
        row = repo.find_version(conn, pacticipant.id, sel.number)
        sel.versions = [row] if row is not None else []
        return sel
    query = _version_query(
        pacticipant, sel, envs.find(sel.environment) if sel.environment else None
    )
    if query is None:
        return sel
    if sel.latest:
        row = conn.execute(query.order_by(None).order_by(versions.c.id.desc()).limit(1)).first()
        sel.versions = [row] if row is not None else []
    else:
        sel.versions = list(conn.execute(query).all())
    return sel


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
    if not env_name or set(spec) != {"environment"}:
        return {i: _resolve(conn, rows[i], spec, False, envs) for i in ids}
    env = envs.find(env_name)
    found: dict[int, dict[int, Any]] = {}
    if env is not None:
        for row in _current_versions(conn, ids, env.id):
            found.setdefault(row.pacticipant_id, {}).setdefault(row.id, row)
    return {
        i: Selector.from_spec(
            rows[i], spec, False, sorted(found.get(i, {}).values(), key=lambda v: v.id)
        )
        for i in ids
    }


def _inferred_spec(query: MatrixQuery) -> dict[str, Any]:
    """The selector of every inferred partner, built from the query's options."""
    spec: dict[str, Any] = {}
    if query.tag:
        spec["tag"] = query.tag
    if query.main_branch:
        spec["mainBranch"] = True
    if query.latest:
        spec["latest"] = True
    if query.environment:
        spec["environment"] = query.environment
    return spec


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


def _row_order(r: Row) -> tuple:
    """The official order: consumer name, newest consumer version, provider name, unverified
    first then the newest provider version."""
    pv = r.provider_version
    return (
        r.consumer.name,
        -r.consumer_version.id,
        r.provider.name,
        (0, 0) if pv is None else (1, -pv.id),
        -(r.verification.id if r.verification is not None else 0),
    )


def _validate(query: MatrixQuery, envs: _Environments) -> list[str]:
    errors: list[str] = []
    for spec in query.selectors:
        name = spec.get("pacticipant")
        if not name:
            errors.append("Please specify the pacticipant name")
        elif spec.get("version") and flag(spec.get("latest")):
            errors.append(f"A version number and latest flag cannot both be specified for {name}")
    for spec in query.selectors:
        name = spec.get("pacticipant")
        if name and repo.find_pacticipant(envs.conn, name) is None:
            errors.append(f"Pacticipant {name} not found")
    if not query.selectors:
        errors.append("Please provide 1 or more version selectors.")
    for spec in query.ignore:
        if not spec.get("pacticipant"):
            errors.append("Please specify the pacticipant name to ignore")
    if sum(1 for d in (query.tag, query.environment, query.main_branch) if d) > 1:
        errors.append("Cannot specify more than one of tag, environment and mainBranch.")
    if query.latest and query.environment:
        errors.append("Cannot specify both latest=true and an environment.")
    names = [query.environment] + [s.get("environment") for s in query.selectors]
    for env in dict.fromkeys(n for n in names if n):
        if envs.find(env) is None:
            errors.append(f"Environment with name '{env}' does not exist")
    return errors


def _resolve_ignores(conn: Connection, specs: list[dict[str, Any]]) -> list[_Ignore]:
    out = []
    for spec in specs:
        name = spec["pacticipant"]
        row = repo.find_pacticipant(conn, name)
        number = spec.get("version") or None
        version = repo.find_version(conn, row.id, number) if row is not None and number else None
        out.append(_Ignore(name, row, number, version))
    return out


def run_matrix(conn: Connection, query: MatrixQuery) -> MatrixResult:
    envs = _Environments(conn)
    errors = _validate(query, envs)
    if errors:
        raise MatrixError(errors)
    ignores = _resolve_ignores(conn, query.ignore)
    specified: list[Selector] = []
    for spec in query.selectors:
        row = repo.find_pacticipant(conn, spec["pacticipant"])
        sel = _resolve(conn, row, spec, True, envs)
        sel.ignored = any(i.matches(row, None) and i.number is None for i in ignores)
        specified.append(sel)

    infer = bool(
        query.latest or query.tag or query.environment or query.main_branch or len(specified) == 1
    )
    pairs: list[tuple[Selector, Selector, bool]] = []  # consumer, provider, required
    by_id = {s.pacticipant.id: s for s in specified}
    inferred: dict[int, Selector] = {}
    if infer:
        links: list[tuple[Selector, int, bool]] = []  # selector, partner id, partner is provider
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
        inferred = _resolve_many(
            conn, [i for _, i, _ in links if i not in by_id], _inferred_spec(query), envs
        )
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
    # bi-directional contracts: a comparison stands in where there is no real verification
    by_pair = contract_comparison.add_contract_rows(
        conn, [(c, p) for c, p, _ in unique.values()], by_pair
    )
    for key, (consumer, provider, required) in unique.items():
        found = by_pair.get(key, [])
        rows.extend(found)
        if required and not found:
            missing.append((consumer, provider))

    rows = _group(rows, query.latestby)
    if query.success is not None:
        rows = [r for r in rows if r.success in query.success]
    rows.sort(key=_row_order)
    for r in rows:
        r.ignored = any(
            i.matches(r.consumer, r.consumer_version) or i.matches(r.provider, r.provider_version)
            for i in ignores
        )
    considered = [r for r in rows if not r.ignored]
    ignored = [r for r in rows if r.ignored]

    describe = _describer(specified + list(inferred.values()), considered, list(unique.values()))
    warnings = [w for w in (i.warning() for i in ignores) if w]
    if sum(s.count for s in specified) == 1 and not (
        query.tag or query.environment or query.main_branch
    ):
        warnings.append(NO_ENVIRONMENT)
    named = [s for s in specified if s.versions is not None]
    if named and not any(s.number for s in specified):
        warnings.append(NO_VERSION_NUMBER)

    absent = [s for s in specified if s.matches_nothing and not s.ignored]
    errors_out: list[str] = [s.missing_text() for s in absent]
    if not errors_out:
        errors_out += [
            f"There is no verified pact between {describe(c.pacticipant, None)} and {describe(p.pacticipant, None)}"
            for c, p in missing
        ]
        errors_out += [
            f"The verification for the pact between {describe(r.consumer, r.consumer_version)} and {describe(r.provider, r.provider_version)} failed"
            for r in considered
            if r.success is False and not contract_comparison.is_contract_verification(r.verification)
        ]
        errors_out += contract_comparison.contract_notices(considered, describe)[0]
        errors_out += [
            f"There is no verified pact between {describe(r.consumer, r.consumer_version)} and {describe(r.provider, r.provider_version)}"
            for r in considered
            if r.success is None
        ]
    errors_out = list(dict.fromkeys(errors_out))

    deployable: bool | None
    if absent:
        deployable = False
    elif any(r.success is None for r in considered) or missing:
        deployable = None
    else:
        deployable = all(r.success for r in considered)
    notices = [{"type": "warning", "text": w} for w in warnings]
    if errors_out:
        notices += [{"type": "error", "text": t} for t in errors_out]
    elif deployable:
        notices.append(
            {"type": "success", "text": SUCCESSFUL if considered else NO_DEPENDENCIES_MISSING}
        )
        notices += [
            {"type": "warning", "text": t}
            for t in contract_comparison.contract_notices(considered, describe)[1]
        ]
    summary: dict[str, Any] = {
        "deployable": deployable,
        "reason": "\n".join(n["text"] for n in notices),
        "success": sum(1 for r in considered if r.success is True),
        "failed": sum(1 for r in considered if r.success is False),
        "unknown": sum(1 for r in considered if r.success is None) + len(missing),
    }
    if ignores:
        summary["ignored"] = len(ignored)
    return MatrixResult((considered + ignored)[: max(query.limit, 1)], summary, notices)


def _describer(
    selectors: list[Selector],
    considered: list[Row],
    pairs: list[tuple[Selector, Selector, bool]],
):
    """The text for a pacticipant (version) in a reason, as the official broker picks it: the
    one selector for that pacticipant, else the one that resolved to that version, else a
    stand-in made from the first row or integration involving the pacticipant."""
    by_id: dict[int, list[Selector]] = {}
    for s in selectors:
        by_id.setdefault(s.pacticipant.id, []).append(s)
    stand_ins: dict[int, str] = {}
    for r in considered:
        stand_ins.setdefault(
            r.consumer.id, f"version {r.consumer_version.number} of {r.consumer.name}"
        )
        stand_ins.setdefault(
            r.provider.id,
            f"version {r.provider_version.number} of {r.provider.name}"
            if r.provider_version is not None
            else f"any version of {r.provider.name}",
        )
    for c, p, _ in pairs:
        stand_ins.setdefault(c.pacticipant.id, f"any version of {c.name}")
        stand_ins.setdefault(p.pacticipant.id, f"any version of {p.name}")

    def describe(pacticipant: Any, version: Any | None) -> str:
        found = by_id.get(pacticipant.id, [])
        if sum(s.count for s in found) == 1:
            return found[0].describe(version)
        if version is not None:
            for s in found:
                if any(v.id == version.id for v in s.versions or []):
                    return s.describe(version)
        return stand_ins.get(pacticipant.id, f"any version of {pacticipant.name}")

    return describe
