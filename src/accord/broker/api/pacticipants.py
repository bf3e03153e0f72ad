"""Pacticipants, labels and branches."""

from __future__ import annotations

import math
import re
from typing import Any

from sqlalchemy import Row
from starlette.responses import Response

from accord.broker.api.hal import hal_response
from accord.broker.api.render import (
    pacticipant_json,
    pacticipant_url,
    version_json,
    version_url,
)
from accord.broker.api.routing import Ctx, Router, not_found, validation_error
from accord.broker.clock import iso
from accord.broker.names import check_name
from accord.broker.storage import repo

FIELDS = {
    "displayName": "display_name",
    "mainBranch": "main_branch",
    "repositoryUrl": "repository_url",
    "repositoryName": "repository_name",
    "repositoryNamespace": "repository_namespace",
}


def require_pacticipant(ctx: Ctx, name: str | None = None) -> Row:
    row = repo.find_pacticipant(ctx.conn, name if name is not None else ctx.params["pacticipant"])
    if row is None:
        raise not_found()
    return row


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, col in FIELDS.items():
        if key in data:
            value = data[key]
            if value is not None and not isinstance(value, str):
                errors.setdefault(key, []).append(f"{key} must be a string")
            elif key == "mainBranch" and value and re.search(r"\s", value):
                errors.setdefault(key, []).append("mainBranch cannot contain spaces")
            else:
                out[col] = value
    if errors:
        raise validation_error(errors)
    return out


def paging(ctx: Ctx) -> tuple[int, int]:
    q = ctx.query
    try:
        number = int(q.get("pageNumber") or q.get("page") or 1)
        size = int(q.get("pageSize") or q.get("size") or 100)
    except (TypeError, ValueError):
        raise validation_error({"pageNumber": ["must be an integer"]}) from None
    return max(number, 1), min(max(size, 1), 1000)


def page_links(ctx: Ctx, path: str, number: int, size: int, total: int) -> tuple[dict, dict]:
    pages = max(math.ceil(total / size), 1) if total else 0
    page = {"number": number, "size": size, "totalElements": total, "totalPages": pages}
    links: dict[str, Any] = {}
    if number < pages:
        links["next"] = {
            "href": f"{path}?pageNumber={number + 1}&pageSize={size}",
            "title": "Next page",
        }
    if number > 1:
        links["previous"] = {
            "href": f"{path}?pageNumber={number - 1}&pageSize={size}",
            "title": "Previous page",
        }
    return page, links


def list_pacticipants(ctx: Ctx) -> Response:
    number, size = paging(ctx)
    rows, total = repo.list_pacticipants(ctx.conn, ctx.query.get("q"), (number - 1) * size, size)
    items = [pacticipant_json(ctx, r) for r in rows]
    path = ctx.url("pacticipants")
    page, extra = page_links(ctx, path, number, size, total)
    return hal_response(
        {
            "_embedded": {"pacticipants": items},
            "pacticipants": items,
            "page": page,
            "_links": {
                "self": {"href": path},
                "pacticipants": [
                    {"href": pacticipant_url(ctx, r.name), "title": r.name} for r in rows
                ],
                "pb:pacticipants": [
                    {"href": pacticipant_url(ctx, r.name), "title": r.name, "name": r.name}
                    for r in rows
                ],
                **extra,
            },
        }
    )


def create_pacticipant(ctx: Ctx) -> Response:
    data = ctx.json_object()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation_error({"name": ["name is missing"]})
    check_name(name, "pacticipant name", "name")  # before the look-up: PostgreSQL refuses a NUL
    if repo.find_pacticipant(ctx.conn, name) is not None:
        raise validation_error({"name": [f"A pacticipant with name '{name}' already exists"]}, 409)
    row = repo.create_pacticipant(ctx.conn, name, **_fields(data))
    return hal_response(pacticipant_json(ctx, row), 201, {"Location": pacticipant_url(ctx, name)})


def get_pacticipant(ctx: Ctx) -> Response:
    return hal_response(pacticipant_json(ctx, require_pacticipant(ctx), deployments=True))


def patch_pacticipant(ctx: Ctx) -> Response:
    data = ctx.json_object(required=False)
    name = ctx.params["pacticipant"]
    row = repo.find_pacticipant(ctx.conn, name)
    if row is None:
        row = repo.create_pacticipant(ctx.conn, name, **_fields(data))
        return hal_response(
            pacticipant_json(ctx, row), 201, {"Location": pacticipant_url(ctx, name)}
        )
    row = repo.update_pacticipant(ctx.conn, row.id, _fields(data))
    return hal_response(pacticipant_json(ctx, row, deployments=True))


