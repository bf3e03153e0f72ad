"""Pacticipant versions and their tags."""

from __future__ import annotations

from sqlalchemy import Row
from starlette.responses import Response

from accord.broker.api.hal import hal_response
from accord.broker.api.pacticipants import page_links, paging, require_pacticipant
from accord.broker.api.render import tag_json, version_json, version_url
from accord.broker.api.routing import Ctx, Router, not_found, validation_error
from accord.broker.storage import deployments_repo, repo
from accord.broker.storage.version_facts import VersionFacts


def require_version(ctx: Ctx) -> tuple[Row, Row]:
    pacticipant = require_pacticipant(ctx)
    version = repo.find_version(ctx.conn, pacticipant.id, ctx.params["version"])
    if version is None:
        raise not_found()
    return pacticipant, version


def list_versions(ctx: Ctx) -> Response:
    pacticipant = require_pacticipant(ctx)
    number, size = paging(ctx)
    rows, total = repo.list_versions(ctx.conn, pacticipant.id, (number - 1) * size, size)
    path = ctx.url("pacticipants", pacticipant.name, "versions")
    page, extra = page_links(ctx, path, number, size, total)
    facts = VersionFacts.load(ctx.conn, rows)
    return hal_response(
        {
            "_embedded": {
                "versions": [version_json(ctx, pacticipant.name, r, facts=facts) for r in rows]
            },
            "page": page,
            "_links": {
                "self": {"href": path, "title": "All application versions of " + pacticipant.name},
                "pb:pacticipant": {"href": ctx.url("pacticipants", pacticipant.name)},
                **extra,
            },
        }
    )


def get_version(ctx: Ctx) -> Response:
    pacticipant, version = require_version(ctx)
    return hal_response(version_json(ctx, pacticipant.name, version))


def _validate_version_body(data: dict) -> None:
    if (
        "buildUrl" in data
        and data["buildUrl"] is not None
        and not isinstance(data["buildUrl"], str)
    ):
        raise validation_error({"buildUrl": ["buildUrl must be a string"]})
    if "tags" in data and not isinstance(data["tags"], list):
        raise validation_error({"tags": ["tags must be an array"]})


def put_version(ctx: Ctx) -> Response:
    data = ctx.json_object(required=False)
    _validate_version_body(data)
    number = ctx.params["version"]
    if not number.strip():
        raise validation_error({"number": ["Version number cannot be blank"]})
    pacticipant = repo.get_or_create_pacticipant(ctx.conn, ctx.params["pacticipant"])
    version, created = repo.get_or_create_version(ctx.conn, pacticipant.id, number)
    if "buildUrl" in data:
        repo.replace_build_url(ctx.conn, version.id, data["buildUrl"])
    if "tags" in data:
        repo.delete_tags_of_version(ctx.conn, version.id)
        for tag in data["tags"]:
            name = tag.get("name") if isinstance(tag, dict) else tag
            if isinstance(name, str) and name:
                repo.add_tag(ctx.conn, pacticipant, version, name)
    version = repo.version_by_id(ctx.conn, version.id)
    headers = {"Location": version_url(ctx, pacticipant.name, number)} if created else None
    return hal_response(
        version_json(ctx, pacticipant.name, version), 201 if created else 200, headers
    )


def patch_version(ctx: Ctx) -> Response:
    data = ctx.json_object(required=False)
    _validate_version_body(data)
    pacticipant = repo.get_or_create_pacticipant(ctx.conn, ctx.params["pacticipant"])
    version, created = repo.get_or_create_version(ctx.conn, pacticipant.id, ctx.params["version"])
    repo.set_build_url(ctx.conn, version.id, data.get("buildUrl"))
    for tag in data.get("tags") or []:
        name = tag.get("name") if isinstance(tag, dict) else tag
        if isinstance(name, str) and name:
            repo.add_tag(ctx.conn, pacticipant, version, name)
    version = repo.version_by_id(ctx.conn, version.id)
    return hal_response(version_json(ctx, pacticipant.name, version), 201 if created else 200)


def delete_version(ctx: Ctx) -> Response:
    _pacticipant, version = require_version(ctx)
    repo.delete_version(ctx.conn, version.id)
    return Response(status_code=204)


def get_tag(ctx: Ctx) -> Response:
    pacticipant, version = require_version(ctx)
    tag = repo.find_tag(ctx.conn, version.id, ctx.params["tag"])
    if tag is None:
        raise not_found()
    return hal_response(tag_json(ctx, pacticipant.name, version.number, tag))


def put_tag(ctx: Ctx) -> Response:
    ctx.json(required=False)
    name = ctx.params["tag"]
    if not name.strip():
        raise validation_error({"name": ["Tag name cannot be blank"]})
    pacticipant = repo.get_or_create_pacticipant(ctx.conn, ctx.params["pacticipant"])
    version, _ = repo.get_or_create_version(ctx.conn, pacticipant.id, ctx.params["version"])
    created = repo.add_tag(ctx.conn, pacticipant, version, name)
    if created:
        deployments_repo.deploy_for_tag(ctx.conn, pacticipant, version, name)
    tag = repo.find_tag(ctx.conn, version.id, name)
    assert tag is not None
    body = tag_json(ctx, pacticipant.name, version.number, tag)
    headers = {"Location": body["_links"]["self"]["href"]} if created else None
    return hal_response(body, 201 if created else 200, headers)


def delete_tag(ctx: Ctx) -> Response:
    _pacticipant, version = require_version(ctx)
    if not repo.remove_tag(ctx.conn, version.id, ctx.params["tag"]):
        raise not_found()
    return Response(status_code=204)


def list_tags(ctx: Ctx) -> Response:
    pacticipant, version = require_version(ctx)
    items = [
        tag_json(ctx, pacticipant.name, version.number, t)
        for t in repo.tags_for_version(ctx.conn, version.id)
    ]
    return hal_response(
        {
            "_embedded": {"tags": items},
            "_links": {
                "self": {
                    "href": ctx.url(
                        "pacticipants", pacticipant.name, "versions", version.number, "tags"
                    )
                }
            },
        }
    )


def tag_versions(ctx: Ctx) -> Response:
    pacticipant = require_pacticipant(ctx)
    rows = repo.versions_with_tag(ctx.conn, pacticipant.id, ctx.params["tag"], 100)
    return hal_response(
        {
            "_embedded": {
                "versions": [version_json(ctx, pacticipant.name, r, embed=False) for r in rows]
            },
            "_links": {
                "self": {
                    "href": ctx.url(
                        "pacticipants", pacticipant.name, "tags", ctx.params["tag"], "versions"
                    )
                }
            },
        }
    )


def register(router: Router) -> None:
    router.add("/pacticipants/{pacticipant}/versions", GET=list_versions)
    router.add(
        "/pacticipants/{pacticipant}/versions/{version}",
        GET=get_version,
        PUT=put_version,
        PATCH=patch_version,
        DELETE=delete_version,
    )
    router.add("/pacticipants/{pacticipant}/versions/{version}/tags", GET=list_tags)
    router.add(
        "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}",
        GET=get_tag,
        PUT=put_tag,
        DELETE=delete_tag,
    )
    router.add("/pacticipants/{pacticipant}/tags/{tag}/versions", GET=tag_versions)


__all__ = ["register", "require_version"]
