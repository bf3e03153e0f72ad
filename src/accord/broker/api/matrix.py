"""``GET /matrix`` and ``GET /can-i-deploy`` (Rack-style ``q[][...]`` queries)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from accord.broker.api.hal import hal_response, seg
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.provider_contracts import contract_verification_json
from accord.broker.api.render import (
    branch_versions_json,
    environment_json,
    pact_url,
    pact_version_url,
    pacticipant_url,
    version_url,
)
from accord.broker.api.routing import ApiError, Ctx, Router, not_found
from accord.broker.clock import iso
from accord.broker.services.contract_comparison import is_contract_verification
from accord.broker.services.matrix import MatrixError, MatrixQuery, Row, run_matrix
from accord.broker.storage import deployments_repo, repo, verifications_repo


class _Facts:
    """Branches, branch heads and tags of every version in the rows, fetched in bulk."""

    def __init__(self, ctx: Ctx, rows: list[Row]) -> None:
        versions = {r.consumer_version.id: r.consumer_version for r in rows}
        versions.update(
            {r.provider_version.id: r.provider_version for r in rows if r.provider_version}
        )
        self.branches, self.heads = repo.branches_and_heads_for_versions(ctx.conn, list(versions))
        self.tags = repo.tags_for_versions(ctx.conn, list(versions))
        # (pacticipant id, tag) -> the latest version with that tag, for "latest" of each tag
        pids = {versions[vid].pacticipant_id for vid in self.tags}
        names = {name for tag_names in self.tags.values() for name in tag_names}
        self.latest_tags = repo.latest_tag_versions(ctx.conn, list(pids), sorted(names))


def _version_json(ctx: Ctx, pacticipant: str, version: Any, facts: _Facts, env_map: dict) -> dict:
    branches = facts.branches.get(version.id, [])
    url = version_url(ctx, pacticipant, version.number)
    branch_versions = branch_versions_json(ctx, pacticipant, version, branches, facts.heads)
    return {
        "number": version.number,
        "branch": branches[-1] if branches else None,
        "branches": branch_versions,
        "branchVersions": branch_versions,
        "environments": env_map.get(version.id, []),
        "tags": [
            {
                "name": t,
                "latest": facts.latest_tags.get((version.pacticipant_id, t)) == version.id,
                "_links": {"self": {"href": url + "/tags/" + seg(t)}},
            }
            for t in facts.tags.get(version.id, [])
        ],
        "_links": {"self": {"href": url}},
    }


def _environments_for(ctx: Ctx, rows: list[Row]) -> dict[int, list[dict]]:
    ids = {r.consumer_version.id for r in rows} | {
        r.provider_version.id for r in rows if r.provider_version
    }
    out: dict[int, list[dict]] = {}
    if not ids:
        return out
    for row in deployments_repo.current_environments_of_versions(ctx.conn, ids):
        env = environment_json(ctx, row)
        env = {k: v for k, v in env.items() if k != "_links"} | {
            "_links": {"self": env["_links"]["self"]}
        }
        if env not in out.setdefault(row.version_id, []):
            out[row.version_id].append(env)
    return out


def render_rows(ctx: Ctx, rows: list[Row]) -> list[dict]:
    env_map = _environments_for(ctx, rows)
    facts = _Facts(ctx, rows)
    out = []
    for r in rows:
        c, p = r.consumer.name, r.provider.name
        item: dict[str, Any] = {
            "consumer": {
                "name": c,
                "_links": {"self": {"href": pacticipant_url(ctx, c)}},
                "version": _version_json(ctx, c, r.consumer_version, facts, env_map),
            },
            "provider": {
                "name": p,
                "_links": {"self": {"href": pacticipant_url(ctx, p)}},
                "version": _version_json(ctx, p, r.provider_version, facts, env_map)
                if r.provider_version
                else None,
            },
            "pact": {
                "createdAt": iso(r.pact.created_at),
                "_links": {"self": {"href": pact_url(ctx, p, c, r.consumer_version.number)}},
            },
            "verificationResult": None,
        }
        if is_contract_verification(r.verification):
            item["verificationResult"] = contract_verification_json(ctx, r)
        elif r.verification is not None:
            item["verificationResult"] = {
                "success": bool(r.verification.success),
                "verifiedAt": iso(r.verification.execution_date),
                "_links": {
                    "self": {
                        "href": pact_version_url(ctx, p, c, r.pact.sha)
                        + f"/verification-results/{r.verification.id}"
                    }
                },
            }
        if r.ignored:
            item["ignored"] = True
        out.append(item)
    return out


def _flag(value: Any) -> bool:
    return str(value).lower() == "true"


def _query_from(ctx: Ctx, selectors: list[dict], **options: Any) -> MatrixQuery:
    q = ctx.query
    ignore = q.get("ignore") or []
    if isinstance(ignore, dict):
        ignore = [ignore]
    ignore = [i if isinstance(i, dict) else {"pacticipant": i} for i in ignore]
    success = q.get("success")
    if success is not None and not isinstance(success, list):
        success = [success]
    try:
        limit = int(q.get("limit") or 100)
    except ValueError:
        raise ApiError(400, {"errors": ["limit must be an integer"]}) from None
    defaults: dict[str, Any] = {
        "latestby": q.get("latestby") or None,
        "latest": _flag(q.get("latest")),
        "tag": q.get("tag") or None,
        "environment": q.get("environment") or None,
        "main_branch": _flag(q.get("mainBranch")),
        "ignore": ignore,
        "success": [_flag(s) for s in success] if success is not None else None,
        "limit": min(max(limit, 1), 1000),
    }
    defaults.update(options)
    if defaults["latestby"] not in (None, "cvp", "cvpv", "cp"):
        raise ApiError(400, {"errors": ["latestby must be one of cvp, cvpv or cp"]})
    return MatrixQuery(selectors, **defaults)


def _respond(ctx: Ctx, query: MatrixQuery) -> Response:
    try:
        result = run_matrix(ctx.conn, query)
    except MatrixError as err:
        raise ApiError(400, {"errors": err.errors}) from None
    accept = ctx.request.headers.get("accept", "")
    if "text/plain" in accept and "json" not in accept:
        return Response(
            _text_table(ctx, result.rows, result.summary),
            headers={"Content-Type": "text/plain;charset=utf-8"},
        )
    rows = render_rows(ctx, result.rows)
    return hal_response({"summary": result.summary, "notices": result.notices, "matrix": rows})


def _verification_numbers(ctx: Ctx, rows: list[Row]) -> dict[int, int]:
    """Each verification's number among those of its pact content (1 for the first)."""
    pact_version_ids = {r.pact.pact_version_id for r in rows if r.verification is not None}
    if not pact_version_ids:
        return {}
    seen: dict[int, int] = {}
    out: dict[int, int] = {}
    for vid, pvid in verifications_repo.verification_ids_of_pact_versions(
        ctx.conn, pact_version_ids
    ):
        seen[pvid] = seen.get(pvid, 0) + 1
        out[vid] = seen[pvid]
    return out


