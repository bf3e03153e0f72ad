"""Reading and writing pact JSON of every specification version."""

from __future__ import annotations

import base64
import json

import pytest

from accord.errors import UnsupportedVersionError
from accord.model import (
    AsynchronousMessage,
    Body,
    BodyState,
    Generator,
    Generators,
    HttpRequest,
    HttpResponse,
    MessageContents,
    Pact,
    ProviderState,
    Rule,
    RuleList,
    SpecVersion,
    SynchronousHttp,
    SynchronousMessages,
    dump_interaction,
    dump_pact,
    load_interaction,
    load_pact,
    parse_query_string,
)


def doc(version: str | None, interactions=None, messages=None, **extra) -> dict:
    out: dict = {"consumer": {"name": "c"}, "provider": {"name": "p"}, **extra}
    if version:
        out["metadata"] = {"pactSpecification": {"version": version}}
    if interactions is not None:
        out["interactions"] = interactions
    if messages is not None:
        out["messages"] = messages
    return out


def roundtrip(data: dict, version: str | None = None) -> tuple[Pact, dict]:
    pact = load_pact(data)
    written = dump_pact(pact, version)
    again = dump_pact(load_pact(json.loads(json.dumps(written))), version)
    assert again == written
    return pact, written


# --------------------------------------------------------------------------- versions


def test_spec_version_parsing():
    assert SpecVersion.parse("1.0.0") is SpecVersion.V1
    assert SpecVersion.parse("1.1") is SpecVersion.V1_1
    assert SpecVersion.parse("v2") is SpecVersion.V2
    assert SpecVersion.parse("3.0.0") is SpecVersion.V3
    assert SpecVersion.parse("4.0") is SpecVersion.V4
    assert SpecVersion.parse("V4") is SpecVersion.V4
    assert SpecVersion.V1 < SpecVersion.V1_1 < SpecVersion.V2 < SpecVersion.V3 < SpecVersion.V4
    assert max(SpecVersion.V3, SpecVersion.V4) is SpecVersion.V4


def test_version_is_detected_without_metadata():
    assert load_pact(doc(None, [])).spec_version is SpecVersion.V3
    assert load_pact(doc(None, [{"type": "Synchronous/HTTP", "description": "d"}])
                     ).spec_version is SpecVersion.V4
    assert load_pact(doc("1.1.0", [])).spec_version is SpecVersion.V1_1
    assert load_pact({**doc(None, []), "metadata": {"pact-specification": {"version": "2.0.0"}}}
                     ).spec_version is SpecVersion.V2


def test_v1_interaction():
    pact, written = roundtrip(doc("1.0.0", [{
        "description": "d", "providerState": "s",
        "request": {"method": "get", "path": "/a", "query": "x=1&y=2&x=3",
                    "headers": {"Accept": "text/plain"}},
        "response": {"status": 200, "body": "hello", "headers": {"Content-Type": "text/plain"}},
    }]))
    i = pact.interactions[0]
    assert isinstance(i, SynchronousHttp)
    assert i.provider_states == (ProviderState("s"),)
    assert i.request.query == {"x": ("1", "3"), "y": ("2",)}
    assert i.request.raw_query == "x=1&y=2&x=3"
    assert i.response.body.text == "hello" and i.response.body.content_type == "text/plain"
    assert written["interactions"][0]["request"]["query"] == "x=1&y=2&x=3"
    assert written["interactions"][0]["providerState"] == "s"
    assert written["metadata"]["pactSpecification"]["version"] == "1.0.0"


def test_v1_1_snake_case_provider_state():
    pact = load_pact(doc("1.1.0", [{"description": "d", "provider_state": "s",
                                    "request": {}, "response": {}}]))
    assert pact.interactions[0].provider_states == (ProviderState("s"),)


