# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Reading one pact: by consumer version, SHA, latest, tag or branch (the UI pages the same
``PactRef``); lists of pacts are ``pact_lists``."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from sqlalchemy import Row
from starlette.responses import Response

from accord.broker.api.hal import hal_response, header_value, json_response
from accord.broker.api.pact_metadata import decode_metadata, encode_metadata
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.render import pact_url, pact_version_url, pacticipant_url, version_url
from accord.broker.api.routing import Ctx, Router, not_found
from accord.broker.clock import iso
from accord.broker.storage import pacts_repo, repo
from accord.model.jsontypes import JsonObject
from accord.model.valueclass import dataclass


def pact_document(
    ctx: Ctx, pub: Row, consumer: str, provider: str, metadata: str | None = None
) -> JsonObject:
    """The stored pact JSON plus ``createdAt`` and the ``_links`` verifiers follow."""
    content: JsonObject = json.loads(pub.content)
    content["createdAt"] = iso(pub.created_at)
    urls = _PactUrls.of(ctx, pub, consumer, provider, metadata)
    content["_links"] = {
        **_identity_links(ctx, urls, pub, consumer, provider),
        **_history_links(urls),
        **_action_links(ctx, urls, consumer, provider),
    }
    return content


@dataclass(frozen=True)
class _PactUrls:
    """The addresses the links of one pact are built from."""

    by_version: str  # the pact by consumer version
    by_sha: str  # the pact version permalink
    by_sha_with_metadata: str  # the permalink a verifier was given (with its metadata)
    pair: str  # the pacts between the consumer and the provider
    consumer_version: str
    number: str
    self_href: str

    @classmethod
    def of(
        cls, ctx: Ctx, pub: Row, consumer: str, provider: str, metadata: str | None
    ) -> _PactUrls:
        number = pub.consumer_version_number
        by_version = pact_url(ctx, provider, consumer, number)
        with_metadata = pact_version_url(ctx, provider, consumer, pub.sha, metadata)
        return cls(
            by_version=by_version,
            by_sha=pact_version_url(ctx, provider, consumer, pub.sha),
            by_sha_with_metadata=with_metadata,
            pair=ctx.url("pacts", "provider", provider, "consumer", consumer),
            consumer_version=version_url(ctx, consumer, number),
            number=number,
            self_href=by_version if metadata is None else with_metadata,
        )


def _identity_links(
    ctx: Ctx, urls: _PactUrls, pub: Row, consumer: str, provider: str
) -> JsonObject:
    """What the pact is: itself, its consumer and version, its provider, its content."""
    number = urls.number
    return {
        "self": {
            "title": "Pact",
            "name": f"Pact between {consumer} ({number}) and {provider}",
            "href": urls.self_href,
        },
        "pb:consumer": {
            "title": "Consumer",
            "name": consumer,
            "href": pacticipant_url(ctx, consumer),
        },
        "pb:consumer-version": {
            "title": "Consumer version",
            "name": number,
            "href": urls.consumer_version,
        },
        "pb:consumer-versions": [
            {"title": "Consumer version", "name": number, "href": urls.consumer_version}
        ],
        "pb:provider": {
            "title": "Provider",
            "name": provider,
            "href": pacticipant_url(ctx, provider),
        },
        "pb:pact-version": {
            "title": "Pact content version permalink",
            "name": pub.sha,
            "href": urls.by_sha,
        },
    }


def _history_links(urls: _PactUrls) -> JsonObject:
    """The other versions of the pact between the same two pacticipants, and diffs."""
    return {
        "pb:latest-pact-version": {
            "title": "Latest version of this pact",
            "href": urls.pair + "/latest",
        },
        "pb:all-pact-versions": {
            "title": "All versions of this pact",
            "href": urls.pair + "/versions",
        },
        "pb:latest-untagged-pact-version": {
            "title": "Latest untagged version of this pact",
            "href": urls.pair + "/latest-untagged",
        },
        "pb:latest-tagged-pact-version": {
            "title": "Latest tagged version of this pact",
            "href": urls.pair + "/latest/{tag}",
            "templated": True,
        },
        "pb:previous-distinct": {
            "title": "Previous distinct version of this pact",
            "href": urls.by_version + "/previous-distinct",
        },
        "pb:diff-previous-distinct": {
            "title": "Diff with previous distinct version of this pact",
            "href": urls.by_version + "/diff/previous-distinct",
        },
        "pb:diff": {
            "title": "Diff with another specified version of pact",
            "href": urls.by_sha + "/diff/pact-version/{pactVersion}",
            "templated": True,
        },
    }


