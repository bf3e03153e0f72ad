# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Publishing: ``POST /contracts/publish`` and the older ``PUT``/``PATCH`` of one pact."""

from __future__ import annotations

import json
from typing import Any

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
    PublishOutcome,
    conflict_message,
    content_diff,
    potential_duplicate,
    validate_publish_request,
)
from accord.broker.storage import (
    deployments_repo,
    pacts_repo,
    repo,
    verifications_repo,
    webhooks_repo,
)


class Conflict(Exception):
    def __init__(self, message: str, diff: str) -> None:
        super().__init__(message)
        self.message = message
        self.diff = diff


def _content_changed_reasons(
    ctx: Ctx, consumer: Any, provider: Any, version: Any, sha: str, existing: Any
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


def _unchanged_comment(ctx: Ctx, version: Any) -> str:
    """The comment on ``contract_published`` when a new version's content is not new."""
    names = [t.name for t in repo.tags_for_version(ctx.conn, version.id)]
    if len(names) == 1:
        return f"pact content is the same as previous version with tag {names[0]} and no new tags were applied"
    return f"pact content is the same as previous versions with tags {', '.join(names)} and no new tags were applied"


def _requires_verification(ctx: Ctx, provider: Any, pact_version_id: int) -> bool:
    return verifications_repo.requires_verification(ctx.conn, provider, pact_version_id)


def store_pact(
    ctx: Ctx,
    consumer: Any,
    provider: Any,
    version: Any,
    content: dict[str, Any],
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


def _any_verification(ctx: Ctx, consumer: Any, provider: Any) -> bool:
    return verifications_repo.any_verification(ctx.conn, consumer.id, provider.id)


def _any_webhook_for(ctx: Ctx, consumer: Any, provider: Any) -> bool:
    """Any webhook (enabled or not) for this integration, by name, label or for everyone."""

    if not webhooks_repo.any_webhook(ctx.conn):
        return False
    consumer_labels = repo.labels_for(ctx.conn, consumer.id)
    provider_labels = repo.labels_for(ctx.conn, provider.id)
    return webhooks_repo.any_webhook_between(
        ctx.conn, consumer.id, consumer_labels, provider.id, provider_labels
    )


def publish_contracts(ctx: Ctx) -> Response:
    data = ctx.json()
    contracts, errors = validate_publish_request(data)
    if errors:
        raise validation_error(errors)
    name, number = data["pacticipantName"], data["pacticipantVersionNumber"]
    branch, tags = data.get("branch"), list(dict.fromkeys(data.get("tags") or []))
    check_new_names(ctx, [name] + [c.provider_name for c in contracts])
    consumer = repo.get_or_create_pacticipant(ctx.conn, name)
    version, created = repo.get_or_create_version(ctx.conn, consumer.id, number)
    repo.set_build_url(ctx.conn, version.id, data.get("buildUrl"))
    if branch:
        repo.add_branch_version(ctx.conn, consumer, version, branch)
    for tag in tags:
        if repo.add_tag(ctx.conn, consumer, version, tag):
            deployments_repo.deploy_for_tag(ctx.conn, consumer, version, tag)
    consumer = repo.find_pacticipant(ctx.conn, name) or consumer  # re-read: main branch may be set
    notices: list[dict[str, str]] = []
    detail = []
    if branch:
        detail.append(f"branch {branch}")
    if tags:
        detail.append("tags " + ", ".join(tags))
    notices.append(
        {
            "type": "debug",
            "text": f"{'Created' if created else 'Updated'} {name} version {number}"
            + (" with " + " and ".join(detail) if detail else ""),
        }
    )
    if not branch:
        notices.append(
            {
                "type": "prompt",
                "text": "  Next steps:\n    Configure the version branch to be the value of your repository branch.",
            }
        )
    contract_links = []
    for contract in contracts:
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
        url = pact_url(ctx, provider.name, name, number)
        if outcome.status == "updated":
            notices.append(
                {
                    "type": "warning",
                    "text": (
                        f"Pact with changed content published over existing content for {name} version {number} "
                        f"and provider {provider.name}. This is not recommended in normal circumstances and may "
                        "indicate that you have not configured your Pact pipeline correctly. For more information "
                        "see https://docs.pact.io/go/versioning"
                    ),
                }
            )
        elif outcome.status == "merged":
            notices.append(
                {
                    "type": "success",
                    "text": f"Pact content merged with existing content for {name} version {number} and provider {provider.name}.",
                }
            )
        elif outcome.status == "same":
            notices.append(
                {
                    "type": "success",
                    "text": f"Pact successfully republished for {name} version {number} and provider {provider.name} with no content changes.",
                }
            )
        else:
            notices.append(
                {
                    "type": "success",
                    "text": f"Pact successfully published for {name} version {number} and provider {provider.name}.",
                }
            )
        notices.append({"type": "debug", "text": f"  View the published pact at {url}"})
        notices.append({"type": "debug", "text": "  Events detected: " + ", ".join(outcome.events)})
        notices.extend({"type": "debug", "text": t} for t in outcome.triggered)
        any_webhook = _any_webhook_for(ctx, consumer, provider)
        if not outcome.triggered and any_webhook:
            notices.append(
                {"type": "debug", "text": "  No enabled webhooks found for the detected events"}
            )
        steps = []
        if not _any_verification(ctx, consumer, provider):
            steps.append(
                f"    * Add Pact verification tests to the {provider.name} build. See https://docs.pact.io/go/provider_verification"
            )
        if not any_webhook:
            steps.append(
                f"    * Configure separate {provider.name} pact verification build and webhook to trigger it when the pact content changes. See https://docs.pact.io/go/webhooks"
            )
        if steps:
            notices += [{"type": "prompt", "text": t} for t in ["  Next steps:", *steps]]
        contract_links.append(
            {
                "title": "Pact",
                "name": f"Pact between {name} ({number}) and {provider.name}",
                "href": url,
            }
        )
    body = {
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
    return hal_response(body)


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
