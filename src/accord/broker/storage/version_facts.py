"""Branches, branch heads, tags, environments, pact providers, deployments and releases of
many versions, read in bulk once (a few statements whatever the count) for rendering them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Integer,
    Row,
    String,
    cast,
    literal,
    null,
    select,
    union_all,
)

from accord.broker.storage import repo
from accord.broker.storage.bulk import id_chunks, id_in
from accord.broker.storage.deployments_repo import all_environments
from accord.broker.storage.schema import (
    deployed_versions,
    pact_publications,
    pacticipants,
    released_versions,
)
from accord.model.valueclass import dataclass

__all__ = ["VersionFacts"]


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
