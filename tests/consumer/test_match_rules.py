"""Every matcher and generator produces the example, rules and generators the spec defines,
at the right path and category, in V4, V3 and the flat V2 form."""

from __future__ import annotations

from typing import Any

import pytest

from accord import generate, match
from accord.consumer import Pact, xml
from accord.errors import ContractDefinitionError
from accord.model import SpecVersion, dump_interaction


def response_json(body: Any, version: str = "V4", **kw: Any) -> dict[str, Any]:
    pact = Pact("web", "api").with_specification(version)
    (
        pact.upon_receiving("an interaction")
        .with_request("GET", "/")
        .will_respond_with(200)
        .with_body(body, **kw)
    )
    (model,) = pact.interactions()
    return dump_interaction(model, SpecVersion.parse(version))["response"]


def rules_of(body: Any, version: str = "V4") -> dict[str, Any]:
    return {
        path: value["matchers"]
        for path, value in response_json(body, version)["matchingRules"]["body"].items()
    }


def example_of(body: Any) -> Any:
    return response_json(body, "V3")["body"]


@pytest.mark.parametrize(
    "matcher,example,rules",
    [
        (match.like(5), 5, [{"match": "type"}]),
        (match.type("x"), "x", [{"match": "type"}]),
        (match.integer(7), 7, [{"match": "integer"}]),
        (match.int(7), 7, [{"match": "integer"}]),
        (match.decimal(1.5), 1.5, [{"match": "decimal"}]),
        (match.float(1.5), 1.5, [{"match": "decimal"}]),
        (match.number(3), 3, [{"match": "number"}]),
        (match.boolean(False), False, [{"match": "boolean"}]),
        (match.bool(True), True, [{"match": "boolean"}]),
        (match.string("s"), "s", [{"match": "type"}]),
        (match.str("s"), "s", [{"match": "type"}]),
        (match.regex("abc", r"[a-c]+"), "abc", [{"match": "regex", "regex": "[a-c]+"}]),
        (match.regex("abc", regex=r"[a-c]+"), "abc", [{"match": "regex", "regex": "[a-c]+"}]),
        (match.includes("needle"), "needle", [{"match": "include", "value": "needle"}]),
        (match.null(), None, [{"match": "null"}]),
        (match.none(), None, [{"match": "null"}]),
        (match.equality("exact"), "exact", [{"match": "equality"}]),
        (match.equal(1), 1, [{"match": "equality"}]),
        (match.semver("1.2.3"), "1.2.3", [{"match": "semver"}]),
        (match.not_empty("x"), "x", [{"match": "notEmpty"}]),
        (match.values({"a": 1}), {"a": 1}, [{"match": "values"}]),
        (
            match.content_type("image/png", "aGk="),
            "aGk=",
            [{"match": "contentType", "value": "image/png"}],
        ),
        (
            match.date("2024-02-29", "%Y-%m-%d"),
            "2024-02-29",
            [{"match": "date", "format": "yyyy-MM-dd"}],
        ),
        (
            match.date("29/02/2024", "dd/MM/yyyy"),
            "29/02/2024",
            [{"match": "date", "format": "dd/MM/yyyy"}],
        ),
        (match.time("10:20:30"), "10:20:30", [{"match": "time", "format": "HH:mm:ss"}]),
        (
            match.datetime("2024-01-02T03:04:05", "%Y-%m-%dT%H:%M:%S"),
            "2024-01-02T03:04:05",
            [{"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss"}],
        ),
        (
            match.email("a@b.io"),
            "a@b.io",
            [{"match": "regex", "regex": match.email().rules[0].params["regex"]}],
        ),
        (
            match.ipv4("10.0.0.1"),
            "10.0.0.1",
            [{"match": "regex", "regex": match.ipv4().rules[0].params["regex"]}],
        ),
        (
            match.ipv6("::1"),
            "::1",
            [{"match": "regex", "regex": match.ipv6().rules[0].params["regex"]}],
        ),
        (match.hexadecimal("cafe"), "cafe", [{"match": "regex", "regex": "^[0-9a-fA-F]+$"}]),
    ],
)
def test_matcher_rule_json(matcher, example, rules):
    assert example_of({"v": matcher}) == {"v": example}
    assert rules_of({"v": matcher}) == {"$.v": rules}


