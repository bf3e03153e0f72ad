"""Property tests: for generated pacts of every version, writing keeps the meaning.

For a pact document ``d`` of version ``v``: ``dump(load(dump(load(d))))`` equals
``dump(load(d))`` (writing is a fixpoint), and the interactions read back equal the ones
written (the model's meaning is kept; only the V4 ``key``, computed when absent, may appear).
"""

from __future__ import annotations

import base64
import json
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.model import dump_pact, load_pact

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

names = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=8)
texts = st.text(max_size=12)
header_values = st.text(string.ascii_letters + string.digits + " /;=.-", min_size=1,
                        max_size=12).map(str.strip).filter(bool)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)
json_documents = st.dictionaries(names, json_values, min_size=1, max_size=4) | st.lists(
    json_values, min_size=1, max_size=3)
paths = st.lists(names, max_size=3).map(lambda parts: "/" + "/".join(parts))
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])
descriptions = st.text(min_size=1, max_size=20)

simple_rules = st.sampled_from([
    {"match": "type"}, {"match": "type", "min": 1}, {"match": "regex", "regex": "\\w+"},
    {"match": "equality"}, {"match": "include", "value": "a"},
])
v3_rules = simple_rules | st.sampled_from([
    {"match": "integer"}, {"match": "decimal"}, {"match": "number"}, {"match": "boolean"},
    {"match": "null"}, {"match": "date", "format": "yyyy-MM-dd"},
    {"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss"}, {"match": "values"},
    {"match": "contentType", "value": "application/json"}, {"match": "semver"},
    {"match": "notEmpty"}, {"match": "type", "max": 4},
    {"match": "eachValue", "rules": [{"match": "type"}]},
])
generators = st.sampled_from([
    {"type": "RandomInt", "min": 0, "max": 9}, {"type": "RandomString", "size": 4},
    {"type": "Uuid", "format": "simple"}, {"type": "Regex", "regex": "[a-z]{3}"},
    {"type": "Date", "format": "yyyy-MM-dd"}, {"type": "DateTime", "expression": "now"},
    {"type": "ProviderState", "expression": "${id}"}, {"type": "RandomBoolean"},
    {"type": "MockServerURL", "regex": ".*(/x)", "example": "http://h/x"},
])
body_paths = st.sampled_from(["$", "$.a", "$.a.b", "$.items[*].id", "$[0]", "$['x y']", "$.*"])


@st.composite
def bodies(draw, version: str) -> dict[str, Any]:
    """A body plus the headers that describe it (nothing, null, empty, JSON or text)."""
    kinds = ["missing", "null", "empty", "json", "text", "xml"]
    kind = draw(st.sampled_from([*kinds, "binary"] if version == "4.0" else kinds))
    if kind == "missing":
        return {}
    if kind == "null":
        return {"body": None}
    if kind == "empty":
        return {"body": ""}
    if kind == "json":
        value = draw(json_documents)
        if version == "4.0":
            return {"body": {"content": value, "contentType": "application/json",
                             "encoded": False}}
        return {"body": value, "headers": {"Content-Type": "application/json"}}
    if kind == "binary":
        data = draw(st.binary(min_size=1, max_size=16))
        return {"body": {"content": base64.b64encode(data).decode(), "encoded": "base64",
                         "contentType": "application/octet-stream"}}
    text = draw(st.text(string.ascii_letters + " ", min_size=1, max_size=20)).strip() or "x"
    ctype = "text/plain"
    if kind == "xml":
        text, ctype = f"<root><item>{text}</item></root>", "application/xml"
    if version == "4.0":
        return {"body": {"content": text, "contentType": ctype, "encoded": False}}
    return {"body": text, "headers": {"Content-Type": ctype}}


def _headers(draw, version: str) -> dict[str, Any]:
    values = draw(st.dictionaries(names.map(lambda n: "X-" + n), header_values, max_size=2))
    if version == "4.0":
        return {k: [v] for k, v in values.items()}
    return values


def _rules(draw, version: str, body: bool) -> dict[str, Any]:
    if version in ("1.0.0", "1.1.0") or not draw(st.booleans()):
        return {}
    if version == "2.0.0":
        flat = {}
        if body:
            for path in draw(st.lists(body_paths, max_size=2, unique=True)):
                flat["$.body" + path[1:]] = draw(simple_rules)
        if draw(st.booleans()):
            flat["$.path"] = {"match": "regex", "regex": ".*"}
        return {"matchingRules": flat} if flat else {}
    cats: dict[str, Any] = {}
    if body:
        cats["body"] = {p: {"matchers": draw(st.lists(v3_rules, min_size=1, max_size=2)),
                            **({"combine": "OR"} if draw(st.booleans()) else {})}
                        for p in draw(st.lists(body_paths, min_size=1, max_size=2, unique=True))}
    if draw(st.booleans()):
        cats["header"] = {"X-Any": {"matchers": [{"match": "regex", "regex": ".+"}]}}
    return {"matchingRules": cats} if cats else {}


def _generators(draw, version: str, body: bool) -> dict[str, Any]:
    if version < "3" or not draw(st.booleans()):
        return {}
    cats: dict[str, Any] = {}
    if body:
        cats["body"] = {p: draw(generators)
                        for p in draw(st.lists(body_paths, min_size=1, max_size=2, unique=True))}
    if draw(st.booleans()):
        cats["header"] = {"X-Gen": draw(generators)}
    return {"generators": cats} if cats else {}