def _text_table(ctx: Ctx, rows: list[Row], summary: dict) -> str:
    """The official plain-text matrix: a ``table_print`` table, then the decision."""
    numbers = _verification_numbers(ctx, rows)
    header = ["CONSUMER", "C_VERSION", "REVISION", "PROVIDER", "P_VERSION", "NUMBER", "SUCCESS"]
    data = [
        [
            r.consumer.name,
            r.consumer_version.number,
            str(r.pact.revision_number),
            r.provider.name,
            r.provider_version.number if r.provider_version else "",
            str(numbers.get(r.verification.id, "")) if r.verification is not None else "",
            {True: "true", False: "false", None: ""}[r.success],
        ]
        for r in rows
    ]
    if data:
        widths = [max(len(c) for c in column) for column in zip(header, *data, strict=False)]
        lines = [
            " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            for row in [header, *data]
        ]
        lines.insert(1, "-|-".join("-" * w for w in widths))
        table = "\n".join(lines)
    else:
        table = "No data."
    deployable = {True: "true", False: "false", None: "nil"}[summary["deployable"]]
    return f"{table}\n\nDeployable: {deployable}\nReason: {summary['reason']}\n"


def get_matrix(ctx: Ctx) -> Response:
    selectors = ctx.query.get("q") or []
    if isinstance(selectors, dict):
        selectors = [selectors]
    selectors = [s for s in selectors if isinstance(s, dict)]
    return _respond(ctx, _query_from(ctx, selectors))