def test_v2_flat_rules_are_categorised_and_written_back_flat():
    v2 = doc("2.0.0", [{
        "description": "d",
        "request": {"method": "GET", "path": "/a/1", "query": "x=1",
                    "headers": {"Accept": "text/plain"},
                    "matchingRules": {"$.path": {"regex": "/a/\\d+"},
                                      "$.headers.Accept": {"match": "regex", "regex": "text/.*"},
                                      "$.query.x": {"match": "type"}}},
        "response": {"status": 200, "body": {"a": [1, 2]},
                     "matchingRules": {"$.body.a": {"min": 1}, "$.body.a[*]": {"match": "type"},
                                       "$.body": {"match": "type"}}},
    }])
    pact, written = roundtrip(v2)
    req, resp = pact.interactions[0].request, pact.interactions[0].response
    assert req.matching_rules.category("path")[""].rules == (Rule("regex", {"regex": "/a/\\d+"}),)
    assert "Accept" in req.matching_rules.category("header")
    assert "x" in req.matching_rules.category("query")
    assert set(resp.matching_rules.category("body")) == {"$.a", "$.a[*]", "$"}
    flat = written["interactions"][0]["response"]["matchingRules"]
    assert set(flat) == {"$.body.a", "$.body.a[*]", "$.body"}
    v3 = dump_pact(pact, "3.0.0")["interactions"][0]["request"]["matchingRules"]
    assert v3["path"] == {"matchers": [{"match": "regex", "regex": "/a/\\d+"}]}
    assert v3["header"]["Accept"]["matchers"][0]["regex"] == "text/.*"


def test_v2_cannot_hold_v3_rules():
    pact = load_pact(doc("3.0.0", [{"description": "d", "request": {}, "response": {
        "body": {"a": 1},
        "matchingRules": {"body": {"$.a": {"matchers": [{"match": "integer"}]}}}}}]))
    with pytest.raises(UnsupportedVersionError, match="needs Pact Specification V3"):
        dump_pact(pact, "2.0.0")
    with pytest.raises(UnsupportedVersionError, match=r"matching rules need .* V2"):
        dump_pact(pact, "1.1.0")


def test_v3_http_with_states_rules_and_generators():
    pact, written = roundtrip(doc("3.0.0", [{
        "description": "d",
        "providerStates": [{"name": "s1", "params": {"id": 1}}, {"name": "s2"}],
        "request": {"method": "POST", "path": "/x", "query": {"q": ["1", "2"]},
                    "headers": {"Content-Type": "application/json"}, "body": {"a": 1},
                    "generators": {"path": {"type": "ProviderState", "expression": "/x/${id}"},
                                   "body": {"$.a": {"type": "RandomInt"}}}},
        "response": {"status": 201, "matchingRules": {
            "status": {"matchers": [{"match": "statusCode", "status": "success"}]},
            "header": {"Location": {"matchers": [{"match": "regex", "regex": "/x/\\d+"}],
                                    "combine": "OR"}}}},
    }]))
    i = pact.interactions[0]
    assert i.provider_states == (ProviderState("s1", {"id": 1}), ProviderState("s2"))
    assert i.request.query == {"q": ("1", "2")}
    assert i.request.generators.category("path")[""].kind == "ProviderState"
    assert i.response.matching_rules.category("header")["Location"].combine == "OR"
    out = written["interactions"][0]
    assert out["request"]["generators"]["path"] == {"type": "ProviderState",
                                                   "expression": "/x/${id}"}
    assert out["response"]["matchingRules"]["status"]["matchers"][0]["match"] == "statusCode"
    with pytest.raises(UnsupportedVersionError, match="one provider state without parameters"):
        dump_pact(pact, "2.0.0")


def test_v3_message_pact():
    pact, written = roundtrip(doc("3.0.0", messages=[{
        "description": "m", "providerStates": [{"name": "s"}],
        "contents": {"id": 1}, "metaData": {"contentType": "application/json", "topic": "t"},
        "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
        "generators": {"body": {"$.id": {"type": "RandomInt"}}},
    }]))
    m = pact.interactions[0]
    assert isinstance(m, AsynchronousMessage)
    assert m.contents.body.json == {"id": 1}
    assert m.contents.metadata == {"contentType": "application/json", "topic": "t"}
    assert "$.id" in m.contents.matching_rules.category("body")
    assert "interactions" not in written and len(written["messages"]) == 1
    assert written["messages"][0]["metadata"]["topic"] == "t"
    with pytest.raises(UnsupportedVersionError, match="messages need Pact Specification V3"):
        dump_pact(pact, "2.0.0")


def test_v3_message_with_lower_case_metadata_key():
    pact = load_pact(doc("3.0.0", messages=[{"description": "m", "contents": "text",
                                             "metadata": {"contentType": "text/plain"}}]))
    m = pact.interactions[0]
    assert m.contents.body.text == "text" and m.contents.content_type == "text/plain"


