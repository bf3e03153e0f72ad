"""Method, path, query, headers, status and message metadata; mismatch wording and JSON form."""

from __future__ import annotations

from accord_matching_helpers import message, request, response

from accord.matching import Mismatch, match_message, match_request, match_response
from accord.model import Body, HttpRequest, SpecVersion, load_request


def test_method_is_case_insensitive() -> None:
    assert match_request(request(method="POST"), request(method="post")).ok
    result = match_request(request(method="POST"), request(method="GET"))
    assert [(m.kind, m.message) for m in result.mismatches] == [
        ("MethodMismatch", "Expected method POST but was GET")
    ]


def test_path_equality_and_regex_rule() -> None:
    result = match_request(request(path="/a"), request(path="/b"))
    assert [(m.kind, m.message) for m in result.mismatches] == [
        ("PathMismatch", "Expected path '/a' but was '/b'")
    ]
    rules = {"path": {"matchers": [{"match": "regex", "regex": "/users/\\d+"}]}}
    expected = request(path="/users/1", rules=rules)
    assert match_request(expected, request(path="/users/42")).ok
    assert not match_request(expected, request(path="/users/x")).ok


def test_query_order_of_keys_is_free_but_value_order_matters() -> None:
    expected = request(query={"a": ["1", "2"], "b": ["x"]})
    assert match_request(expected, request(query={"b": ["x"], "a": ["1", "2"]})).ok
    result = match_request(expected, request(query={"b": ["x"], "a": ["2", "1"]}))
    assert [m.message for m in result.mismatches] == [
        "Expected query parameter 'a' with value '1' but was '2'",
        "Expected query parameter 'a' with value '2' but was '1'",
    ]


def test_query_missing_and_unexpected_parameters() -> None:
    result = match_request(request(query={"a": ["1"]}), request(query={"b": ["2"]}))
    assert [(m.kind, m.path, m.message) for m in result.mismatches] == [
        ("QueryMismatch", "a", "Expected query parameter 'a' but was missing"),
        ("QueryMismatch", "b", "Unexpected query parameter 'b' received"),
    ]


def test_query_percent_decoding() -> None:
    expected = load_request({"method": "GET", "path": "/", "query": "q=a%3Db"}, SpecVersion.V2)
    actual = load_request({"method": "GET", "path": "/", "query": "q=a=b"}, SpecVersion.V2)
    assert match_request(expected, actual, spec=SpecVersion.V2).ok


def test_v1_query_is_compared_as_a_string() -> None:
    expected = load_request({"method": "GET", "path": "/", "query": "a=1&b=2"}, SpecVersion.V1)
    actual = load_request({"method": "GET", "path": "/", "query": "b=2&a=1"}, SpecVersion.V1)
    assert not match_request(expected, actual, spec=SpecVersion.V1).ok
    assert match_request(expected, actual, spec=SpecVersion.V1_1).ok


def test_query_rule_with_min_applies_to_every_value() -> None:
    rules = {"query": {"id": {"matchers": [{"match": "regex", "regex": "\\d+", "min": 1}]}}}
    expected = request(query={"id": ["1"]}, rules=rules)
    assert match_request(expected, request(query={"id": ["1", "22", "333"]})).ok
    assert not match_request(expected, request(query={"id": ["1", "x"]})).ok


def test_header_names_are_case_insensitive_and_extra_headers_allowed() -> None:
    expected = request(headers={"X-Thing": "a"})
    assert match_request(expected, request(headers={"x-thing": "a", "X-Other": "b"})).ok
    result = match_request(expected, request(headers={}))
    assert [(m.kind, m.path, m.message) for m in result.mismatches] == [
        ("HeaderMismatch", "X-Thing", "Expected a header 'X-Thing' but was missing")
    ]


