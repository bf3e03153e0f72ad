# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Publishing contracts: validation of the request and the texts the clients print.

Pure functions; ``accord.broker.api.publish`` does the storage work in one transaction.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import json
from dataclasses import field
from typing import Any

from accord import jsonlimits
from accord.broker.names import MAX_NAME_LENGTH, name_problem
from accord.broker.services.content import pacticipant_names
from accord.jsonlimits import JsonLimitError
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.valueclass import dataclass

__all__ = [
    "Contract",
    "Notice",
    "PublishOutcome",
    "conflict_message",
    "content_diff",
    "contract_notices",
    "potential_duplicate",
    "validate_publish_request",
    "version_notices",
    "version_stored_text",
]


@dataclass
class Contract:
    consumer_name: str
    provider_name: str
    content: dict[str, Any]
    on_conflict: str = "overwrite"


@dataclass
class PublishOutcome:
    provider: str
    status: str  # created | same | updated | merged
    events: list[str] = field(default_factory=list)
    triggered: list[str] = field(default_factory=list)


def _single_line(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != "" and "\n" not in value


def _text_problem(value: Any, key: str, max_length: int | None = MAX_NAME_LENGTH) -> str | None:
    """The official broker's short messages for the usual mistakes, else the name rules'."""
    if not isinstance(value, str):
        return "must be a string"
    if not value.strip():
        return "cannot be blank"
    return name_problem(value, key, max_length)


def validate_publish_request(
    data: JsonValue, max_depth: int = jsonlimits.DEFAULT_MAX_DEPTH
) -> tuple[list[Contract], dict[str, list[str]]]:
    """Check a ``POST /contracts/publish`` body; returns contracts and an errors map."""
    errors: dict[str, list[str]] = {}

    def err(key: str, msg: str) -> None:
        errors.setdefault(key, []).append(msg)

    if not isinstance(data, dict):
        return [], {"body": ["must be a JSON object"]}
    name = data.get("pacticipantName")
    number = data.get("pacticipantVersionNumber")
    if name is None:
        err("pacticipantName", "is missing")
    elif problem := _text_problem(name, "pacticipantName"):
        err("pacticipantName", problem)
    if number is None:
        err("pacticipantVersionNumber", "is missing")
    elif problem := _text_problem(number, "pacticipantVersionNumber"):
        err("pacticipantVersionNumber", problem)
    for key, limit in (("branch", MAX_NAME_LENGTH), ("buildUrl", None)):
        value = data.get(key)
        if value is not None and (problem := _text_problem(value, key, limit)):
            err(key, problem)
    tags = data.get("tags")
    if tags is not None:
        if not isinstance(tags, list):
            err("tags", "must be an array")
        else:
            for i, tag in enumerate(tags):
                if problem := _text_problem(tag, f"tags[{i}]"):
                    err(f"tags[{i}]", problem)
    contracts_data = data.get("contracts")
    contracts: list[Contract] = []
    if contracts_data is None:
        err("contracts", "is missing")
    elif not isinstance(contracts_data, list):
        err("contracts", "must be an array")
    else:
        for i, item in enumerate(contracts_data):
            key = f"contracts[{i}]"
            if not isinstance(item, dict):
                err(key, "must be an object")
                continue
            contract = _validate_contract(item, name, lambda m, k=key: err(k, m), max_depth)
            if contract is not None:
                contracts.append(contract)
    return contracts, errors


def _validate_contract(item: dict, pacticipant: Any, err: Any, max_depth: int) -> Contract | None:
    consumer, provider = item.get("consumerName"), item.get("providerName")
    ok = True
    if not _single_line(consumer):
        err("consumerName is missing")
        ok = False
    elif consumer != pacticipant:
        err(f"consumerName ({consumer}) must match pacticipantName ({pacticipant})")
        ok = False
    if not isinstance(provider, str) or not provider.strip():
        err("providerName is missing")
        ok = False
    elif problem := name_problem(provider, "providerName"):
        err(problem)
        ok = False
    if item.get("specification") != "pact":
        err(f"specification must be 'pact' (got {item.get('specification')!r})")
        ok = False
    content_type = item.get("contentType")
    if content_type != "application/json":
        err(f"contentType must be application/json (got {content_type!r})")
        ok = False
    on_conflict = item.get("onConflict") or "overwrite"
    if on_conflict not in ("overwrite", "merge"):
        err("onConflict must be overwrite or merge")
        ok = False
    raw = item.get("content")
    content: Any = None
    if not isinstance(raw, str) or not raw:
        err("content is missing")
        ok = False
    else:
        try:
            content = jsonlimits.loads(
                base64.b64decode(raw, validate=True).decode("utf-8"), max_depth=max_depth
            )
        except JsonLimitError as exc:
            err(f"content refused: {exc}")
            return None
        except (binascii.Error, ValueError, UnicodeDecodeError):
            err("content is not valid base64 encoded JSON")
            return None
        if not isinstance(content, dict):
            err("content must be a JSON object")
            return None
        inner_c, inner_p = pacticipant_names(content)
        if inner_c is not None and inner_c != consumer:
            err(
                f"consumer name in contract content ({inner_c}) must match consumerName ({consumer})"
            )
            ok = False
        if inner_p is not None and inner_p != provider:
            err(
                f"provider name in contract content ({inner_p}) must match providerName ({provider})"
            )
            ok = False
    if not ok:
        return None
    return Contract(str(consumer), str(provider), content, on_conflict)


Notice = dict[str, str]
"""One ``{"type": …, "text": …}`` line of a publication's answer, as the clients print it."""


def version_stored_text(
    name: str, number: str, created: bool, branch: str | None, tags: list[str]
) -> str:
    """``Created foo version 1 with branch main and tags a, b``: the official broker's debug
    notice for a version a publication (of pacts or a provider contract) created or updated."""
    detail = []
    if branch:
        detail.append(f"branch {branch}")
    if tags:
        detail.append("tags " + ", ".join(tags))
    with_detail = " with " + " and ".join(detail) if detail else ""
    return f"{'Created' if created else 'Updated'} {name} version {number}{with_detail}"


def version_notices(
    name: str, number: str, created: bool, branch: str | None, tags: list[str]
) -> list[Notice]:
    """What the publication did to the consumer version, and a prompt when it has no branch."""
    notices: list[Notice] = [
        {"type": "debug", "text": version_stored_text(name, number, created, branch, tags)}
    ]
    if not branch:
        notices.append(
            {
                "type": "prompt",
                "text": "  Next steps:\n    Configure the version branch to be the value of your repository branch.",
            }
        )
    return notices


def _outcome_notice(name: str, number: str, provider: str, status: str) -> Notice:
    """How the contract was stored: published, republished unchanged, merged or overwritten."""
    if status == "updated":
        return {
            "type": "warning",
            "text": (
                f"Pact with changed content published over existing content for {name} version {number} "
                f"and provider {provider}. This is not recommended in normal circumstances and may "
                "indicate that you have not configured your Pact pipeline correctly. For more information "
                "see https://docs.pact.io/go/versioning"
            ),
        }
    if status == "merged":
        text = f"Pact content merged with existing content for {name} version {number} and provider {provider}."
    elif status == "same":
        text = f"Pact successfully republished for {name} version {number} and provider {provider} with no content changes."
    else:
        text = f"Pact successfully published for {name} version {number} and provider {provider}."
    return {"type": "success", "text": text}


def contract_notices(
    name: str,
    number: str,
    outcome: PublishOutcome,
    url: str,
    any_webhook: bool,
    any_verification: bool,
) -> list[Notice]:
    """What happened to one contract: how it was stored, where to see it, the events and
    webhooks it triggered, and the next steps of an integration not yet set up."""
    provider = outcome.provider
    notices = [
        _outcome_notice(name, number, provider, outcome.status),
        {"type": "debug", "text": f"  View the published pact at {url}"},
        {"type": "debug", "text": "  Events detected: " + ", ".join(outcome.events)},
    ]
    notices.extend({"type": "debug", "text": t} for t in outcome.triggered)
    if not outcome.triggered and any_webhook:
        notices.append(
            {"type": "debug", "text": "  No enabled webhooks found for the detected events"}
        )
    steps = []
    if not any_verification:
        steps.append(
            f"    * Add Pact verification tests to the {provider} build. See https://docs.pact.io/go/provider_verification"
        )
    if not any_webhook:
        steps.append(
            f"    * Configure separate {provider} pact verification build and webhook to trigger it when the pact content changes. See https://docs.pact.io/go/webhooks"
        )
    if steps:
        notices += [{"type": "prompt", "text": t} for t in ["  Next steps:", *steps]]
    return notices


def conflict_message(consumer: str, version: str, provider: str) -> str:
    return (
        f"Cannot change the content of the pact for {consumer} version {version} and provider "
        f"{provider}, as race conditions will cause unreliable results for can-i-deploy. Each "
        "pact must be published with a unique consumer version number. Some Pact libraries "
        "generate random data when a concrete value for a type matcher is not specified, and "
        "this can cause the contract to mutate - ensure you have given example values for all "
        "type matchers. For more information see https://docs.pact.io/go/versioning"
    )


def content_diff(old: JsonMapping, new: JsonMapping) -> str:
    def lines(doc: JsonMapping) -> list[str]:
        subject = {k: doc.get(k) for k in ("interactions", "messages") if k in doc}
        return json.dumps(subject, indent=2, sort_keys=True).splitlines()

    return "\n".join(difflib.unified_diff(lines(old), lines(new), "existing", "new", lineterm=""))


_IGNORED_WORDS = {"api", "provider", "service"}


def _name_words(name: str) -> list[str]:
    import re

    spaced = re.sub(r"([a-z\d])([A-Z])", r"\1 \2", name)
    words = [w.lower() for w in re.split(r"[\s_\-]+", spaced) if w]
    words = [w[:-1] if w.endswith("s") and len(w) > 1 else w for w in words]
    return [w for w in words if w not in _IGNORED_WORDS]


def potential_duplicate(new_name: str, existing: list[str]) -> list[str]:
    """Existing pacticipant names that look like ``new_name`` (the official broker's rule)."""
    words = _name_words(new_name)
    return [name for name in existing if name != new_name and _name_words(name) == words]
