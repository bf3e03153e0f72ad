"""The UI's pages: each is a handler ``(ctx) -> HTMLResponse`` run in the request's read
transaction, reading through the same repositories and services as the API (never HTTP)."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from accord.broker.api import pacts as pacts_api
from accord.broker.api.matrix import render_rows
from accord.broker.api.routing import ApiError, Ctx
from accord.broker.clock import iso
from accord.broker.services.matrix import MatrixError, MatrixQuery, run_matrix
from accord.broker.storage import deployments_repo, pacts_repo, repo, verifications_repo
from accord.broker.storage.deployments_repo import all_environments
from accord.broker.ui.pact_view import PactView, view_pact
from accord.broker.ui.render import page
from accord.model.valueclass import dataclass

__all__ = [
    "PAGE_SIZE",
    "UiError",
    "can_i_deploy_page",
    "environments_page",
    "error_page",
    "index_page",
    "integration_matrix_page",
    "matrix_page",
    "pact_page",
    "pacticipant_page",
    "pacticipants_page",
]

PAGE_SIZE = 30


class UiError(Exception):
    """A page that cannot be shown: rendered as a friendly HTML error page."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


def error_page(ctx: Ctx, err: UiError) -> Response:
    return page(ctx, "error.html", err.status, title=err.title, message=err.message)


def _pacticipant(ctx: Ctx, name: str) -> Any:
    row = repo.find_pacticipant(ctx.conn, name)
    if row is None:
        raise UiError(404, "Not found", f"There is no pacticipant named “{name}” in this broker.")
    return row


def _names(ctx: Ctx) -> dict[int, str]:
    return {row.id: row.name for row in repo.list_pacticipants(ctx.conn, None, 0, 100_000)[0]}


@dataclass
class Integration:
    consumer: str
    provider: str
    version: str
    published: Any
    verified: bool | None
    provider_version: str | None
    verified_at: Any


def _integrations(ctx: Ctx, pacticipant_id: int | None = None) -> list[Integration]:
    names = _names(ctx)
    out = []
    for pub in pacts_repo.latest_publications_for_provider(ctx.conn, None):
        if pacticipant_id is not None and pacticipant_id not in (pub.consumer_id, pub.provider_id):
            continue
        ver = verifications_repo.latest_verification_for_pact_version(ctx.conn, pub.pact_version_id)
        out.append(
            Integration(
                consumer=names[pub.consumer_id],
                provider=names[pub.provider_id],
                version=pub.consumer_version_number,
                published=pub.created_at,
                verified=None if ver is None else bool(ver.success),
                provider_version=ver.provider_version_number if ver else None,
                verified_at=ver.execution_date if ver else None,
            )
        )
    out.sort(key=lambda i: (i.consumer.lower(), i.provider.lower()))
    return out


def index_page(ctx: Ctx) -> Response:
    return page(ctx, "index.html", integrations=_integrations(ctx))


def pacticipants_page(ctx: Ctx) -> Response:
    rows, _ = repo.list_pacticipants(ctx.conn, None, 0, 100_000)
    rows = sorted(rows, key=lambda r: r.name.lower())
    return page(ctx, "pacticipants.html", pacticipants=rows)


def _environment_names(ctx: Ctx) -> dict[int, Any]:
    return {e.id: e for e in all_environments(ctx.conn)}


def pacticipant_page(ctx: Ctx) -> Response:
    pacticipant = _pacticipant(ctx, ctx.params["pacticipant"])
    try:
        number = max(int(str(ctx.query.get("page") or 1)), 1)
    except ValueError:
        number = 1
    rows, total = repo.list_versions(ctx.conn, pacticipant.id, (number - 1) * PAGE_SIZE, PAGE_SIZE)
    ids = [r.id for r in rows]
    branches = repo.branches_for_versions(ctx.conn, ids)
    tags = repo.tags_for_versions(ctx.conn, ids)
    envs = _environment_names(ctx)
    places: dict[int, list[tuple[str, str]]] = {}
    for d in deployments_repo.currently_deployed(ctx.conn, pacticipant_id=pacticipant.id):
        label = envs[d.environment_id].name + (f" ({d.target})" if d.target else "")
        places.setdefault(d.version_id, []).append(("deployed", label))
    for r in deployments_repo.currently_supported(ctx.conn, pacticipant_id=pacticipant.id):
        places.setdefault(r.version_id, []).append(("released", envs[r.environment_id].name))
    versions = [
        {
            "number": r.number,
            "created": r.created_at,
            "branches": branches.get(r.id, []),
            "tags": tags.get(r.id, []),
            "environments": places.get(r.id, []),
        }
        for r in rows
    ]
    return page(
        ctx,
        "pacticipant.html",
        pacticipant=pacticipant,
        labels=repo.labels_for(ctx.conn, pacticipant.id),
        branches=[b.name for b in repo.list_branches(ctx.conn, pacticipant.id)],
        versions=versions,
        total=total,
        page_number=number,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        integrations=_integrations(ctx, pacticipant.id),
    )


#: interactions per pact page: a pact of any size renders in about the same time
PACT_PAGE_SIZE = 50
#: the pretty-printed JSON is shown below this stored size only
PACT_RAW_LIMIT = 256 * 1024


