# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Reading pacts: one pact (by version, SHA, latest, tag, branch) and lists of pacts."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from starlette.responses import Response

from accord.broker.api.hal import hal_response, header_value, json_response
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.rack_query import parse_nested_query
from accord.broker.api.render import pact_url, pact_version_url, pacticipant_url, version_url
from accord.broker.api.routing import Ctx, Router, not_found
from accord.broker.clock import iso
from accord.broker.storage import pacts_repo, repo
from accord.broker.storage.schema import (
    pact_publications,
    pact_versions,
    pacticipants,
    verifications,
    versions,
)


def encode_metadata(params: dict[str, Any]) -> str:
    """Rack-style query, base64url without padding (opaque to verifiers)."""
    parts: list[str] = []
    for key, value in params.items():
        if isinstance(value, list):
            for item in value:
                for k, v in item.items():
                    parts.append(f"{key}[][{k}]={quote(str(v), safe='')}")
        elif value is not None:
            parts.append(f"{key}={quote(str(value), safe='')}")
    return base64.urlsafe_b64encode("&".join(parts).encode()).decode().rstrip("=")


def decode_metadata(value: str | None) -> dict[str, Any]:
    if not value:
        return {}
    try:
        padded = value + "=" * (-len(value) % 4)
        return parse_nested_query(base64.urlsafe_b64decode(padded).decode())
    except (ValueError, UnicodeDecodeError):
        return {}


def pact_document(
    ctx: Ctx, pub: Any, consumer: str, provider: str, metadata: str | None = None
) -> dict[str, Any]:
    """The stored pact JSON plus ``createdAt`` and the ``_links`` verifiers follow."""
    content = json.loads(pub.content)
    number = pub.consumer_version_number
    version_pact = pact_url(ctx, provider, consumer, number)
    sha_url = pact_version_url(ctx, provider, consumer, pub.sha, metadata)
    pair = ctx.url("pacts", "provider", provider, "consumer", consumer)
    title = f"Pact between {consumer} ({number}) and {provider}"
    content["createdAt"] = iso(pub.created_at)
    content["_links"] = {
        "self": {
            "title": "Pact",
            "name": title,
            "href": version_pact if metadata is None else sha_url,
        },
        "pb:consumer": {
            "title": "Consumer",
            "name": consumer,
            "href": pacticipant_url(ctx, consumer),
        },
        "pb:consumer-version": {
            "title": "Consumer version",
            "name": number,
            "href": version_url(ctx, consumer, number),
        },
        "pb:consumer-versions": [
            {
                "title": "Consumer version",
                "name": number,
                "href": version_url(ctx, consumer, number),
            }
        ],
        "pb:provider": {
            "title": "Provider",
            "name": provider,
            "href": pacticipant_url(ctx, provider),
        },
        "pb:pact-version": {
            "title": "Pact content version permalink",
            "name": pub.sha,
            "href": pact_version_url(ctx, provider, consumer, pub.sha),
        },
        "pb:latest-pact-version": {
            "title": "Latest version of this pact",
            "href": pair + "/latest",
        },
        "pb:all-pact-versions": {"title": "All versions of this pact", "href": pair + "/versions"},
        "pb:latest-untagged-pact-version": {
            "title": "Latest untagged version of this pact",
            "href": pair + "/latest-untagged",
        },
        "pb:latest-tagged-pact-version": {
            "title": "Latest tagged version of this pact",
            "href": pair + "/latest/{tag}",
            "templated": True,
        },
        "pb:previous-distinct": {
            "title": "Previous distinct version of this pact",
            "href": version_pact + "/previous-distinct",
        },
        "pb:diff-previous-distinct": {
            "title": "Diff with previous distinct version of this pact",
            "href": version_pact + "/diff/previous-distinct",
        },
        "pb:diff": {
            "title": "Diff with another specified version of pact",
            "href": pact_version_url(ctx, provider, consumer, pub.sha)
            + "/diff/pact-version/{pactVersion}",
            "templated": True,
        },
        "pb:pact-webhooks": {
            "title": "Webhooks for the pact between the consumer and provider",
            "href": ctx.url("webhooks", "provider", provider, "consumer", consumer),
        },
        "pb:consumer-webhooks": {
            "title": "Webhooks for all pacts with provider " + provider,
            "href": ctx.url("webhooks", "consumer", provider),
        },
        "pb:tag-prod-version": {
            "title": "PUT to this resource to tag this consumer version as 'production'",
            "href": version_url(ctx, consumer, number) + "/tags/prod",
        },
        "pb:tag-version": {
            "title": "PUT to this resource to tag this consumer version",
            "href": version_url(ctx, consumer, number) + "/tags/{tag}",
            "templated": True,
        },
        "pb:publish-verification-results": {
            "title": "Publish verification results",
            "href": sha_url + "/verification-results",
        },
        "pb:latest-verification-results": {
            "href": pact_version_url(ctx, provider, consumer, pub.sha)
            + "/verification-results/latest"
        },
        "pb:triggered-webhooks": {
            "title": "Webhooks triggered by the publication of this pact",
            "href": version_pact + "/triggered-webhooks",
        },
        "pb:matrix-for-consumer-version": {
            "title": "View matrix rows for the consumer version to which this pact belongs",
            "href": ctx.base
            + f"/matrix?q[][pacticipant]={quote(consumer, safe='')}&q[][version]={quote(number, safe='')}&latestby=cvpv",
        },
        "curies": [{"name": "pb", "href": ctx.base + "/doc/{rel}?context=pact", "templated": True}],
    }
    return content


