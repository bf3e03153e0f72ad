# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Publishing: ``POST /contracts/publish`` and the older ``PUT``/``PATCH`` of one pact."""

from __future__ import annotations

import json

from sqlalchemy import Row
from starlette.responses import Response

from accord.broker.api import webhooks
from accord.broker.api.hal import hal_response, json_response
from accord.broker.api.pacts import pact_document
from accord.broker.api.render import pact_url, pacticipant_url, version_url
from accord.broker.api.routing import ApiError, Ctx, Router, validation_error
from accord.broker.services import contract_comparison
from accord.broker.services.content import (
    canonical_sha,
    merge_pacts,
    pacticipant_names,
    with_interaction_ids,
)
from accord.broker.services.publication import (
    Contract,
    Notice,
    PublishOutcome,
    conflict_message,
    content_diff,
    contract_notices,
    potential_duplicate,
    validate_publish_request,
    version_notices,
)
from accord.broker.storage import (
    deployments_repo,
    pacts_repo,
    repo,
    verifications_repo,
    webhooks_repo,
)
from accord.model.jsontypes import JsonMapping, JsonObject


class Conflict(Exception):
    def __init__(self, message: str, diff: str) -> None:
        super().__init__(message)
        self.message = message
        self.diff = diff


def _content_changed_reasons(
    ctx: Ctx, consumer: Row, provider: Row, version: Row, sha: str, existing: Row | None
) -> list[str]:
    """Why ``contract_content_changed`` fires, in the official broker's words (empty: it does
    not)."""
    if existing is not None:
        if existing.sha != sha:
            return [
                f"pact content modified since previous publication for {consumer.name} version {version.number}"
            ]
        return []
    reasons = []
    tag_names = [t.name for t in repo.tags_for_version(ctx.conn, version.id)]
    for tag in tag_names or [None]:
        previous = pacts_repo.latest_publication(
            ctx.conn, consumer.id, provider.id, tag=tag, untagged=tag is None
        )
        if previous is not None and previous.sha == sha:
            continue
        if tag is None:
            reasons.append(
                "first time untagged pact published"
                if previous is None
                else "pact content has changed since previous untagged version"
            )
        elif previous is None:
            reasons.append(
                f"first time any pact published for this consumer with consumer version tagged {tag}"
            )
        else:
            reasons.append(
                f"pact content has changed since the last consumer version tagged with {tag}"
            )
    return reasons


def _unchanged_comment(ctx: Ctx, version: Row) -> str:
    """The comment on ``contract_published`` when a new version's content is not new."""
    names = [t.name for t in repo.tags_for_version(ctx.conn, version.id)]
    if len(names) == 1:
        return f"pact content is the same as previous version with tag {names[0]} and no new tags were applied"
    return f"pact content is the same as previous versions with tags {', '.join(names)} and no new tags were applied"


def _requires_verification(ctx: Ctx, provider: Row, pact_version_id: int) -> bool:
    return verifications_repo.requires_verification(ctx.conn, provider, pact_version_id)


def store_pact(
    ctx: Ctx,
    consumer: Row,
    provider: Row,
    version: Row,
    content: JsonObject,
    merge: bool = False,
) -> PublishOutcome:
    """Create, keep, merge or (when allowed) overwrite the pact for this consumer version."""
    existing = pacts_repo.find_publication(ctx.conn, version.id, provider.id, with_content=True)
    if merge and existing is not None:
        merged, conflicts = merge_pacts(json.loads(existing.content), content)
        if conflicts:
            raise Conflict(
                f"Cannot merge pacts for {consumer.name} version {version.number} and provider "
                f"{provider.name}: these interactions have the same description and provider "
                f"state but different content: {', '.join(conflicts)}",
                "",
            )
        content = {
            **content,
            **{k: v for k, v in merged.items() if k in ("interactions", "messages")},
        }
    sha = canonical_sha(content)
    if (
        existing is not None
        and existing.sha != sha
        and not merge
        and not ctx.config.allow_dangerous_contract_modification
    ):
        raise Conflict(
            conflict_message(consumer.name, version.number, provider.name),
            content_diff(json.loads(existing.content), content),
        )
    reasons = _content_changed_reasons(ctx, consumer, provider, version, sha, existing)
    stored = with_interaction_ids(content)
    pact_version = pacts_repo.get_or_create_pact_version(
        ctx.conn, consumer.id, provider.id, sha, stored
    )
    _publication, status = pacts_repo.save_publication(
        ctx.conn, consumer.id, provider.id, version.id, pact_version.id
    )
    contract_comparison.compare_pact_with_contracts(ctx.conn, provider.id, pact_version)
    requiring = (
        ["contract_requiring_verification_published"]
        if _requires_verification(ctx, provider, pact_version.id)
        else []
    )
    if reasons:
        events = ["contract_published", *requiring]
        events.append(f"contract_content_changed ({', '.join(reasons)})")
    elif existing is not None:
        # the official broker raises contract_content_unchanged too, but its publication
        # notices list only the events that went through webhook triggering, which that one
        # never does: republished unchanged content shows contract_published alone
        events = ["contract_published", *requiring]
    else:
        events = [f"contract_published ({_unchanged_comment(ctx, version)})", *requiring]
    outcome = PublishOutcome(
        provider.name, "merged" if merge and existing is not None else status, events
    )

    names = ["contract_published"] + (["contract_content_changed"] if reasons else [])
    outcome.triggered = webhooks.trigger_for_publication(
        ctx, names, consumer, provider, version, pact_version
    )
    return outcome