def _view(content: str, page_number: int) -> PactView:
    """Parse the stored pact and keep one page of it, with the cyclic garbage collector paused.

    Parsing a pact of 100,000 interactions allocates a million containers; every collection
    that triggers walks all of them, which doubles the time. Nothing parsed here forms cycles,
    and the document is freed (by reference counting) as soon as the page is taken from it.
    """
    paused = gc.isenabled() and len(content) > 1_000_000
    if paused:
        gc.disable()
    try:
        return view_pact(
            json.loads(content), page_number, PACT_PAGE_SIZE, raw=len(content) <= PACT_RAW_LIMIT
        )
    finally:
        if paused:
            gc.enable()


def pact_page(ctx: Ctx, resolve: Callable[[Ctx], pacts_api.PactRef]) -> Response:
    """Any single-pact URL: resolved as the API resolves it, one page of interactions shown."""
    consumer = _pacticipant(ctx, ctx.params["consumer"])
    provider = _pacticipant(ctx, ctx.params["provider"])
    try:
        ref = resolve(ctx)
    except ApiError as err:
        if err.status == 404:
            raise UiError(
                404,
                "Not found",
                f"No pact between {consumer.name} and {provider.name} matches this address.",
            ) from None
        raise
    pub = pacts_api.with_content(ctx, ref.pub)
    content: str = pub.content
    try:
        number_page = max(int(str(ctx.query.get("page") or 1)), 1)
    except ValueError:
        number_page = 1
    view = _view(content, number_page)
    verification = verifications_repo.latest_verification_for_pact_version(
        ctx.conn, pub.pact_version_id
    )
    versions = pacts_repo.publications_between(ctx.conn, consumer.id, provider.id)
    return page(
        ctx,
        "pact.html",
        consumer=consumer.name,
        provider=provider.name,
        number=pub.consumer_version_number,
        published=iso(pub.created_at),
        sha=pub.sha,
        verification=verification,
        view=view,
        size=len(content.encode()),
        other_versions=[p.consumer_version_number for p in versions[:20]],
        version_count=len(versions),
    )


def _pact_handler(resolve: Any) -> Any:
    def handler(ctx: Ctx) -> Response:
        return pact_page(ctx, resolve)

    handler.__name__ = f"pact_page_{resolve.__name__}"
    return handler


PACT_PAGES = {
    "/version/{version}": _pact_handler(pacts_api.resolve_by_version),
    "/versions/{version}": _pact_handler(pacts_api.resolve_by_version),
    "/pact-version/{sha}": _pact_handler(pacts_api.resolve_by_sha),
    "/pact-version/{sha}/metadata/{metadata}": _pact_handler(pacts_api.resolve_by_sha),
    "/latest": _pact_handler(pacts_api.resolve_latest),
    "/latest/{tag}": _pact_handler(pacts_api.resolve_latest),
    "/latest-untagged": _pact_handler(pacts_api.resolve_latest_untagged),
    "/branch/{branch}/latest": _pact_handler(pacts_api.resolve_latest_branch),
}


def _run(ctx: Ctx, query: MatrixQuery) -> tuple[list[dict], dict | None, list[dict], list[str]]:
    try:
        result = run_matrix(ctx.conn, query)
    except MatrixError as err:
        return [], None, [], err.errors
    rows = sorted(  # newest first reads best; the API keeps the official order
        result.rows,
        key=lambda r: (r.consumer_version.id, r.provider_version.id if r.provider_version else 0),
        reverse=True,
    )
    return render_rows(ctx, rows), result.summary, result.notices, []


def _one(value: Any) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value.strip() if isinstance(value, str) else ""


def matrix_page(ctx: Ctx) -> Response:
    """``/matrix?q[][pacticipant]=…``: the API's query language, shown as a table."""
    q = ctx.query
    selectors = q.get("q") or []
    if isinstance(selectors, dict):
        selectors = [selectors]
    selectors = [s for s in selectors if isinstance(s, dict)]
    latestby = _one(q.get("latestby")) or None
    if latestby not in (None, "cvp", "cvpv", "cp"):
        latestby = None
    query = MatrixQuery(
        selectors,
        latestby=latestby,
        latest=_one(q.get("latest")) == "true",
        tag=_one(q.get("tag")) or None,
        environment=_one(q.get("environment")) or None,
        main_branch=_one(q.get("mainBranch")) == "true",
        limit=_limit(q),
    )
    rows, summary, notices, errors = (
        _run(ctx, query) if selectors else ([], None, [], ["Choose at least one pacticipant."])
    )
    return page(
        ctx,
        "matrix.html",
        heading="Matrix",
        rows=rows,
        summary=summary,
        notices=notices,
        errors=errors,
        form=None,
        description=", ".join(_describe(s) for s in selectors),
    )


def _describe(selector: dict) -> str:
    name = str(selector.get("pacticipant", "?"))
    for key in ("version", "branch", "tag", "environment"):
        if selector.get(key):
            return f"{name} {key} {selector[key]}"
    return f"{name} (latest)" if str(selector.get("latest")) == "true" else name


