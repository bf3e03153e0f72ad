"""Verification results: publishing (``pb:publish-verification-results``) and reading."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Row
from starlette.responses import Response

from accord.broker.api import webhooks
from accord.broker.api.hal import hal_response
from accord.broker.api.pact_metadata import decode_metadata
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.render import pact_version_url, pacticipant_url, version_url
from accord.broker.api.routing import Ctx, Router, not_found, validation_error
from accord.broker.clock import iso
from accord.broker.storage import pacts_repo, repo, verifications_repo


def verification_json(ctx: Ctx, row: Row, consumer: str, provider: str, sha: str) -> dict:
    url = pact_version_url(ctx, provider, consumer, sha) + f"/verification-results/{row.id}"
    body: dict[str, Any] = {
        "providerName": provider,
        "providerApplicationVersion": row.provider_version_number,
        "success": bool(row.success),
        "verificationDate": iso(row.execution_date),
    }
    if row.build_url:
        body["buildUrl"] = row.build_url
    if row.test_results is not None:
        body["testResults"] = json.loads(row.test_results)
    if row.verified_by:
        body["verifiedBy"] = json.loads(row.verified_by)
    body["_links"] = {
        "self": {
            "title": "Verification result",
            "name": f"Verification result {row.id} for Pact between {consumer} and {provider}",
            "href": url,
        },
        "pb:pact-version": {
            "title": "Pact",
            "href": pact_version_url(ctx, provider, consumer, sha),
        },
        "pb:provider-version": {
            "title": "Provider version",
            "name": row.provider_version_number,
            "href": version_url(ctx, provider, row.provider_version_number),
        },
        "pb:triggered-webhooks": {
            "title": "Webhooks triggered by the publication of this verification result",
            "href": url + "/triggered-webhooks",
        },
    }
    return body


def _pact_version(ctx: Ctx) -> tuple[Any, Any, Any]:
    consumer = require_pacticipant(ctx, ctx.params["consumer"])
    provider = require_pacticipant(ctx, ctx.params["provider"])
    pact_version = pacts_repo.find_pact_version(
        ctx.conn, consumer.id, provider.id, ctx.params["sha"]
    )
    if pact_version is None:
        raise not_found()
    return consumer, provider, pact_version


def publish_verification(ctx: Ctx) -> Response:
    data = ctx.json_object()
    data = {k[0].lower() + k[1:] if k else k: v for k, v in data.items()}
    lowered = {k.lower(): v for k, v in data.items()}
    errors: dict[str, list[str]] = {}
    success = lowered.get("success")
    number = lowered.get("providerapplicationversion")
    if not isinstance(success, bool):
        errors["success"] = [
            "success is missing" if success is None else "success must be true or false"
        ]
    if not isinstance(number, str) or not number.strip():
        errors["providerApplicationVersion"] = [
            "providerApplicationVersion is missing"
            if number is None
            else "providerApplicationVersion cannot be blank"
        ]
    build_url = lowered.get("buildurl")
    if build_url is not None:
        parsed = urlparse(build_url) if isinstance(build_url, str) else None
        if parsed is None or not parsed.scheme:
            errors["buildUrl"] = ["buildUrl is not a valid URI"]
    if errors:
        raise validation_error(errors)
    consumer, provider, pact_version = _pact_version(ctx)
    provider_version, _ = repo.get_or_create_version(ctx.conn, provider.id, str(number))
    metadata = decode_metadata(ctx.params.get("metadata"))
    wip = str(metadata.get("w", "")).lower() == "true"
    pending = metadata.get("p")
    tag_names = [t.name for t in repo.tags_for_version(ctx.conn, provider_version.id)]
    test_results = lowered.get("testresults")
    verified_by = lowered.get("verifiedby")
    row = verifications_repo.create_verification(
        ctx.conn,
        pact_version_id=pact_version.id,
        provider_version_id=provider_version.id,
        provider_id=provider.id,
        consumer_id=consumer.id,
        success=success,
        build_url=build_url,
        test_results=json.dumps(test_results) if test_results is not None else None,
        verified_by=json.dumps(verified_by) if verified_by is not None else None,
        wip=wip,
        pact_pending=None if pending is None else str(pending).lower() == "true",
        metadata=json.dumps(metadata) if metadata else None,
        tag_names=json.dumps(tag_names),
    )
    stored = verifications_repo.verification_by_id(ctx.conn, row.id)
    assert stored is not None
    row = stored

    webhooks.trigger_for_verification(
        ctx, consumer, provider, pact_version, provider_version, row, metadata
    )
    body = verification_json(ctx, row, consumer.name, provider.name, pact_version.sha)
    return hal_response(body, 201, {"Location": body["_links"]["self"]["href"]})


def get_verification(ctx: Ctx) -> Response:
    consumer, provider, pact_version = _pact_version(ctx)
    ident = ctx.params["number"]
    if ident == "latest":
        row = verifications_repo.latest_verification_for_pact_version(ctx.conn, pact_version.id)
    else:
        row = (
            verifications_repo.verification_by_id(ctx.conn, int(ident)) if ident.isdigit() else None
        )
        if row is not None and row.pact_version_id != pact_version.id:
            row = None
    if row is None:
        raise not_found()
    return hal_response(verification_json(ctx, row, consumer.name, provider.name, pact_version.sha))


def delete_verification(ctx: Ctx) -> Response:
    _c, _p, pact_version = _pact_version(ctx)
    ident = ctx.params["number"]
    if not ident.isdigit():
        raise not_found()
    if not verifications_repo.delete_verification(ctx.conn, int(ident), pact_version.id):
        raise not_found()
    return Response(status_code=204)


def latest_for_latest_pact(ctx: Ctx) -> Response:
    consumer = require_pacticipant(ctx, ctx.params["consumer"])
    provider = require_pacticipant(ctx, ctx.params["provider"])
    pub = pacts_repo.latest_publication(
        ctx.conn, consumer.id, provider.id, tag=ctx.params.get("tag")
    )
    if pub is None:
        raise not_found()
    row = verifications_repo.latest_verification_for_pact_version(ctx.conn, pub.pact_version_id)
    if row is None:
        raise not_found()
    return hal_response(verification_json(ctx, row, consumer.name, provider.name, pub.sha))


def consumer_version_summary(ctx: Ctx) -> Response:
    consumer = require_pacticipant(ctx, ctx.params["consumer"])
    version = repo.find_version(ctx.conn, consumer.id, ctx.params["version"])
    if version is None:
        raise not_found()
    pubs = pacts_repo.publications_for_versions(ctx.conn, [version.id])
    results: list[dict] = []
    successful: list[str] = []
    failed: list[str] = []
    unknown: list[str] = []
    for pub in pubs:
        provider = repo.pacticipant_by_id(ctx.conn, pub.provider_id)
        row = verifications_repo.latest_verification_for_pact_version(ctx.conn, pub.pact_version_id)
        if row is None:
            unknown.append(provider.name)
            continue
        (successful if row.success else failed).append(provider.name)
        results.append(verification_json(ctx, row, consumer.name, provider.name, pub.sha))
    return hal_response(
        {
            "success": bool(pubs) and not failed and not unknown,
            "providerSummary": {"successful": successful, "failed": failed, "unknown": unknown},
            "_embedded": {"verificationResults": results},
            "_links": {"self": {"href": str(ctx.request.url)}},
        }
    )


def provider_version_verifications(ctx: Ctx) -> Response:
    provider = require_pacticipant(ctx, ctx.params["provider"])
    version = repo.find_version(ctx.conn, provider.id, ctx.params["version"])
    if version is None:
        raise not_found()
    rows = verifications_repo.verifications_by_provider_version(ctx.conn, version.id)
    items = []
    for row in rows:
        sha = pacts_repo.pact_version_sha(ctx.conn, row.pact_version_id)
        consumer = repo.pacticipant_by_id(ctx.conn, row.consumer_id)
        items.append(verification_json(ctx, row, consumer.name, provider.name, sha))
    return hal_response(
        {
            "_embedded": {"verificationResults": items},
            "_links": {
                "self": {"href": str(ctx.request.url)},
                "pb:provider": {"href": pacticipant_url(ctx, provider.name)},
            },
        }
    )


def register(router: Router) -> None:
    base = "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}"
    router.add(base + "/verification-results", POST=publish_verification)
    router.add(base + "/metadata/{metadata}/verification-results", POST=publish_verification)
    router.add(
        base + "/verification-results/{number}", GET=get_verification, DELETE=delete_verification
    )
    router.add(
        "/pacts/provider/{provider}/consumer/{consumer}/latest/verification-results/latest",
        GET=latest_for_latest_pact,
    )
    router.add(
        "/pacts/provider/{provider}/consumer/{consumer}/latest/{tag}/verification-results/latest",
        GET=latest_for_latest_pact,
    )
    router.add(
        "/verification-results/consumer/{consumer}/version/{version}/latest",
        GET=consumer_version_summary,
    )
    router.add(
        "/pacticipants/{provider}/versions/{version}/verification-results",
        GET=provider_version_verifications,
    )


__all__ = ["register", "verification_json"]
