"""Mistakes in a contract are caught when it is declared, with the interaction named."""

from __future__ import annotations

import pytest

from accord import match
from accord.consumer import Pact
from accord.errors import ContractDefinitionError


def declare(body, *, strict=False, method="GET"):
    pact = Pact("web", "api", strict=strict)
    (
        pact.upon_receiving("the interaction under test")
        .with_request(method, "/")
        .will_respond_with(200)
        .with_body(body)
    )
    return pact.interactions()


@pytest.mark.parametrize(
    "matcher,message",
    [
        (match.regex("abc", r"\d+"), r"'abc' does not match its own pattern"),
        (match.regex("abc", r"[unclosed"), "invalid regular expression"),
        (match.each_like(1, min=3, max=2), "min 3 is greater than max 2"),
        (match.each_like(1, min=2, examples=1), "examples=1 is outside min=2"),
        (match.integer(11, min=1, max=10), "11 is outside min=1 max=10"),
        (match.integer(0, min=1), "0 is outside min=1"),
        (match.integer(1.5), "is not an integer"),
        (match.decimal(2), "is not a decimal"),
        (match.number(1.5, min=1), "min/max can only be enforced on integers"),
        (match.boolean("yes"), "is not a boolean"),
        (match.string("abc", size=2), "is 3 characters, not size=2"),
        (match.date("2024-13-01", "%Y-%m-%d"), "does not match its own format 'yyyy-MM-dd'"),
        (match.date("01/02/2024"), "does not match its own format"),
        (match.time("25:00:00"), "does not match its own format"),
        (match.datetime("yesterday"), "does not match its own format"),
        (match.uuid("not-a-uuid"), "does not match its own pattern"),
        (match.email("nope"), "does not match its own pattern"),
        (match.ipv4("300.1.1.1"), "does not match its own pattern"),
        (match.semver("1.2"), "is not a semantic version"),
        (match.not_empty(""), "is empty"),
        (match.like([1], min=2), "the example has 1 elements"),
        (match.each_key_matches({"Key": 1}, rules=match.regex("a", "[a-z]+")), "key 'Key'"),
    ],
)
def test_bad_matcher_names_interaction_and_path(matcher, message):
    with pytest.raises(ContractDefinitionError) as info:
        declare({"field": matcher})
    text = str(info.value)
    assert "the interaction under test" in text
    assert "$.field" in text
    assert message in text or __import__("re").search(message, text)


def test_swapped_regex_arguments_get_a_hint():
    with pytest.raises(ContractDefinitionError, match=r"swapped\? the order is regex\(example"):
        declare({"id": match.regex(r"\d+", "123")})


def test_status_code_example_outside_class():
    pact = Pact("web", "api")
    pact.upon_receiving("bad status").with_request("GET", "/").will_respond_with(
        match.status_code("success", 404)
    )
    with pytest.raises(ContractDefinitionError, match=r"bad status.*not in class 'success'"):
        pact.interactions()


def test_unknown_status_class():
    with pytest.raises(ContractDefinitionError, match=r"unknown class 'great'"):
        match.status_code("great")


def test_body_on_get_is_allowed_by_default_and_an_error_when_strict():
    assert declare({"a": 1}) and True
    pact = Pact("web", "api", strict=True)
    pact.upon_receiving("a GET with a body").with_request("GET", "/").with_body({"a": 1})
    with pytest.raises(ContractDefinitionError, match=r"a GET with a body.*strict"):
        pact.interactions()
    pact = Pact("web", "api", strict=True)
    pact.upon_receiving("a POST with a body").with_request("POST", "/").with_body({"a": 1})
    assert pact.interactions()


def test_values_that_are_not_json():
    with pytest.raises(ContractDefinitionError, match=r"set value .* at \$.s"):
        declare({"s": {1, 2}})
    with pytest.raises(ContractDefinitionError, match=r"not valid JSON"):
        declare({"f": float("nan")})


def test_bad_names_and_versions():
    with pytest.raises(ContractDefinitionError, match=r"consumer name"):
        Pact("", "api")
    with pytest.raises(ContractDefinitionError, match=r"unknown Pact Specification"):
        Pact("a", "b").with_specification("V9")
    assert Pact("a", "b").with_specification("1.1").specification.name == "V2"  # logged
    with pytest.raises(ContractDefinitionError, match=r"unknown kind"):
        Pact("a", "b").upon_receiving("x", "carrier-pigeon")
    with pytest.raises(ContractDefinitionError, match=r"status must be an HTTP status"):
        p = Pact("a", "b")
        p.upon_receiving("x").will_respond_with(1000)
        p.interactions()


def test_header_with_structure_inside_is_rejected():
    pact = Pact("a", "b")
    pact.upon_receiving("odd header").with_request("GET", "/").with_header(
        "X", match.like({"a": match.integer(1)})
    )
    with pytest.raises(ContractDefinitionError, match=r"odd header.*single value"):
        pact.interactions()


def test_sync_message_without_response():
    pact = Pact("a", "b")
    pact.upon_receiving("lonely request", kind="sync").with_request({"a": 1})
    with pytest.raises(ContractDefinitionError, match=r"lonely request.*at least one"):
        pact.interactions()


def test_messages_need_v3():
    pact = Pact("a", "b").with_specification("V2")
    pact.upon_receiving("an event", kind="async").with_content({"a": 1})
    with pytest.raises(ContractDefinitionError, match=r"an event.*V3 or later"):
        pact.interactions()


def test_sync_messages_need_v4():
    pact = Pact("a", "b").with_specification("V3")
    pact.upon_receiving("a call", kind="sync").with_request({"a": 1}).will_respond_with({"b": 2})
    with pytest.raises(ContractDefinitionError, match=r"a call.*V4"):
        pact.interactions()
