"""JSON shapes shared by several resources (the official broker's "decorators")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Integer,
    Row,
    String,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from accord.broker.api.routing import Ctx
from accord.broker.clock import iso
from accord.broker.services.names import display_name
from accord.broker.storage import repo
from accord.broker.storage.bulk import id_chunks, id_in
from accord.broker.storage.schema import (
    deployed_versions,
    environments,
    pact_publications,
    pacticipants,
    released_versions,
)

__all__ = [
    "VersionFacts",
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


def curies(ctx: Ctx, context: str = "pacticipant") -> list[dict]:
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


def _times(row: Row) -> dict[str, Any]:
    out = {"createdAt": iso(row.created_at)}
    updated = getattr(row, "updated_at", None)
    if updated is not None and iso(updated) != out["createdAt"]:
        out["updatedAt"] = iso(updated)
    return out


def pacticipant_json(
    ctx: Ctx, row: Row, embed: bool = True, deployments: bool = False
) -> dict[str, Any]:
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


def _current_deployments(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    dv = deployed_versions
    query = (
        select(
            dv, environments.c.name.label("env_name"), environments.c.display_name.label("shown")
        )
        .join(environments, environments.c.id == dv.c.environment_id)
        .where(dv.c.pacticipant_id == row.id, dv.c.currently_deployed.is_(True))
        .order_by(dv.c.id)
    )
    out = []
    for d in ctx.conn.execute(query):
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


def tag_json(ctx: Ctx, pacticipant: str, number: str, row: Row) -> dict[str, Any]:
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


def all_environments(conn: Connection) -> list[Row]:
    """Ordered as the official broker lists them: by display name, ignoring case."""
    shown = func.coalesce(environments.c.display_name, environments.c.name)
    return list(conn.execute(select(environments).order_by(func.lower(shown), environments.c.name)))


def _version_links_query(conn: Connection, ids: list[int]) -> Any:
    """Per version: the providers of its pacts, its deployments and its releases, as one
    statement (``kind`` tells them apart)."""
    pp, dv, rv = pact_publications, deployed_versions, released_versions
    text_ = cast(null(), String)
    int_ = cast(null(), Integer)
    return union_all(
        select(
            literal("pact").label("kind"),
            pp.c.consumer_version_id.label("version_id"),
            pp.c.id.label("row_id"),
            pacticipants.c.name.label("provider"),
            text_.label("uuid"),
            int_.label("environment_id"),
            text_.label("target"),
            cast(null(), Boolean).label("currently_deployed"),
            cast(null(), dv.c.created_at.type).label("support_ended_at"),
        )
        .join(pacticipants, pacticipants.c.id == pp.c.provider_id)
        .where(id_in(conn, pp.c.consumer_version_id, ids)),
        select(
            literal("deployed"),
            dv.c.version_id,
            dv.c.id,
            text_,
            dv.c.uuid,
            dv.c.environment_id,
            dv.c.target,
            dv.c.currently_deployed,
            cast(null(), dv.c.created_at.type),
        ).where(id_in(conn, dv.c.version_id, ids)),
        select(
            literal("released"),
            rv.c.version_id,
            rv.c.id,
            text_,
            rv.c.uuid,
            rv.c.environment_id,
            text_,
            cast(null(), Boolean),
            rv.c.support_ended_at,
        ).where(id_in(conn, rv.c.version_id, ids)),
    ).order_by("kind", "row_id")


@dataclass(frozen=True)
class VersionFacts:
    """Branches, branch heads, tags and environments for embedding many versions, read in
    bulk once rather than per version."""

    branches: dict[int, list[str]]
    heads: dict[tuple[int, str], int]
    tags: dict[int, list[Row]]
    environments: list[Row]
    providers: dict[int, list[str]]  # per consumer version: providers of its pacts
    deployed: dict[int, list[Row]]  # per version: every deployment (environment joined)
    released: dict[int, list[Row]]  # per version: every release (environment joined)

    @classmethod
    def load(cls, conn: Connection, rows: list[Row]) -> VersionFacts:
        ids = [r.id for r in rows]
        branches, heads = repo.branches_and_heads_for_versions(conn, ids)
        tags = repo.tag_rows_for_versions(conn, ids) if ids else {}
        envs = all_environments(conn)
        providers: dict[int, list[str]] = {}
        deployed: dict[int, list[Row]] = {}
        released: dict[int, list[Row]] = {}
        by_env = {e.id: e for e in envs}
        for chunk in id_chunks(conn, ids):
            for row in conn.execute(_version_links_query(conn, chunk)):
                if row.kind == "pact":
                    providers.setdefault(row.version_id, []).append(row.provider)
                elif row.environment_id in by_env:
                    out = deployed if row.kind == "deployed" else released
                    out.setdefault(row.version_id, []).append(row)
        for names in providers.values():
            names.sort(key=str.lower)
        return cls(branches, heads, tags, envs, providers, deployed, released)

    def environment(self, environment_id: int) -> Row:
        return next(e for e in self.environments if e.id == environment_id)


def _deployed_link(ctx: Ctx, row: Row, env: Row) -> dict[str, Any]:
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


def _released_link(ctx: Ctx, row: Row, env: Row) -> dict[str, Any]:
    shown = env.display_name or display_name(env.name)
    return {
        "title": f"Version released to {shown}",
        "name": shown,
        "href": ctx.url("released-versions", row.uuid),
        "currently_supported": row.support_ended_at is None,
    }


def version_json(
    ctx: Ctx,
    pacticipant: str,
    row: Row,
    embed: bool = True,
    pacticipant_row: Row | None = None,
    facts: VersionFacts | None = None,
) -> dict[str, Any]:
    """A version resource; ``facts`` (``VersionFacts.load`` of every version listed) saves
    the round trips per version when embedding."""
    url = version_url(ctx, pacticipant, row.number)
    body: dict[str, Any] = {"number": row.number}
    if row.build_url:
        body["buildUrl"] = row.build_url
    body.update(_times(row))
    links: dict[str, Any] = {
        "self": {"title": "Version", "name": row.number, "href": url},
    }
    if embed:
        if facts is None:
            facts = VersionFacts.load(ctx.conn, [row])
        branch_names = facts.branches.get(row.id, [])
        heads = {b: facts.heads.get((row.pacticipant_id, b)) for b in branch_names}
        branch_versions = [
            {
                "name": b,
                "latest": heads.get(b) == row.id,
                "_links": {
                    "self": {
                        "title": "Branch version",
                        "name": b,
                        "href": ctx.url(
                            "pacticipants", pacticipant, "branches", b, "versions", row.number
                        ),
                    }
                },
            }
            for b in branch_names
        ]
        body["_embedded"] = {
            "branchVersions": branch_versions,
            "branches": branch_versions,  # the official name, kept beside branchVersions
            "tags": [tag_json(ctx, pacticipant, row.number, t) for t in facts.tags.get(row.id, [])],
        }
        envs = facts.environments
        links.update(
            {
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
                        "verification-results",
                        "consumer",
                        pacticipant,
                        "version",
                        row.number,
                        "latest",
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
                        "title": f"Record deployment to {e.display_name or display_name(e.name)}",
                        "name": e.name,
                        "href": url + "/deployed-versions/environment/" + e.uuid,
                    }
                    for e in envs
                ],
                "pb:record-release": [
                    {
                        "title": f"Record release to {e.display_name or display_name(e.name)}",
                        "name": e.name,
                        "href": url + "/released-versions/environment/" + e.uuid,
                    }
                    for e in envs
                ],
                "curies": curies(ctx, "version"),
            }
        )
    body["_links"] = links
    return body


def environment_json(ctx: Ctx, row: Row) -> dict[str, Any]:
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
