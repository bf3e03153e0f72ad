"""Generators applied to requests, responses and messages, in consumer and provider mode."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accord.errors import GeneratorError
from accord.generation import (
    GeneratorContext,
    apply_body_generators,
    generate_message,
    generate_request,
    generate_response,
)
from accord.model import (
    Body,
    Generator,
    HttpRequest,
    MessageContents,
    load_message_contents,
    load_request,
    load_response,
)

NOW = datetime(2000, 1, 1, 10, 0, tzinfo=UTC)
COMPAT = Path(__file__).resolve().parents[1] / "data" / "pact-compat-suite" / "fixtures"
assert COMPAT.is_dir(), f"test data missing: {COMPAT}"
BASIC = {"one": "a", "two": "b"}


def ctx(mode="consumer", **kw) -> GeneratorContext:
    return GeneratorContext(mode, now=NOW, random=random.Random(kw.pop("seed", 1)), **kw)


def request_with(generators, body=BASIC, **kw):
    data = {"method": "GET", "path": "/", "generators": generators, **kw}
    if body is not None:
        data["body"] = body
        data.setdefault("headers", {"Content-Type": "application/json"})
    return load_request(data, "3.0.0")


# --------------------------------------------------------------------------- compat fixtures

EXPECTED = {
    "randomint-generator.json": lambda v: isinstance(v, str) and v.isdigit(),
    "randomdec-generator.json": lambda v: re.fullmatch(r"\d+\.\d+", v),
    "randomhex-generator.json": lambda v: re.fullmatch(r"[0-9A-Fa-f]{6}", v),
    "randomstr-generator.json": lambda v: isinstance(v, str) and len(v) == 6,
    "randomregex-generator.json": lambda v: re.fullmatch(r"\d{1,8}", v),
    "date-generator.json": lambda v: re.fullmatch(r"\d{4}-\d{2}-\d{2}", v),
    "time-generator.json": lambda v: re.fullmatch(r"\d{2}:\d{2}:\d{2}", v),
    "datetime-generator.json": lambda v: re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", v),
    "uuid-generator.json": lambda v: re.fullmatch(r"[0-9a-f-]{36}", v),
    "uuid-generator-simple.json": lambda v: re.fullmatch(r"[0-9a-f]{32}", v),
    "uuid-generator-lower-case-hyphenated.json": lambda v: re.fullmatch(r"[0-9a-f-]{36}", v),
    "uuid-generator-upper-case-hyphenated.json": lambda v: re.fullmatch(r"[0-9A-F-]{36}", v),
    "uuid-generator-urn.json": lambda v: v.startswith("urn:uuid:"),
    "boolean-generator.json": lambda v: isinstance(v, bool),
}


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
@pytest.mark.parametrize("mode", ["consumer", "provider"])
def test_compat_suite_generators_replace_the_body_value(fixture, mode):
    generators = json.loads((COMPAT / fixture).read_text())
    out = generate_request(request_with(generators), ctx(mode))
    assert EXPECTED[fixture](out.body.json["one"]), out.body.json
    assert out.body.json["two"] == "b"


def test_compat_provider_state_generator_in_provider_mode_only():
    generators = json.loads((COMPAT / "providerstate-generator.json").read_text())
    req = request_with(generators)
    assert generate_request(req, ctx("provider", provider_state={"id": 1000})
                            ).body.json["one"] == 1000
    assert generate_request(req, ctx("consumer", provider_state={"id": 1000})) is req


def test_compat_mock_server_url_generator_in_consumer_mode_only():
    generators = json.loads((COMPAT / "mockserver-generator.json").read_text())
    req = request_with(generators)
    out = generate_request(req, ctx("consumer", mock_server_url="http://somewhere.world"))
    assert out.body.json["one"] == "http://somewhere.world/a"
    assert generate_request(req, ctx("provider", mock_server_url="http://x")) is req


# --------------------------------------------------------------------------- HTTP parts


def test_path_header_query_generators():
    req = request_with({
        "path": {"type": "ProviderState", "expression": "/path/${id}"},
        "header": {"X-TEST": {"type": "RandomInt", "min": 1, "max": 10}},
        "query": {"v1": {"type": "RandomInt", "min": 1, "max": 10}},
    }, body=None)
    out = generate_request(req, ctx("provider", provider_state={"id": 1000}))
    assert out.path == "/path/1000"
    assert re.fullmatch(r"\d+", out.header("X-TEST")[0])
    assert re.fullmatch(r"\d+", out.query["v1"][0])


def test_header_and_query_generators_apply_to_every_value():
    req = load_request({
        "method": "GET", "path": "/", "query": {"ids": ["1", "2", "3"]},
        "headers": {"x-trace": ["a", "b"]},
        "generators": {"query": {"ids": {"type": "Regex", "regex": "id-[0-9]{3}"}},
                       "header": {"X-Trace": {"type": "Uuid"}}},
    }, "4.0")
    out = generate_request(req, ctx())
    ids = out.query["ids"]
    assert len(ids) == 3 and all(re.fullmatch(r"id-\d{3}", v) for v in ids)
    assert set(out.headers) == {"x-trace"} and len(out.headers["x-trace"]) == 2
    assert out.headers["x-trace"][0] != out.headers["x-trace"][1]


def test_missing_provider_state_value_keeps_the_example():
    req = request_with({"path": {"type": "ProviderState", "expression": "/p/${id}"},
                        "header": {"X-Id": {"type": "ProviderState", "expression": "${id}"}}},
                       body=None, path="/p/1")
    out = generate_request(req, ctx("provider", provider_state={}))
    assert out.path == "/p/1" and out.header("X-Id") is None


def test_response_status_header_body():
    resp = load_response({
        "status": 200, "headers": {"Content-Type": "application/json"},
        "body": {"id": 1, "items": [{"id": 1}, {"id": 2}], "link": "http://old/orders/1"},
        "generators": {
            "status": {"type": "RandomInt", "min": 201, "max": 599},
            "header": {"X-Request-Id": {"type": "Uuid", "format": "simple"}},
            "body": {"$.items[*].id": {"type": "RandomInt", "min": 100, "max": 200},
                     "$.link": {"type": "MockServerURL", "regex": r".*(/orders/\d+)",
                                "example": "http://old/orders/1"}},
        },
    }, "3.0.0")
    out = generate_response(resp, ctx(mock_server_url="http://127.0.0.1:9999"))
    assert 201 <= out.status <= 599
    assert re.fullmatch(r"[0-9a-f]{32}", out.header("X-Request-Id")[0])
    assert all(100 <= item["id"] <= 200 for item in out.body.json["items"])
    assert out.body.json["id"] == 1
    assert out.body.json["link"] == "http://127.0.0.1:9999/orders/1"
    assert out.body.content_type == "application/json"


def test_status_from_provider_state_text_becomes_a_number():
    resp = load_response({"status": 200, "generators": {
        "status": {"type": "ProviderState", "expression": "${code}"}}}, "3.0.0")
    assert generate_response(resp, ctx("provider", provider_state={"code": "204"})).status == 204
    with pytest.raises(GeneratorError, match="not a status code"):
        generate_response(resp, ctx("provider", provider_state={"code": "nope"}))


def test_no_generators_returns_the_same_object():
    req = HttpRequest(path="/x")
    assert generate_request(req, ctx()) is req


def test_same_seed_same_request():
    req = request_with({"body": {"$.one": {"type": "RandomString", "size": 12}}})
    assert generate_request(req, ctx(seed=4)) == generate_request(req, ctx(seed=4))


# --------------------------------------------------------------------------- bodies


@pytest.mark.parametrize(("path", "document", "expected"), [
    ("$.a.b", {"a": {"b": 1, "c": 2}}, {"a": {"b": "G", "c": 2}}),
    ("$.items[*].id", {"items": [{"id": 1}, {"id": 2}]}, {"items": [{"id": "G"}, {"id": "G"}]}),
    ("$[0]", [1, 2], ["G", 2]),
    ("$[*]", [1, 2], ["G", "G"]),
    ("$.*", {"x": 1, "y": 2}, {"x": "G", "y": "G"}),
    ("$['a.b']", {"a.b": 1}, {"a.b": "G"}),
    ("$", {"whole": 1}, "G"),
    ("$.missing", {"a": 1}, {"a": 1}),
    ("$.a[5]", {"a": [1]}, {"a": [1]}),
])
def test_body_paths(path, document, expected):
    body = Body.of_json(document)
    gens = {path: Generator("ProviderState", {"expression": "${v}"})}
    out = apply_body_generators(body, gens, ctx("provider", provider_state={"v": "G"}))
    assert out.json == expected
    if document == expected:
        assert out is body


def test_shallow_paths_apply_before_deep_ones():
    body = Body.of_json({"a": 1})
    gens = {"$.a.b": Generator("ProviderState", {"expression": "${b}"}),
            "$.a": Generator("ProviderState", {"expression": "${a}"})}
    out = apply_body_generators(body, gens,
                                ctx("provider", provider_state={"a": {"b": 0}, "b": 5}))
    assert out.json == {"a": {"b": 5}}


def test_form_body():
    body = Body.of_bytes(b"a=1&b=2", "application/x-www-form-urlencoded")
    out = apply_body_generators(body, {"$.b": Generator("RandomInt", {"min": 7, "max": 7})},
                                ctx())
    assert out.content == b"a=1&b=7"


def test_text_and_missing_bodies_are_left_alone():
    text = Body.of_text("hello", "text/plain")
    gens = {"$.a": Generator("RandomInt", {})}
    assert apply_body_generators(text, gens, ctx()) is text
    assert apply_body_generators(Body.missing(), gens, ctx()) is Body.missing()


# --------------------------------------------------------------------------- messages


def test_message_body_and_metadata():
    contents = load_message_contents({
        "contents": {"id": 1, "name": "x"},
        "metadata": {"contentType": "application/json", "partition": 0},
        "generators": {"content": {"$.id": {"type": "RandomInt", "min": 5, "max": 6}},
                       "metadata": {"partition": {"type": "RandomInt", "min": 1, "max": 3},
                                    "trace": {"type": "ProviderState",
                                              "expression": "${trace}"}}},
    }, "4.0")
    out = generate_message(contents, ctx("provider", provider_state={"trace": "t-1"}))
    assert out.body.json["id"] in (5, 6) and out.body.json["name"] == "x"
    assert out.metadata["partition"] in (1, 2, 3)
    assert out.metadata["trace"] == "t-1"
    assert out.metadata["contentType"] == "application/json"


def test_message_without_generators_is_unchanged():
    contents = MessageContents(body=Body.of_json({"a": 1}))
    assert generate_message(contents, ctx()) is contents


# --------------------------------------------------------------------------- XML bodies

XML = (b'<?xml version="1.0"?><ns:root xmlns:ns="urn:x"><ns:item id="1">a</ns:item>'
       b'<ns:item id="2">b</ns:item><other>z</other></ns:root>')


def test_xml_attributes_and_text():
    body = Body.of_bytes(XML, "application/xml")
    gens = {"$['ns:root']['ns:item']['@id']": Generator("RandomInt", {"min": 5, "max": 5}),
            "$.root.other['#text']": Generator("Regex", {"regex": "q{3}"}),
            "$.root.item[1]['#text']": Generator("RandomString", {"size": 4})}
    out = apply_body_generators(body, gens, ctx())
    text = out.content.decode()
    assert text.count('id="5"') == 2 and "<other>qqq</other>" in text
    assert '<ns:item id="5">a</ns:item>' in text
    assert re.search(r'<ns:item id="5">[A-Za-z0-9]{4}</ns:item>', text)
    assert 'xmlns:ns="urn:x"' in text and out.content_type == "application/xml"


def test_xml_without_matches_or_with_entities_is_left_alone():
    body = Body.of_bytes(XML, "application/xml")
    gens = {"$.root.missing['#text']": Generator("RandomInt", {})}
    assert apply_body_generators(body, gens, ctx()) is body
    bomb = Body.of_bytes(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
                         "application/xml")
    assert apply_body_generators(bomb, {"$.a['#text']": Generator("RandomInt", {})},
                                 ctx()) is bomb


def test_the_contexts_catalogue_generates_bodies_of_its_content_types():
    from accord.model.catalogue import Catalogue

    seen: list[tuple[str, list[str]]] = []

    def shout(body, generators, context):
        seen.append((context.mode, sorted(generators)))
        return Body.of_text(body.text.upper(), body.content_type)

    catalogue = Catalogue().with_body_generator("text/x-shout", shout)
    body = Body.of_text("hello", "text/x-shout; charset=utf-8")
    gens = {"$": Generator("RandomString", {}), "$.p": Generator("ProviderState",
                                                                {"expression": "x"})}
    assert apply_body_generators(body, gens, ctx(catalogue=catalogue)).text == "HELLO"
    assert seen == [("consumer", ["$"])]  # the generators of the mode only
    assert apply_body_generators(body, gens, ctx()) is body  # without it: left as it is
    json_body = Body.of_json({"a": 1})
    changed = apply_body_generators(json_body, {"$.a": Generator("RandomInt", {})},
                                    ctx(catalogue=catalogue))
    assert changed is not json_body and seen == [("consumer", ["$"])]  # JSON stays built in
