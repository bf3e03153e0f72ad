# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Recording deployments, undeployments, releases and the end of support."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Row
from starlette.responses import Response

from accord.broker.api.environments import require_environment
from accord.broker.api.hal import hal_response
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.render import environment_json, version_json
from accord.broker.api.routing import ApiError, Ctx, Router, not_found, validation_error
from accord.broker.api.versions import require_version
from accord.broker.clock import iso
from accord.broker.storage import deployments_repo, repo


def _embedded(ctx: Ctx, record: Any, with_env: bool = True) -> dict:
    pacticipant = repo.pacticipant_by_id(ctx.conn, record.pacticipant_id)
    version = repo.version_by_id(ctx.conn, record.version_id)
    out: dict[str, Any] = {
        "pacticipant": {
            "name": pacticipant.name,
            "_links": {"self": {"href": ctx.url("pacticipants", pacticipant.name)}},
        },
        "version": {
            "number": version.number,
            "_links": {
                "self": {
                    "href": ctx.url("pacticipants", pacticipant.name, "versions", version.number)
                }
            },
        },
    }
    if with_env:
        env = deployments_repo.find_environment_by_id(ctx.conn, record.environment_id)
        out["environment"] = environment_json(ctx, env)
    return out


def deployed_json(ctx: Ctx, record: Row, with_env: bool = True) -> dict:
    body = {
        "uuid": record.uuid,
        "currentlyDeployed": bool(record.currently_deployed),
        "applicationInstance": record.target,
        "target": record.target,
        "undeployedAt": iso(record.undeployed_at),
        "createdAt": iso(record.created_at),
    }
    if iso(record.updated_at) != body["createdAt"]:
        body["updatedAt"] = iso(record.updated_at)
    body["_embedded"] = _embedded(ctx, record, with_env)
    body["_links"] = {"self": {"href": ctx.url("deployed-versions", record.uuid)}}
    return body


def released_json(ctx: Ctx, record: Row, with_env: bool = True) -> dict:
    body = {
        "uuid": record.uuid,
        "currentlySupported": record.support_ended_at is None,
        "supportEndedAt": iso(record.support_ended_at),
        "createdAt": iso(record.created_at),
    }
    if iso(record.updated_at) != body["createdAt"]:
        body["updatedAt"] = iso(record.updated_at)
    body["_embedded"] = _embedded(ctx, record, with_env)
    body["_links"] = {"self": {"href": ctx.url("released-versions", record.uuid)}}
    return body


def record_deployment(ctx: Ctx) -> Response:
    data = ctx.json_object(required=False)
    pacticipant, version = require_version(ctx)
    env = require_environment(ctx)
    instance = data.get("applicationInstance", data.get("target"))
    if instance is not None and not isinstance(instance, str):
        raise validation_error({"applicationInstance": ["applicationInstance must be a string"]})
    record, _created = deployments_repo.deploy(
        ctx.conn, pacticipant.id, version.id, env.id, instance or None
    )
    body = deployed_json(ctx, record)
    return hal_response(body, 201, {"Location": body["_links"]["self"]["href"]})


def list_version_deployments(ctx: Ctx) -> Response:
    _pacticipant, version = require_version(ctx)
    env = require_environment(ctx)
    rows = deployments_repo.deployments_of_version(ctx.conn, version.id, env.id)
    return hal_response(
        {
            "_embedded": {"deployedVersions": [deployed_json(ctx, r) for r in rows]},
            "_links": {"self": {"href": str(ctx.request.url)}},
        }
    )


def record_release(ctx: Ctx) -> Response:
    ctx.json(required=False)
    pacticipant, version = require_version(ctx)
    env = require_environment(ctx)
    record, created = deployments_repo.release(ctx.conn, pacticipant.id, version.id, env.id)
    body = released_json(ctx, record)
    return hal_response(body, 201 if created else 200, {"Location": body["_links"]["self"]["href"]})


def list_version_releases(ctx: Ctx) -> Response:
    _pacticipant, version = require_version(ctx)
    env = require_environment(ctx)
    rows = deployments_repo.releases_of_version(ctx.conn, version.id, env.id)
    return hal_response(
        {
            "_embedded": {"releasedVersions": [released_json(ctx, r) for r in rows]},
            "_links": {"self": {"href": str(ctx.request.url)}},
        }
    )


def _find(ctx: Ctx, finder: Callable[[Connection, str], Any]) -> Any:
    row = finder(ctx.conn, ctx.params["uuid"])
    if row is None:
        raise not_found()
    return row


def get_deployed(ctx: Ctx) -> Response:
    return hal_response(deployed_json(ctx, _find(ctx, deployments_repo.find_deployment)))


