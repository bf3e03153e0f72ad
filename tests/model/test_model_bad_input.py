"""Bad input gives typed errors with the file and JSON pointer, never KeyError/TypeError."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import AccordError, MatchingRuleError, PactFormatError
from accord.model import dump_pact, load_pact

from ._mutations import mutated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official"
SEEDS = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))]


def base(**interaction: Any) -> dict:
    return {"consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": [{"description": "d", "request": {"method": "GET", "path": "/"},
                              "response": {"status": 200}, **interaction}],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}}


def without(data: dict, key: str) -> dict:
    out = copy.deepcopy(data)
    del out[key]
    return out


@pytest.mark.parametrize(("data", "pointer", "message"), [
    (without(base(), "consumer"), "/consumer", "the pact has no 'consumer'"),
    (without(base(), "provider"), "/provider", "the pact has no 'provider'"),
    ({**base(), "consumer": "c"}, "/consumer", "consumer must be a JSON object"),
    ({**base(), "consumer": {"name": ""}}, "/consumer/name", "needs a non-empty 'name'"),
    ([], "", "a pact must be a JSON object, got an array"),
    ({**base(), "interactions": {}}, "/interactions", "'interactions' must be an array"),
    ({**base(), "messages": "x"}, "/messages", "'messages' must be an array"),
    ({**base(), "interactions": [1]}, "/interactions/0", "an interaction must be a JSON object"),
    (base(type="Weird"), "/interactions/0/type", "unknown interaction type 'Weird'"),
    (base(request="GET /"), "/interactions/0/request", "a request must be a JSON object"),
    (base(request={"method": 1}), "/interactions/0/request/method", "the method must be a string"),
    (base(request={"path": ["/"]}), "/interactions/0/request/path", "the path must be a string"),
    (base(request={"headers": {"A": {"x": 1}}}), "/interactions/0/request/headers/A",
     "header 'A' must be a string"),
    (base(request={"headers": []}), "/interactions/0/request/headers", "headers must be"),
    (base(request={"query": 5}), "/interactions/0/request/query", "the query must be"),
    (base(response={"status": "abc"}), "/interactions/0/response/status",
     "the status must be a number"),
    (base(response={"status": True}), "/interactions/0/response/status",
     "the status must be a number"),
    (base(providerStates=5), "/interactions/0/providerStates", "must be an array"),
    (base(providerStates=[{"params": {}}]), "/interactions/0/providerStates/0/name",
     "a provider state's name must be a string"),
    (base(providerStates=[{"name": "s", "params": [1]}]),
     "/interactions/0/providerStates/0/params", "params must be a JSON object"),
    (base(comments="x"), "/interactions/0/comments", "comments must be a JSON object"),
    ({**base(), "metadata": "x"}, "/metadata", "metadata must be a JSON object"),
    ({**base(), "metadata": {"pactSpecification": {"version": "9.9"}}},
     "/metadata/pactSpecification", "unknown Pact Specification version '9.9'"),
    (base(response={"matchingRules": []}), "/interactions/0/response/matchingRules",
     "matchingRules must be a JSON object"),
    (base(response={"matchingRules": {"$.nope": {"match": "type"}}}),
     "/interactions/0/response/matchingRules/$.nope", "does not name the body"),
    (base(response={"generators": {"body": []}}), "/interactions/0/response/generators/body",
     "generators for body must be a JSON object"),
])
def test_malformed_pacts(data, pointer, message):
    with pytest.raises(AccordError) as info:
        load_pact(data, file="bad.json", strict=True)
    assert isinstance(info.value, PactFormatError | MatchingRuleError)
    assert info.value.pointer == pointer
    assert info.value.file == "bad.json"
    assert message in str(info.value)
    assert str(info.value).startswith(f"bad.json at {pointer or '/'}: ")
    if not pointer.startswith("/interactions/"):
        with pytest.raises(PactFormatError, match=message):  # not a pact at all
            load_pact(data, file="bad.json")
        return
    # Leniently, only the smallest unit fails: the interaction, or the rule or field in it
    pact = load_pact(data, file="bad.json")
    said = [u.reason for u in pact.unreadable] + list(pact.load_warnings)
    assert len(said) == 1
    assert said[0].startswith(f"bad.json at {pointer}: ")
    assert message in said[0]
    assert len(pact.interactions) + len(pact.unreadable) == 1


def test_v4_body_errors():
    v4 = base(type="Synchronous/HTTP", response={"status": 200, "body": {
        "content": 5, "encoded": "base64"}})
    v4["metadata"]["pactSpecification"]["version"] = "4.0"
    with pytest.raises(PactFormatError, match="base64-encoded body must be a string"):
        load_pact(v4, file="f.json", strict=True)
    v4["interactions"][0]["response"]["body"] = {"content": "x", "contentType": 3}
    with pytest.raises(PactFormatError, match="contentType must be a string"):
        load_pact(v4, file="f.json", strict=True)


_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
    st.text(max_size=5), st.sampled_from(["$.a[", "(", "4.0", "base64", "$.x"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2),
    st.just({"match": "regex", "regex": "("}), st.just({"type": "Nope"}),
    st.just({"matchers": "x"}), st.just({"content": 1, "encoded": "base64"}),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_official_pacts_fail_only_with_accord_errors(data):
    document = mutated(data, SEEDS, _JUNK, max_steps=3)
    try:
        pact = load_pact(document, file="mutated.json")
    except AccordError as exc:
        assert "mutated.json" in str(exc) or "path expression" in str(exc)
        return
    for version in ("1.0.0", "2.0.0", "3.0.0", "4.0"):
        with contextlib.suppress(AccordError):
            dump_pact(pact, version)
