# ruff: noqa: E501  (wire-format texts are kept on one line)
"""Webhooks: store, list, execute, and fire on publication and verification events.

A fired webhook is a row in ``triggered_webhooks`` (status ``not_run`` → ``retrying`` →
``success``/``failure``) delivered by the worker of ``services.webhook_worker``; every attempt
is recorded in ``webhook_attempts`` with credentials masked.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from typing import Any

from sqlalchemy import Row
from starlette.responses import PlainTextResponse, Response

from accord.broker.api.hal import hal_response
from accord.broker.api.pact_metadata import encode_metadata
from accord.broker.api.render import pact_version_url, pacticipant_url
from accord.broker.api.routing import Ctx, Router, not_found, validation_error
from accord.broker.clock import iso, now
from accord.broker.services.redaction import redact_webhook_request
from accord.broker.services.webhook_sender import Attempt, send_webhook
from accord.broker.services.webhooks import (
    EVENT_NAMES,
    applies_to,
    listens_to,
    render_request,
    status_words,
    validate_webhook,
)
from accord.broker.storage import (
    deployments_repo,
    pacts_repo,
    repo,
    verifications_repo,
    webhook_queue,
    webhooks_repo,
)
from accord.model.jsontypes import JsonObject

UUID_RE = re.compile(r"^[A-Za-z0-9_-]{16,}$")


def _names(ctx: Ctx, *ids: int | None) -> list[str | None]:
    return [repo.pacticipant_by_id(ctx.conn, i).name if i else None for i in ids]


def webhook_json(ctx: Ctx, row: Row) -> JsonObject:
    shown = redact_webhook_request(json.loads(row.request))  # stored for sending, never shown
    consumer, provider = _names(ctx, row.consumer_id, row.provider_id)
    url = ctx.url("webhooks", row.uuid)
    body: dict[str, Any] = {"uuid": row.uuid, "description": row.description}
    links: dict[str, Any] = {
        "self": {"title": row.description or f"Webhook {row.uuid}", "href": url},
        "pb:execute": {
            "title": "Test the execution of the webhook with the latest matching pact or verification by sending a POST request to this URL",
            "href": url + "/execute",
        },
        "pb:webhooks": {"title": "All webhooks", "href": ctx.url("webhooks")},
    }
    if consumer or row.consumer_label:
        body["consumer"] = {"name": consumer} if consumer else {"label": row.consumer_label}
        if consumer:
            links["pb:consumer"] = {
                "title": "Consumer",
                "name": consumer,
                "href": pacticipant_url(ctx, consumer),
            }
    if provider or row.provider_label:
        body["provider"] = {"name": provider} if provider else {"label": row.provider_label}
        if provider:
            links["pb:provider"] = {
                "title": "Provider",
                "name": provider,
                "href": pacticipant_url(ctx, provider),
            }
    if consumer and provider:
        links["pb:pact-webhooks"] = {
            "title": f"All webhooks for consumer {consumer} and provider {provider}",
            "href": ctx.url("webhooks", "provider", provider, "consumer", consumer),
        }
    body.update(
        {
            "enabled": bool(row.enabled),
            "request": shown,
            "events": json.loads(row.events),
            "createdAt": iso(row.created_at),
        }
    )
    if iso(row.updated_at) != body["createdAt"]:
        body["updatedAt"] = iso(row.updated_at)
    body["_links"] = links
    return body


def _side(
    ctx: Ctx, data: dict, side: str, path_name: str | None, errors: dict
) -> tuple[int | None, str | None]:
    if path_name is not None:
        row = repo.find_pacticipant(ctx.conn, path_name)
        if row is None:
            raise not_found(f"No pacticipant with name '{path_name}' found")
        return row.id, None
    value = data.get(side)
    if not isinstance(value, dict):
        return None, None
    if value.get("name"):
        row = repo.find_pacticipant(ctx.conn, value["name"])
        if row is None:
            errors.setdefault(f"{side}.name", []).append(
                f"No pacticipant with name '{value['name']}' found"
            )
            return None, None
        return row.id, None
    return None, value.get("label")


def _save(
    ctx: Ctx,
    data: dict,
    uuid: str,
    existing: Any,
    consumer: str | None = None,
    provider: str | None = None,
) -> Any:
    errors = validate_webhook(data, ctx.config.webhook_policy())
    consumer_id, consumer_label = _side(ctx, data, "consumer", consumer, errors)
    provider_id, provider_label = _side(ctx, data, "provider", provider, errors)
    if errors:
        raise validation_error(errors)
    events = data.get("events") or [{"name": "contract_content_changed"}]
    values = {
        "description": data.get("description"),
        "consumer_id": consumer_id,
        "consumer_label": consumer_label,
        "provider_id": provider_id,
        "provider_label": provider_label,
        "events": json.dumps([{"name": e["name"]} for e in events]),
        "request": json.dumps(data["request"]),
        "enabled": data.get("enabled", True) is not False,
        "updated_at": now(),
    }
    return webhooks_repo.save_webhook(
        ctx.conn, uuid, None if existing is None else existing.id, values
    )


def create_webhook(ctx: Ctx) -> Response:
    data = ctx.json_object()
    row = _save(
        ctx,
        data,
        str(uuidlib.uuid4()),
        None,
        ctx.params.get("consumer"),
        ctx.params.get("provider"),
    )
    body = webhook_json(ctx, row)
    return hal_response(body, 201, {"Location": body["_links"]["self"]["href"]})


def put_webhook(ctx: Ctx) -> Response:
    uuid = ctx.params["uuid"]
    if not UUID_RE.match(uuid):
        raise validation_error(
            {
                "uuid": [
                    "must contain only letters, numbers, - and _ and be at least 16 characters long"
                ]
            }
        )
    data = ctx.json_object()
    existing = webhooks_repo.find_webhook(ctx.conn, uuid)
    row = _save(ctx, data, uuid, existing)
    return hal_response(webhook_json(ctx, row), 201 if existing is None else 200)


def _require(ctx: Ctx) -> Any:
    row = webhooks_repo.find_webhook(ctx.conn, ctx.params["uuid"])
    if row is None:
        raise not_found()
    return row


def get_webhook(ctx: Ctx) -> Response:
    return hal_response(webhook_json(ctx, _require(ctx)))


def delete_webhook(ctx: Ctx) -> Response:
    row = _require(ctx)
    webhooks_repo.delete_webhook(ctx.conn, row.id)
    return Response(status_code=204)


def list_webhooks(ctx: Ctx) -> Response:
    side_ids: dict[str, int] = {}
    for side in ("consumer", "provider"):
        name = ctx.params.get(side)
        if name:
            row = repo.find_pacticipant(ctx.conn, name)
            if row is None:
                raise not_found()
            side_ids[f"{side}_id"] = row.id
    rows = webhooks_repo.list_webhooks(ctx.conn, **side_ids)
    return hal_response(
        {
            "_embedded": {"webhooks": [webhook_json(ctx, r) for r in rows]},
            "_links": {
                "self": {"title": "Webhooks", "href": str(ctx.request.url)},
                "pb:create": {"title": "POST to create a webhook", "href": str(ctx.request.url)},
                "pb:webhooks": [
                    {"title": r.description or r.uuid, "href": ctx.url("webhooks", r.uuid)}
                    for r in rows
                ],
            },
        }
    )


def _side_ids(ctx: Ctx, side: Any) -> list[int] | None:
    """The pacticipant ids a webhook's consumer or provider stands for (None: any)."""
    if not isinstance(side, dict):
        return None
    if side.get("name"):
        row = repo.find_pacticipant(ctx.conn, side["name"])
        return [row.id] if row is not None else []
    if side.get("label"):
        return [r.id for r in repo.pacticipants_with_label(ctx.conn, side["label"])]
    return None


