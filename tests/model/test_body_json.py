"""Bodies are read from pact JSON exactly as the official core (pact_models) reads them.

Each expectation below was checked against the official stub server (`pact stub`, which
serves pact_models' reading byte for byte); tests/interop/test_body_fidelity.py repeats
the comparison live."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from accord.model import (
    Body,
    BodyState,
    HttpResponse,
    Pact,
    SynchronousHttp,
    dump_pact,
    load_pact,
    load_response,
)
from accord.model.body_json import (
    decode_canonical_base64,
    detect_official_content_type,
    is_official_binary_type,
    is_official_json_type,
    is_official_text_type,
)

GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
GIF64 = base64.b64encode(GIF).decode()


def v4(body: Any, headers: dict[str, list[str]] | None = None) -> tuple[BodyState, bytes]:
    response = load_response({"status": 200, "body": body, "headers": headers or {}}, "4.0")
    return response.body.state, response.body.content


def v3(body: Any, content_type: str | None) -> tuple[BodyState, bytes]:
    headers = {"Content-Type": content_type} if content_type else {}
    response = load_response({"status": 200, "body": body, "headers": headers}, "3.0.0")
    return response.body.state, response.body.content


P = BodyState.PRESENT


@pytest.mark.parametrize(("body", "expected"), [
    # a string content under a JSON type is a JSON string, whatever it holds
    ({"content": "Fulfilling", "contentType": "application/json", "encoded": False},
     b'"Fulfilling"'),
    ({"content": "Fulfilling", "contentType": "application/json"}, b'"Fulfilling"'),
    ({"content": '{"a":1}', "contentType": "application/json", "encoded": False},
     b'"{\\"a\\":1}"'),
    ({"content": "[1,2]", "contentType": "application/json"}, b'"[1,2]"'),
    ({"content": "Fulfilling", "contentType": "application/vnd.api+json"}, b'"Fulfilling"'),
    # encoded "json" (any case): the content as it is
    ({"content": '{"a":1}', "contentType": "application/json", "encoded": "json"}, b'{"a":1}'),
    ({"content": {"a": 1}, "contentType": "application/json", "encoded": "JSON"}, b'{"a":1}'),
    ({"content": 42, "contentType": "application/json", "encoded": False}, b"42"),
    # only encoded "base64" decodes; true or an unknown scheme keep the text
    ({"content": GIF64, "contentType": "image/gif", "encoded": "base64"}, GIF),
    ({"content": GIF64, "contentType": "image/gif", "encoded": "Base64"}, GIF),
    ({"content": "aGVsbG8=", "contentType": "application/octet-stream", "encoded": True},
     b"aGVsbG8="),
    ({"content": "aGVsbG8=", "contentType": "application/octet-stream", "encoded": "hex"},
     b"aGVsbG8="),
    ({"content": GIF64, "contentType": "image/gif", "encoded": False}, GIF64.encode()),
    ({"content": "not base64!", "contentType": "image/gif", "encoded": "base64"},
     b"not base64!"),
    # text types keep the text; text/json is text for the official core
    ({"content": '"quoted"', "contentType": "text/plain"}, b'"quoted"'),
    ({"content": "Fulfilling", "contentType": "text/json"}, b"Fulfilling"),
    ({"content": ""}, b""),
    ({"contentType": "text/plain"}, b""),
])
def test_v4_bodies_read_as_the_official_core_reads_them(body: Any, expected: bytes) -> None:
    state, content = v4(body)
    assert content == expected
    if expected:
        assert state is P
    else:
        assert state in (BodyState.EMPTY, BodyState.MISSING)


def test_v4_content_type_comes_from_the_body_before_the_headers() -> None:
    # the header says JSON, the body says text: the body wins
    assert v4({"content": "x", "contentType": "text/plain"},
              {"Content-Type": ["application/json"]}) == (P, b"x")
    # no contentType: the header decides (a JSON header makes a JSON string)
    assert v4({"content": "x"}, {"Content-Type": ["application/json"]}) == (P, b'"x"')
    # a binary header does not make plain content base64 in V4
    assert v4({"content": GIF64}, {"Content-Type": ["image/gif"]}) == (P, GIF64.encode())


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (GIF64, "image/gif", GIF),
    (base64.b64encode(b"%PDF-1.4 hello").decode(), "application/pdf", b"%PDF-1.4 hello"),
    ("YWJj", "application/javascript", b"abc"),  # binary for the official core
    ("YWJj", "application/octet-stream", b"abc"),
    ("hello world!", "application/octet-stream", b"hello world!"),  # not base64: kept
    ("YWJj\n", "application/octet-stream", b"YWJj\n"),  # whitespace: not canonical
    ("_-8=", "application/octet-stream", b"_-8="),  # URL-safe alphabet: not standard
    ("YWJj", "application/x-www-form-urlencoded", b"YWJj"),
    ("YWJj", "application/atom+xml", b"YWJj"),
    ("YWJj", "text/plain", b"YWJj"),
    ("YWJj", None, b"YWJj"),
    # JSON: a JSON object or string is JSON text (kept as written); anything else is a string
    ("Fulfilling", "application/json", b'"Fulfilling"'),
    ('"Fulfilling"', "application/json", b'"Fulfilling"'),
    ('{"a": 1}', "application/json", b'{"a": 1}'),
    ("[1,2]", "application/json", b'"[1,2]"'),
    ("42", "application/json", b'"42"'),
    ("[1,2]", None, b'"[1,2]"'),  # detected as JSON, then not an object or string
])
def test_v3_string_bodies_read_as_the_official_core_reads_them(
        body: str, content_type: str | None, expected: bytes) -> None:
    assert v3(body, content_type) == (P, expected)


def test_v3_message_contents_follow_the_metadata_content_type() -> None:
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "messages": [{"description": "logo", "contents": GIF64,
                         "metaData": {"contentType": "image/gif"}}],
           "metadata": {"pactSpecification": {"version": "3.0.0"}}}
    (message,) = load_pact(doc).interactions
    assert message.contents.body.content == GIF


def test_content_type_classes_are_the_official_ones() -> None:
    assert is_official_json_type("application/json; charset=utf-8")
    assert is_official_json_type("application/hal+json")
    assert is_official_json_type("application/graphql")
    assert not is_official_json_type("text/json")
    assert is_official_text_type("text/json")
    assert is_official_text_type("application/xml") and is_official_text_type("text/xml")
    assert is_official_binary_type("application/javascript")
    assert is_official_binary_type("image/svg+xml")  # images are binary whatever the suffix
    assert not is_official_binary_type("text/anything")
    assert detect_official_content_type("  <?xml version='1.0'?><a/>") == "application/xml"
    assert detect_official_content_type("<!doctype html><html>") == "text/html"
    assert detect_official_content_type("<a>x</a>") == "application/xml"
    assert detect_official_content_type('{"a": 1}') == "application/json"
    assert detect_official_content_type("Fulfilling") == "text/plain"


def test_only_canonical_standard_base64_is_decoded() -> None:
    assert decode_canonical_base64("YWJj") == b"abc"
    assert decode_canonical_base64("YWI=") == b"ab"
    for text in ("YWI", "YWJ=", "YW Jj", "YWJj\n", "_-8=", "abc!"):
        assert decode_canonical_base64(text) is None, text


def _roundtrip(body: Body, version: str, headers: dict[str, tuple[str, ...]]) -> Any:
    interaction = SynchronousHttp(description="d", response=HttpResponse(
        status=200, headers=headers, body=body))
    written = dump_pact(Pact(consumer="c", provider="p", interactions=(interaction,)), version)
    back = load_pact(written).interactions[0].response.body
    return written["interactions"][0]["response"]["body"], back


def test_written_bodies_read_back_the_same_bytes() -> None:
    json_ct = {"Content-Type": ("application/json",)}
    # a JSON string body is written as the string, read back as the JSON string
    written, back = _roundtrip(Body.of_json("Fulfilling"), "4.0", json_ct)
    assert written == {"content": "Fulfilling", "contentType": "application/json",
                       "encoded": False}
    assert back.content == b'"Fulfilling"'
    # text under a JSON type that is not JSON goes as base64 (a plain string would be read
    # back as a JSON string), as the official core writes it
    written, back = _roundtrip(Body.of_bytes(b"not json", "application/json"), "4.0", json_ct)
    assert written["encoded"] == "base64"
    assert back.content == b"not json"
    # V3: bytes under a binary Content-Type as base64; readable text that is not base64 as is
    gif_ct = {"Content-Type": ("image/gif",)}
    written, back = _roundtrip(Body.of_bytes(GIF, "image/gif"), "3.0.0", gif_ct)
    assert written == GIF64 and back.content == GIF
    written, back = _roundtrip(Body.of_bytes(b"plain words", "image/gif"), "3.0.0", gif_ct)
    assert written == "plain words" and back.content == b"plain words"
    written, back = _roundtrip(Body.of_bytes(b"YWJj", "image/gif"), "3.0.0", gif_ct)
    assert written == base64.b64encode(b"YWJj").decode() and back.content == b"YWJj"


def test_a_received_json_string_without_content_type_is_json() -> None:
    # pact-jvm's test_pact_with_string_body.json: the V2 body '"This is a string"' without a
    # Content-Type is JSON to the official core (its detection), so the same bytes received
    # without a Content-Type must be JSON too, or they fail with a body type mismatch
    from accord.matching import match_request, match_response
    from accord.model import HttpRequest

    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "2.0.0"}},
           "interactions": [{"description": "d", "request": {
               "method": "POST", "path": "/", "body": '"This is a string"'},
               "response": {"status": 200, "body": '"This is a string"'}}]}
    interaction = load_pact(doc).interactions[0]
    assert isinstance(interaction, SynchronousHttp)
    assert interaction.request.body.content_type == "application/json"
    received = Body.of_bytes(b'"This is a string"')
    assert received.content_type == "application/json"
    assert match_request(interaction.request,
                         HttpRequest(method="POST", path="/", body=received)).ok
    assert match_response(interaction.response, HttpResponse(status=200, body=received)).ok
    assert not match_response(interaction.response, HttpResponse(
        status=200, body=Body.of_bytes(b'"Another string"'))).ok
    assert Body.of_bytes(b'"unterminated').content_type == "text/plain"
