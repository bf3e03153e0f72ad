"""JSON shapes shared by several resources (the official broker's "decorators")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row

from accord.broker.api.routing import Ctx
from accord.broker.clock import iso
from accord.broker.services.names import display_name
from accord.broker.storage import deployments_repo, repo
from accord.broker.storage.version_facts import VersionFacts
from accord.model.jsontypes import JsonObject

__all__ = [
    "branch_versions_json",
    "curies",
    "environment_json",
    "pact_url",
    "pact_version_url",
    "pacticipant_json",
    "pacticipant_url",
    "tag_json",
    "version_json",
    "version_url",
]


def curies(ctx: Ctx, context: str = "pacticipant") -> list[JsonObject]:
    return [{"name": "pb", "href": ctx.base + "/doc/{rel}?context=" + context, "templated": True}]


def pacticipant_url(ctx: Ctx, name: str) -> str:
    return ctx.url("pacticipants", name)


def version_url(ctx: Ctx, pacticipant: str, number: str) -> str:
    return ctx.url("pacticipants", pacticipant, "versions", number)


def pact_url(ctx: Ctx, provider: str, consumer: str, number: str) -> str:
    return ctx.url("pacts", "provider", provider, "consumer", consumer, "version", number)


def pact_version_url(
    ctx: Ctx, provider: str, consumer: str, sha: str, metadata: str | None = None
) -> str:
    parts: list[Any] = ["pacts", "provider", provider, "consumer", consumer, "pact-version", sha]
    if metadata:
        parts += ["metadata", metadata]
    return ctx.url(*parts)


def _times(row: Row) -> JsonObject:
    out = {"createdAt": iso(row.created_at)}
    updated = getattr(row, "updated_at", None)
    if updated is not None and iso(updated) != out["createdAt"]:
        out["updatedAt"] = iso(updated)
    return out


def pacticipant_json(
    ctx: Ctx, row: Row, embed: bool = True, deployments: bool = False
) -> JsonObject:
    """A pacticipant; ``deployments`` lists where its versions are deployed now (the single
    resource does, as the official one)."""
    name = row.name
    url = pacticipant_url(ctx, name)
    body: dict[str, Any] = {"name": name}
    for key, col in (
        ("displayName", "display_name"),
        ("repositoryUrl", "repository_url"),
        ("repositoryName", "repository_name"),
        ("repositoryNamespace", "repository_namespace"),
        ("mainBranch", "main_branch"),
    ):
        body[key] = getattr(row, col)
    if body["displayName"] is None:
        body["displayName"] = display_name(name)
    body.update(_times(row))
    if embed:
        embedded: dict[str, Any] = {
            "labels": [
                {
                    "name": label,
                    "_links": {"self": {"href": ctx.url("pacticipants", name, "labels", label)}},
                }
                for label in repo.labels_for(ctx.conn, row.id)
            ]
        }
        latest = repo.latest_version(ctx.conn, row.id)
        if latest is not None:
            embedded["latestVersion"] = version_json(ctx, name, latest, embed=False)
            embedded["latest-version"] = embedded["latestVersion"]
        body["_embedded"] = embedded
    body["_links"] = {
        "self": {"href": url},
        "pb:versions": {"href": url + "/versions"},
        "pb:version": {
            "href": url + "/versions/{version}",
            "title": "Get, create or delete a pacticipant version",
            "templated": True,
        },
        "pb:version-tag": {
            "href": url + "/versions/{version}/tags/{tag}",
            "title": f"Get, create or delete a tag for a version of {name}",
            "templated": True,
        },
        "pb:branch-version": {
            "href": url + "/branches/{branch}/versions/{version}",
            "title": f"Get or add/create a version for a branch of {name}",
            "templated": True,
        },
        "pb:branches": {"href": url + "/branches"},
        "pb:label": {
            "href": url + "/labels/{label}",
            "title": f"Get, create or delete a label for {name}",
            "templated": True,
        },
        "pb:deployed-environments": _current_deployments(ctx, row) if deployments else [],
        "pb:can-i-deploy-badge": {
            "href": url + "/latest-version/{tag}/can-i-deploy/to/{environmentTag}/badge",
            "title": f"Can I Deploy {name} badge",
            "templated": True,
        },
        "pb:can-i-deploy-branch-to-environment-badge": {
            "href": url
            + "/branches/{branch}/latest-version/can-i-deploy/to-environment/{environment}/badge",
            "title": f"Can I Deploy {name} from branch to environment badge",
            "templated": True,
        },
        "versions": {"href": url + "/versions", "title": "Deprecated - use pb:versions"},
        "pb:latest-version": {"href": url + "/latest-version"},
        "curies": curies(ctx),
    }
    return body


def _current_deployments(ctx: Ctx, row: Row) -> list[JsonObject]:
    out = []
    for d in deployments_repo.current_deployments_with_environment(ctx.conn, row.id):
        shown = d.shown or display_name(d.env_name)
        out.append(
            {
                "title": f"Version deployed to {shown}",
                "name": shown,
                "href": ctx.url("deployed-versions", d.uuid),
                "currently_deployed": True,
            }
        )
    return out


def tag_json(ctx: Ctx, pacticipant: str, number: str, row: Row) -> JsonObject:
    url = ctx.url("pacticipants", pacticipant, "versions", number, "tags", row.name)
    return {
        "name": row.name,
        "createdAt": iso(row.created_at),
        "_links": {
            "self": {"title": "Tag", "name": row.name, "href": url},
            "pb:version": {
                "title": "Version",
                "name": number,
                "href": version_url(ctx, pacticipant, number),
            },
            "pb:pacticipant": {
                "title": "Pacticipant",
                "name": pacticipant,
                "href": pacticipant_url(ctx, pacticipant),
            },
            "version": {"href": version_url(ctx, pacticipant, number)},
            "pacticipant": {"href": pacticipant_url(ctx, pacticipant)},
        },
    }


def _deployed_link(ctx: Ctx, row: Row, env: Row) -> JsonObject:
    shown = env.display_name or display_name(env.name)
    link: dict[str, Any] = {
        "title": f"Version deployed to {shown}",
        "name": shown,
        "href": ctx.url("deployed-versions", row.uuid),
        "currently_deployed": bool(row.currently_deployed),
    }
    if row.target is not None:
        link["application_instance"] = row.target
    return link


def _released_link(ctx: Ctx, row: Row, env: Row) -> JsonObject:
    shown = env.display_name or display_name(env.name)
    return {
        "title": f"Version released to {shown}",
        "name": shown,
        "href": ctx.url("released-versions", row.uuid),
        "currently_supported": row.support_ended_at is None,
    }


def branch_versions_json(
    ctx: Ctx,
    pacticipant: str,
    version: Row,
    branches: list[str],
    heads: Mapping[tuple[int, str], int | None],
) -> list[JsonObject]:
    """The branch versions of ``version`` (one per branch it is on), each saying whether the
    version is that branch's head (``heads``: (pacticipant id, branch) -> head version id)."""
    return [
        {
            "name": b,
            "latest": heads.get((version.pacticipant_id, b)) == version.id,
            "_links": {
                "self": {
                    "title": "Branch version",
                    "name": b,
                    "href": ctx.url(
                        "pacticipants", pacticipant, "branches", b, "versions", version.number
                    ),
                }
            },
        }
        for b in branches
    ]