def test_date_objects_are_formatted_with_the_format():
    import datetime as dt

    assert example_of({"d": match.date(dt.date(2024, 5, 6), "%d.%m.%Y")}) == {"d": "06.05.2024"}


def test_integer_range_is_a_real_rule_and_a_generator_without_example():
    with_example = rules_of({"n": match.integer(5, min=1, max=10)})["$.n"]
    assert with_example[0] == {"match": "integer"}
    assert with_example[1]["match"] == "regex"
    import re

    pattern = re.compile(with_example[1]["regex"])
    assert all(bool(pattern.fullmatch(str(n))) == (1 <= n <= 10) for n in range(-20, 30))
    body = response_json({"n": match.integer(min=3, max=9)})
    assert body["body"]["content"] == {"n": 3}
    assert body["generators"]["body"]["$.n"] == {"type": "RandomInt", "min": 3, "max": 9}


def test_string_size_is_a_rule():
    assert rules_of({"s": match.string("abcd", size=4)})["$.s"] == [
        {"match": "type"},
        {"match": "regex", "regex": r"^[\s\S]{4}$"},
    ]
    body = response_json({"s": match.string(size=5)})
    assert body["body"]["content"] == {"s": "abcde"}
    assert body["generators"]["body"]["$.s"] == {"type": "RandomString", "size": 5}


def test_each_like_example_has_min_copies_and_nested_rules_under_star():
    body = {"users": match.each_like({"id": match.integer(1), "name": "x"}, min=3, max=5)}
    assert example_of(body) == {"users": [{"id": 1, "name": "x"}] * 3}
    assert rules_of(body) == {
        "$.users": [{"match": "type", "min": 3, "max": 5}],
        "$.users[*].id": [{"match": "integer"}],
    }


def test_each_like_examples_count():
    assert example_of(match.each_like(1, min=1, max=5, examples=4)) == [1, 1, 1, 1]


def test_each_like_default_min_is_one_element():
    assert example_of(match.each_like(1)) == [1]
    assert rules_of(match.each_like(1)) == {"$": [{"match": "type", "min": 1}]}


def test_like_cascades_nested_matchers_and_odd_keys_are_quoted():
    body = match.like({"a b": {"c": match.integer(2)}, "list": [match.string("x")]})
    assert rules_of(body) == {
        "$": [{"match": "type"}],
        "$['a b'].c": [{"match": "integer"}],
        "$.list[0]": [{"match": "type"}],
    }


def test_and_combines_rules_on_one_value():
    body = {"v": match.regex("ab12", r"[a-z]+\d+") & match.includes("12")}
    assert rules_of(body) == {
        "$.v": [{"match": "regex", "regex": r"[a-z]+\d+"}, {"match": "include", "value": "12"}]
    }
    assert example_of(body) == {"v": "ab12"}


def test_array_containing_writes_variants_with_relative_rules():
    body = {
        "events": match.array_containing(
            [{"type": "a", "id": match.integer(1)}, {"type": match.regex("b", "[bc]")}]
        )
    }
    assert example_of(body) == {"events": [{"type": "a", "id": 1}, {"type": "b"}]}
    (rule,) = rules_of(body)["$.events"]
    assert rule == {
        "match": "arrayContains",
        "variants": [
            {"index": 0, "rules": {"$.id": {"matchers": [{"match": "integer"}]}}},
            {"index": 1, "rules": {"$.type": {"matchers": [{"match": "regex", "regex": "[bc]"}]}}},
        ],
    }


def test_each_key_and_each_value():
    body = {
        "m": match.each_key_matches({"k1": "v"}, rules=match.regex("k1", r"k\d+")),
        "n": match.each_value_matches({"a": "x1"}, rules=[match.regex("x1", r"x\d")]),
    }
    rules = rules_of(body)
    assert rules["$.m"] == [{"match": "eachKey", "rules": [{"match": "regex", "regex": r"k\d+"}]}]
    assert rules["$.n"] == [{"match": "eachValue", "rules": [{"match": "regex", "regex": r"x\d"}]}]


