"""Small pure pieces: building the wire request, reading the wire response, producer results,
handler signatures."""

from __future__ import annotations

import httpx

from accord.model import Body, HttpRequest, MessageContents
from accord.verifier.messages import Message, to_contents
from accord.verifier.states import call_flexibly
from accord.verifier.transports import response_from_wire, wire_request


def test_wire_request_encodes_path_query_headers_and_body() -> None:
    req = HttpRequest(method="post", path="/a b/ü", query={"q": ("x y", "1&2"), "flag": (None,)},
                      headers={"Accept": ("application/json", "text/plain"), "X-Old": ("1",)},
                      body=Body.of_json({"a": 1}))
    wire = wire_request(req, "http://127.0.0.1:9/base/", [("x-old", "2")])
    assert wire.method == "POST"
    assert str(wire.url) == "http://127.0.0.1:9/base/a%20b/%C3%BC?q=x%20y&q=1%262&flag"
    assert wire.headers.get_list("accept") == ["application/json", "text/plain"]
    assert wire.headers.get_list("x-old") == ["2"]
    assert wire.headers["content-type"] == "application/json"
    assert wire.content == b'{"a":1}'


def test_response_from_wire() -> None:
    reply = httpx.Response(201, headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
                                         ("Content-Type", "application/json")], content=b"[1]")
    resp = response_from_wire(reply)
    assert resp.status == 201 and resp.header("set-cookie") == ("a=1", "b=2")
    assert resp.body.json == [1]
    assert not response_from_wire(httpx.Response(204)).body.is_present


def test_producer_results_become_message_contents() -> None:
    assert to_contents({"a": 1}).body.json == {"a": 1}
    assert to_contents({"a": 1}).metadata == {"contentType": "application/json"}
    text = to_contents(Message("hi", metadata={"k": "v"}, content_type="text/plain"))
    assert (text.body.text, text.metadata) == ("hi", {"k": "v", "contentType": "text/plain"})
    raw = to_contents((b"\x00\x01", {"contentType": "application/octet-stream"}))
    assert raw.body.content == b"\x00\x01"
    same = MessageContents(body=Body.of_text("x"))
    assert to_contents(same) is same


def test_call_flexibly_passes_what_the_signature_asks_for() -> None:
    available = {"state": "s", "action": "setup", "params": {"id": 1}, "id": 1}
    assert call_flexibly(lambda: "none", available) == "none"
    assert call_flexibly(lambda state, action: (state, action), available) == ("s", "setup")
    assert call_flexibly(lambda id: id, available) == 1
    assert call_flexibly(lambda **kw: sorted(kw), available) == ["action", "id", "params",
                                                                  "state"]
    assert call_flexibly(lambda whatever: whatever, available, fallback={"id": 1}) == {"id": 1}