def version_json(
    ctx: Ctx,
    pacticipant: str,
    row: Row,
    embed: bool = True,
    pacticipant_row: Row | None = None,
    facts: VersionFacts | None = None,
) -> JsonObject:
    """A version resource; ``facts`` (``VersionFacts.load`` of every version listed) saves
    the round trips per version when embedding."""
    url = version_url(ctx, pacticipant, row.number)
    body: JsonObject = {"number": row.number}
    if row.build_url:
        body["buildUrl"] = row.build_url
    body.update(_times(row))
    links: JsonObject = {"self": {"title": "Version", "name": row.number, "href": url}}
    if embed:
        if facts is None:
            facts = VersionFacts.load(ctx.conn, [row])
        body["_embedded"] = _version_embedded(ctx, pacticipant, row, facts)
        links.update(_version_links(ctx, pacticipant, row, url, facts))
    body["_links"] = links
    return body


def _version_embedded(ctx: Ctx, pacticipant: str, row: Row, facts: VersionFacts) -> JsonObject:
    """The branches and tags of a version."""
    branch_versions = branch_versions_json(
        ctx, pacticipant, row, facts.branches.get(row.id, []), facts.heads
    )
    return {
        "branchVersions": branch_versions,
        "branches": branch_versions,  # the official name, kept beside branchVersions
        "tags": [tag_json(ctx, pacticipant, row.number, t) for t in facts.tags.get(row.id, [])],
    }


