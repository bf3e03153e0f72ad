# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""``/pacts/provider/{provider}/for-verification``: the pacts a provider build should verify."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from accord.broker.api.hal import encode_json, hal_response, hal_text_response, seg
from accord.broker.api.pact_metadata import encode_metadata
from accord.broker.api.pacticipants import require_pacticipant
from accord.broker.api.render import pact_version_url
from accord.broker.api.routing import READ, Ctx, Router, not_found, validation_error
from accord.broker.services.for_verification import find_pacts_for_verification
from accord.broker.services.selectors import (
    PendingKey,
    VerifiablePact,
    parse_date,
    pending_key,
    pending_notices,
    short_description,
    validate_request,
    why_verified,
)
from accord.broker.storage import deployments_repo, pacts_repo

#: the metadata of every WIP pact
_WIP_METADATA = encode_metadata({"w": "true"})


def _metadata(pact: VerifiablePact, include_pending: bool) -> str:
    """The pact's metadata segment: base64url, so it is a path segment as it is (no quoting)."""
    if pact.wip:
        return _WIP_METADATA
    sels = []
    for s in pact.selectors:
        item: dict[str, Any] = {}
        if s.branch:
            item["b"] = s.branch
        if s.tag:
            item["t"] = s.tag
        if s.kind in _LATEST_KINDS:
            item["l"] = "true"
        if s.environment:
            item["e"] = s.environment
        item["cv"] = s.consumer_version_id
        sels.append(item)
    params: dict[str, Any] = {"s": sels}
    if include_pending:
        params["p"] = "true" if pact.pending else "false"
    return encode_metadata(params)


_LATEST_KINDS = frozenset(("latest", "tag_latest", "main_branch", "branch"))


class _PactVersionUrls:
    """Pact version permalinks of one provider: the part before the SHA is built once per
    consumer, not once per pact (a provider may have hundreds of pacts to verify)."""

    def __init__(self, ctx: Ctx, provider: str) -> None:
        self.ctx = ctx
        self.provider = provider
        self.prefixes: dict[str, str] = {}

    def of(self, consumer: str, sha: str) -> str:
        prefix = self.prefixes.get(consumer)
        if prefix is None:
            prefix = self.prefixes[consumer] = pact_version_url(
                self.ctx, self.provider, consumer, ""
            )
        return prefix + seg(sha)


#: the notice the deprecated GET puts first, as JSON
_DEPRECATED_NOTICE = encode_json(
    {
        "when": "before_verification",
        "text": "WARNING - this endpoint is deprecated. Please use the POST method instead.",
    }
) + ","


def _render(
    ctx: Ctx,
    provider: Any,
    pacts: list[VerifiablePact],
    branch: str | None,
    tags: list[str],
    include_pending: bool,
    deprecated: bool,
) -> Response:
    """The HAL body, written as JSON text from pieces: the pending notices (most of the
    ~250 KB a large provider gets) are shared by the pacts in the same pending state, so
    each is encoded once per request instead of once per pact. The text equals
    ``encode_json`` of the document (``tests/broker/test_for_verification.py`` checks it)."""
    pact_versions = _PactVersionUrls(ctx, provider.name)
    tails: dict[PendingKey, str] = {}  # encoded pending notices, by pending state
    first = _DEPRECATED_NOTICE if deprecated else ""
    items = []
    for pact in pacts:
        permalink = pact_versions.of(pact.consumer_name, pact.sha)
        url = permalink + "/metadata/" + _metadata(pact, include_pending)
        props = ""
        tail = ""
        if include_pending:
            props = '"pending":true,' if pact.pending else '"pending":false,'
            key = pending_key(pact)
            encoded = tails.get(key)
            if encoded is None:
                notices = pending_notices(pact, provider.name, branch, tags)
                encoded = tails[key] = "".join("," + encode_json(n) for n in notices)
            tail = encoded
        if pact.wip:
            props += '"wip":true,'
        why = encode_json(why_verified(pact, provider.name, permalink, branch, tags))
        name = f"Pact between {pact.consumer_name} ({pact.consumer_version_number}) and {provider.name}"
        items.append(
            f'{{"shortDescription":{encode_json(short_description(pact))},'
            f'"verificationProperties":{{{props}"notices":[{first}'
            f'{{"when":"before_verification","text":{why}}}{tail}]}},'
            f'"_links":{{"self":{{"href":{encode_json(url)},"name":{encode_json(name)}}}}}}}'
        )
    href = ctx.url("pacts", "provider", provider.name, "for-verification")
    return hal_text_response(
        f'{{"_embedded":{{"pacts":[{",".join(items)}]}},'
        f'"_links":{{"self":{{"href":{encode_json(href)},"title":"Pacts to be verified"}}}}}}'
    )