def _v4_all_types() -> dict:
    return doc("4.0", [
        {"type": "Synchronous/HTTP", "description": "http", "key": "k1", "pending": True,
         "comments": {"text": ["a comment"], "testname": "t",
                      "references": {"openapi": {"operationId": "get"}}},
         "request": {"method": "GET", "path": "/", "headers": {"Accept": ["a", "b"]}},
         "response": {"status": 200,
                      "body": {"content": {"ok": True}, "contentType": "application/json",
                               "encoded": False}}},
        {"type": "Asynchronous/Messages", "description": "async",
         "contents": {"content": "AP8=", "contentType": "application/octet-stream",
                      "encoded": "base64"},
         "metadata": {"queue": "q"},
         "matchingRules": {"content": {"$": {"matchers": [
             {"match": "contentType", "value": "application/octet-stream"}]}}},
         "pluginConfiguration": {"protobuf": {"descriptorKey": "x"}},
         "interactionMarkup": {"markup": "# hi", "markupType": "COMMON_MARK"},
         "transport": "kafka"},
        {"type": "Synchronous/Messages", "description": "sync",
         "request": {"contents": {"content": {"q": 1}, "contentType": "application/json"}},
         "response": [{"contents": {"content": "one", "contentType": "text/plain"}},
                      {"contents": {"content": "two", "contentType": "text/plain"}}]},
    ])


def test_v4_all_three_interaction_types():
    pact, written = roundtrip(_v4_all_types())
    http, async_, sync = pact.interactions
    assert isinstance(http, SynchronousHttp) and http.pending and http.key == "k1"
    assert http.comments["testname"] == "t" and http.request.headers["Accept"] == ("a", "b")
    assert http.response.body.json == {"ok": True}
    assert isinstance(async_, AsynchronousMessage)
    assert async_.contents.body.content == b"\x00\xff" and async_.transport == "kafka"
    assert async_.plugin_config == {"protobuf": {"descriptorKey": "x"}}
    assert async_.contents.matching_rules.category("body")["$"].rules[0].kind == "contentType"
    assert isinstance(sync, SynchronousMessages) and len(sync.responses) == 2
    assert [r.body.text for r in sync.responses] == ["one", "two"]
    out = {i["description"]: i for i in written["interactions"]}
    assert out["http"]["key"] == "k1" and out["http"]["pending"] is True
    assert out["async"]["contents"]["encoded"] == "base64"
    assert out["async"]["interactionMarkup"]["markupType"] == "COMMON_MARK"
    # like the official core, a key is written only where the interaction has one
    assert "key" not in out["sync"] and "key" not in out["async"]


def test_v4_only_features_cannot_be_written_as_v3():
    pact = load_pact(_v4_all_types())
    with pytest.raises(UnsupportedVersionError, match="either HTTP interactions or messages"):
        dump_pact(pact, "3.0.0")
    sync = pact.interactions[2]
    with pytest.raises(UnsupportedVersionError, match=r"synchronous messages need .* V4"):
        dump_interaction(sync, "3.0.0")
    with pytest.raises(UnsupportedVersionError, match="V3 cannot hold pending, comments"):
        dump_interaction(pact.interactions[0], "3.0.0")
    only_sync = pact.replace(interactions=(sync,))
    with pytest.raises(UnsupportedVersionError, match="synchronous messages need"):
        dump_pact(only_sync, "3.0.0")


def test_binary_body_needs_v4():
    interaction = SynchronousHttp(description="bin", response=HttpResponse(
        body=Body.of_bytes(b"\x00\xff", "application/octet-stream")))
    pact = Pact(consumer="c", provider="p", interactions=(interaction,))
    written = dump_pact(pact, "4.0")
    body = written["interactions"][0]["response"]["body"]
    assert body == {"content": base64.b64encode(b"\x00\xff").decode(),
                    "contentType": "application/octet-stream", "encoded": "base64"}
    with pytest.raises(UnsupportedVersionError, match="binary body"):
        dump_pact(pact, "3.0.0")  # without a Content-Type header V3 cannot say it is binary
    typed = pact.replace(interactions=(SynchronousHttp(description="bin", response=HttpResponse(
        headers={"Content-Type": ("application/octet-stream",)},
        body=Body.of_bytes(b"\x00\xff", "application/octet-stream"))),))
    v3 = dump_pact(typed, "3.0.0")
    assert v3["interactions"][0]["response"]["body"] == base64.b64encode(b"\x00\xff").decode()
    assert load_pact(v3).interactions[0].response.body.content == b"\x00\xff"


