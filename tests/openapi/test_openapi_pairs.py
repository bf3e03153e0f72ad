"""Pairs of a pact interaction and the shop document: compatible ones, and incompatible ones
with the finding each must produce (its code and where in the pact it points)."""

from __future__ import annotations

from typing import Any

import pytest

from accord.openapi import check_pact, parse_document

from .shop import document, interaction, pact

ITEM = {"id": 1, "name": "pen", "price": 1.5}
BEARER = {"Authorization": "Bearer abc", "X-Tenant": "acme"}
TYPE = {"matchers": [{"match": "type"}]}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

COMPATIBLE: list[tuple[str, dict[str, Any]]] = [
    ("one item, literal", interaction(response_body=ITEM)),
    ("under the server's base path", interaction(path="/api/items/1", response_body=ITEM)),
    ("every documented field", interaction(response_body={
        **ITEM, "description": "blue", "status": "sold", "created": "2024-05-01T09:30:00Z",
        "contact": "shop@example.com"})),
    ("nullable field null", interaction(response_body={**ITEM, "description": None})),
    ("a partial response (required fields the consumer ignores)", interaction(
        response_body={"id": 1})),
    ("type matcher on an array of items", interaction(
        "GET", "/items", response_body={"items": [ITEM]}, rules={"$.items": TYPE})),
    ("regex on an enum field: the literal is only an example", interaction(
        response_body={**ITEM, "status": "whatever"},
        rules={"$.status": {"matchers": [{"match": "regex", "regex": "\\w+"}]}})),
    ("integer matcher where the document says number", interaction(
        response_body={**ITEM, "price": 2},
        rules={"$.price": {"matchers": [{"match": "integer"}]}})),
    ("number matcher where the document says integer", interaction(
        response_body={**ITEM, "id": 1.5},
        rules={"$.id": {"matchers": [{"match": "number"}]}})),
    ("query parameters", interaction("GET", "/items", query={"limit": ["10"], "tag": ["a", "b"]},
                                     response_body={"items": []})),
    ("header parameter with a format", interaction(
        "GET", "/items", headers={"X-Request-Id": "0b3c9d4e-8a3e-4a34-9d86-5b1f3f0f7d2a"},
        response_body={"total": 0})),
    ("documented default response", interaction("GET", "/items", status=500,
                                                response_body={"message": "boom"})),
    ("a documented error status", interaction(status=404, response_body={"message": "no"})),
    ("a 2XX range", interaction("DELETE", "/items/1", status=204)),
    ("post with credentials, body and a documented response header", interaction(
        "POST", "/items", headers=BEARER, body={"name": "pen", "price": 1.5, "tags": ["x"]},
        status=201, response_headers={"Location": "/items/1"}, response_body=ITEM)),
    ("oneOf: a cat", interaction("GET", "/pets/1", response_body={"kind": "cat", "meows": True})),
    ("allOf: properties from both parts", interaction(
        "GET", "/people/1", response_body={"name": "Ann", "age": 40})),
    ("a $ref cycle: a tree", interaction("GET", "/nodes/1", response_body={
        "name": "root", "children": [{"name": "leaf", "children": []}]})),
    ("an invalid request the pact expects to be refused (4xx)", interaction(
        "POST", "/items", headers=BEARER, body={"name": "pen"}, status=400,
        response_body={"message": "price is required"})),
    ("an API key in the query", interaction("GET", "/accounts/1", query={"key": ["k"]},
                                           response_body={"id": 1})),
    ("a map: additionalProperties with a schema", interaction(
        "GET", "/accounts/1", query={"key": ["k"]},
        response_body={"limits": {"daily": 100, "monthly": 1000}})),
    ("a closed object (additionalProperties: false)", interaction(
        "GET", "/accounts/1", query={"key": ["k"]}, response_body={"labels": {"team": "a"}})),
    ("an array longer than maxItems under a type rule", interaction(
        "GET", "/accounts/1", query={"key": ["k"]}, response_body={"history": [1, 2, 3]},
        rules={"$.history": TYPE})),
    ("a discriminator picks the alternative", interaction(
        "GET", "/shapes/1", response_body={"kind": "circle", "radius": 2})),
    ("a form body", interaction("POST", "/tokens", headers=FORM,
                                body="grant_type=client_credentials&ttl=60",
                                response_body={"token": "t"})),
    ("Accept matches the documented media type", interaction(
        headers={"Accept": "application/json"}, response_body=ITEM)),
]