def _unknown_environments(ctx: Ctx, selectors: Any) -> list[str]:
    """Selectors naming an environment that does not exist (a 400, as the official broker)."""
    found = []
    for index, selector in enumerate(selectors or []):
        name = selector.get("environment") if isinstance(selector, dict) else None
        known = not isinstance(name, str) or not name.strip() or (
            deployments_repo.find_environment(ctx.conn, name=name) is not None
        )
        if not known:
            found.append(f"environment with name '{name}' does not exist (at index {index})")
    return found


def _run(ctx: Ctx, body: dict[str, Any], deprecated: bool) -> Response:
    errors = validate_request(body)
    if isinstance(body.get("consumerVersionSelectors"), list):
        unknown = _unknown_environments(ctx, body["consumerVersionSelectors"])
        if unknown:
            errors.setdefault("consumerVersionSelectors", []).extend(unknown)
    if errors:
        raise validation_error(errors)
    provider, consumers = pacts_repo.provider_and_consumers(ctx.conn, ctx.params["provider"])
    if provider is None:
        raise not_found()
    branch = body.get("providerVersionBranch") or None
    tags = [t for t in (body.get("providerVersionTags") or []) if t]
    include_pending = body.get("includePendingStatus") is True
    wip_since = (
        parse_date(body.get("includeWipPactsSince")) if body.get("includeWipPactsSince") else None
    )
    pacts = find_pacts_for_verification(
        ctx.conn,
        provider,
        body.get("consumerVersionSelectors"),
        branch,
        tags,
        include_pending,
        wip_since,
        consumers,
    )
    return _render(ctx, provider, pacts, branch, tags, include_pending, deprecated)


def post_for_verification(ctx: Ctx) -> Response:
    return _run(ctx, ctx.json_object(required=False), deprecated=False)


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    return str(value).lower() == "true"


def get_for_verification(ctx: Ctx) -> Response:
    """The deprecated GET; without parameters it answers cheaply (the Rust verifier probes it)."""
    q = ctx.query
    if not q:
        provider = require_pacticipant(ctx, ctx.params["provider"])
        return hal_response(
            {
                "_embedded": {"pacts": []},
                "_links": {
                    "self": {
                        "href": ctx.url("pacts", "provider", provider.name, "for-verification"),
                        "title": "Pacts to be verified",
                    }
                },
            }
        )
    selectors = []
    for sel in q.get("consumer_version_selectors") or []:
        if isinstance(sel, dict):
            selectors.append(
                {
                    k: v
                    for k, v in {
                        "tag": sel.get("tag"),
                        "latest": _bool(sel.get("latest")),
                        "fallbackTag": sel.get("fallback_tag"),
                        "consumer": sel.get("consumer"),
                        "branch": sel.get("branch"),
                    }.items()
                    if v is not None
                }
            )
    body = {
        "consumerVersionSelectors": selectors,
        "providerVersionTags": q.get("provider_version_tags") or [],
        "providerVersionBranch": q.get("provider_version_branch"),
        "includePendingStatus": _bool(q.get("include_pending_status")),
        "includeWipPactsSince": q.get("include_wip_pacts_since"),
    }
    return _run(ctx, {k: v for k, v in body.items() if v is not None}, deprecated=True)


def register(router: Router) -> None:
    router.add(
        "/pacts/provider/{provider}/for-verification",
        GET=get_for_verification,
        POST=post_for_verification,
        access={"POST": READ},  # a read in disguise: the read-only identity may call it
    )


__all__ = ["register"]