def patch_deployed(ctx: Ctx) -> Response:
    data = ctx.json_object()
    record = _find(ctx, deployments_repo.find_deployment)
    if "currentlyDeployed" in data:
        if data["currentlyDeployed"] is True:
            if not record.currently_deployed:
                raise ApiError(
                    422,
                    {
                        "errors": {
                            "currentlyDeployed": [
                                "A deployed version cannot be marked as currently deployed once it has been undeployed"
                            ]
                        }
                    },
                )
        elif data["currentlyDeployed"] is False:
            if record.currently_deployed:
                record = deployments_repo.undeploy(ctx.conn, record.id)
        else:
            raise validation_error({"currentlyDeployed": ["must be a boolean"]})
    return hal_response(deployed_json(ctx, record))


def get_released(ctx: Ctx) -> Response:
    return hal_response(released_json(ctx, _find(ctx, deployments_repo.find_release)))


def patch_released(ctx: Ctx) -> Response:
    data = ctx.json_object()
    record = _find(ctx, deployments_repo.find_release)
    if data.get("currentlySupported") is False and record.support_ended_at is None:
        record = deployments_repo.end_support(ctx.conn, record.id)
    elif data.get("currentlySupported") is True and record.support_ended_at is not None:
        raise ApiError(
            422,
            {
                "errors": {
                    "currentlySupported": [
                        "Support cannot be restarted; record the release again instead"
                    ]
                }
            },
        )
    return hal_response(released_json(ctx, record))


def _pacticipant_filter(ctx: Ctx) -> tuple[bool, int | None]:
    name = ctx.query.get("pacticipant")
    if not name:
        return True, None
    row = repo.find_pacticipant(ctx.conn, name)
    return row is not None, row.id if row else None


def currently_deployed(ctx: Ctx) -> Response:
    env = require_environment(ctx)
    ok, pid = _pacticipant_filter(ctx)
    rows = deployments_repo.currently_deployed(ctx.conn, env.id, pid) if ok else []
    if "applicationInstance" in ctx.query or "target" in ctx.query:
        instance = ctx.query.get("applicationInstance", ctx.query.get("target")) or None
        rows = [r for r in rows if r.target == instance]
    embedded = [deployed_json(ctx, r, with_env=False) for r in _of_version(ctx, rows)]
    title = f"Currently deployed versions for {env.display_name or env.name}"
    return _listing(ctx, "deployedVersions", embedded, title)


def currently_supported(ctx: Ctx) -> Response:
    env = require_environment(ctx)
    ok, pid = _pacticipant_filter(ctx)
    rows = deployments_repo.currently_supported(ctx.conn, env.id, pid) if ok else []
    embedded = [released_json(ctx, r, with_env=False) for r in _of_version(ctx, rows)]
    title = f"Currently supported versions for {env.display_name or env.name}"
    return _listing(ctx, "releasedVersions", embedded, title)


def _of_version(ctx: Ctx, rows: list[Any]) -> list[Any]:
    """The rows of the ``?version=`` asked for (all of them when none is)."""
    number = ctx.query.get("version")
    if not number:
        return rows
    return [r for r in rows if repo.version_by_id(ctx.conn, r.version_id).number == number]


def _listing(ctx: Ctx, key: str, embedded: list[Any], title: str) -> Response:
    return hal_response(
        {
            "_embedded": {key: embedded},
            "_links": {"self": {"title": title, "href": str(ctx.request.url)}},
        }
    )


def pacticipant_environment_versions(ctx: Ctx) -> Response:
    pacticipant = require_pacticipant(ctx)
    env = require_environment(ctx)
    ids = [
        vid
        for vid, _ in deployments_repo.deployed_or_released_version_ids(
            ctx.conn, pacticipant.id, env.id, True, True
        )
    ]
    items = [
        version_json(ctx, pacticipant.name, repo.version_by_id(ctx.conn, i), embed=False)
        for i in dict.fromkeys(ids)
    ]
    return hal_response(
        {"_embedded": {"versions": items}, "_links": {"self": {"href": str(ctx.request.url)}}}
    )


def register(router: Router) -> None:
    base = "/pacticipants/{pacticipant}/versions/{version}"
    router.add(
        base + "/deployed-versions/environment/{uuid}",
        POST=record_deployment,
        GET=list_version_deployments,
    )
    router.add(
        base + "/released-versions/environment/{uuid}",
        POST=record_release,
        GET=list_version_releases,
    )
    router.add("/deployed-versions/{uuid}", GET=get_deployed, PATCH=patch_deployed)
    router.add("/released-versions/{uuid}", GET=get_released, PATCH=patch_released)
    router.add("/environments/{uuid}/deployed-versions/currently-deployed", GET=currently_deployed)
    router.add("/environments/{uuid}/currently-deployed-versions", GET=currently_deployed)
    router.add(
        "/environments/{uuid}/released-versions/currently-supported", GET=currently_supported
    )
    router.add(
        "/pacticipants/{pacticipant}/environments/{uuid}/versions",
        GET=pacticipant_environment_versions,
    )


__all__ = ["deployed_json", "register", "released_json"]