INCOMPATIBLE: list[tuple[str, dict[str, Any], str, str]] = [
    ("missing path", interaction("GET", "/orders/1"), "path-not-found", "request.path"),
    ("wrong method", interaction("PUT", "/items/1", body=ITEM), "method-not-documented",
     "request.method"),
    ("extra response field", interaction(response_body={**ITEM, "colour": "red"}),
     "undocumented-field", "response.body.colour"),
    ("wrong type", interaction(response_body={**ITEM, "price": "1.50"}), "type-mismatch",
     "response.body.price"),
    ("wrong type under a type matcher", interaction(
        "GET", "/items", response_body={"items": [{**ITEM, "id": "x"}]},
        rules={"$.items": TYPE}), "type-mismatch", "response.body.items[0].id"),
    ("decimal matcher where the document says integer", interaction(
        response_body={**ITEM, "id": 1.5},
        rules={"$.id": {"matchers": [{"match": "decimal"}]}}), "type-mismatch",
     "response.body.id"),
    ("a decimal literal where the document says integer", interaction(
        response_body={**ITEM, "id": 1.5}), "type-mismatch", "response.body.id"),
    ("missing required request field", interaction(
        "POST", "/items", headers=BEARER, body={"name": "pen"}, status=201),
     "required-missing", "request.body.price"),
    ("request field the document forbids", interaction(
        "POST", "/items", headers=BEARER, body={"name": "pen", "price": 1, "colour": "red"},
        status=201), "undocumented-field", "request.body.colour"),
    ("request value out of range", interaction(
        "POST", "/items", headers=BEARER, body={"name": "pen", "price": -1}, status=201),
     "range", "request.body.price"),
    ("request body missing", interaction("POST", "/items", headers=BEARER, status=201),
     "request-body-missing", "request.body"),
    ("request content type not accepted", interaction(
        "POST", "/items", headers={**BEARER, "Content-Type": "text/plain"}, body="pen",
        status=201), "request-content-type", "request.header.Content-Type"),
    ("no credentials", interaction("POST", "/items", headers={"X-Tenant": "a"},
                                   body={"name": "pen", "price": 1}, status=201),
     "security-missing", "request.header"),
    ("required header missing", interaction(
        "POST", "/items", headers={"Authorization": "Bearer x"}, body={"name": "p", "price": 1},
        status=201), "header-missing", "request.header.X-Tenant"),
    ("header with a bad format", interaction(
        "GET", "/items", headers={"X-Request-Id": "not-a-uuid"}), "format",
     "request.header.X-Request-Id"),
    ("undocumented status", interaction(status=418), "status-undocumented", "response.status"),
    ("undocumented response header", interaction(
        response_headers={"X-Cache": "hit"}, response_body=ITEM),
     "response-header-undocumented", "response.header.X-Cache"),
    ("a body where the document has none", interaction(
        "DELETE", "/items/1", status=204, response_body={"ok": True}),
     "response-body-undocumented", "response.body"),
    ("Accept the document cannot satisfy", interaction(
        headers={"Accept": "application/xml"}, response_body=ITEM), "not-acceptable",
     "request.header.Accept"),
    ("oneOf: neither a cat nor a dog", interaction(
        "GET", "/pets/1", response_body={"kind": "cat", "meows": True, "barks": True}),
     "one-of", "response.body"),
    ("allOf: wrong type in the second part", interaction(
        "GET", "/people/1", response_body={"name": "Ann", "age": "forty"}), "type-mismatch",
     "response.body.age"),
    ("allOf: a field in neither part", interaction(
        "GET", "/people/1", response_body={"name": "Ann", "height": 180}),
     "undocumented-field", "response.body.height"),
    ("$ref cycle: wrong type deep down", interaction("GET", "/nodes/1", response_body={
        "name": "root", "children": [{"name": "a", "children": [{"name": 7}]}]}),
     "type-mismatch", "response.body.children[0].children[0].name"),
    ("null where the document is not nullable", interaction(
        response_body={**ITEM, "name": None}), "null-not-allowed", "response.body.name"),
    ("date-time format", interaction(response_body={**ITEM, "created": "yesterday"}),
     "format", "response.body.created"),
    ("email format", interaction(response_body={**ITEM, "contact": "nobody"}), "format",
     "response.body.contact"),
    ("int64 format", interaction(response_body={**ITEM, "id": 2**70}), "format",
     "response.body.id"),
    ("literal not in the enum", interaction(response_body={**ITEM, "status": "lost"}), "enum",
     "response.body.status"),
    ("literal shorter than minLength", interaction(response_body={**ITEM, "name": ""}),
     "min-length", "response.body.name"),
    ("query parameter of the wrong type", interaction(
        "GET", "/items", query={"limit": ["ten"]}), "type-mismatch", "request.query.limit"),
    ("query parameter out of range", interaction("GET", "/items", query={"limit": ["0"]}),
     "range", "request.query.limit"),
    ("query parameter repeated", interaction("GET", "/items", query={"limit": ["1", "2"]}),
     "query-repeated", "request.query.limit"),
    ("required query parameter missing", interaction("GET", "/search"), "query-missing",
     "request.query.q"),
    ("path parameter of the wrong type", interaction("GET", "/items/abc"), "type-mismatch",
     "request.path.id"),
    ("a writeOnly field expected in a response", interaction(
        "GET", "/accounts/1", query={"key": ["k"]}, response_body={"password": "secret"}),
     "write-only", "response.body.password"),
    ("a map value of the wrong kind", interaction(
        "GET", "/accounts/1", query={"key": ["k"]}, response_body={"limits": {"daily": 15}}),
     "multiple-of", "response.body.limits.daily"),
    ("a field a closed object does not allow", interaction(
        "GET", "/accounts/1", query={"key": ["k"]}, response_body={"labels": {"x-team": "a"}}),
     "undocumented-field", "response.body.labels.x-team"),
    ("a literal array longer than maxItems", interaction(
        "GET", "/accounts/1", query={"key": ["k"]}, response_body={"history": [1, 2, 3]}),
     "max-items", "response.body.history"),
    ("a form field of the wrong type", interaction(
        "POST", "/tokens", headers=FORM, body="grant_type=client_credentials&ttl=soon"),
     "type-mismatch", "request.body.ttl"),
    ("a form without a required field", interaction(
        "POST", "/tokens", headers=FORM, body="ttl=60"),
     "required-missing", "request.body.grant_type"),
    ("more fields than maxProperties", interaction(
        "GET", "/accounts/1", query={"key": ["k"]},
        response_body={"limits": {"a": 10, "b": 20, "c": 30}}), "property-count",
     "response.body.limits"),
    ("the alternative the discriminator picks does not fit", interaction(
        "GET", "/shapes/1", response_body={"kind": "circle", "side": 2}),
     "undocumented-field", "response.body.side"),
]


