"""Properties of the comparison, on generated schemas and values.

* It never crashes: whatever the schema and the pact's body and matching rules, the result is a
  list of findings (no ``internal-error`` finding, no exception).
* For a request body, which must be a complete valid instance, accord's verdict is the JSON
  Schema verdict of ``openapi-schema-validator`` (OAS 3.0 dialect) on the keywords accord reads.
* For a response body without matching rules, it is that verdict on the schema read as a
  partial view (required fields optional, undescribed fields forbidden, oneOf as anyOf).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from accord.model import load_pact
from accord.openapi import check_pact, parse_document

pytestmark = pytest.mark.slow  # seconds of work or real waiting: kept out of --quick

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                    st.sampled_from([0.5, -2.25, 10.75]),
                    st.sampled_from(["", "a", "abc", "2024-05-01", "x@example.com", "7"]))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3)),
    max_leaves=8,
)

# A body a pact file can hold as JSON: its null is "no body" and a string is the body's text.
BODIES = VALUES.filter(lambda v: v is not None and not isinstance(v, str))

TYPES = st.sampled_from(["string", "integer", "number", "boolean", "array", "object"])


def _leaf(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    extra: dict[str, st.SearchStrategy[Any]] = {"nullable": st.booleans()}
    if kind == "string":
        extra.update(minLength=st.integers(0, 2), maxLength=st.integers(1, 3),
                     format=st.sampled_from(["date", "email", "uuid"]),
                     enum=st.lists(st.sampled_from(["a", "abc", "7"]), min_size=1, max_size=2,
                                   unique=True),
                     pattern=st.sampled_from(["^a", "c$", "[0-9]"]))
    if kind in ("integer", "number"):
        extra.update(minimum=st.integers(-3, 3), maximum=st.integers(0, 6),
                     multipleOf=st.sampled_from([1, 2, 5]))
    chosen = st.fixed_dictionaries({}, optional=extra)
    return chosen.map(lambda d: {"type": kind, **d})


def _schemas() -> st.SearchStrategy[dict[str, Any]]:
    leaves = TYPES.filter(lambda t: t not in ("array", "object")).flatmap(_leaf)
    return st.recursive(
        st.one_of(leaves, st.just({}), st.just({"$ref": "#/components/schemas/Tree"})),
        lambda inner: st.one_of(
            st.fixed_dictionaries({"type": st.just("array"), "items": inner},
                                  optional={"minItems": st.integers(0, 2),
                                            "maxItems": st.integers(1, 3),
                                            "uniqueItems": st.booleans()}),
            st.fixed_dictionaries(
                {"type": st.just("object"),
                 "properties": st.dictionaries(st.sampled_from(["a", "b", "c"]), inner,
                                               max_size=3)},
                optional={"required": st.lists(st.sampled_from(["a", "b"]), max_size=2,
                                               unique=True),
                          "additionalProperties": st.one_of(st.booleans(), inner)}),
            st.lists(inner, min_size=1, max_size=3).map(lambda s: {"allOf": s}),
            st.lists(inner, min_size=1, max_size=3).map(lambda s: {"anyOf": s}),
            st.lists(inner, min_size=1, max_size=3).map(lambda s: {"oneOf": s}),
        ),
        max_leaves=6,
    )


TREE = {"type": "object", "properties": {"a": {"type": "integer"},
                                         "c": {"type": "array",
                                               "items": {"$ref": "#/components/schemas/Tree"}}}}


def _document(request_schema: dict[str, Any], response_schema: dict[str, Any]) -> Any:
    return parse_document({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {
            "requestBody": {"content": {"application/json": {"schema": request_schema}}},
            "responses": {"200": {"description": "d", "content": {"application/json": {
                "schema": response_schema}}}},
        }}},
        "components": {"schemas": {"Tree": TREE}},
    }, validate=False)


def _pact(request_body: Any, response_body: Any, rules: dict[str, Any]) -> Any:
    return load_pact({
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
        "interactions": [{
            "description": "x",
            "request": {"method": "POST", "path": "/x",
                        "headers": {"Content-Type": "application/json"}, "body": request_body},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                         "body": response_body, "matchingRules": {"body": rules}},
        }],
    })


RULES = st.dictionaries(
    st.sampled_from(["$", "$.a", "$.b", "$.a[*]", "$.*", "$.c[*].a", "$[0]"]),
    st.sampled_from([{"match": "type"}, {"match": "regex", "regex": ".*"},
                     {"match": "integer"}, {"match": "decimal"}, {"match": "values"},
                     {"match": "type", "min": 1}, {"match": "null"}, {"match": "boolean"}]
                    ).map(lambda r: {"matchers": [r]}),
    max_size=3,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schemas(), _schemas(), VALUES, VALUES, RULES)
def test_the_comparison_never_crashes(request_schema: dict[str, Any],
                                      response_schema: dict[str, Any], request_body: Any,
                                      response_body: Any, rules: dict[str, Any]) -> None:
    doc = _document(request_schema, response_schema)
    [result] = check_pact(_pact(request_body, response_body, rules), doc).interactions
    assert result.operation == "POST /x"
    assert not [f for f in result.findings if f.code == "internal-error"], result.findings
    json.dumps([f.to_json() for f in result.findings])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schemas(), BODIES)
def test_a_request_body_is_judged_as_json_schema_judges_it(schema: dict[str, Any],
                                                           body: Any) -> None:
    doc = _document(schema, {})
    [result] = check_pact(_pact(body, {}, {}), doc).interactions
    ours = not [f for f in result.findings
                if f.severity != "warning" and f.pact_location.startswith("request.body")]
    validator = OAS30Validator({**schema, "components": {"schemas": {"Tree": TREE}}},
                               format_checker=oas30_format_checker)
    theirs = validator.is_valid(body)
    assert ours == theirs, ([f.to_json() for f in result.findings],
                            [e.message for e in validator.iter_errors(body)])


def _as_response(schema: Any) -> Any:
    """The JSON Schema of what accord accepts in a response without rules: required fields
    may be left out, fields the schema does not describe may not be added, and one fitting
    alternative of a oneOf is enough (the consumer sees only part of the response)."""
    if isinstance(schema, list):
        return [_as_response(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _as_response(v) for k, v in schema.items()
           if k not in ("required", "minProperties")}
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def _no_all_of(schema: Any) -> bool:
    """allOf is left out: accord takes the properties of all its parts together as the
    known fields, which JSON Schema's additionalProperties does not."""
    return "allOf" not in json.dumps(schema)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schemas().filter(_no_all_of), BODIES)
def test_a_literal_response_body_is_judged_as_a_partial_view(schema: dict[str, Any],
                                                              body: Any) -> None:
    doc = _document({}, schema)
    [result] = check_pact(_pact({}, body, {}), doc).interactions
    ours = not [f for f in result.findings
                if f.severity != "warning" and f.pact_location.startswith("response.body")]
    tree = _as_response(TREE)
    validator = OAS30Validator({**_as_response(schema), "components": {"schemas": {"Tree": tree}}},
                               format_checker=oas30_format_checker)
    assert ours == validator.is_valid(body), (
        [f.to_json() for f in result.findings], [e.message for e in validator.iter_errors(body)])