def put_pacticipant(ctx: Ctx) -> Response:
    data = ctx.json_object(required=False)
    row = require_pacticipant(ctx)
    fields = {col: None for col in FIELDS.values()}
    fields.update(_fields(data))
    row = repo.update_pacticipant(ctx.conn, row.id, fields)
    return hal_response(pacticipant_json(ctx, row, deployments=True))


def delete_pacticipant(ctx: Ctx) -> Response:
    row = require_pacticipant(ctx)
    repo.delete_pacticipant(ctx.conn, row.id)
    return Response(status_code=204)


# -- labels ---------------------------------------------------------------------------------------


def _label_json(ctx: Ctx, pacticipant: str, label: str) -> dict:
    return {
        "name": label,
        "_links": {
            "self": {"href": ctx.url("pacticipants", pacticipant, "labels", label)},
            "pb:pacticipant": {"name": pacticipant, "href": pacticipant_url(ctx, pacticipant)},
        },
    }


def get_label(ctx: Ctx) -> Response:
    row = require_pacticipant(ctx)
    if ctx.params["label"] not in repo.labels_for(ctx.conn, row.id):
        raise not_found()
    return hal_response(_label_json(ctx, row.name, ctx.params["label"]))


def put_label(ctx: Ctx) -> Response:
    row = repo.get_or_create_pacticipant(ctx.conn, ctx.params["pacticipant"])
    created = repo.add_label(ctx.conn, row.id, ctx.params["label"])
    return hal_response(_label_json(ctx, row.name, ctx.params["label"]), 201 if created else 200)


def delete_label(ctx: Ctx) -> Response:
    row = require_pacticipant(ctx)
    if not repo.remove_label(ctx.conn, row.id, ctx.params["label"]):
        raise not_found()
    return Response(status_code=204)


def pacticipants_by_label(ctx: Ctx) -> Response:
    rows = repo.pacticipants_with_label(ctx.conn, ctx.params["label"])
    items = [pacticipant_json(ctx, r, embed=False) for r in rows]
    return hal_response(
        {
            "_embedded": {"pacticipants": items},
            "_links": {"self": {"href": ctx.url("pacticipants", "label", ctx.params["label"])}},
        }
    )


# -- latest versions ------------------------------------------------------------------------------


def latest_version(ctx: Ctx) -> Response:
    row = require_pacticipant(ctx)
    version = repo.latest_version(ctx.conn, row.id, tag=ctx.params.get("tag"))
    if version is None:
        raise not_found()
    return hal_response(version_json(ctx, row.name, version))


# -- branches -------------------------------------------------------------------------------------


def _branch_json(ctx: Ctx, pacticipant: str, branch: Any) -> dict:
    url = ctx.url("pacticipants", pacticipant, "branches", branch.name)
    body: dict[str, Any] = {"name": branch.name, "createdAt": iso(branch.created_at)}
    if iso(branch.updated_at) != body["createdAt"]:
        body["updatedAt"] = iso(branch.updated_at)
    body["_links"] = {
        "self": {"title": "Branch", "href": url},
        "pb:latest-version": {
            "title": "Latest version for branch",
            "href": url + "/latest-version",
        },
        "pb:versions": {"title": "Versions for branch", "href": url + "/versions"},
        "pb:pacticipant": {
            "title": "Pacticipant",
            "name": pacticipant,
            "href": pacticipant_url(ctx, pacticipant),
        },
    }
    return body


def list_branches(ctx: Ctx) -> Response:
    row = require_pacticipant(ctx)
    items = [_branch_json(ctx, row.name, b) for b in repo.list_branches(ctx.conn, row.id)]
    q = ctx.query.get("q")
    if q:
        items = [b for b in items if q.lower() in b["name"].lower()]
    return hal_response(
        {
            "_embedded": {"branches": items},
            "_links": {"self": {"href": ctx.url("pacticipants", row.name, "branches")}},
        }
    )


def _require_branch(ctx: Ctx) -> tuple[Any, Any]:
    row = require_pacticipant(ctx)
    branch = repo.find_branch(ctx.conn, row.id, ctx.params["branch"])
    if branch is None:
        raise not_found()
    return row, branch


def get_branch(ctx: Ctx) -> Response:
    row, branch = _require_branch(ctx)
    return hal_response(_branch_json(ctx, row.name, branch))