@pytest.mark.parametrize(("name", "raw"), COMPATIBLE, ids=[c[0] for c in COMPATIBLE])
def test_compatible_pairs(name: str, raw: dict[str, Any]) -> None:
    result = check_pact(pact(raw), document()).interactions[0]
    assert result.ok, [f.to_json() for f in result.findings]
    assert result.operation is not None


@pytest.mark.parametrize(("name", "raw", "code", "where"), INCOMPATIBLE,
                         ids=[c[0] for c in INCOMPATIBLE])
def test_incompatible_pairs(name: str, raw: dict[str, Any], code: str, where: str) -> None:
    result = check_pact(pact(raw), document()).interactions[0]
    assert not result.ok
    found = {(f.code, f.pact_location) for f in result.findings if f.severity == "error"}
    assert (code, where) in found, [f.to_json() for f in result.findings]


def test_a_finding_names_the_interaction_both_places_and_why() -> None:
    report = check_pact(pact(interaction(
        "GET", "/items", response_body={"items": [{**ITEM, "price": "cheap"}]},
        description="a list of items")), document())
    [result] = report.interactions
    assert result.operation == "GET /items"
    [finding] = [f for f in result.findings if f.severity == "error"]
    assert finding.pact_location == "response.body.items[0].price"
    assert finding.document_pointer == "/components/schemas/Item/properties/price/type"
    assert finding.message == 'the pact has a string ("cheap"), the document says number'