def can_i_deploy(ctx: Ctx) -> Response:
    """``GET /can-i-deploy``: validated like the official ``CanIDeployQuerySchema``."""
    q = ctx.query
    errors: dict[str, list[str]] = {}

    def given(key: str) -> bool:
        return isinstance(q.get(key), str) and q[key] != ""

    for key in ("pacticipant", "version"):
        if key not in q:
            errors.setdefault(key, []).append("is missing")
        elif not given(key):
            errors.setdefault(key, []).append("must be filled")
    if given("pacticipant") and repo.find_pacticipant(ctx.conn, q["pacticipant"]) is None:
        errors.setdefault("pacticipant", []).append("does not match an existing pacticipant")
    env = q.get("environment")
    if given("environment") and deployments_repo.find_environment(ctx.conn, name=env) is None:
        errors.setdefault("environment", []).append(f"with name '{env}' does not exist")
    if given("to") and given("environment"):
        errors.setdefault("base", []).append("Cannot specify both a 'to' tag and an environment.")
    if not given("to") and not given("environment"):
        errors.setdefault("base", []).append("Must specify either an environment or a 'to' tag.")
    if errors:
        raise ApiError(400, {"errors": errors})
    selector = {"pacticipant": q["pacticipant"], "version": q["version"]}
    options: dict[str, Any] = {"latestby": "cvpv" if q.get("environment") else "cvp"}
    if q.get("to"):
        options.update(latest=True, tag=q["to"])
    return _respond(ctx, _query_from(ctx, [selector], **options))


def matrix_for_pair(ctx: Ctx) -> Response:
    consumer = require_pacticipant(ctx, ctx.params["consumer"])
    provider = require_pacticipant(ctx, ctx.params["provider"])
    return _respond(
        ctx,
        _query_from(
            ctx, [{"pacticipant": consumer.name}, {"pacticipant": provider.name}], latestby="cvpv"
        ),
    )


def can_i_deploy_latest(ctx: Ctx) -> Response:
    """``…/latest-version/{tag}/can-i-deploy/to/{to}`` and the branch-to-environment form."""
    pacticipant = require_pacticipant(ctx)
    # like the official resources: 404 unless the version (and environment) exist
    found = repo.latest_version(
        ctx.conn, pacticipant.id, tag=ctx.params.get("tag"), branch=ctx.params.get("branch")
    )
    env = ctx.params.get("environment")
    if found is None or (env and deployments_repo.find_environment(ctx.conn, name=env) is None):
        raise not_found()
    selector: dict[str, Any] = {"pacticipant": pacticipant.name, "latest": True}
    if ctx.params.get("tag"):
        selector["tag"] = ctx.params["tag"]
    if ctx.params.get("branch"):
        selector["branch"] = ctx.params["branch"]
    if ctx.params.get("environment"):
        options: dict[str, Any] = {"latestby": "cvpv", "environment": ctx.params["environment"]}
    else:
        options = {"latestby": "cvp", "latest": True, "tag": ctx.params["to"]}
    return _respond(ctx, _query_from(ctx, [selector], **options))


def register(router: Router) -> None:
    router.add("/matrix", GET=get_matrix)
    router.add("/can-i-deploy", GET=can_i_deploy)
    router.add("/matrix/provider/{provider}/consumer/{consumer}", GET=matrix_for_pair)
    router.add(
        "/pacticipants/{pacticipant}/latest-version/{tag}/can-i-deploy/to/{to}",
        GET=can_i_deploy_latest,
    )
    router.add(
        "/pacticipants/{pacticipant}/branches/{branch}/latest-version/can-i-deploy/to-environment/{environment}",
        GET=can_i_deploy_latest,
    )


__all__ = ["register", "render_rows"]