def delete_branch(ctx: Ctx) -> Response:
    _row, branch = _require_branch(ctx)
    repo.delete_branch(ctx.conn, branch.id)
    return Response(status_code=204)


def branch_versions(ctx: Ctx) -> Response:
    row, branch = _require_branch(ctx)
    rows = repo.versions_on_branch(ctx.conn, branch.id, 100)
    items = [version_json(ctx, row.name, v, embed=False) for v in rows]
    return hal_response(
        {
            "_embedded": {"versions": items},
            "_links": {
                "self": {
                    "href": ctx.url("pacticipants", row.name, "branches", branch.name, "versions")
                }
            },
        }
    )


def branch_latest_version(ctx: Ctx) -> Response:
    row, branch = _require_branch(ctx)
    version = repo.branch_head(ctx.conn, row.id, branch.name)
    if version is None:
        raise not_found()
    return hal_response(version_json(ctx, row.name, version))


def _branch_version_json(
    ctx: Ctx, pacticipant: str, branch: str, version: Any, created_at: Any
) -> dict:
    return {
        "createdAt": iso(created_at),
        "_links": {
            "self": {
                "title": "Branch version",
                "href": ctx.url(
                    "pacticipants", pacticipant, "branches", branch, "versions", version.number
                ),
            },
            "pb:branch": {
                "title": "Branch",
                "name": branch,
                "href": ctx.url("pacticipants", pacticipant, "branches", branch),
            },
            "pb:version": {
                "title": "Version",
                "name": version.number,
                "href": version_url(ctx, pacticipant, version.number),
            },
        },
    }


def put_branch_version(ctx: Ctx) -> Response:
    ctx.json(required=False)
    name, branch = ctx.params["pacticipant"], ctx.params["branch"]
    if not branch.strip():
        raise validation_error({"branch": ["branch name cannot be blank"]})
    pacticipant = repo.get_or_create_pacticipant(ctx.conn, name)
    version, _ = repo.get_or_create_version(ctx.conn, pacticipant.id, ctx.params["version"])
    created = repo.add_branch_version(ctx.conn, pacticipant, version, branch)
    body = _branch_version_json(ctx, name, branch, version, version.created_at)
    headers = {"Location": body["_links"]["self"]["href"]} if created else None
    return hal_response(body, 201 if created else 200, headers)


def get_branch_version(ctx: Ctx) -> Response:
    row, branch = _require_branch(ctx)
    version = repo.find_version(ctx.conn, row.id, ctx.params["version"])
    if version is None or branch.name not in repo.branches_for_version(ctx.conn, version.id):
        raise not_found()
    return hal_response(
        _branch_version_json(ctx, row.name, branch.name, version, version.created_at)
    )


def delete_branch_version(ctx: Ctx) -> Response:
    row, branch = _require_branch(ctx)
    version = repo.find_version(ctx.conn, row.id, ctx.params["version"])
    if version is None:
        raise not_found()
    repo.remove_branch_version(ctx.conn, branch.id, version.id)
    return Response(status_code=204)


def register(router: Router) -> None:
    router.add("/pacticipants", GET=list_pacticipants, POST=create_pacticipant)
    router.add(
        "/pacticipants/{pacticipant}",
        GET=get_pacticipant,
        PATCH=patch_pacticipant,
        PUT=put_pacticipant,
        DELETE=delete_pacticipant,
    )
    router.add("/pacticipants/label/{label}", GET=pacticipants_by_label)
    router.add(
        "/pacticipants/{pacticipant}/labels/{label}",
        GET=get_label,
        PUT=put_label,
        DELETE=delete_label,
    )
    router.add("/pacticipants/{pacticipant}/latest-version", GET=latest_version)
    router.add("/pacticipants/{pacticipant}/latest-version/{tag}", GET=latest_version)
    router.add("/pacticipants/{pacticipant}/branches", GET=list_branches)
    router.add(
        "/pacticipants/{pacticipant}/branches/{branch}", GET=get_branch, DELETE=delete_branch
    )
    router.add("/pacticipants/{pacticipant}/branches/{branch}/versions", GET=branch_versions)
    router.add(
        "/pacticipants/{pacticipant}/branches/{branch}/latest-version", GET=branch_latest_version
    )
    router.add(
        "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}",
        GET=get_branch_version,
        PUT=put_branch_version,
        DELETE=delete_branch_version,
    )


__all__ = ["register", "require_pacticipant"]
