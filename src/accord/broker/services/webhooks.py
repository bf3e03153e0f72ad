"""Webhook templates and status words: pure functions.

``${pactbroker.X}`` placeholders in the URL, headers and body are replaced from an event
context built by the API layer, as the official broker does.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import Row

from accord.broker.services.webhook_policy import WebhookPolicy, url_problems
from accord.model.jsontypes import JsonMapping, JsonObject, JsonValue

__all__ = [
    "EVENT_NAMES",
    "applies_to",
    "listens_to",
    "render",
    "render_request",
    "status_words",
    "validate_webhook",
]

EVENT_NAMES = (
    "contract_published",
    "contract_content_changed",
    "contract_requiring_verification_published",
    "provider_verification_published",
    "provider_verification_succeeded",
    "provider_verification_failed",
)
PLACEHOLDER = re.compile(r"\$\{pactbroker\.(\w+)\}")


def status_words(success: bool | None) -> dict[str, str]:
    """The CI-specific verification status words for the context."""
    if success is None:
        return {
            "githubVerificationStatus": "pending",
            "bitbucketVerificationStatus": "INPROGRESS",
            "gitlabVerificationStatus": "pending",
            "azureDevOpsVerificationStatus": "pending",
        }
    return {
        "githubVerificationStatus": "success" if success else "failure",
        "bitbucketVerificationStatus": "SUCCESSFUL" if success else "FAILED",
        "gitlabVerificationStatus": "success" if success else "failed",
        "azureDevOpsVerificationStatus": "succeeded" if success else "failed",
    }


def render(text: str, context: JsonMapping, escape_json: bool = False) -> str:
    def sub(match: re.Match[str]) -> str:
        value = context.get(match.group(1))
        if value is None:
            return ""
        value = str(value)
        return json.dumps(value)[1:-1] if escape_json else value

    return PLACEHOLDER.sub(sub, text)


def render_request(request: JsonMapping, context: JsonMapping) -> JsonObject:
    body = request.get("body")
    if isinstance(body, (dict, list)):
        rendered_body = render(json.dumps(body), context, escape_json=True)
    elif isinstance(body, str):
        rendered_body = render(body, context)
    else:
        rendered_body = None
    return {
        "method": (request.get("method") or "POST").upper(),
        "url": render(request.get("url") or "", context),
        "headers": {k: render(str(v), context) for k, v in (request.get("headers") or {}).items()},
        "body": rendered_body,
        "username": request.get("username"),
        "password": request.get("password"),
    }


def validate_webhook(data: JsonValue, policy: WebhookPolicy) -> dict[str, list[str]]:
    """Field errors of a webhook document, checked against the whitelists of ``policy``."""
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not isinstance(data, dict):
        return {"body": ["must be a JSON object"]}
    request = data.get("request")
    if not isinstance(request, dict):
        err("request", "is missing")
    else:
        url = request.get("url")
        method = request.get("method")
        if not isinstance(url, str) or not url:
            err("request.url", "is missing")
        else:
            for problem in url_problems(url, policy):
                err("request.url", problem)
        if not isinstance(method, str) or not method:
            err("request.method", "is missing")
        elif method.upper() not in policy.methods:
            err(
                "request.method",
                f"must be one of {', '.join(policy.methods)} "
                "(see the webhook_http_method_whitelist setting)",
            )
        headers = request.get("headers")
        if headers is not None and not isinstance(headers, dict):
            err("request.headers", "must be an object")
    events = data.get("events")
    if events is not None:
        if not isinstance(events, list):
            err("events", "must be an array")
        else:
            for n, event in enumerate(events):
                name = event.get("name") if isinstance(event, dict) else None
                if name not in EVENT_NAMES:
                    err(f"events[{n}].name", f"must be one of {', '.join(EVENT_NAMES)}")
    for side in ("consumer", "provider"):
        value = data.get(side)
        if value is None:
            continue
        if not isinstance(value, dict):
            err(side, "must be an object")
        elif value.get("name") and value.get("label"):
            err(side, "cannot specify both a name and a label")
        elif not value.get("name") and not value.get("label"):
            err(side, "must specify a name or a label")
    return errors


def listens_to(events_json: str, event: str) -> bool:
    """Whether a webhook's stored ``events`` JSON names ``event``."""
    return event in [e["name"] for e in json.loads(events_json)]


def applies_to(
    row: Row,
    event: str,
    consumer_id: int,
    provider_id: int,
    consumer_labels: set[str],
    provider_labels: set[str],
) -> bool:
    """Whether a saved webhook fires for ``event`` between this consumer and provider: it
    listens to the event, and each side it names (by pacticipant or by label) matches."""
    if not listens_to(row.events, event):
        return False
    if row.consumer_id and row.consumer_id != consumer_id:
        return False
    if row.consumer_label and row.consumer_label not in consumer_labels:
        return False
    if row.provider_id and row.provider_id != provider_id:
        return False
    return not (row.provider_label and row.provider_label not in provider_labels)