def test_header_values_ignore_whitespace_after_commas_but_not_case() -> None:
    expected = request(headers={"X-List": "a, b,c"})
    assert match_request(expected, request(headers={"X-List": "a,b, c"})).ok
    result = match_request(
        request(headers={"X-Name": "alligators"}), request(headers={"X-Name": "Alligators"})
    )
    assert result.mismatches[0].message == (
        "Expected header 'X-Name' to have value 'alligators' but was 'Alligators'"
    )


def test_content_type_parameters() -> None:
    def ct(e: str, a: str) -> bool:
        return match_request(
            request(headers={"Content-Type": e}), request(headers={"Content-Type": a})
        ).ok

    assert ct("application/json", "application/json;charset=UTF-8")
    assert ct("application/json;charset=UTF-8", "application/json; charset=utf-8")
    assert ct("text/plain;a=1;charset=utf-8", "text/plain;charset=UTF-8;a=1")
    assert not ct("application/json;charset=UTF-8", "application/json")
    assert not ct("application/json;charset=UTF-16", "application/json;charset=UTF-8")


def test_accept_header_values_with_parameters() -> None:
    expected = request(
        headers={"Accept": "text/html, application/xhtml+xml, application/xml, image/webp, */*"}
    )
    good = request(
        headers={
            "Accept": "text/html, application/xhtml+xml, application/xml;q=0.9, image/webp, "
            "*/*;q=0.8"
        }
    )
    bad = request(headers={"Accept": "text/html, application/xml;q=0.9, image/webp, */*;q=0.8"})
    assert match_request(expected, good).ok
    assert not match_request(expected, bad).ok


def test_header_regex_rule() -> None:
    rules = {"header": {"X-Id": {"matchers": [{"match": "regex", "regex": "[a-f0-9]{4}"}]}}}
    expected = request(headers={"X-Id": "abcd"}, rules=rules)
    assert match_request(expected, request(headers={"x-id": "0f0f"})).ok
    result = match_request(expected, request(headers={"x-id": "zzzz"}))
    assert (
        result.mismatches[0].message
        == "Mismatch with header 'X-Id': Expected 'zzzz' to match '[a-f0-9]{4}'"
    )


def test_mismatch_json_uses_official_field_names() -> None:
    result = match_request(
        request({"a": 1}, query={"q": ["1"]}, headers={"X": "1"}),
        request({"a": 2}, query={"q": ["2"]}, headers={"X": "2"}),
    )
    by_type = {m["type"]: m for m in result.to_json()}
    assert by_type["BodyMismatch"] == {
        "type": "BodyMismatch",
        "path": "$.a",
        "expected": "1",
        "actual": "2",
        "mismatch": "Expected 2 (Integer) to be equal to 1 (Integer)",
    }
    assert by_type["QueryMismatch"]["parameter"] == "q"
    assert by_type["HeaderMismatch"]["key"] == "X"
    assert set(by_type["HeaderMismatch"]) == {"type", "key", "expected", "actual", "mismatch"}


def test_score_prefers_the_closest_interaction() -> None:
    actual = request({"a": 1, "b": 2}, path="/things", query={"x": ["1"]})
    exact = match_request(request({"a": 1, "b": 2}, path="/things", query={"x": ["1"]}), actual)
    one_off = match_request(request({"a": 1, "b": 3}, path="/things", query={"x": ["1"]}), actual)
    two_off = match_request(request({"a": 0, "b": 3}, path="/things", query={"x": ["2"]}), actual)
    other_path = match_request(request({"a": 1, "b": 2}, path="/other", query={"x": ["1"]}), actual)
    other_method = match_request(
        request({"a": 1, "b": 2}, path="/things", method="PUT", query={"x": ["1"]}), actual
    )
    assert exact.score > one_off.score > two_off.score > other_path.score
    assert two_off.score > other_method.score
    assert exact.ok and not one_off.ok