def check_new_names(ctx: Ctx, names: list[str]) -> None:
    """409 when a new pacticipant name looks like an existing one (a likely typo)."""
    if not ctx.config.check_for_potential_duplicate_pacticipant_names:
        return
    existing: list[str] | None = None
    for name in dict.fromkeys(names):
        if repo.find_pacticipant(ctx.conn, name) is not None:
            continue
        if existing is None:
            existing = repo.all_pacticipant_names(ctx.conn)
        similar = potential_duplicate(name, existing)
        if similar:
            listed = "\n".join(f"* {n}" for n in similar)
            message = (
                f'This is the first time a pact has been published for "{name}".\n'
                f'The name "{name}" is very similar to the following existing pacticipants:\n{listed}\n'
                "If you meant to specify one of the above names, please correct the pact configuration, "
                "and re-publish the pact.\nIf the pact is intended to be for a new consumer or provider, "
                f'please manually create "{name}" using the following command, and then re-publish the pact:\n'
                f'$ curl -v -XPOST -H "Content-Type: application/json" -d "{{\\"name\\": \\"{name}\\"}}" {ctx.url("pacticipants")}'
            )
            raise ApiError(
                409,
                {
                    "errors": {"pacticipantName": [message]},
                    "notices": [{"type": "error", "text": message}],
                },
                "application/json;charset=utf-8",
            )


def _any_verification(ctx: Ctx, consumer: Row, provider: Row) -> bool:
    return verifications_repo.any_verification(ctx.conn, consumer.id, provider.id)


def _any_webhook_for(ctx: Ctx, consumer: Row, provider: Row) -> bool:
    """Any webhook (enabled or not) for this integration, by name, label or for everyone."""

    if not webhooks_repo.any_webhook(ctx.conn):
        return False
    consumer_labels = repo.labels_for(ctx.conn, consumer.id)
    provider_labels = repo.labels_for(ctx.conn, provider.id)
    return webhooks_repo.any_webhook_between(
        ctx.conn, consumer.id, consumer_labels, provider.id, provider_labels
    )


def publish_contracts(ctx: Ctx) -> Response:
    """``POST /contracts/publish``: check the request, record the consumer version with its
    branch and tags, store each contract, and answer with what happened and what to do next."""
    data = ctx.json()
    contracts, errors = validate_publish_request(data)
    if errors:
        raise validation_error(errors)
    name, number = data["pacticipantName"], data["pacticipantVersionNumber"]
    branch, tags = data.get("branch"), list(dict.fromkeys(data.get("tags") or []))
    check_new_names(ctx, [name] + [c.provider_name for c in contracts])
    consumer, version, created = _record_version(ctx, data, branch, tags)
    notices = version_notices(name, number, created, branch, tags)
    contract_links = []
    for contract in contracts:
        provider, outcome = _store_contract(ctx, consumer, version, contract)
        url = pact_url(ctx, provider.name, name, number)
        notices += contract_notices(
            name,
            number,
            outcome,
            url,
            any_webhook=_any_webhook_for(ctx, consumer, provider),
            any_verification=_any_verification(ctx, consumer, provider),
        )
        contract_links.append(
            {
                "title": "Pact",
                "name": f"Pact between {name} ({number}) and {provider.name}",
                "href": url,
            }
        )
    return hal_response(_publication_body(ctx, name, number, tags, notices, contract_links))


def _record_version(
    ctx: Ctx, data: JsonMapping, branch: str | None, tags: list[str]
) -> tuple[Row, Row, bool]:
    """The consumer and its version (created or not) with the build URL, branch and tags;
    a tag may record a deployment. The consumer is read again: its main branch may be set."""
    name, number = data["pacticipantName"], data["pacticipantVersionNumber"]
    consumer = repo.get_or_create_pacticipant(ctx.conn, name)
    version, created = repo.get_or_create_version(ctx.conn, consumer.id, number)
    repo.set_build_url(ctx.conn, version.id, data.get("buildUrl"))
    if branch:
        repo.add_branch_version(ctx.conn, consumer, version, branch, new_version=created)
    for tag in tags:
        if repo.add_tag(ctx.conn, consumer, version, tag, new_version=created):
            deployments_repo.deploy_for_tag(ctx.conn, consumer, version, tag)
    return repo.find_pacticipant(ctx.conn, name) or consumer, version, created