def _names(ctx: Ctx) -> tuple[Any, Any]:
    return require_pacticipant(ctx, ctx.params["consumer"]), require_pacticipant(
        ctx, ctx.params["provider"]
    )


@dataclass
class PactRef:
    """Which publication a single-pact URL means (the API renders it, the UI pages it)."""

    pub: Any
    consumer: Any
    provider: Any
    metadata: str | None = None
    headers: dict | None = None
    self_href: str | None = None


def with_content(ctx: Ctx, pub: Any) -> Any:
    if hasattr(pub, "content"):
        return pub
    return pacts_repo.find_publication(
        ctx.conn, pub.consumer_version_id, pub.provider_id, with_content=True
    )


def _respond(ctx: Ctx, ref: PactRef) -> Response:
    body = pact_document(
        ctx, with_content(ctx, ref.pub), ref.consumer.name, ref.provider.name, ref.metadata
    )
    if ref.self_href:
        body["_links"]["self"]["href"] = ref.self_href
    return json_response(body, 200, "application/hal+json;charset=utf-8", ref.headers)


def _found(pub: Any, consumer: Any, provider: Any, **extra: Any) -> PactRef:
    if pub is None:
        raise not_found()
    return PactRef(pub, consumer, provider, **extra)


def resolve_by_version(ctx: Ctx) -> PactRef:
    consumer, provider = _names(ctx)
    version = repo.find_version(ctx.conn, consumer.id, ctx.params["version"])
    if version is None:
        raise not_found()
    pub = pacts_repo.find_publication(ctx.conn, version.id, provider.id, True)
    return _found(pub, consumer, provider)


def get_pact_by_version(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_by_version(ctx))


def delete_pact_by_version(ctx: Ctx) -> Response:
    consumer, provider = _names(ctx)
    version = repo.find_version(ctx.conn, consumer.id, ctx.params["version"])
    pub = pacts_repo.find_publication(ctx.conn, version.id, provider.id) if version else None
    if pub is None:
        raise not_found()
    pacts_repo.delete_publication(ctx.conn, pub.id)
    links: dict[str, Any] = {"index": {"href": ctx.base}}
    if pacts_repo.latest_publication(ctx.conn, consumer.id, provider.id) is not None:
        links["pb:latest-pact-version"] = {
            "href": ctx.url("pacts", "provider", provider.name, "consumer", consumer.name, "latest")
        }
    return hal_response({"_links": links})


def resolve_by_sha(ctx: Ctx) -> PactRef:
    consumer, provider = _names(ctx)
    pact_version = pacts_repo.find_pact_version(
        ctx.conn, consumer.id, provider.id, ctx.params["sha"]
    )
    if pact_version is None:
        raise not_found()
    pubs = pacts_repo.publications_for_pact_version(ctx.conn, pact_version.id)
    meta = decode_metadata(ctx.params.get("metadata"))
    pub = None
    wanted = [s.get("cv") for s in meta.get("s", []) if isinstance(s, dict) and s.get("cv")]
    if wanted:
        pub = next((p for p in pubs if str(p.consumer_version_id) in wanted), None)
    pub = pub or (pubs[0] if pubs else None)
    return _found(pub, consumer, provider, metadata=ctx.params.get("metadata"))


def get_pact_by_sha(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_by_sha(ctx))