def _states(draw, version: str) -> dict[str, Any]:
    if version < "3":
        state = draw(st.none() | descriptions)
        return {"providerState": state} if state else {}
    states = draw(st.lists(st.fixed_dictionaries(
        {"name": descriptions},
        optional={"params": st.dictionaries(names, json_values, max_size=2)}), max_size=2))
    return {"providerStates": states} if states else {}


@st.composite
def http_interactions(draw, version: str) -> dict[str, Any]:
    request_body = draw(bodies(version))
    response_body = draw(bodies(version))
    request: dict[str, Any] = {"method": draw(methods), "path": draw(paths)}
    query = draw(st.dictionaries(names, st.lists(names, min_size=1, max_size=2), max_size=2))
    if query:
        if version < "3":
            request["query"] = "&".join(f"{k}={v}" for k, vs in query.items() for v in vs)
        else:
            request["query"] = query
    headers = _headers(draw, version)
    request.update(request_body)
    request["headers"] = {**headers, **request_body.get("headers", {})}
    if version == "4.0" and "headers" in request_body:
        request["headers"] = {k: v if isinstance(v, list) else [v]
                              for k, v in request["headers"].items()}
    request.update(_rules(draw, version, bool(request_body)))
    request.update(_generators(draw, version, bool(request_body)))
    response: dict[str, Any] = {"status": draw(st.sampled_from([200, 201, 204, 400, 404, 500]))}
    response.update(response_body)
    response.update(_rules(draw, version, bool(response_body)))
    response.update(_generators(draw, version, bool(response_body)))
    out = {"description": draw(descriptions), **_states(draw, version),
           "request": request, "response": response}
    if version == "4.0":
        out["type"] = "Synchronous/HTTP"
        out["pending"] = draw(st.booleans())
        if draw(st.booleans()):
            out["comments"] = {"text": [draw(texts)], "testname": draw(texts)}
    return out


@st.composite
def message_contents(draw, version: str) -> dict[str, Any]:
    value = draw(json_documents)
    out: dict[str, Any] = {}
    metadata = {"contentType": "application/json",
                **draw(st.dictionaries(names, texts, max_size=2))}
    if version == "4.0":
        out["contents"] = {"content": value, "contentType": "application/json",
                           "encoded": False}
        out["metadata"] = metadata
    else:
        out["contents"] = value
        out["metaData"] = metadata
    if draw(st.booleans()):
        out["matchingRules"] = {"body": {"$": {"matchers": [{"match": "type"}]}}}
    if draw(st.booleans()):
        out["generators"] = {"body": {"$.a": draw(generators)}}
    return out


@st.composite
def v4_messages(draw) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"type": "Asynchronous/Messages", "description": draw(descriptions),
                **_states(draw, "4.0"), **draw(message_contents("4.0"))}
    return {"type": "Synchronous/Messages", "description": draw(descriptions),
            **_states(draw, "4.0"), "request": draw(message_contents("4.0")),
            "response": draw(st.lists(message_contents("4.0"), max_size=2))}


def pact_documents(version: str, *, messages: bool = False):
    if messages and version == "3.0.0":
        items = st.lists(message_contents(version).flatmap(
            lambda m: st.builds(lambda d: {"description": d, **m}, descriptions)), max_size=3)
        key = "messages"
    elif version == "4.0":
        items = st.lists(http_interactions(version) | v4_messages(), max_size=4)
        key = "interactions"
    else:
        items = st.lists(http_interactions(version), max_size=3)
        key = "interactions"
    return items.map(lambda entries: {
        "consumer": {"name": "consumer"}, "provider": {"name": "provider"}, key: entries,
        "metadata": {"pactSpecification": {"version": version}},
    })


def _keyless(pact):
    return [i.replace(key=None) for i in pact.interactions]


def check(document: dict) -> None:
    pact = load_pact(document)
    written = json.loads(json.dumps(dump_pact(pact)))
    reread = load_pact(written)
    assert dump_pact(reread) == written
    assert _keyless(reread) == _keyless(pact)
    assert reread.spec_version is pact.spec_version


@SETTINGS
@given(pact_documents("1.0.0"))
def test_v1(document):
    check(document)


@SETTINGS
@given(pact_documents("1.1.0"))
def test_v1_1(document):
    check(document)


@SETTINGS
@given(pact_documents("2.0.0"))
def test_v2(document):
    check(document)


@SETTINGS
@given(pact_documents("3.0.0"))
def test_v3_http(document):
    check(document)


@SETTINGS
@given(pact_documents("3.0.0", messages=True))
def test_v3_messages(document):
    check(document)


@SETTINGS
@given(pact_documents("4.0"))
def test_v4_mixed(document):
    check(document)


@SETTINGS
@given(pact_documents("3.0.0"))
def test_v3_upgraded_to_v4_keeps_meaning(document):
    pact = load_pact(document)
    upgraded = load_pact(json.loads(json.dumps(dump_pact(pact, "4.0"))))
    assert upgraded.spec_version.value == "4.0"
    assert _keyless(upgraded) == _keyless(pact)