def _action_links(ctx: Ctx, urls: _PactUrls, consumer: str, provider: str) -> JsonObject:
    """What can be done with the pact: webhooks, tagging, verification results, the matrix."""
    return {
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
            "href": urls.consumer_version + "/tags/prod",
        },
        "pb:tag-version": {
            "title": "PUT to this resource to tag this consumer version",
            "href": urls.consumer_version + "/tags/{tag}",
            "templated": True,
        },
        "pb:publish-verification-results": {
            "title": "Publish verification results",
            "href": urls.by_sha_with_metadata + "/verification-results",
        },
        "pb:latest-verification-results": {"href": urls.by_sha + "/verification-results/latest"},
        "pb:triggered-webhooks": {
            "title": "Webhooks triggered by the publication of this pact",
            "href": urls.by_version + "/triggered-webhooks",
        },
        "pb:matrix-for-consumer-version": {
            "title": "View matrix rows for the consumer version to which this pact belongs",
            "href": ctx.base
            + f"/matrix?q[][pacticipant]={quote(consumer, safe='')}&q[][version]={quote(urls.number, safe='')}&latestby=cvpv",
        },
        "curies": [{"name": "pb", "href": ctx.base + "/doc/{rel}?context=pact", "templated": True}],
    }


def require_pair(ctx: Ctx) -> tuple[Row, Row]:
    return require_pacticipant(ctx, ctx.params["consumer"]), require_pacticipant(
        ctx, ctx.params["provider"]
    )


@dataclass
class PactRef:
    """Which publication a single-pact URL means (the API renders it, the UI pages it)."""

    pub: Row
    consumer: Row
    provider: Row
    metadata: str | None = None
    headers: dict | None = None
    self_href: str | None = None


def with_content(ctx: Ctx, pub: Row) -> Row:
    """The publication with its pact content (read now if the row lacks it)."""
    if hasattr(pub, "content"):
        return pub
    found = pacts_repo.find_publication(
        ctx.conn, pub.consumer_version_id, pub.provider_id, with_content=True
    )
    if found is None:
        raise not_found()
    return found


def _respond(ctx: Ctx, ref: PactRef) -> Response:
    body = pact_document(
        ctx, with_content(ctx, ref.pub), ref.consumer.name, ref.provider.name, ref.metadata
    )
    if ref.self_href:
        body["_links"]["self"]["href"] = ref.self_href
    return json_response(body, 200, "application/hal+json;charset=utf-8", ref.headers)


def _found(pub: Row | None, consumer: Row, provider: Row, **extra: Any) -> PactRef:
    if pub is None:
        raise not_found()
    return PactRef(pub, consumer, provider, **extra)


def resolve_by_version(ctx: Ctx) -> PactRef:
    consumer, provider = require_pair(ctx)
    version = repo.find_version(ctx.conn, consumer.id, ctx.params["version"])
    if version is None:
        raise not_found()
    pub = pacts_repo.find_publication(ctx.conn, version.id, provider.id, True)
    return _found(pub, consumer, provider)


def get_pact_by_version(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_by_version(ctx))


def delete_pact_by_version(ctx: Ctx) -> Response:
    consumer, provider = require_pair(ctx)
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
    consumer, provider = require_pair(ctx)
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
    consumer, provider = require_pair(ctx)
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
    consumer, provider = require_pair(ctx)
    pub = pacts_repo.latest_publication(
        ctx.conn, consumer.id, provider.id, untagged=True, with_content=True
    )
    return _found(pub, consumer, provider)


def get_latest_untagged(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_latest_untagged(ctx))


def resolve_latest_branch(ctx: Ctx) -> PactRef:
    consumer, provider = require_pair(ctx)
    branch = ctx.params.get("branch") or consumer.main_branch
    if not branch:
        raise not_found()
    pub = pacts_repo.latest_publication(
        ctx.conn, consumer.id, provider.id, branch=branch, with_content=True
    )
    return _found(pub, consumer, provider)


def get_latest_branch_pact(ctx: Ctx) -> Response:
    return _respond(ctx, resolve_latest_branch(ctx))


def previous_distinct(ctx: Ctx) -> Response:
    consumer, provider = require_pair(ctx)
    version = repo.find_version(ctx.conn, consumer.id, ctx.params["version"])
    current = pacts_repo.find_publication(ctx.conn, version.id, provider.id) if version else None
    if current is None:
        raise not_found()
    for pub in pacts_repo.publications_between(ctx.conn, consumer.id, provider.id):
        if pub.consumer_version_id < current.consumer_version_id and pub.sha != current.sha:
            return _respond(ctx, PactRef(pub, consumer, provider))
    raise not_found()


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


__all__ = [
    "PactRef",
    "pact_document",
    "register",
    "require_pair",
    "resolve_by_sha",
    "resolve_by_version",
    "resolve_latest",
    "resolve_latest_branch",
    "resolve_latest_untagged",
    "with_content",
]
