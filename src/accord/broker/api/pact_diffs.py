"""Plain-text diffs between two pact contents: against the previous distinct pact, another
consumer version, or another SHA."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import PlainTextResponse, Response

from accord.broker.api.pacts import require_pair
from accord.broker.api.routing import Ctx, Router, not_found
from accord.broker.services.publication import content_diff
from accord.broker.storage import pacts_repo, repo


def _diff(ctx: Ctx, old: Any, new: Any) -> Response:
    if old is None or new is None:
        raise not_found()
    return PlainTextResponse(
        content_diff(json.loads(old.content), json.loads(new.content)) or "No differences\n"
    )


def diff_previous_distinct(ctx: Ctx) -> Response:
    consumer, provider = require_pair(ctx)
    version = repo.find_version(ctx.conn, consumer.id, ctx.params["version"])
    current = (
        pacts_repo.find_publication(ctx.conn, version.id, provider.id, True) if version else None
    )
    if current is None:
        raise not_found()
    for pub in pacts_repo.publications_between(ctx.conn, consumer.id, provider.id):
        if pub.consumer_version_id < current.consumer_version_id and pub.sha != current.sha:
            return _diff(
                ctx,
                pacts_repo.find_publication(ctx.conn, pub.consumer_version_id, provider.id, True),
                current,
            )
    raise not_found()


def diff_versions(ctx: Ctx) -> Response:
    consumer, provider = require_pair(ctx)
    found = []
    for number in (ctx.params["other"], ctx.params["version"]):
        version = repo.find_version(ctx.conn, consumer.id, number)
        found.append(
            pacts_repo.find_publication(ctx.conn, version.id, provider.id, True)
            if version
            else None
        )
    return _diff(ctx, *found)


def diff_shas(ctx: Ctx) -> Response:
    consumer, provider = require_pair(ctx)
    found = [
        pacts_repo.find_pact_version(ctx.conn, consumer.id, provider.id, sha)
        for sha in (ctx.params["other"], ctx.params["sha"])
    ]
    return _diff(ctx, *found)


def register(router: Router) -> None:
    pair = "/pacts/provider/{provider}/consumer/{consumer}"
    router.add(pair + "/version/{version}/diff/previous-distinct", GET=diff_previous_distinct)
    router.add(pair + "/version/{version}/diff/version/{other}", GET=diff_versions)
    router.add(pair + "/pact-version/{sha}/diff/pact-version/{other}", GET=diff_shas)


__all__ = ["register"]
