"""Lists of pacts: a consumer and provider's pact versions (by tag or branch), a provider's
pacts (latest, by tag, by branch) and the latest pact of every integration."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from accord.broker.api.hal import hal_response
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.pacts import require_pair
from accord.broker.api.render import pact_url, pacticipant_url, version_url
from accord.broker.api.routing import Ctx, Router, not_found
from accord.broker.clock import iso
from accord.broker.storage import pacts_repo, repo


def _pact_list_entry(ctx: Ctx, pub: Any, consumer: str, provider: str) -> dict:
    return {
        "href": pact_url(ctx, provider, consumer, pub.consumer_version_number),
        "title": f"Pact between {consumer} ({pub.consumer_version_number}) and {provider}",
        "name": consumer,
    }


def pact_versions_list(ctx: Ctx) -> Response:
    consumer, provider = require_pair(ctx)
    branch = ctx.params.get("branch")
    if ctx.request.url.path.rstrip("/").endswith("/branch/versions"):
        branch = consumer.main_branch or "\x00none"
    pubs = pacts_repo.publications_between(
        ctx.conn, consumer.id, provider.id, tag=ctx.params.get("tag"), branch=branch
    )
    if ctx.request.url.path.rstrip("/").endswith("/latest/versions"):
        pubs = pubs[:1]
    if not pubs and (ctx.params.get("tag") or branch):
        raise not_found()
    entries = [
        {
            "_embedded": {
                "consumerVersion": {
                    "number": p.consumer_version_number,
                    "_links": {
                        "self": {"href": version_url(ctx, consumer.name, p.consumer_version_number)}
                    },
                }
            },
            "createdAt": iso(p.created_at),
            "_links": {
                "self": {
                    "href": pact_url(ctx, provider.name, consumer.name, p.consumer_version_number)
                }
            },
        }
        for p in pubs
    ]
    return hal_response(
        {
            "_embedded": {"pacts": entries},
            "_links": {
                "self": {"href": str(ctx.request.url)},
                "pb:provider": {"name": provider.name, "href": pacticipant_url(ctx, provider.name)},
                "pb:consumer": {"name": consumer.name, "href": pacticipant_url(ctx, consumer.name)},
                "pb:pact-versions": [
                    _pact_list_entry(ctx, p, consumer.name, provider.name) for p in pubs
                ],
            },
        }
    )


def _provider_pacts(ctx: Ctx, pubs: list[Any], provider: Any, title: str) -> Response:
    names = repo.pacticipant_names(ctx.conn, [p.consumer_id for p in pubs])
    entries = [_pact_list_entry(ctx, p, names[p.consumer_id], provider.name) for p in pubs]
    return hal_response(
        {
            "_links": {
                "self": {"href": str(ctx.request.url), "title": title},
                "pb:provider": {
                    "title": "Provider",
                    "name": provider.name,
                    "href": pacticipant_url(ctx, provider.name),
                },
                "provider": {
                    "title": "Provider",
                    "name": provider.name,
                    "href": pacticipant_url(ctx, provider.name),
                },
                "pb:pacts": entries,
                "pacts": entries,
            }
        }
    )


def provider_latest_pacts(ctx: Ctx) -> Response:
    provider = require_pacticipant(ctx, ctx.params["provider"])
    tag = ctx.params.get("tag")
    pubs = pacts_repo.latest_publications_for_provider(ctx.conn, provider.id, tag=tag)
    return _provider_pacts(
        ctx,
        pubs,
        provider,
        f"Latest pact versions for the provider {provider.name}"
        + (f" with consumer version tag '{tag}'" if tag else ""),
    )


def provider_all_pacts(ctx: Ctx) -> Response:
    provider = require_pacticipant(ctx, ctx.params["provider"])
    tag = ctx.params.get("tag")
    pubs = pacts_repo.publications_for_provider(ctx.conn, provider.id, tag)
    return _provider_pacts(
        ctx, pubs, provider, f"All pact versions for the provider {provider.name}"
    )


def provider_branch_pacts(ctx: Ctx) -> Response:
    provider = require_pacticipant(ctx, ctx.params["provider"])
    latest = ctx.request.url.path.rstrip("/").endswith("/latest")
    branch = ctx.params.get("branch")
    consumer_ids = pacts_repo.consumers_of(ctx.conn, provider.id)
    pubs: list[Any] = []
    if latest:  # set-based: not every publication on the branch, once per consumer
        heads = pacts_repo.latest_publications_per_consumer(
            ctx.conn, provider.id, consumer_ids, branch=branch, branch_is_main_branch=not branch
        )
        pubs = [heads[cid] for cid in consumer_ids if cid in heads]
    else:  # grouped by consumer, as listed by consumers_of
        by_consumer: dict[int, list[Any]] = {}
        for pub in pacts_repo.publications_on_branch(ctx.conn, provider.id, branch or None):
            by_consumer.setdefault(pub.consumer_id, []).append(pub)
        pubs = [pub for cid in consumer_ids for pub in by_consumer.get(cid, [])]
    return _provider_pacts(ctx, pubs, provider, f"Pact versions for the provider {provider.name}")


def latest_pacts(ctx: Ctx) -> Response:
    pubs = pacts_repo.latest_publications_for_provider(ctx.conn, None)
    names = repo.pacticipant_names(
        ctx.conn, [p.consumer_id for p in pubs] + [p.provider_id for p in pubs]
    )
    entries = []
    for p in pubs:
        c, pr = names[p.consumer_id], names[p.provider_id]
        entries.append(
            {
                "createdAt": iso(p.created_at),
                "_embedded": {
                    "consumer": {
                        "name": c,
                        "_links": {"self": {"href": pacticipant_url(ctx, c)}},
                        "_embedded": {"version": {"number": p.consumer_version_number}},
                    },
                    "provider": {
                        "name": pr,
                        "_links": {"self": {"href": pacticipant_url(ctx, pr)}},
                    },
                },
                "_links": {
                    "self": [
                        {"href": ctx.url("pacts", "provider", pr, "consumer", c, "latest")},
                        {"href": pact_url(ctx, pr, c, p.consumer_version_number)},
                    ]
                },
            }
        )
    links = [
        {
            "href": ctx.url(
                "pacts",
                "provider",
                names[p.provider_id],
                "consumer",
                names[p.consumer_id],
                "latest",
            ),
            "title": f"Pact between {names[p.consumer_id]} and {names[p.provider_id]}",
            "name": f"{names[p.consumer_id]}/{names[p.provider_id]}",
        }
        for p in pubs
    ]
    return hal_response(
        {
            "_links": {
                "self": {"href": ctx.url("pacts", "latest")},
                "pb:pacts": links,
                "pacts": links,
            },
            "pacts": entries,
        }
    )


def register(router: Router) -> None:
    pair = "/pacts/provider/{provider}/consumer/{consumer}"
    router.add(pair + "/versions", GET=pact_versions_list)
    router.add(pair + "/tag/{tag}", GET=pact_versions_list)
    router.add(pair + "/branch/{branch}", GET=pact_versions_list)
    router.add(pair + "/branch/versions", GET=pact_versions_list)
    router.add(pair + "/branch/latest/versions", GET=pact_versions_list)
    router.add(pair + "/branch/{branch}/latest/versions", GET=pact_versions_list)
    router.add("/pacts/latest", GET=latest_pacts)
    router.add("/pacts/provider/{provider}", GET=provider_all_pacts)
    router.add("/pacts/provider/{provider}/tag/{tag}", GET=provider_all_pacts)
    router.add("/pacts/provider/{provider}/latest", GET=provider_latest_pacts)
    router.add("/pacts/provider/{provider}/latest/{tag}", GET=provider_latest_pacts)
    router.add("/pacts/provider/{provider}/branch", GET=provider_branch_pacts)
    router.add("/pacts/provider/{provider}/branch/latest", GET=provider_branch_pacts)
    router.add("/pacts/provider/{provider}/branch/{branch}", GET=provider_branch_pacts)
    router.add("/pacts/provider/{provider}/branch/{branch}/latest", GET=provider_branch_pacts)


__all__ = ["register"]