def test_values_frees_the_keys_but_compares_the_values_for_equality():
    from accord.matching import match_response
    from accord.model import Body, HttpResponse

    pact = Pact("web", "api")
    (pact.upon_receiving("values").with_request("GET", "/").will_respond_with(200)
     .with_body({"m": match.values({"a": 1, "b": "x"})}))
    (model,) = pact.interactions()

    def problems(m: dict[str, Any]) -> list[str]:
        actual = HttpResponse(status=200, headers={"Content-Type": ("application/json",)},
                              body=Body.of_json({"m": m}))
        return [x.message for x in match_response(model.response, actual).mismatches]

    assert problems({"z": 1, "b": "x", "a": 1}) == []  # other keys: compared with the first
    assert problems({"b": "y"}) == ["Expected 'y' (String) to be equal to 'x' (String)"]
    assert problems({"z": 2}) == ["Expected 2 (Integer) to be equal to 1 (Integer)"]


def test_generators_used_directly_bring_rules_and_stable_examples():
    body = {
        "i": generate.random_int(1, 5),
        "d": generate.random_decimal(4),
        "h": generate.random_hex(6),
        "s": generate.random_string(3),
        "b": generate.random_boolean(),
        "r": generate.regex(r"\d{3}"),
        "u": generate.uuid(),
        "day": generate.date("%Y-%m-%d", "today + 1 day"),
        "t": generate.time(),
        "ts": generate.datetime(),
        "p": generate.provider_state("${id}", 42),
        "url": generate.mock_server_url(r".*(/x)$", "http://localhost:1/x"),
    }
    resp = response_json(body)
    assert resp["body"]["content"] == {
        "i": 1,
        "d": 12.5,
        "h": "012345",
        "s": "abc",
        "b": True,
        "r": "111",
        "u": "e2490de5-5bd3-43d5-b7c4-526e33f71304",
        "day": "2000-02-01",
        "t": "13:45:30",
        "ts": "2000-02-01T13:45:30+0000",
        "p": 42,
        "url": "http://localhost:1/x",
    }
    gens = resp["generators"]["body"]
    assert gens["$.i"] == {"type": "RandomInt", "min": 1, "max": 5}
    assert gens["$.d"] == {"type": "RandomDecimal", "digits": 4}
    assert gens["$.h"] == {"type": "RandomHexadecimal", "digits": 6}
    assert gens["$.s"] == {"type": "RandomString", "size": 3}
    assert gens["$.b"] == {"type": "RandomBoolean"}
    assert gens["$.r"] == {"type": "Regex", "regex": r"\d{3}"}
    assert gens["$.u"] == {"type": "Uuid", "format": "lower-case-hyphenated"}
    assert gens["$.day"] == {"type": "Date", "format": "yyyy-MM-dd", "expression": "today + 1 day"}
    assert gens["$.t"] == {"type": "Time", "format": "HH:mm:ss"}
    assert gens["$.ts"] == {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ssZ"}
    assert gens["$.p"] == {"type": "ProviderState", "expression": "${id}", "dataType": "INTEGER"}
    assert gens["$.url"] == {
        "type": "MockServerURL",
        "regex": ".*(/x)$",
        "example": "http://localhost:1/x",
    }
    rules = rules_of(body)
    assert rules["$.i"][0] == {"match": "integer"}
    assert rules["$.b"] == [{"match": "boolean"}]
    assert rules["$.day"] == [{"match": "date", "format": "yyyy-MM-dd"}]
    assert rules["$.p"] == [{"match": "type"}]


def test_matchers_without_examples_attach_generators():
    resp = response_json(
        {
            "u": match.uuid(),
            "b": match.boolean(),
            "h": match.hexadecimal(digits=4),
            "d": match.decimal(),
            "dt": match.datetime(format="%Y"),
            "r": match.regex(pattern=r"[A-Z]{2}"),
            "s": match.string(),
            "i": match.integer(),
        }
    )
    gens = resp["generators"]["body"]
    assert set(gens) == {"$.u", "$.b", "$.h", "$.d", "$.dt", "$.r", "$.s", "$.i"}
    assert gens["$.s"] == {"type": "RandomString"}
    assert gens["$.i"] == {"type": "RandomInt"}
    assert gens["$.dt"] == {"type": "DateTime", "format": "yyyy"}
    assert resp["body"]["content"]["r"] == "AA"


def test_generator_argument_on_a_matcher():
    resp = response_json({"name": match.string("Al", generator=generate.random_string(2))})
    assert resp["generators"]["body"]["$.name"] == {"type": "RandomString", "size": 2}
    assert resp["body"]["content"] == {"name": "Al"}


def test_url_and_from_provider_state():
    resp = response_json(
        {"self": match.url("/orders/1"), "id": match.from_provider_state("${orderId}", 1)}
    )
    assert resp["body"]["content"] == {"self": "http://localhost:8080/orders/1", "id": 1}
    assert resp["generators"]["body"]["$.self"] == {
        "type": "MockServerURL",
        "regex": ".*(/orders/1)$",
        "example": "http://localhost:8080/orders/1",
    }


def test_v3_uses_flat_body_and_category_rules():
    resp = response_json({"id": match.integer(1)}, "V3")
    assert resp["body"] == {"id": 1}
    assert resp["matchingRules"] == {"body": {"$.id": {"matchers": [{"match": "integer"}]}}}


def test_v2_writes_flat_rules_and_drops_generators():
    resp = response_json(
        {
            "id": match.like(1),
            "code": match.regex("ab", "[a-z]+"),
            "items": match.each_like("x", min=2),
            "g": generate.random_string(2),
        },
        "V2",
    )
    assert resp["matchingRules"] == {
        "$.body.id": {"match": "type"},
        "$.body.code": {"match": "regex", "regex": "[a-z]+"},
        "$.body.items": {"match": "type", "min": 2},
        "$.body.g": {"match": "type"},
    }
    assert "generators" not in resp


def test_v2_rejects_rules_it_cannot_hold_naming_the_interaction():
    from accord.errors import ContractDefinitionError

    with pytest.raises(ContractDefinitionError, match=r"an interaction.*V3"):
        response_json({"id": match.integer(1)}, "V2")


def test_headers_query_path_and_status_rules():
    pact = Pact("web", "api")
    (
        pact.upon_receiving("all the places")
        .with_request("GET", match.regex("/users/12", r"/users/\d+"))
        .with_query_parameter("page", match.integer(2))
        .with_query_parameter("tag", ["a", "b"])
        .with_header("X-Id", match.uuid())
        .will_respond_with(match.status_code("success", 201))
        .with_header("Location", match.url("/users/12"))
    )
    (model,) = pact.interactions()
    data = dump_interaction(model, SpecVersion.V4)
    req, resp = data["request"], data["response"]
    assert req["path"] == "/users/12"
    assert req["query"] == {"page": ["2"], "tag": ["a", "b"]}
    assert req["matchingRules"]["path"] == {
        "matchers": [{"match": "regex", "regex": r"/users/\d+"}]
    }
    assert req["matchingRules"]["query"] == {"page": {"matchers": [{"match": "integer"}]}}
    assert req["matchingRules"]["header"]["X-Id"]["matchers"][0]["match"] == "regex"
    assert req["generators"]["header"]["X-Id"]["type"] == "Uuid"
    assert resp["status"] == 201
    assert resp["matchingRules"]["status"] == {
        "matchers": [{"match": "statusCode", "status": "success"}]
    }
    assert resp["generators"]["header"]["Location"]["type"] == "MockServerURL"


def test_path_from_provider_state():
    pact = Pact("web", "api")
    (
        pact.upon_receiving("a user by state")
        .given("a user", id=5)
        .with_request("GET", match.from_provider_state("/users/${id}", "/users/5"))
        .will_respond_with(200)
    )
    (model,) = pact.interactions()
    req = dump_interaction(model, SpecVersion.V4)["request"]
    assert req["path"] == "/users/5"
    assert req["generators"] == {
        "path": {"type": "ProviderState", "expression": "/users/${id}", "dataType": "STRING"}
    }


def test_xml_body_rules_at_xml_paths():
    root = xml.element(
        "users",
        xml.element(
            "user", xml.element("name", text=match.string("Alice")), attrs={"id": match.integer(1)}
        ).each(min=2),
    )
    resp = response_json(root, content_type="application/xml")
    assert resp["body"]["contentType"] == "application/xml"
    assert resp["body"]["content"].count('<user id="1"><name>Alice</name></user>') == 2
    assert {p: v["matchers"] for p, v in resp["matchingRules"]["body"].items()} == {
        "$.users": [{"match": "type", "min": 2}],
        "$.users.user": [{"match": "type"}],
        "$.users.user['@id']": [{"match": "integer"}],
        "$.users.user.name['#text']": [{"match": "type"}],
    }


def test_xml_body_is_pact_pythons_description_and_keeps_the_rules():
    root = xml.element(
        "users",
        xml.element(
            "user", xml.element("name", text=match.string("Alice")), attrs={"id": match.integer(1)}
        ).each(min=2),
    )
    described = xml.body(root)
    repeated = described["root"]["children"][0]
    assert repeated["pact:matcher:type"] == "type" and repeated["min"] == 2
    assert repeated["examples"] == 2 and repeated["value"]["name"] == "user"
    assert repeated["value"]["children"][0]["children"][0]["content"] == "Alice"
    # the same body and rules as the element itself
    assert (response_json(described, content_type="application/xml")
            == response_json(root, content_type="application/xml"))
    with pytest.raises(ContractDefinitionError, match=r"xml\.element"):
        xml.body("<users/>")  # type: ignore[arg-type]


def test_xml_each_bounds_count_the_repeated_elements():
    from accord.matching import match_response
    from accord.model import Body

    pact = Pact("web", "api")
    root = xml.element(
        "users",
        xml.element("user", xml.element("name", text="Alice"), attrs={"id": match.integer(1)}).each(
            min=2, max=3
        ),
    )
    pact.upon_receiving("users").with_request("GET", "/").will_respond_with(200).with_body(
        root, "application/xml"
    )
    (model,) = pact.interactions()
    expected = model.response

    def actual(users: str):
        xml_text = f'<?xml version="1.0"?><users>{users}</users>'
        return expected.__class__(
            status=200,
            headers={"Content-Type": ("application/xml",)},
            body=Body.of_bytes(xml_text.encode(), "application/xml"),
        )

    user = '<user id="{}"><name>Bob</name></user>'
    assert match_response(expected, expected).ok
    assert match_response(expected, actual(user.format(5) + user.format(6))).ok
    assert not match_response(expected, actual(user.format(5))).ok
    assert not match_response(expected, actual(user.format(1) * 4)).ok
    assert not match_response(expected, actual(user.format("x") * 2)).ok


def test_xml_root_cannot_repeat():
    from accord.errors import ContractDefinitionError

    with pytest.raises(ContractDefinitionError, match="root element <r> cannot repeat"):
        response_json(xml.element("r").each(min=2), content_type="application/xml")


def test_form_and_multipart_and_binary_bodies(tmp_path):
    pact = Pact("web", "api")
    (
        pact.upon_receiving("a form")
        .with_request("POST", "/f")
        .with_form({"name": match.regex("al", "[a-z]+"), "n": "1"})
        .will_respond_with(204)
    )
    f = tmp_path / "pic.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 8)
    (
        pact.upon_receiving("an upload")
        .with_request("POST", "/u")
        .with_multipart_file("file", f, "image/png")
        .will_respond_with(201)
    )
    (
        pact.upon_receiving("bytes")
        .with_request("GET", "/b")
        .will_respond_with(200)
        .with_binary_body(b"\x00\x01\xff", "application/octet-stream")
    )
    form, upload, binary = (dump_interaction(m, SpecVersion.V4) for m in pact.interactions())
    assert form["request"]["body"]["content"] == "name=al&n=1"
    assert form["request"]["headers"]["Content-Type"] == ["application/x-www-form-urlencoded"]
    assert form["request"]["matchingRules"]["body"] == {
        "$.name": {"matchers": [{"match": "regex", "regex": "[a-z]+"}]}
    }
    assert upload["request"]["headers"]["Content-Type"][0].startswith(
        "multipart/form-data; boundary="
    )
    assert upload["request"]["matchingRules"]["body"] == {
        "$.file": {"matchers": [{"match": "contentType", "value": "image/png"}]}
    }
    assert (
        upload["request"]["matchingRules"]["header"]["Content-Type"]["matchers"][0]["match"]
        == "regex"
    )
    assert binary["response"]["body"] == {
        "content": "AAH/",
        "contentType": "application/octet-stream",
        "encoded": "base64",
    }


def test_v4_annotations_and_multiple_states():
    pact = Pact("web", "api")
    (
        pact.upon_receiving("annotated")
        .given("a", {"x-y": 1})
        .given("b", id=2)
        .with_request("GET", "/")
        .will_respond_with(200)
        .with_comment("see JIRA-1")
        .test_name("test_annotated")
        .with_key("k1")
        .pending()
        .add_external_reference("jira", "ticket", "JIRA-1")
    )
    (data,) = (dump_interaction(m, SpecVersion.V4) for m in pact.interactions())
    assert data["providerStates"] == [
        {"name": "a", "params": {"x-y": 1}},
        {"name": "b", "params": {"id": 2}},
    ]
    assert data["comments"] == {
        "text": ["see JIRA-1"],
        "testname": "test_annotated",
        "references": {"jira": {"ticket": "JIRA-1"}},
    }
    assert data["key"] == "k1" and data["pending"] is True


def test_pact_python_spellings():
    pact = Pact("web", "api")
    (
        pact.upon_receiving("spellings", interaction="HTTP")
        .with_request("POST", "/x")
        .with_headers([("A", "1"), ("B", "2")])
        .with_query_parameters({"q": "1"})
        .with_body('{"a": 1}', "application/json")
        .will_respond_with(200)
        .set_header("C", "3")
        .set_key("k")
        .set_pending(pending=True)
        .set_comment("owner", "team-a")
        .add_text_comment("hello")
    )
    (data,) = (dump_interaction(m, SpecVersion.V4) for m in pact.interactions())
    assert data["request"]["body"]["content"] == {"a": 1}
    assert data["request"]["headers"] == {
        "A": ["1"],
        "B": ["2"],
        "Content-Type": ["application/json"],
    }
    assert data["response"]["headers"] == {"C": ["3"]}
    assert data["comments"] == {"owner": "team-a", "text": ["hello"]}


def test_raw_matching_rules_and_generators():
    pact = Pact("web", "api")
    (
        pact.upon_receiving("raw")
        .with_request("GET", "/")
        .will_respond_with(200)
        .with_body({"a": 1})
        .with_matching_rules({"body": {"$.a": {"matchers": [{"match": "integer"}]}}})
        .with_generators({"body": {"$.a": {"type": "RandomInt", "min": 0, "max": 3}}})
    )
    (data,) = (dump_interaction(m, SpecVersion.V4) for m in pact.interactions())
    assert data["response"]["matchingRules"]["body"]["$.a"] == {"matchers": [{"match": "integer"}]}
    assert data["response"]["generators"]["body"]["$.a"]["type"] == "RandomInt"


def test_metadata_and_specification():
    pact = Pact("web", "api").with_specification("v3").with_metadata("team", {"owner": "a"})
    assert pact.specification is SpecVersion.V3
    pact.upon_receiving("x").with_request("GET", "/").will_respond_with(200)
    model = pact.to_model(recorded_only=False)
    assert model.metadata == {"team": {"owner": "a"}}
    assert model.spec_version is SpecVersion.V3


def test_given_first_chain_style():
    from accord.errors import ContractDefinitionError

    pact = Pact("web", "api")
    (
        pact.given("a user", id=1)
        .upon_receiving("given first")
        .with_request("GET", "/u/1")
        .will_respond_with(200)
    )
    (model,) = pact.interactions()
    assert model.description == "given first"
    assert model.provider_states[0].params == {"id": 1}
    pact.given("no description")
    with pytest.raises(ContractDefinitionError, match="no description"):
        pact.interactions()