def test_unexpected_request_from_the_wire() -> None:
    expected = request({"a": 1})
    actual = HttpRequest(
        method="POST",
        path="/",
        headers={"Content-Type": ("application/json",)},
        body=Body.of_bytes(b'{"a": 1}', "application/json"),
        query={},
    )
    assert match_request(expected, actual).ok
    missing = HttpRequest(method="POST", path="/", body=Body.missing(), query={})
    result = match_request(expected, missing)
    assert [m.kind for m in result.mismatches] == ["HeaderMismatch", "BodyMismatch"]
    assert "but was missing" in result.mismatches[1].message


def test_response_status_and_headers() -> None:
    expected = response({"ok": True}, status=201, headers={"Location": "/x"})
    assert match_response(
        expected, response({"ok": True, "extra": 1}, status=201, headers={"Location": "/x"})
    ).ok
    result = match_response(expected, response({"ok": True}, status=200, headers={}))
    assert {m.kind for m in result.mismatches} == {"StatusMismatch", "HeaderMismatch"}


def test_body_type_mismatch() -> None:
    expected = request({"a": 1})
    actual = load_request(
        {"method": "POST", "path": "/", "headers": {"Content-Type": "text/plain"}, "body": "a=1"},
        SpecVersion.V3,
    )
    result = match_request(expected, actual)
    assert [(m.kind, m.message) for m in result.by_kind("BodyTypeMismatch")] == [
        (
            "BodyTypeMismatch",
            "Expected a body of 'application/json' but the actual content type was 'text/plain'",
        )
    ]
    assert [m["type"] for m in result.to_json()] == ["HeaderMismatch", "BodyTypeMismatch"]


def test_message_metadata() -> None:
    expected = message({"a": 1}, metadata={"contentType": "application/json", "topic": "t1"})
    assert match_message(
        expected,
        message(
            {"a": 1, "b": 2}, metadata={"contentType": "application/json", "topic": "t1", "x": 1}
        ),
    ).ok
    result = match_message(
        expected, message({"a": 1}, metadata={"contentType": "application/json"})
    )
    assert [(m.kind, m.path, m.message) for m in result.mismatches] == [
        ("MetadataMismatch", "topic", "Expected message metadata 'topic' but was missing")
    ]
    rules = {"metadata": {"topic": {"matchers": [{"match": "regex", "regex": "t\\d"}]}}}
    expected = message(
        {"a": 1}, metadata={"contentType": "application/json", "topic": "t1"}, rules=rules
    )
    assert match_message(
        expected, message({"a": 1}, metadata={"contentType": "application/json", "topic": "t7"})
    ).ok
    bad = match_message(
        expected, message({"a": 1}, metadata={"contentType": "application/json", "topic": "x"})
    )
    assert bad.mismatches[0].kind == "MetadataMismatch"
    assert bad.to_json()[0]["key"] == "topic"


def test_message_content_rules_category() -> None:
    rules = {"content": {"$.id": {"matchers": [{"match": "integer"}]}}}
    expected = message({"id": 1}, rules=rules)
    assert match_message(expected, message({"id": 99})).ok
    assert not match_message(expected, message({"id": "99"})).ok


def test_mismatch_describe() -> None:
    m = Mismatch("BodyMismatch", "$.a", 1, 2, "Expected 2 (Integer) to be equal to 1 (Integer)")
    assert str(m) == "$.a -> Expected 2 (Integer) to be equal to 1 (Integer)"


def test_structured_syntax_suffixes_share_their_format_but_other_types_differ() -> None:
    from accord.model import HttpResponse

    expected = HttpResponse(body=Body.of_json({"a": 1}))  # application/json
    hal = HttpResponse(
        headers={"Content-Type": ("application/hal+json",)},
        body=Body.of_json({"a": 1}, "application/hal+json"),
    )
    assert match_response(expected, hal).ok
    text = HttpResponse(body=Body.of_text('{"a": 1}', "text/plain"))
    (mismatch,) = match_response(expected, text).mismatches
    assert mismatch.kind == "BodyTypeMismatch"