def _version_links(
    ctx: Ctx, pacticipant: str, row: Row, url: str, facts: VersionFacts
) -> JsonObject:
    """A version's links: its pacticipant, tags, results, pacts and environments."""
    return {
        "pb:pacticipant": {
            "title": "Pacticipant",
            "name": pacticipant,
            "href": pacticipant_url(ctx, pacticipant),
        },
        "pb:tag": {
            "href": url + "/tags/{tag}",
            "title": "Get, create or delete a tag for this pacticipant version",
            "templated": True,
        },
        "pb:latest-verification-results-where-pacticipant-is-consumer": {
            "title": "Latest verification results for consumer version",
            "href": ctx.url(
                "verification-results", "consumer", pacticipant, "version", row.number, "latest"
            ),
        },
        "pb:pact-versions": [
            {
                "title": "Pact",
                "name": f"Pact between {pacticipant} ({row.number}) and {provider}",
                "href": pact_url(ctx, provider, pacticipant, row.number),
            }
            for provider in facts.providers.get(row.id, [])
        ],
        **_environment_links(ctx, row, url, facts),
        "curies": curies(ctx, "version"),
    }


def _environment_links(ctx: Ctx, row: Row, url: str, facts: VersionFacts) -> JsonObject:
    """Where a version is deployed or released, and where it can be recorded as such."""
    shown = [(e, e.display_name or display_name(e.name)) for e in facts.environments]
    return {
        "pb:deployed-environments": [
            _deployed_link(ctx, d, facts.environment(d.environment_id))
            for d in facts.deployed.get(row.id, [])
        ],
        "pb:released-environments": [
            _released_link(ctx, r, facts.environment(r.environment_id))
            for r in facts.released.get(row.id, [])
        ],
        "pb:record-deployment": [
            {
                "title": f"Record deployment to {title}",
                "name": e.name,
                "href": url + "/deployed-versions/environment/" + e.uuid,
            }
            for e, title in shown
        ],
        "pb:record-release": [
            {
                "title": f"Record release to {title}",
                "name": e.name,
                "href": url + "/released-versions/environment/" + e.uuid,
            }
            for e, title in shown
        ],
    }


def environment_json(ctx: Ctx, row: Row) -> JsonObject:
    url = ctx.url("environments", row.uuid)
    shown = row.display_name or display_name(row.name)
    body: dict[str, Any] = {
        "uuid": row.uuid,
        "name": row.name,
        "displayName": shown,
        "production": bool(row.production),
        "contacts": json.loads(row.contacts) if row.contacts else [],
    }
    body.update(_times(row))
    body["_links"] = {
        "self": {"title": "Environment", "name": row.name, "href": url},
        "pb:currently-deployed-deployed-versions": {
            "title": f"Versions currently deployed to {shown} environment",
            "href": url + "/deployed-versions/currently-deployed",
        },
        "pb:currently-deployed-versions": {"href": url + "/deployed-versions/currently-deployed"},
        "pb:currently-supported-released-versions": {
            "title": f"Versions released and supported in {shown} environment",
            "href": url + "/released-versions/currently-supported",
        },
        "pb:environments": {"title": "Environments", "href": ctx.url("environments")},
    }
    return body
