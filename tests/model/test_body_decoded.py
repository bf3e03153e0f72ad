"""``Body.decoded``: the one rule for what a message handler (consumer side) or a message
producer (verifier side) receives as the body."""

from __future__ import annotations

import pytest

from accord.model import Body


@pytest.mark.parametrize(("body", "expected"), [
    (Body.of_json({"id": 1}), {"id": 1}),
    (Body.of_bytes(b'{"id": 1}', "application/vnd.api+json"), {"id": 1}),
    (Body.of_bytes(b"not json", "application/json"), b"not json"),
    (Body.of_text("hello", "text/plain; charset=utf-8"), "hello"),
    (Body.of_text("<a/>", "text/xml"), "<a/>"),
    (Body.of_bytes(b"\x00\x01", "application/octet-stream"), b"\x00\x01"),
    (Body.of_bytes(b"", "text/plain"), None),
], ids=["json", "json suffix", "broken json", "text", "text xml", "binary", "empty"])
def test_decoded(body: Body, expected: object) -> None:
    assert body.decoded == expected
    assert type(body.decoded) is type(expected)