def resolve_latest(ctx: Ctx) -> PactRef:
    consumer, provider = _names(ctx)
    tag = ctx.params.get("tag")
    pub = pacts_repo.latest_publication(
        ctx.conn, consumer.id, provider.id, tag=tag, with_content=True
    )
    if pub is None:
        raise not_found()
    headers = {"X-Pact-Consumer-Version": header_value(pub.consumer_version_number)}
    if not tag:
        return PactRef(pub, consumer, provider, headers=headers)
    return PactRef(
        pub,
        consumer,
        provider,
        metadata=encode_metadata({"cv": pub.consumer_version_id, "cvt": tag}),
        headers=headers,
        self_href=ctx.url(
            "pacts", "provider", provider.name, "consumer", consumer.name, "latest", tag
        ),
    )


def get_latest_pact(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_latest(ctx))


def resolve_latest_untagged(ctx: Ctx) -> PactRef:
    consumer, provider = _names(ctx)
    pub = pacts_repo.latest_publication(
        ctx.conn, consumer.id, provider.id, untagged=True, with_content=True
    )
    return _found(pub, consumer, provider)


def get_latest_untagged(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_latest_untagged(ctx))


def resolve_latest_branch(ctx: Ctx) -> PactRef:
    consumer, provider = _names(ctx)
    branch = ctx.params.get("branch") or consumer.main_branch
    if not branch:
        raise not_found()
    pub = pacts_repo.latest_publication(
        ctx.conn, consumer.id, provider.id, branch=branch, with_content=True
    )
    return _found(pub, consumer, provider)


def get_latest_branch_pact(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_latest_branch(ctx))


def _pact_list_entry(ctx: Ctx, pub: Any, consumer: str, provider: str) -> dict:
    return {
        "href": pact_url(ctx, provider, consumer, pub.consumer_version_number),
        "title": f"Pact between {consumer} ({pub.consumer_version_number}) and {provider}",
        "name": consumer,
    }


def pact_versions_list(ctx: Ctx) -> Response:
    consumer, provider = _names(ctx)
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
    names = _pacticipant_names(ctx, [p.consumer_id for p in pubs])
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


