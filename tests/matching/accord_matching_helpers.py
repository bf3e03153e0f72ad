"""Builders for the matching tests: requests/responses/messages from compact pact-like JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accord.matching import MatchResult, match_request, match_response
from accord.model import (
    SpecVersion,
    load_message_contents,
    load_request,
    load_response,
)

COMPAT_FIXTURES = Path(__file__).resolve().parents[1] / "data" / "pact-compat-suite" / "fixtures"
assert COMPAT_FIXTURES.is_dir(), f"test data missing: {COMPAT_FIXTURES}"


def fixture_bytes(name: str) -> bytes:
    return (COMPAT_FIXTURES / name).read_bytes()


def _content_type(body: Any) -> str:
    if isinstance(body, dict) and "content" in body and "contentType" in body:
        return str(body["contentType"])
    return "application/json"


def request(body: Any = None, *, rules: dict[str, Any] | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {"method": "POST", "path": "/", **fields}
    if body is not None:
        data["body"] = body
        data.setdefault("headers", {}).setdefault("Content-Type", _content_type(body))
    if rules is not None:
        data["matchingRules"] = rules
    return load_request(data, SpecVersion.V4)


def response(body: Any = None, *, rules: dict[str, Any] | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {"status": 200, **fields}
    if body is not None:
        data["body"] = body
        data.setdefault("headers", {}).setdefault("Content-Type", _content_type(body))
    if rules is not None:
        data["matchingRules"] = rules
    return load_response(data, SpecVersion.V4)


def message(body: Any = None, *, rules: dict[str, Any] | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {**fields}
    if body is not None:
        data["contents"] = body
        data.setdefault("metadata", {}).setdefault("contentType", "application/json")
    if rules is not None:
        data["matchingRules"] = rules
    return load_message_contents(data, SpecVersion.V4)


def body_rules(**paths: Any) -> dict[str, Any]:
    """``body_rules(**{"$.a": [{"match": "type"}]})`` → the V4 categorised form."""
    return {"body": {path: {"matchers": list(rules)} for path, rules in paths.items()}}


def json_req_match(
    expected: Any, actual: Any, rules: dict[str, list[dict[str, Any]]]
) -> MatchResult:
    return match_request(request(expected, rules=body_rules(**rules)), request(actual))


def json_resp_match(
    expected: Any, actual: Any, rules: dict[str, list[dict[str, Any]]]
) -> MatchResult:
    return match_response(response(expected, rules=body_rules(**rules)), response(actual))


def messages_of(result: MatchResult) -> list[tuple[str, str]]:
    return [(m.path, m.message) for m in result.mismatches]