@pytest.mark.parametrize(("raw", "state", "content"), [
    ({"body": None}, BodyState.NULL, b""),
    ({"body": ""}, BodyState.EMPTY, b""),
    ({}, BodyState.MISSING, b""),
    ({"body": {"a": 1}}, BodyState.PRESENT, b'{"a":1}'),
    ({"body": [1, "x"]}, BodyState.PRESENT, b'[1,"x"]'),
    ({"body": "text", "headers": {"Content-Type": "text/plain"}}, BodyState.PRESENT, b"text"),
    # JSON text in a string is kept as written (the official mock serves it byte for byte)
    ({"body": '{"a": 2}', "headers": {"Content-Type": "application/json"}}, BodyState.PRESENT,
     b'{"a": 2}'),
    ({"body": "<a>x</a>", "headers": {"Content-Type": "application/xml"}}, BodyState.PRESENT,
     b"<a>x</a>"),
])
@pytest.mark.parametrize("version", ["2.0.0", "3.0.0", "4.0"])
def test_bodies(raw, state, content, version):
    pact, written = roundtrip(doc(version, [{"description": "d", "request": {},
                                             "response": {"status": 200, **raw}}]))
    body = pact.interactions[0].response.body
    assert body.state is state and body.content == content
    back = load_pact(written).interactions[0].response.body
    assert back.state is state
    assert back.content == body.content or (body.is_json and back.json == body.json)


@pytest.mark.parametrize(("raw", "state", "content", "ctype"), [
    ({"content": None}, BodyState.NULL, b"", None),
    ({"content": ""}, BodyState.EMPTY, b"", None),
    ({"contentType": "text/plain"}, BodyState.MISSING, b"", None),
    ({"content": "aGk=", "encoded": "base64", "contentType": "image/png"}, BodyState.PRESENT,
     b"hi", "image/png"),
    ({"content": '{"a":1}', "encoded": "json", "contentType": "application/json"},
     BodyState.PRESENT, b'{"a":1}', "application/json"),
    ({"content": "x", "contentType": "text/plain", "contentTypeHint": "TEXT"},
     BodyState.PRESENT, b"x", "text/plain"),
])
def test_v4_bodies(raw, state, content, ctype):
    pact, _ = roundtrip(doc("4.0", [{"type": "Synchronous/HTTP", "description": "d",
                                     "request": {"method": "PUT", "path": "/", "body": raw}}]))
    body = pact.interactions[0].request.body
    assert body.state is state and body.content == content
    if ctype:
        assert body.content_type == ctype


def test_mixed_v3_and_v4_http_in_one_v4_file():
    pact, written = roundtrip(doc("4.0", [
        {"description": "old style", "request": {"method": "GET", "path": "/"},
         "response": {"status": 200}},
        {"type": "Synchronous/HTTP", "description": "new style",
         "request": {"method": "GET", "path": "/"}, "response": {"status": 200}},
    ]))
    assert all(isinstance(i, SynchronousHttp) for i in pact.interactions)
    assert [i["type"] for i in written["interactions"]] == ["Synchronous/HTTP"] * 2


def test_unknown_fields_are_kept_and_written_back():
    data = doc("4.0", [{"type": "Synchronous/HTTP", "description": "d", "x-custom": {"a": 1},
                        "request": {"method": "GET", "path": "/"}, "response": {"status": 200}}],
               extraTopLevel=[1, 2])
    data["metadata"]["pactRust"] = {"models": "1.0"}
    pact, written = roundtrip(data)
    assert pact.extra == {"extraTopLevel": [1, 2]}
    assert pact.interactions[0].extra == {"x-custom": {"a": 1}}
    assert written["extraTopLevel"] == [1, 2]
    assert written["interactions"][0]["x-custom"] == {"a": 1}
    assert written["metadata"]["pactRust"] == {"models": "1.0"}
    v3 = dump_pact(pact.replace(interactions=(pact.interactions[0].replace(pending=False),)),
                   "3.0.0")
    assert v3["interactions"][0]["x-custom"] == {"a": 1}


