# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Environments: create, list, describe, update, delete."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Row
from starlette.responses import Response

from accord.broker.api.hal import hal_response
from accord.broker.api.render import environment_json
from accord.broker.api.routing import Ctx, Router, not_found, validation_error
from accord.broker.names import name_problem
from accord.broker.services.names import display_name
from accord.broker.storage import deployments_repo

UUID_RE = re.compile(r"^[A-Za-z0-9_-]{5,}$")


def require_environment(ctx: Ctx, uuid: str | None = None) -> Row:
    row = deployments_repo.find_environment(ctx.conn, uuid=uuid or ctx.params["uuid"])
    if row is None:
        raise not_found()
    return row


def _validate(ctx: Ctx, data: dict, existing_id: int | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["name is missing"]
    elif problem := name_problem(name, "name"):
        errors["name"] = [problem]
    elif re.search(r"\s", name):
        errors["name"] = ["name cannot contain spaces or new lines"]
    else:
        other = deployments_repo.find_environment(ctx.conn, name=name)
        if other is not None and other.id != existing_id:
            errors["name"] = [
                f"Another environment with name '{name}' already exists ({environment_json(ctx, other)['_links']['self']['href']})"
            ]
    if not isinstance(data.get("production"), bool):
        errors["production"] = [
            "production is missing"
            if "production" not in data
            else "production must be true or false"
        ]
    display = data.get("displayName")
    if display is not None and not isinstance(display, str):
        errors["displayName"] = ["displayName must be a string"]
    elif display and display.strip() and (problem := name_problem(display, "displayName")):
        # a blank display name is derived from the name, as the official broker does
        errors["displayName"] = [problem]
    contacts = data.get("contacts")
    if contacts is not None and not isinstance(contacts, list):
        errors["contacts"] = ["contacts must be an array"]
    if (
        "uuid" in data
        and data["uuid"] is not None
        and not (isinstance(data["uuid"], str) and UUID_RE.match(data["uuid"]))
    ):
        errors["uuid"] = ["uuid must be a string of letters, numbers, - and _"]
    if errors:
        raise validation_error(errors)
    return {
        "name": name,
        "display_name": display if display and display.strip() else display_name(str(name)),
        "production": data["production"],
        "contacts": contacts,
    }


def list_environments(ctx: Ctx) -> Response:
    rows = deployments_repo.all_environments(ctx.conn)
    name = ctx.query.get("name")
    if name:
        rows = [r for r in rows if r.name == name]
    return hal_response(
        {
            "_embedded": {"environments": [environment_json(ctx, r) for r in rows]},
            "_links": {
                "self": {"title": "Environments", "href": ctx.url("environments")},
                "pb:create": {"title": "Create an environment", "href": ctx.url("environments")},
                "pb:environments": [
                    {
                        "title": "Environment",
                        "name": r.name,
                        "href": ctx.url("environments", r.uuid),
                    }
                    for r in rows
                ],
            },
        }
    )


def create_environment(ctx: Ctx) -> Response:
    data = ctx.json_object()
    fields = _validate(ctx, data)
    uuid = data.get("uuid")
    if uuid and deployments_repo.find_environment(ctx.conn, uuid=uuid):
        raise validation_error({"uuid": [f"Environment with uuid {uuid} already exists"]}, 409)
    row = deployments_repo.create_environment(
        ctx.conn,
        fields["name"],
        fields["display_name"],
        fields["production"],
        fields["contacts"],
        uuid=uuid,
    )
    body = environment_json(ctx, row)
    return hal_response(body, 201, {"Location": body["_links"]["self"]["href"]})


def get_environment(ctx: Ctx) -> Response:
    return hal_response(environment_json(ctx, require_environment(ctx)))


def put_environment(ctx: Ctx) -> Response:
    data = ctx.json_object()
    existing = deployments_repo.find_environment(ctx.conn, uuid=ctx.params["uuid"])
    fields = _validate(ctx, data, existing.id if existing else None)
    if existing is None:
        row = deployments_repo.create_environment(
            ctx.conn,
            fields["name"],
            fields["display_name"],
            fields["production"],
            fields["contacts"],
            uuid=ctx.params["uuid"],
        )
        return hal_response(environment_json(ctx, row), 201)
    deployments_repo.update_environment(
        ctx.conn,
        existing.id,
        fields["name"],
        fields["display_name"],
        fields["production"],
        fields["contacts"],
    )
    return hal_response(environment_json(ctx, require_environment(ctx)))


def delete_environment(ctx: Ctx) -> Response:
    row = require_environment(ctx)
    deployments_repo.delete_environment(ctx.conn, row.id)
    return Response(status_code=204)


def register(router: Router) -> None:
    router.add("/environments", GET=list_environments, POST=create_environment)
    router.add(
        "/environments/{uuid}", GET=get_environment, PUT=put_environment, DELETE=delete_environment
    )


__all__ = ["register", "require_environment"]
