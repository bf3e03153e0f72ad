"""Property: whatever a test declares, the example and every generated value satisfy the rules
the DSL wrote for them (checked by accord.matching), in requests, responses and messages."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from accord import generate, match
from accord.consumer import Pact
from accord.generation import GeneratorContext, generate_message, generate_response
from accord.matching import match_message, match_response
from accord.model import HttpResponse, MessageContents

LEAVES = [
    lambda: match.like(5),
    lambda: match.integer(7, min=1, max=9),
    lambda: match.integer(),
    lambda: match.decimal(1.5),
    lambda: match.decimal(),
    lambda: match.number(3),
    lambda: match.boolean(True),
    lambda: match.boolean(),
    lambda: match.string("s"),
    lambda: match.string(size=6),
    lambda: match.regex("ab12", r"[a-z]+\d+"),
    lambda: match.regex(pattern=r"[A-F]{2}-\d{3}"),
    lambda: match.date("2024-02-29"),
    lambda: match.date(format="%d.%m.%Y"),
    lambda: match.time(),
    lambda: match.datetime(),
    lambda: match.datetime("2024-01-02 03:04", "%Y-%m-%d %H:%M"),
    lambda: match.includes("x"),
    lambda: match.null(),
    lambda: match.equality("exact"),
    lambda: match.uuid(),
    lambda: match.uuid(format="urn"),
    lambda: match.email(),
    lambda: match.ipv4(),
    lambda: match.ipv6(),
    lambda: match.hexadecimal(),
    lambda: match.hexadecimal(digits=8),
    lambda: match.semver("2.0.0-rc.1"),
    lambda: match.not_empty("v"),
    lambda: match.url("/a/1"),
    lambda: match.from_provider_state("${id}", 3),
    lambda: generate.random_int(-5, 5),
    lambda: generate.random_string(3),
    lambda: generate.random_hex(4),
    lambda: generate.regex(r"\d{2}[a-z]"),
    lambda: generate.datetime("yyyy-MM-dd'T'HH:mm:ss.SSS"),
    lambda: generate.date(),
    lambda: generate.time("HH:mm"),
    lambda: generate.random_boolean(),
    lambda: generate.random_decimal(5),
    lambda: match.regex("ab1", r"[a-z]+\d") & match.includes("b"),
    lambda: "plain",
    lambda: 42,
    lambda: None,
]

keys = st.sampled_from(["a", "b", "c d", "e-f", "x1"])
leaves = st.sampled_from(LEAVES).map(lambda make: make())
bodies = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.dictionaries(keys, inner, min_size=1, max_size=3),
        st.lists(inner, min_size=1, max_size=2),
        st.builds(lambda v, n: match.each_like(v, min=n), inner, st.integers(0, 3)),
        st.builds(lambda v: match.like(v), st.dictionaries(keys, inner, min_size=1, max_size=2)),
    ),
    max_leaves=6,
)

CTX = GeneratorContext(
    "consumer",
    now=datetime(2024, 6, 1, 12, tzinfo=UTC),
    random=random.Random(3),
    mock_server_url="http://127.0.0.1:1234",
)


def declared_response(body) -> HttpResponse:
    pact = Pact("web", "api")
    pact.upon_receiving("prop").with_request("GET", "/").will_respond_with(200).with_body(
        {"root": body}
    )
    (model,) = pact.interactions()
    return model.response


@settings(max_examples=80, deadline=None)
@given(bodies)
def test_examples_and_generated_values_satisfy_their_rules(body):
    expected = declared_response(body)
    result = match_response(expected, expected)
    assert result.ok, [m.message for m in result.mismatches]
    generated = generate_response(expected, CTX)
    result = match_response(expected, generated)
    assert result.ok, (generated.body.json, [m.message for m in result.mismatches])


@settings(max_examples=40, deadline=None)
@given(bodies)
def test_messages_generated_for_handlers_satisfy_their_rules(body):
    pact = Pact("web", "api")
    pact.upon_receiving("prop", kind="async").with_content({"root": body}).with_metadata(
        {"key": match.regex("k-1", r"k-\d")}
    )
    (model,) = pact.interactions()
    contents: MessageContents = model.contents
    generated = generate_message(contents, CTX)
    result = match_message(contents, generated)
    assert result.ok, [m.message for m in result.mismatches]