def test_headers_are_joined_for_v3_and_listed_for_v4():
    interaction = SynchronousHttp(description="h", request=HttpRequest(
        headers={"Accept": ("a", "b")}))
    pact = Pact(consumer="c", provider="p", interactions=(interaction,))
    assert dump_pact(pact, "3.0.0")["interactions"][0]["request"]["headers"] == {"Accept": "a, b"}
    assert dump_pact(pact, "4.0")["interactions"][0]["request"]["headers"] == {
        "Accept": ["a", "b"]}


def test_query_strings():
    assert parse_query_string("a=1&b=2&a=3") == {"a": ("1", "3"), "b": ("2",)}
    assert parse_query_string("?flag&x=") == {"flag": (None,), "x": ("",)}
    assert parse_query_string("q=a%20b&r=c+d") == {"q": ("a b",), "r": ("c d",)}
    interaction = SynchronousHttp(description="q", request=HttpRequest(
        query={"a b": ("1&2",), "flag": (None,)}))
    pact = Pact(consumer="c", provider="p", interactions=(interaction,))
    text = dump_pact(pact, "2.0.0")["interactions"][0]["request"]["query"]
    assert text == "a%20b=1%262&flag"
    assert parse_query_string(text) == {"a b": ("1&2",), "flag": (None,)}


def test_message_rules_and_generators_in_v4_are_read_from_content_or_body():
    for category in ("content", "body"):
        pact = load_pact(doc("4.0", [{
            "type": "Asynchronous/Messages", "description": "m",
            "contents": {"content": {"a": 1}, "contentType": "application/json"},
            "matchingRules": {category: {"$.a": {"matchers": [{"match": "integer"}]}}},
            "generators": {category: {"$.a": {"type": "RandomInt"}}}}]))
        contents = pact.interactions[0].contents
        assert "$.a" in contents.matching_rules.category("body")
        assert "$.a" in contents.generators.category("body")


def test_load_interaction_and_dump_interaction():
    message = load_interaction({"description": "m", "contents": {"a": 1}}, "3.0.0")
    assert isinstance(message, AsynchronousMessage)
    http = load_interaction({"description": "h", "request": {"path": "/x"}}, "3.0.0")
    assert isinstance(http, SynchronousHttp) and http.request.path == "/x"
    out = dump_interaction(SynchronousMessages(
        description="s", request=MessageContents(body=Body.of_text("ping", "text/plain")),
        responses=(MessageContents(body=Body.of_text("pong", "text/plain"),
                                   generators=Generators().with_generator(
                                       "body", "$", Generator("RandomString", {}))),)))
    assert out["type"] == "Synchronous/Messages"
    assert out["response"][0]["contents"]["content"] == "pong"
    assert out["response"][0]["generators"] == {"body": {"$": {"type": "RandomString"}}}


def test_unique_key():
    a = SynchronousHttp(description="d", provider_states=(ProviderState("s", {"x": 1}),))
    b = SynchronousHttp(description="d", provider_states=(ProviderState("s", {"x": 2}),))
    assert a.unique_key == b.unique_key == ("d", ("s",))


def test_rule_list_written_with_combine_only_when_or():
    interaction = SynchronousHttp(description="r", response=HttpResponse(
        body=Body.of_json({"a": 1}),
        matching_rules=__import__("accord.model", fromlist=["MatchingRules"]).MatchingRules(
            {"body": {"$.a": RuleList((Rule("integer"), Rule("type")), "OR")}})))
    pact = Pact(consumer="c", provider="p", interactions=(interaction,))
    rules = dump_pact(pact, "3.0.0")["interactions"][0]["response"]["matchingRules"]
    assert rules["body"]["$.a"] == {"matchers": [{"match": "integer"}, {"match": "type"}],
                                    "combine": "OR"}


def test_dump_interaction_refuses_a_message_for_v2():
    message = load_interaction(
        {"description": "an event", "contents": {"id": 1}, "metadata": {}}, "3.0.0"
    )
    with pytest.raises(UnsupportedVersionError, match="messages need Pact Specification V3"):
        dump_interaction(message, "2.0.0")