def _pacticipant_names(ctx: Ctx, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = ctx.conn.execute(
        select(pacticipants.c.id, pacticipants.c.name).where(pacticipants.c.id.in_(set(ids)))
    )
    return dict(rows.all())


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
    query = pacts_repo.publication_query().where(pact_publications.c.provider_id == provider.id)
    if tag is not None:
        from accord.broker.storage.schema import tags

        query = query.join(
            tags,
            (tags.c.version_id == pact_publications.c.consumer_version_id) & (tags.c.name == tag),
        )
    pubs = list(ctx.conn.execute(query.order_by(pact_publications.c.consumer_version_id.desc())))
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
    names = _pacticipant_names(ctx, [p.consumer_id for p in pubs] + [p.provider_id for p in pubs])
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


def previous_distinct(ctx: Ctx) -> Response:
    consumer, provider = _names(ctx)
    version = repo.find_version(ctx.conn, consumer.id, ctx.params["version"])
    current = pacts_repo.find_publication(ctx.conn, version.id, provider.id) if version else None
    if current is None:
        raise not_found()
    for pub in pacts_repo.publications_between(ctx.conn, consumer.id, provider.id):
        if pub.consumer_version_id < current.consumer_version_id and pub.sha != current.sha:
            return _respond(ctx, PactRef(pub, consumer, provider))
    raise not_found()


def integrations(ctx: Ctx) -> Response:
    items = []
    for row in pacts_repo.integration_rows(ctx.conn):
        c, p = row.consumer_name, row.provider_name
        items.append(
            {
                "consumer": {"name": c, "_links": {"self": {"href": pacticipant_url(ctx, c)}}},
                "provider": {"name": p, "_links": {"self": {"href": pacticipant_url(ctx, p)}}},
                "createdAt": iso(row.created_at),
                "_links": {
                    "pb:dashboard": {
                        "href": ctx.base
                        + f"/dashboard/provider/{quote(p, safe='')}/consumer/{quote(c, safe='')}"
                    },
                    "pb:matrix": {
                        "title": f"Matrix of pacts/verification results for {c} and {p}",
                        "href": ctx.url("matrix", "provider", p, "consumer", c),
                    },
                    "pb:group": {"href": ctx.url("groups", c)},
                    "pb:delete_integration": {
                        "href": ctx.url("integrations", "provider", p, "consumer", c)
                    },
                },
            }
        )
    return hal_response(
        {
            "_embedded": {"integrations": items},
            "_links": {"self": {"href": ctx.url("integrations")}},
        }
    )


def delete_integration(ctx: Ctx) -> Response:
    from sqlalchemy import delete

    from accord.broker.storage.schema import integrations as integ

    consumer, provider = _names(ctx)
    ctx.conn.execute(
        delete(pact_publications).where(
            pact_publications.c.consumer_id == consumer.id,
            pact_publications.c.provider_id == provider.id,
        )
    )
    ctx.conn.execute(
        delete(verifications).where(
            verifications.c.consumer_id == consumer.id, verifications.c.provider_id == provider.id
        )
    )
    ctx.conn.execute(
        delete(pact_versions).where(
            pact_versions.c.consumer_id == consumer.id, pact_versions.c.provider_id == provider.id
        )
    )
    ctx.conn.execute(
        delete(integ).where(integ.c.consumer_id == consumer.id, integ.c.provider_id == provider.id)
    )
    return Response(status_code=204)


def metrics(ctx: Ctx) -> Response:
    def count(table: Any) -> int:
        return ctx.conn.execute(select(func.count()).select_from(table)).scalar_one()

    return hal_response(
        {
            "pacticipants": {"count": count(pacticipants)},
            "pactPublications": {"count": count(pact_publications)},
            "pactVersions": {"count": count(pact_versions)},
            "verificationResults": {"count": count(verifications)},
            "pacticipantVersions": {"count": count(versions)},
        }
    )


def register(router: Router) -> None:
    pair = "/pacts/provider/{provider}/consumer/{consumer}"
    for prefix in ("/pacts", "/pact"):
        router.add(
            prefix + "/provider/{provider}/consumer/{consumer}/version/{version}",
            GET=get_pact_by_version,
            DELETE=delete_pact_by_version,
        )
    router.add(pair + "/versions/{version}", GET=get_pact_by_version)
    router.add(pair + "/version/{version}/previous-distinct", GET=previous_distinct)
    router.add(pair + "/pact-version/{sha}", GET=get_pact_by_sha)
    router.add(pair + "/pact-version/{sha}/metadata/{metadata}", GET=get_pact_by_sha)
    router.add(pair + "/latest", GET=get_latest_pact)
    router.add(pair + "/latest/{tag}", GET=get_latest_pact)
    router.add(pair + "/latest-untagged", GET=get_latest_untagged)
    router.add(pair + "/branch/{branch}/latest", GET=get_latest_branch_pact)
    router.add(pair + "/branch/latest", GET=get_latest_branch_pact)
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
    router.add("/integrations", GET=integrations)
    router.add("/integrations/provider/{provider}/consumer/{consumer}", DELETE=delete_integration)
    router.add("/metrics", GET=metrics)
    register_extras(router)


__all__ = ["decode_metadata", "encode_metadata", "pact_document", "register"]


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
        from accord.broker.api.environments import require_environment
        from accord.broker.storage import deployments_repo

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
    names = _pacticipant_names(ctx, [p.consumer_id for p in pubs])
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


def _diff(ctx: Ctx, old: Any, new: Any) -> Response:
    from starlette.responses import PlainTextResponse

    from accord.broker.services.publication import content_diff

    if old is None or new is None:
        raise not_found()
    return PlainTextResponse(
        content_diff(json.loads(old.content), json.loads(new.content)) or "No differences\n"
    )


def diff_previous_distinct(ctx: Ctx) -> Response:
    consumer, provider = _names(ctx)
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
    consumer, provider = _names(ctx)
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
    consumer, provider = _names(ctx)
    found = [
        pacts_repo.find_pact_version(ctx.conn, consumer.id, provider.id, sha)
        for sha in (ctx.params["other"], ctx.params["sha"])
    ]
    return _diff(ctx, *found)


def register_extras(router: Router) -> None:
    pair = "/pacts/provider/{provider}/consumer/{consumer}"
    router.add("/pacts/provider/{provider}/provider-states", GET=provider_states)
    router.add("/pacts/provider/{provider}/provider-states/branch/{branch}", GET=provider_states)
    router.add("/pacts/provider/{provider}/provider-states/environment/{uuid}", GET=provider_states)
    router.add(pair + "/version/{version}/diff/previous-distinct", GET=diff_previous_distinct)
    router.add(pair + "/version/{version}/diff/version/{other}", GET=diff_versions)
    router.add(pair + "/pact-version/{sha}/diff/pact-version/{other}", GET=diff_shas)