def test_a_partial_response_is_a_warning_not_an_error() -> None:
    [result] = check_pact(pact(interaction(response_body={"id": 1})), document()).interactions
    assert result.ok
    assert {(f.severity, f.pact_location) for f in result.findings} == {
        ("warning", "response.body.name"), ("warning", "response.body.price")}


def test_oneof_lists_why_each_alternative_does_not_fit() -> None:
    [result] = check_pact(pact(interaction(
        "GET", "/pets/1", response_body={"kind": "cow"})), document()).interactions
    [finding] = [f for f in result.findings if f.severity == "error"]
    assert "#/components/schemas/Cat" in finding.message
    assert "#/components/schemas/Dog" in finding.message
    assert finding.document_pointer == "/paths/~1pets~1{id}/get/responses/200/content/" \
        "application~1json/schema/oneOf"


def test_undocumented_response_fields_can_be_allowed() -> None:
    raw = interaction(response_body={**ITEM, "colour": "red"})
    [result] = check_pact(pact(raw), document(), allow_undocumented_fields=True).interactions
    assert result.ok
    assert [f.code for f in result.findings] == ["undocumented-field"]


# -- OpenAPI 3.1 and Swagger 2.0 ------------------------------------------------------------

DOC_31 = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {"/things/{id}": {"get": {
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {
                "note": {"type": ["string", "null"]},
                "name": {"type": "string"},
                "point": {"type": "array", "prefixItems": [{"type": "number"},
                                                           {"type": "string"}]},
                "size": {"type": "integer", "exclusiveMinimum": 0},
                "labels": {"type": "object", "patternProperties": {"^x-": {"type": "string"}},
                           "additionalProperties": False},
                "ref": {"$ref": "#/components/schemas/Positive", "maximum": 10},
            },
        }}}}},
    }}},
    "components": {"schemas": {"Positive": {"type": "integer", "minimum": 1}}},
}


@pytest.mark.parametrize(("body", "code"), [
    ({"note": None, "name": "a", "point": [1.5, "x"], "size": 1, "labels": {"x-a": "b"},
      "ref": 5}, None),
    ({"labels": {"x-a": 1}}, "type-mismatch"),
    ({"labels": {"team": "a"}}, "undocumented-field"),
    ({"ref": 0}, "range"),
    ({"ref": 11}, "range"),
    ({"name": None}, "null-not-allowed"),
    ({"point": [1.5, 2]}, "type-mismatch"),
    ({"size": 0}, "range"),
])
def test_openapi_31(body: dict[str, Any], code: str | None) -> None:
    doc = parse_document(DOC_31)
    [result] = check_pact(pact(interaction("GET", "/things/1", response_body=body)),
                          doc).interactions
    assert [f.code for f in result.findings if f.severity == "error"] == (
        [code] if code else [])


SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "t", "version": "1"},
    "basePath": "/v1",
    "paths": {"/users/{id}": {"get": {
        "parameters": [{"name": "id", "in": "path", "required": True, "type": "integer"}],
        "responses": {"200": {"description": "ok",
                              "schema": {"$ref": "#/definitions/User"}}},
    }}},
    "definitions": {"User": {"type": "object", "properties": {"name": {"type": "string"}}}},
}


@pytest.mark.parametrize(("path", "body", "codes"), [
    ("/v1/users/1", {"name": "a"}, []),
    ("/v1/users/x", {"name": "a"}, ["type-mismatch"]),
    ("/v1/users/1", {"name": 1}, ["type-mismatch"]),
])
def test_swagger_2(path: str, body: dict[str, Any], codes: list[str]) -> None:
    doc = parse_document(SWAGGER)
    assert doc.version == "2.0"
    [result] = check_pact(pact(interaction("GET", path, response_body=body)), doc).interactions
    assert [f.code for f in result.findings if f.severity == "error"] == codes