def _store_contract(
    ctx: Ctx, consumer: Row, version: Row, contract: Contract
) -> tuple[Row, PublishOutcome]:
    """The provider and how its pact was stored; a refused change is a 409 with the diff."""
    provider = repo.get_or_create_pacticipant(ctx.conn, contract.provider_name)
    try:
        outcome = store_pact(
            ctx,
            consumer,
            provider,
            version,
            contract.content,
            merge=contract.on_conflict == "merge",
        )
    except Conflict as conflict:
        body = {
            "notices": [{"type": "error", "text": conflict.message}]
            + ([{"type": "info", "text": conflict.diff}] if conflict.diff else []),
            "errors": {"contracts": [conflict.message]},
        }
        raise ApiError(409, body, "application/json;charset=utf-8") from None
    return provider, outcome


def _publication_body(
    ctx: Ctx,
    name: str,
    number: str,
    tags: list[str],
    notices: list[Notice],
    contract_links: list[JsonObject],
) -> JsonObject:
    """The answer: notices (and the same as deprecated logs), the version and its links."""
    return {
        "notices": notices,
        "logs": [
            {"level": n["type"], "message": n["text"], "deprecationWarning": "Replaced by notices"}
            for n in notices
        ],
        "_embedded": {
            "pacticipant": {"name": name, "_links": {"self": {"href": pacticipant_url(ctx, name)}}},
            "version": {
                "number": number,
                "_links": {
                    "self": {
                        "title": "Version",
                        "name": number,
                        "href": version_url(ctx, name, number),
                    }
                },
            },
        },
        "_links": {
            "pb:pacticipant": {
                "title": "Pacticipant",
                "name": name,
                "href": pacticipant_url(ctx, name),
            },
            "pb:pacticipant-version": {
                "title": "Pacticipant version",
                "name": number,
                "href": version_url(ctx, name, number),
            },
            "pb:pacticipant-version-tags": [
                {
                    "title": "Tag",
                    "name": t,
                    "href": ctx.url("pacticipants", name, "versions", number, "tags", t),
                }
                for t in tags
            ],
            "pb:contracts": contract_links,
        },
    }


def put_pact(ctx: Ctx) -> Response:
    """The older per-pact publication (pact-jvm and old clients): PUT replaces, PATCH merges."""

    content = ctx.json()
    if not isinstance(content, dict):
        raise validation_error({"body": ["The pact must be a JSON object"]})
    consumer_name, provider_name = ctx.params["consumer"], ctx.params["provider"]
    errors: dict[str, list[str]] = {}
    inner_c, inner_p = pacticipant_names(content)
    if inner_c is not None and inner_c != consumer_name:
        errors.setdefault("consumer", []).append(
            f"Consumer name in pact ({inner_c}) does not match consumer name in path ({consumer_name})."
        )
    if inner_p is not None and inner_p != provider_name:
        errors.setdefault("provider", []).append(
            f"Provider name in pact ({inner_p}) does not match provider name in path ({provider_name})."
        )
    number = ctx.params["version"]
    if not number.strip():
        errors.setdefault("consumerVersionNumber", []).append("cannot be blank")
    if errors:
        raise validation_error(errors)
    check_new_names(ctx, [consumer_name, provider_name])
    consumer = repo.get_or_create_pacticipant(ctx.conn, consumer_name)
    provider = repo.get_or_create_pacticipant(ctx.conn, provider_name)
    version, _ = repo.get_or_create_version(ctx.conn, consumer.id, number)
    try:
        outcome = store_pact(ctx, consumer, provider, version, content, merge=ctx.method == "PATCH")
    except Conflict as conflict:
        raise ApiError(
            409,
            {
                "errors": {"content": [conflict.message]},
                "notices": [{"type": "error", "text": conflict.message}],
            },
        ) from None
    publication = pacts_repo.find_publication(ctx.conn, version.id, provider.id, with_content=True)
    assert publication is not None  # stored just above, in this transaction
    body = pact_document(ctx, publication, consumer.name, provider.name)
    return json_response(body, 201 if outcome.status == "created" else 200)


def register(router: Router) -> None:
    router.add("/contracts/publish", POST=publish_contracts)
    for prefix in ("/pacts", "/pact"):
        router.add(
            prefix + "/provider/{provider}/consumer/{consumer}/version/{version}",
            PUT=put_pact,
            PATCH=put_pact,
        )


__all__ = ["register", "store_pact"]
