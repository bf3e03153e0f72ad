"""The provider states a provider's pacts name (``pact-broker provider-states list``): of the
latest pacts, the pacts on a branch, or the consumer versions in an environment."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from accord.broker.api.environments import require_environment
from accord.broker.api.hal import hal_response
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.routing import Ctx, Router
from accord.broker.storage import deployments_repo, pacts_repo, repo


def _states_of(content: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for item in (content.get("interactions") or []) + (content.get("messages") or []):
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("providerState"), str) and item["providerState"]:
            out.append((item["providerState"], None))
        for state in item.get("providerStates") or []:
            if isinstance(state, dict) and state.get("name"):
                out.append((state["name"], state.get("params")))
    return out


def provider_states(ctx: Ctx) -> Response:
    """The provider states named by the latest pact of each consumer (``provider-states list``)."""
    provider = require_pacticipant(ctx, ctx.params["provider"])
    if ctx.params.get("uuid"):
        env = require_environment(ctx)
        # every version there, of any pacticipant: only consumers' have pacts with the provider
        version_ids = [
            v
            for v, _ in deployments_repo.deployed_or_released_version_ids(
                ctx.conn, None, env.id, True, True
            )
        ]
        pubs = pacts_repo.publications_for_versions(ctx.conn, version_ids, provider.id)
    else:
        pubs = pacts_repo.latest_publications_for_provider(
            ctx.conn, provider.id, branch=ctx.params.get("branch")
        )
    names = repo.pacticipant_names(ctx.conn, [p.consumer_id for p in pubs])
    states: dict[str, dict[str, Any]] = {}
    contents = pacts_repo.pact_contents(ctx.conn, [p.pact_version_id for p in pubs])
    for pub in pubs:
        content = contents.get(pub.pact_version_id)
        for name, params in _states_of(json.loads(content)) if content else []:
            key = name + json.dumps(params, sort_keys=True)
            entry = states.setdefault(key, {"name": name, "consumers": []})
            if params:
                entry["params"] = params
            if names[pub.consumer_id] not in entry["consumers"]:
                entry["consumers"].append(names[pub.consumer_id])
    return hal_response({"providerStates": sorted(states.values(), key=lambda s: s["name"])})


def register(router: Router) -> None:
    router.add("/pacts/provider/{provider}/provider-states", GET=provider_states)
    router.add("/pacts/provider/{provider}/provider-states/branch/{branch}", GET=provider_states)
    router.add("/pacts/provider/{provider}/provider-states/environment/{uuid}", GET=provider_states)


__all__ = ["register"]
