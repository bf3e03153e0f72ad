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

from collections.abc import Callable
from dataclasses import field
from typing import Any

from sqlalchemy import Connection

from accord.broker.services import contract_comparison
from accord.broker.services.matrix_selectors import Selector, flag
from accord.broker.storage import matrix_repo, repo
from accord.model.valueclass import dataclass

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


class _Environments:
    """Environment rows by name, read once per matrix query (they are few)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._by_name: dict[str, Any] | None = None

    def find(self, name: str) -> Any | None:
        if self._by_name is None:
            self._by_name = matrix_repo.environments_by_name(self.conn)
        return self._by_name.get(name)


def _only_name(spec: dict[str, Any]) -> bool:
    """The selector names a pacticipant and nothing else: any of its versions."""
    return not any(
        (spec.get("version"), spec.get("tag"), spec.get("branch"), spec.get("environment"))
    ) and not (flag(spec.get("latest")) or flag(spec.get("mainBranch")))


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
    env = envs.find(sel.environment) if sel.environment else None
    if sel.environment and env is None:
        return sel
    branch_names = [b for b in (sel.branch,) if b]
    if sel.main_branch:
        if not pacticipant.main_branch:
            return sel
        branch_names.append(pacticipant.main_branch)
    sel.versions = matrix_repo.selected_versions(
        conn,
        pacticipant.id,
        environment_id=env.id if env is not None else None,
        tag=sel.tag,
        branch_names=branch_names,
        latest=bool(sel.latest),
    )
    return sel


def _resolve_many(
    conn: Connection, ids: list[int], spec: dict[str, Any], envs: _Environments
) -> dict[int, Selector]:
    """Resolve the inferred partners; environments in bulk (the common can-i-deploy case)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    rows = matrix_repo.pacticipants_by_id(conn, ids)
    env_name = spec.get("environment")
    if not env_name or set(spec) != {"environment"}:
        return {i: _resolve(conn, rows[i], spec, False, envs) for i in ids}
    env = envs.find(env_name)
    found: dict[int, dict[int, Any]] = {}
    if env is not None:
        for row in matrix_repo.current_versions(conn, ids, env.id):
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
    out: dict[tuple[int, int], list[Row]] = {}
    pubs_by_pair: dict[tuple[int, int], list[Any]] = {}
    bounded = [(c, p) for c, p in pairs if c.version_ids is not None]
    if bounded:
        cv_ids = list({v for c, _ in bounded for v in c.version_ids or []})
        provider_ids = list({p.pacticipant.id for _, p in bounded})
        for pub in matrix_repo.publications_of_versions(conn, cv_ids, provider_ids):
            pubs_by_pair.setdefault((pub.consumer_id, pub.provider_id), []).append(pub)
        for c, p in bounded:
            wanted = set(c.version_ids or [])
            key = (c.pacticipant.id, p.pacticipant.id)
            pubs_by_pair[key] = [
                x for x in pubs_by_pair.get(key, []) if x.consumer_version_id in wanted
            ]
    for c, p in pairs:
        if c.version_ids is None:
            pubs_by_pair[(c.pacticipant.id, p.pacticipant.id)] = matrix_repo.publications_for_pair(
                conn, c.pacticipant.id, p.pacticipant.id
            )
    pact_version_ids = list({x.pact_version_id for pubs in pubs_by_pair.values() for x in pubs})
    by_pact: dict[int, list[Any]] = {}
    for v in matrix_repo.latest_verifications(conn, pact_version_ids):
        by_pact.setdefault(v.pact_version_id, []).append(v)
    version_rows = matrix_repo.versions_by_id(
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
    specified = _resolve_specified(conn, query, ignores, envs)
    pairs, inferred = _pairs(conn, query, specified, envs)
    unique = _unique_pairs(pairs)
    rows, missing = _rows_and_missing(conn, unique)
    considered, ignored = _considered_and_ignored(rows, query, ignores)
    describe = _describer(specified + list(inferred.values()), considered, list(unique.values()))
    absent = [s for s in specified if s.matches_nothing and not s.ignored]
    warnings = _warnings(query, specified, ignores)
    errors_out = _reasons(absent, missing, considered, describe)
    deployable = _deployable(absent, missing, considered)
    notices = _notices(warnings, errors_out, deployable, considered, describe)
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


Pair = tuple[Selector, Selector, bool]  # consumer, provider, required


def _resolve_specified(
    conn: Connection, query: MatrixQuery, ignores: list[_Ignore], envs: _Environments
) -> list[Selector]:
    """Step 1: each specified selector's versions (marked ignored when an ignore names the
    whole pacticipant)."""
    specified: list[Selector] = []
    for spec in query.selectors:
        row = repo.find_pacticipant(conn, spec["pacticipant"])
        sel = _resolve(conn, row, spec, True, envs)
        sel.ignored = any(i.matches(row, None) and i.number is None for i in ignores)
        specified.append(sel)
    return specified


def _pairs(
    conn: Connection, query: MatrixQuery, specified: list[Selector], envs: _Environments
) -> tuple[list[Pair], dict[int, Selector]]:
    """Step 2: the consumer/provider pairs to look at, and the inferred partners' selectors."""
    infer = bool(
        query.latest or query.tag or query.environment or query.main_branch or len(specified) == 1
    )
    pairs: list[Pair] = []
    if not infer:
        for a in specified:
            for b in specified:
                if a is not b:
                    pairs.append((a, b, False))
        return pairs, {}
    by_id = {s.pacticipant.id: s for s in specified}
    links = _integration_links(conn, specified)
    inferred = _resolve_many(
        conn, [i for _, i, _ in links if i not in by_id], _inferred_spec(query), envs
    )
    for sel, partner_id, is_provider in links:
        partner = by_id.get(partner_id) or inferred[partner_id]
        if is_provider:
            pairs.append((sel, partner, True))
        elif not any(p[0].pacticipant.id == partner_id and p[1] is sel for p in pairs):
            pairs.append((partner, sel, False))
    return pairs, inferred


def _integration_links(
    conn: Connection, specified: list[Selector]
) -> list[tuple[Selector, int, bool]]:
    """(selector, partner id, partner is provider): the providers of each selector's pacts (of
    its versions), then its consumers."""
    links: list[tuple[Selector, int, bool]] = []
    for sel in specified:
        pid = sel.pacticipant.id
        providers = matrix_repo.provider_ids_of_consumer(conn, pid, sel.version_ids)
        links += [(sel, provider_id, True) for provider_id in providers]
        consumers = matrix_repo.consumer_ids_of_provider(conn, pid)
        links += [(sel, consumer_id, False) for consumer_id in consumers]
    return links


def _unique_pairs(pairs: list[Pair]) -> dict[tuple[int, int], Pair]:
    """The first pair for each (consumer id, provider id)."""
    unique: dict[tuple[int, int], Pair] = {}
    for consumer, provider, required in pairs:
        unique.setdefault(
            (consumer.pacticipant.id, provider.pacticipant.id), (consumer, provider, required)
        )
    return unique


def _rows_and_missing(
    conn: Connection, unique: dict[tuple[int, int], Pair]
) -> tuple[list[Row], list[tuple[Selector, Selector]]]:
    """Step 3: the rows of every pair, and the required pairs that have none."""
    rows: list[Row] = []
    missing: list[tuple[Selector, Selector]] = []
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
    return rows, missing


def _considered_and_ignored(
    rows: list[Row], query: MatrixQuery, ignores: list[_Ignore]
) -> tuple[list[Row], list[Row]]:
    """Step 4: group by ``latestby``, filter by success, order, and split off ignored rows."""
    rows = _group(rows, query.latestby)
    if query.success is not None:
        rows = [r for r in rows if r.success in query.success]
    rows.sort(key=_row_order)
    for r in rows:
        r.ignored = any(
            i.matches(r.consumer, r.consumer_version) or i.matches(r.provider, r.provider_version)
            for i in ignores
        )
    return [r for r in rows if not r.ignored], [r for r in rows if r.ignored]


def _warnings(query: MatrixQuery, specified: list[Selector], ignores: list[_Ignore]) -> list[str]:
    warnings = [w for w in (i.warning() for i in ignores) if w]
    if sum(s.count for s in specified) == 1 and not (
        query.tag or query.environment or query.main_branch
    ):
        warnings.append(NO_ENVIRONMENT)
    named = [s for s in specified if s.versions is not None]
    if named and not any(s.number for s in specified):
        warnings.append(NO_VERSION_NUMBER)
    return warnings


def _reasons(
    absent: list[Selector],
    missing: list[tuple[Selector, Selector]],
    considered: list[Row],
    describe: Callable[[Any, Any | None], str],
) -> list[str]:
    """Why not: selectors matching nothing, else missing pacts, failed and unverified rows."""
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
    return list(dict.fromkeys(errors_out))


def _deployable(
    absent: list[Selector], missing: list[tuple[Selector, Selector]], considered: list[Row]
) -> bool | None:
    if absent:
        return False
    if any(r.success is None for r in considered) or missing:
        return None
    return all(r.success for r in considered)


def _notices(
    warnings: list[str],
    errors_out: list[str],
    deployable: bool | None,
    considered: list[Row],
    describe: Callable[[Any, Any | None], str],
) -> list[dict[str, str]]:
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
    return notices


def _describer(
    selectors: list[Selector],
    considered: list[Row],
    pairs: list[Pair],
) -> Callable[[Any, Any | None], str]:
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