def _test_context(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    """Template values for a test execution, from the latest matching pact (and, for
    verification events, the latest matching verification), as the official broker does."""
    consumer_ids = _side_ids(ctx, data.get("consumer"))
    provider_ids = _side_ids(ctx, data.get("provider"))
    events = [e.get("name") for e in data.get("events") or [] if isinstance(e, dict)]
    context: dict[str, Any] = {"eventName": "test", **status_words(None)}
    publication = pacts_repo.search_latest_publication(ctx.conn, consumer_ids, provider_ids)
    if publication is None:
        return context
    consumer, provider = (
        repo.pacticipant_by_id(ctx.conn, publication.consumer_id),
        repo.pacticipant_by_id(ctx.conn, publication.provider_id),
    )
    version = repo.version_by_id(ctx.conn, publication.consumer_version_id)

    context.update(
        {
            "pactUrl": pact_version_url(
                ctx,
                provider.name,
                consumer.name,
                publication.sha,
                encode_metadata({"s": [{"cv": version.id}]}),
            ),
            "consumerName": consumer.name,
            "providerName": provider.name,
            "consumerLabels": ", ".join(repo.labels_for(ctx.conn, consumer.id)),
            "providerLabels": ", ".join(repo.labels_for(ctx.conn, provider.id)),
            "buildUrl": version.build_url or "",
            **_version_context(ctx, "consumer", version),
        }
    )
    if "provider_verification_published" in events:
        verification = verifications_repo.search_latest_verification(
            ctx.conn, consumer_ids, provider_ids
        )
    else:
        verification = verifications_repo.latest_verification_for_pact_version(
            ctx.conn, publication.pact_version_id
        )
    if verification is not None:
        sha = pacts_repo.pact_version_sha(ctx.conn, verification.pact_version_id)
        context.update(
            {
                "verificationResultUrl": pact_version_url(ctx, provider.name, consumer.name, sha)
                + f"/verification-results/{verification.id}",
                **_version_context(
                    ctx, "provider", repo.version_by_id(ctx.conn, verification.provider_version_id)
                ),
                **status_words(bool(verification.success)),
            }
        )
    return context


def _shown_body(body: Any) -> Any:
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body


def execution_json(attempt: Attempt, show_response: bool, links: dict) -> dict:
    """The official execution result: request, response (only with a host whitelist), logs."""
    result: dict[str, Any] = {
        "request": {
            "method": attempt.method,
            "url": attempt.url,
            "headers": attempt.request_headers,
            "body": _shown_body(attempt.request_body),
        },
    }
    if show_response:
        if attempt.error:
            result["error"] = {"message": attempt.error}
        if attempt.status is not None:
            result["response"] = {
                "status": attempt.status,
                "headers": attempt.response_headers,
                "body": _shown_body(attempt.excerpt),
            }
    else:
        result["message"] = (
            "For security purposes, the response details are not shown. To see them, "
            "configure a webhook host whitelist (see the broker documentation on webhooks)."
        )
    result["logs"] = attempt.log()
    result["success"] = attempt.success
    result["_links"] = links
    return result


def _execute(
    ctx: Ctx, request: dict[str, Any], context: dict[str, Any], webhook_url: str | None
) -> Response:
    rendered = render_request(request, context)
    policy = ctx.config.webhook_policy()
    attempt = send_webhook(rendered, policy)
    links: dict[str, Any] = {
        "try-again": {"title": "Execute the webhook again", "href": str(ctx.request.url)}
    }
    if webhook_url:
        links["webhook"] = {"href": webhook_url}
    return hal_response(execution_json(attempt, policy.show_response, links))


def execute_saved(ctx: Ctx) -> Response:
    row = _require(ctx)
    consumer, provider = _names(ctx, row.consumer_id, row.provider_id)
    data = {
        "events": json.loads(row.events),
        "consumer": {"name": consumer} if consumer else {"label": row.consumer_label},
        "provider": {"name": provider} if provider else {"label": row.provider_label},
    }
    return _execute(
        ctx, json.loads(row.request), _test_context(ctx, data), ctx.url("webhooks", row.uuid)
    )


def execute_unsaved(ctx: Ctx) -> Response:
    data = ctx.json_object()
    errors = validate_webhook(data, ctx.config.webhook_policy())
    if errors:
        raise validation_error(errors)
    return _execute(ctx, data["request"], _test_context(ctx, data), None)


def triggered_logs(ctx: Ctx) -> Response:
    row = webhooks_repo.find_triggered(ctx.conn, ctx.params["uuid"])
    if row is None:
        raise not_found()
    attempts = webhook_queue.attempts_for(ctx.conn, row.id)
    lines = [f"Webhook status: {row.status} ({len(attempts)} attempts)"]
    if row.status in webhook_queue.PENDING and row.next_attempt_at is not None:
        lines.append(f"Next attempt at {iso(row.next_attempt_at)}")
    elif row.status == "not_run":
        lines.append("Webhooks are not run by this broker (run_webhooks is off).")
    lines += [a.log for a in attempts]
    return PlainTextResponse("\n\n".join(lines))


def pact_webhook_status(ctx: Ctx) -> Response:
    consumer = repo.find_pacticipant(ctx.conn, ctx.params["consumer"])
    provider = repo.find_pacticipant(ctx.conn, ctx.params["provider"])
    if consumer is None or provider is None:
        raise not_found()
    rows = webhooks_repo.recent_triggered_for_pact(ctx.conn, consumer.id, provider.id, 50)
    counts = {
        s: sum(1 for r in rows if r.status == s)
        for s in ("success", "failure", "retrying", "not_run")
    }
    return hal_response(
        {
            "summary": {
                "successful": counts["success"],
                "failed": counts["failure"],
                "notRun": counts["not_run"],
            },
            "_embedded": {
                "triggeredWebhooks": [
                    {
                        "uuid": r.uuid,
                        "webhookUuid": r.webhook_uuid,
                        "eventName": r.event_name,
                        "status": r.status,
                        "createdAt": iso(r.created_at),
                        "_links": {
                            "pb:logs": {"href": ctx.url("triggered-webhooks", r.uuid, "logs")}
                        },
                    }
                    for r in rows
                ]
            },
            "_links": {"self": {"href": str(ctx.request.url)}},
        }
    )


# -- triggering -----------------------------------------------------------------------------------


def _matching(ctx: Ctx, event: str, consumer: Any, provider: Any) -> list[Any]:
    rows = webhooks_repo.enabled_webhooks(ctx.conn)
    if not rows:
        return []
    consumer_labels = set(repo.labels_for(ctx.conn, consumer.id))
    provider_labels = set(repo.labels_for(ctx.conn, provider.id))
    return [
        row
        for row in rows
        if applies_to(row, event, consumer.id, provider.id, consumer_labels, provider_labels)
    ]


def _fire(
    ctx: Ctx, events: list[str], consumer: Any, provider: Any, context: dict[str, Any]
) -> list[str]:
    notices = []
    for event in events:
        for row in _matching(ctx, event, consumer, provider):
            triggered = str(uuidlib.uuid4())
            full = {**context, "eventName": event}
            webhook_queue.enqueue(
                ctx.conn,
                uuid=triggered,
                webhook_uuid=row.uuid,
                event_name=event,
                context=full,
                deliver=ctx.config.run_webhooks,
                consumer_id=consumer.id,
                provider_id=provider.id,
                at=now(),
            )
            if ctx.config.run_webhooks and ctx.services.webhook_worker.wake not in ctx.after_commit:
                ctx.after_commit.append(ctx.services.webhook_worker.wake)
            notices.append(
                f'  Webhook "{row.description or row.uuid}" triggered for event {event}.\n'
                f"    View logs at {ctx.url('triggered-webhooks', triggered, 'logs')}"
            )
    return notices


def _version_context(ctx: Ctx, prefix: str, version: Any) -> dict[str, Any]:
    tags = [t.name for t in repo.tags_for_version(ctx.conn, version.id)]
    branches = repo.branches_for_version(ctx.conn, version.id)
    return {
        f"{prefix}VersionNumber": version.number,
        f"{prefix}VersionTags": ", ".join(tags),
        f"{prefix}VersionBranch": branches[-1] if branches else "",
    }


def trigger_for_publication(
    ctx: Ctx, events: list[str], consumer: Row, provider: Row, version: Row, pact_version: Row
) -> list[str]:
    if not webhooks_repo.any_webhook(ctx.conn):
        return []

    url = pact_version_url(
        ctx,
        provider.name,
        consumer.name,
        pact_version.sha,
        encode_metadata({"s": [{"cv": version.id}]}),
    )
    context = {
        "pactUrl": url,
        "consumerName": consumer.name,
        "providerName": provider.name,
        "consumerLabels": ", ".join(repo.labels_for(ctx.conn, consumer.id)),
        "providerLabels": ", ".join(repo.labels_for(ctx.conn, provider.id)),
        "buildUrl": version.build_url or "",
        **_version_context(ctx, "consumer", version),
        **status_words(None),
    }
    notices = _fire(ctx, events, consumer, provider, context)
    for provider_version, description in _versions_requiring_verification(
        ctx, provider, pact_version
    ):
        notices += _fire(
            ctx,
            ["contract_requiring_verification_published"],
            consumer,
            provider,
            {
                **context,
                **_version_context(ctx, "provider", provider_version),
                "providerVersionDescriptions": description,
            },
        )
    return notices


def _versions_requiring_verification(
    ctx: Ctx, provider: Any, pact_version: Any
) -> list[tuple[Any, str]]:
    """Provider versions (main-branch head, deployed, released) that have not verified this content."""
    if not _any_hook_for(ctx, "contract_requiring_verification_published"):
        return []
    found: dict[int, list[str]] = {}
    if provider.main_branch:
        head = repo.branch_head(ctx.conn, provider.id, provider.main_branch)
        if head is not None:
            found.setdefault(head.id, []).append(f"latest from main branch {provider.main_branch}")
    env_names = deployments_repo.environment_names(ctx.conn)
    for version_id, env_id in deployments_repo.deployed_or_released_version_ids(
        ctx.conn, provider.id, None, True, True
    ):
        found.setdefault(version_id, []).append(f"deployed or released in {env_names[env_id]}")
    out = []
    for version_id, descriptions in found.items():
        if not verifications_repo.has_verification(ctx.conn, pact_version.id, version_id):
            out.append((repo.version_by_id(ctx.conn, version_id), ", ".join(descriptions)))
    return out


def _any_hook_for(ctx: Ctx, event: str) -> bool:
    return any(listens_to(raw, event) for raw in webhooks_repo.enabled_webhook_events(ctx.conn))


def trigger_for_verification(
    ctx: Ctx,
    consumer: Row,
    provider: Row,
    pact_version: Row,
    provider_version: Row,
    verification: Row,
    metadata: dict,
) -> None:
    if not webhooks_repo.any_webhook(ctx.conn):
        return
    success = bool(verification.success)
    events = [
        "provider_verification_published",
        "provider_verification_succeeded" if success else "provider_verification_failed",
    ]
    consumer_versions = [
        s.get("cv") for s in metadata.get("s", []) if isinstance(s, dict) and s.get("cv")
    ]
    context = {
        "pactUrl": pact_version_url(ctx, provider.name, consumer.name, pact_version.sha),
        "verificationResultUrl": pact_version_url(
            ctx, provider.name, consumer.name, pact_version.sha
        )
        + f"/verification-results/{verification.id}",
        "consumerName": consumer.name,
        "providerName": provider.name,
        "buildUrl": verification.build_url or "",
        **_version_context(ctx, "provider", provider_version),
        **status_words(success),
    }
    for cv in dict.fromkeys(consumer_versions or [None]):
        extra: dict[str, Any] = {}
        if cv is not None and str(cv).isdigit():
            extra = _version_context(ctx, "consumer", repo.version_by_id(ctx.conn, int(cv)))
        _fire(ctx, events, consumer, provider, {**context, **extra})


def register(router: Router) -> None:
    router.add("/webhooks", GET=list_webhooks, POST=create_webhook)
    router.add("/webhooks/execute", POST=execute_unsaved)
    router.add("/webhooks/{uuid}", GET=get_webhook, PUT=put_webhook, DELETE=delete_webhook)
    router.add("/webhooks/{uuid}/execute", POST=execute_saved)
    router.add(
        "/webhooks/provider/{provider}/consumer/{consumer}", GET=list_webhooks, POST=create_webhook
    )
    router.add("/webhooks/provider/{provider}", GET=list_webhooks, POST=create_webhook)
    router.add("/webhooks/consumer/{consumer}", GET=list_webhooks, POST=create_webhook)
    router.add("/pacts/provider/{provider}/consumer/{consumer}/webhooks", GET=list_webhooks)
    router.add(
        "/pacts/provider/{provider}/consumer/{consumer}/webhooks/status", GET=pact_webhook_status
    )
    router.add("/triggered-webhooks/{uuid}/logs", GET=triggered_logs)


__all__ = [
    "EVENT_NAMES",
    "execution_json",
    "register",
    "trigger_for_publication",
    "trigger_for_verification",
]