def _limit(q: dict) -> int:
    try:
        return min(max(int(_one(q.get("limit")) or 100), 1), 1000)
    except ValueError:
        return 100


SIDES = (
    ("all", "all versions"),
    ("latest", "the latest version"),
    ("branch", "versions on branch"),
    ("latest-branch", "the latest version on branch"),
    ("tag", "versions with tag"),
    ("latest-tag", "the latest version with tag"),
    ("version", "version"),
    ("environment", "what is in environment"),
)


def _side(name: str, which: str, value: str) -> dict[str, Any]:
    selector: dict[str, Any] = {"pacticipant": name}
    if which == "latest":
        selector["latest"] = True
    elif which in ("branch", "latest-branch") and value:
        selector["branch"] = value
        selector["latest"] = which == "latest-branch"
    elif which in ("tag", "latest-tag") and value:
        selector["tag"] = value
        selector["latest"] = which == "latest-tag"
    elif which == "version" and value:
        selector["version"] = value
    elif which == "environment" and value:
        selector["environment"] = value
    if selector.get("latest") is False:
        del selector["latest"]
    return selector


def integration_matrix_page(ctx: Ctx) -> Response:
    """``/matrix/provider/{p}/consumer/{c}`` with filters for each side and ``latestby``."""
    consumer = _pacticipant(ctx, ctx.params["consumer"])
    provider = _pacticipant(ctx, ctx.params["provider"])
    q = ctx.query
    known = {k for k, _ in SIDES}
    latestby = _one(q.get("latestby")) if "latestby" in q else "cvpv"
    form: dict[str, Any] = {
        "cw": _one(q.get("cw")) if _one(q.get("cw")) in known else "all",
        "cv": _one(q.get("cv")),
        "pw": _one(q.get("pw")) if _one(q.get("pw")) in known else "all",
        "pv": _one(q.get("pv")),
        "latestby": latestby if latestby in ("", "cvp", "cvpv") else "cvpv",
        "limit": _limit(q),
    }
    query = MatrixQuery(
        [
            _side(consumer.name, form["cw"], form["cv"]),
            _side(provider.name, form["pw"], form["pv"]),
        ],
        latestby=form["latestby"] or None,
        limit=form["limit"],
    )
    rows, _summary, _notices, errors = _run(ctx, query)
    return page(
        ctx,
        "matrix.html",
        heading=f"{consumer.name} → {provider.name}",
        rows=rows,
        summary=None,
        notices=[],
        errors=errors,
        form=form,
        sides=SIDES,
        consumer=consumer.name,
        provider=provider.name,
        description="",
    )


def environments_page(ctx: Ctx) -> Response:
    names = _names(ctx)
    envs = []
    for env in _environment_names(ctx).values():
        deployed = deployments_repo.currently_deployed(ctx.conn, environment_id=env.id)
        released = deployments_repo.currently_supported(ctx.conn, environment_id=env.id)
        entries = [
            {
                "pacticipant": names[d.pacticipant_id],
                "version": repo.version_by_id(ctx.conn, d.version_id).number,
                "how": "deployed",
                "target": d.target,
                "since": d.created_at,
            }
            for d in deployed
        ] + [
            {
                "pacticipant": names[r.pacticipant_id],
                "version": repo.version_by_id(ctx.conn, r.version_id).number,
                "how": "released",
                "target": None,
                "since": r.created_at,
            }
            for r in released
        ]
        entries.sort(key=lambda e: (e["pacticipant"].lower(), e["how"]))
        envs.append({"env": env, "entries": entries})
    envs.sort(key=lambda e: (not e["env"].production, e["env"].name))
    return page(ctx, "environments.html", environments=envs)


def can_i_deploy_page(ctx: Ctx) -> Response:
    """The form, and when it was filled in, the answer with its reasons and the rows."""
    q = ctx.query
    form = {
        "pacticipant": _one(q.get("pacticipant")),
        "version": _one(q.get("version")),
        "environment": _one(q.get("environment")),
    }
    answer = None
    rows: list[dict] = []
    errors: list[str] = []
    notices: list[dict] = []
    if form["pacticipant"] or form["environment"] or form["version"]:
        if not form["pacticipant"]:
            errors.append("Choose the pacticipant you want to deploy.")
        if not form["environment"]:
            errors.append("Choose the environment to deploy to.")
        elif deployments_repo.find_environment(ctx.conn, name=form["environment"]) is None:
            errors.append(f"There is no environment named “{form['environment']}”.")
        if not errors:
            selector: dict[str, Any] = {"pacticipant": form["pacticipant"]}
            if form["version"]:
                selector["version"] = form["version"]
            else:
                selector["latest"] = True
            rows, answer, notices, errors = _run(
                ctx,
                MatrixQuery([selector], latestby="cvpv", environment=form["environment"]),
            )
    return page(
        ctx,
        "can_i_deploy.html",
        form=form,
        answer=answer,
        rows=rows,
        notices=notices,
        errors=errors,
        pacticipants=sorted(_names(ctx).values(), key=str.lower),
        environments=sorted(e.name for e in _environment_names(ctx).values()),
    )
