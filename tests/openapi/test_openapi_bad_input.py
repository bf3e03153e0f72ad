"""Bad input gets a clear, specific answer; nothing passes by accident."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.model import load_pact
from accord.openapi import OpenApiError, check_pact, load_document, parse_document

from .shop import document, interaction, pact

INFO = {"title": "t", "version": "1"}


def _one_path(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": INFO, "paths": {"/a": {"get": {"responses": {"200": {
        "description": "d", "content": {"application/json": {"schema": schema}}}}}}}, **extra}


@pytest.mark.parametrize(("content", "message"), [
    ("[1, 2]", "an OpenAPI document is an object, got list"),
    ({"info": INFO}, "it has neither an 'openapi' nor a 'swagger' version field"),
    ({"openapi": "4.0.0"}, "OpenAPI version '4.0.0' is not supported"),
    ({"swagger": "1.2"}, "Swagger version '1.2' is not supported"),
    ({"openapi": "3.0.3", "paths": {}}, "not a valid OpenAPI 3.0 document: at /: 'info' is a "
     "required property"),
    ({"openapi": "3.1.0", "info": INFO, "paths": {"/a": {"get": {"responses": {"200": {}}}}}},
     "not a valid OpenAPI 3.1 document: at /paths/~1a/get/responses/200"),
    ("openapi: 3.0.0\n  info: [", "malformed YAML: mapping values are not allowed here at "
     "line 2, column 7"),
    ('{"openapi": ', "malformed JSON: Expecting value at line 1, column 13"),
    (_one_path({"$ref": "#/components/schemas/Nope"}),
     "$ref '#/components/schemas/Nope' points to nothing in the document"),
    (_one_path({"$ref": "#/components/schemas/A"},
               components={"schemas": {"A": {"$ref": "#/components/schemas/A"}}}),
     "a cycle of $ref with no schema in it"),
    (_one_path({"$ref": "common.yaml#/Thing"}),
     "$ref 'common.yaml#/Thing' at /paths/~1a/get/responses/200/content/application~1json/"
     "schema points outside the document; bundle the document into one file first"),
])
def test_a_bad_document_is_refused_with_a_specific_reason(content: Any, message: str) -> None:
    with pytest.raises(OpenApiError) as error:
        parse_document(content, source="api.yaml")
    assert str(error.value).startswith("api.yaml: ")
    assert message in str(error.value)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(OpenApiError, match="cannot read the OpenAPI document"):
        load_document(tmp_path / "nope.yaml")


def test_yaml_and_json_files_are_read(tmp_path: Path) -> None:
    yaml_file = tmp_path / "api.yaml"
    yaml_file.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
                         "  /a:\n    get:\n      responses:\n        '204': {description: none}\n")
    json_file = tmp_path / "api.json"
    json_file.write_text(json.dumps({"openapi": "3.1.0", "info": INFO, "paths": {}}))
    assert load_document(yaml_file).templates[0].template == "/a"
    assert load_document(json_file).version == "3.1"


def test_an_unresolvable_schema_in_an_unvalidated_document_is_not_checked() -> None:
    doc = parse_document(_one_path({"$ref": "#/components/schemas/Nope"}), validate=False)
    [result] = check_pact(pact(interaction("GET", "/a", response_body={"x": 1})),
                          doc).interactions
    assert not result.ok
    assert [(f.severity, f.code) for f in result.findings] == [("unchecked", "unresolvable-ref")]


def test_a_self_referring_schema_in_an_unvalidated_document_is_not_checked() -> None:
    doc = parse_document(_one_path({"$ref": "#/components/schemas/A"}, components={
        "schemas": {"A": {"$ref": "#/components/schemas/A"}}}), validate=False)
    [result] = check_pact(pact(interaction("GET", "/a", response_body={"x": 1})),
                          doc).interactions
    assert not result.ok
    assert {f.code for f in result.findings} == {"ref-cycle"}


def test_message_interactions_are_reported_as_not_checked() -> None:
    messages = load_pact({
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": "4.0"}},
        "interactions": [
            {"type": "Asynchronous/Messages", "description": "an event",
             "contents": {"content": {"id": 1}, "contentType": "application/json"}},
            {"type": "Synchronous/HTTP", "description": "an item",
             "request": {"method": "GET", "path": "/items/1"},
             "response": {"status": 200}},
        ],
    })
    result = check_pact(messages, document())
    assert not result.ok
    event, item = result.interactions
    assert [(f.severity, f.code) for f in event.findings] == [("unchecked", "not-http")]
    assert "an asynchronous message" in event.findings[0].message
    assert item.ok


def test_an_interaction_that_cannot_be_read_fails_the_check_instead_of_being_skipped() -> None:
    broken = load_pact({
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
        "interactions": [
            {"description": "an item", "request": {"method": "GET", "path": "/items/1"},
             "response": {"status": 200}},
            {"description": "a broken one", "request": {"method": "GET", "path": 42},
             "response": {"status": 200}},
        ],
    })
    assert len(broken.unreadable) == 1
    result = check_pact(broken, document())
    assert not result.ok
    item, unread = result.interactions
    assert item.ok
    assert [(f.severity, f.code) for f in unread.findings] == [
        ("unchecked", "unreadable-interaction")]
    assert "cannot be read, so it was not compared" in unread.findings[0].message


def test_a_pact_without_interactions_is_not_a_pass() -> None:
    result = check_pact(pact(), document())
    assert not result.ok
    assert result.interactions[0].findings[0].code == "no-interactions"


def test_a_non_json_response_body_is_compared_by_media_type_only() -> None:
    raw = interaction(response_body=None)
    raw["response"]["body"] = "<item/>"
    raw["response"]["headers"] = {"Content-Type": "application/xml"}
    [result] = check_pact(pact(raw), document()).interactions
    assert [(f.severity, f.code) for f in result.findings] == [
        ("error", "response-content-type")]
